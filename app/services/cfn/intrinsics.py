"""CloudFormation values: literals or intrinsic functions, and the names an intrinsic refers to."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

PSEUDO_PARAMETERS = frozenset({
    "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region",
    "AWS::StackId", "AWS::StackName", "AWS::URLSuffix",
})
_SUB_VARIABLE = re.compile(r"\$\{(?!!)([^}]+)\}")


@dataclass(frozen=True, slots=True)
class Term:
    """A value for a template, compared by ``key``: what it means rather than how it is written.

    A literal's key is its normalised text (an instance or permission set by its IDs, so an
    ARN and the same ARN built with ``${AWS::Partition}`` are one value); an intrinsic's key
    is its canonical JSON.
    """

    key: str
    value: Any = field(compare=False)
    is_literal: bool = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "is_literal", isinstance(self.value, str))

    @classmethod
    def literal(cls, text: str) -> Term:
        return cls(text, text)

    @classmethod
    def expression(cls, value: Any) -> Term:
        return cls(canonical(value), value)


@dataclass(frozen=True, slots=True)
class Reference:
    """A name an intrinsic needs: a parameter or resource (``Ref``), a resource attribute, or a condition."""

    name: str
    attribute: str | None = None
    condition: bool = False


def is_intrinsic(value: Any) -> bool:
    if not isinstance(value, dict) or len(value) != 1:
        return False
    (key,) = value
    return key in ("Ref", "Condition") or (isinstance(key, str) and key.startswith("Fn::"))


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def references(value: Any) -> Iterator[Reference]:
    """Every name ``value`` refers to, pseudo parameters left out."""
    if isinstance(value, list):
        for item in value:
            yield from references(item)
        return
    if not isinstance(value, dict):
        return
    if is_intrinsic(value):
        ((function, argument),) = value.items()
        if function == "Ref" and isinstance(argument, str):
            if argument not in PSEUDO_PARAMETERS:
                yield Reference(argument)
            return
        if function == "Condition" and isinstance(argument, str):
            yield Reference(argument, condition=True)
            return
        if function == "Fn::GetAtt" and isinstance(argument, list) and argument and isinstance(argument[0], str):
            attribute = argument[1] if len(argument) > 1 and isinstance(argument[1], str) else None
            yield Reference(argument[0], attribute)
            yield from references(argument[1:])
            return
        if function == "Fn::If" and isinstance(argument, list) and argument and isinstance(argument[0], str):
            yield Reference(argument[0], condition=True)
            yield from references(argument[1:])
            return
        if function == "Fn::Sub":
            yield from _sub_references(argument)
            return
        yield from references(argument)
        return
    for item in value.values():
        yield from references(item)


def _sub_references(argument: Any) -> Iterator[Reference]:
    if isinstance(argument, str):
        text, variables = argument, {}
    elif isinstance(argument, list) and argument:
        text = argument[0]
        variables = argument[1] if len(argument) > 1 and isinstance(argument[1], dict) else {}
        yield from references(list(variables.values()))
    else:
        return
    if not isinstance(text, str):
        yield from references(text)
        return
    for match in _SUB_VARIABLE.finditer(text):
        name, _, attribute = match.group(1).strip().partition(".")
        if name not in variables and name not in PSEUDO_PARAMETERS:
            yield Reference(name, attribute or None)
