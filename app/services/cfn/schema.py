"""Validation shared by both input formats: key aliases, identifiers, inline permission sets, settings.

Every check raises ``InvalidInput`` naming ``file:line: key``: unknown keys (with the nearest
known one), two aliases of one key, wrong types, malformed IDs. Nothing is silently dropped.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.services.cfn.identifiers import BadIdentifier, account_term, instance_term, ou_id, permission_set_term, principal_term
from app.services.cfn.intrinsics import Term, is_intrinsic
from app.services.cfn.located import Document, KeyPath
from app.services.cfn.model import InlinePermissionSet, OuTarget, Settings

INSTANCE_KEYS = ("Instance", "InstanceArn", "InstanceARN")
PERMISSION_SET_KEYS = ("PermissionSet", "PermissionSetArn", "PermissionSets", "PermissionSetArns")
SETTINGS_KEYS: dict[str, tuple[str, ...]] = {
    "num_child_stacks": ("NumChildStacks", "NumChildTemplates"),
    "max_assignments_allocation": ("MaxAssignmentsAllocation",),
    "default_session_duration": ("DefaultSessionDuration",),
    "max_resources_per_template": ("MaxResourcesPerTemplate",),
    "max_concurrent_assignments": ("MaxConcurrentAssignments",),
}
# Lowest allowed value of each integer setting (MaxResourcesPerTemplate is also capped at 500).
SETTING_MINIMUMS = {"num_child_stacks": 0, "max_assignments_allocation": 1, "max_resources_per_template": 1, "max_concurrent_assignments": 1}
PERMISSION_SET_TYPES = ("AWS::SSO::PermissionSet", "SSOUtil::SSO::PermissionSet")
PERMISSION_SET_PROPERTIES = frozenset({
    "Name", "InstanceArn", "Description", "SessionDuration", "RelayStateType", "ManagedPolicies",
    "CustomerManagedPolicyReferences", "InlinePolicy", "PermissionsBoundary", "Tags",
})
_PERMISSION_SET_NAME = re.compile(r"[\w+=,.@-]{1,32}\Z")
_DURATION = re.compile(r"PT(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+S)?\Z")


@dataclass
class Context:
    """What the command knows beyond the files: ``--ins``, and how to find an instance otherwise."""

    cli_instance: Term | None
    fallback_instance: Callable[[str], Term]  # given "file:line", returns the instance or raises


class Fields:
    """A mapping checked against an alias table: one alias per field, no unknown keys."""

    def __init__(self, doc: Document, path: KeyPath, mapping: Any, table: dict[str, tuple[str, ...]], what: str) -> None:
        if not isinstance(mapping, dict):
            raise doc.fail(path, f"expected a mapping of {what} keys, got {_kind(mapping)}")
        self.doc, self.path, self.mapping = doc, path, mapping
        known = {alias: field for field, aliases in table.items() for alias in aliases}
        for key in mapping:
            if key not in known:
                close = difflib.get_close_matches(str(key), list(known), n=1)
                hint = f" (did you mean {close[0]}?)" if close else f" (known: {', '.join(known)})"
                raise doc.fail(path + (key,), f"unknown key{hint}")
        self.found: dict[str, str] = {}
        for key in mapping:
            field = known[key]
            if field in self.found:
                raise doc.fail(path + (key,), f"same key as {self.found[field]}: give only one of {', '.join(table[field])}")
            self.found[field] = key

    def get(self, field: str) -> tuple[KeyPath, Any] | None:
        key = self.found.get(field)
        return None if key is None else (self.path + (key,), self.mapping[key])

    def items(self, field: str) -> list[tuple[KeyPath, Any]]:
        """A scalar or a list, as (path, item) pairs; an empty key gives none."""
        entry = self.get(field)
        if entry is None or entry[1] is None:
            return []
        path, value = entry
        if isinstance(value, list):
            return [(path + (index,), item) for index, item in enumerate(value)]
        return [(path, value)]


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}.get(type(value), "nothing" if value is None else type(value).__name__)


def _identifier(doc: Document, path: KeyPath, value: Any, parse: Callable[[Any], Term]) -> Term:
    if is_intrinsic(value):
        return Term.expression(value)
    try:
        return parse(value)
    except BadIdentifier as error:
        raise doc.fail(path, str(error)) from None


def principal_ids(fields: Fields, field: str) -> list[Term]:
    return [_identifier(fields.doc, path, value, principal_term) for path, value in fields.items(field)]


def account_ids(fields: Fields, field: str) -> list[Term]:
    return [_identifier(fields.doc, path, value, account_term) for path, value in fields.items(field)]


def ou_targets(fields: Fields, field: str, *, recursive: bool) -> list[OuTarget]:
    targets = []
    for path, value in fields.items(field):
        if is_intrinsic(value):
            raise fields.doc.fail(path, "OU IDs must be written out: their accounts are listed when generating")
        try:
            targets.append(OuTarget(ou_id(value), recursive, fields.doc.where(path)))
        except BadIdentifier as error:
            raise fields.doc.fail(path, str(error)) from None
    return targets


def instance(fields: Fields, context: Context) -> Term:
    """The group's instance: its own key (which must agree with --ins), else --ins, else found."""
    entry = fields.get("instance")
    if entry is None or entry[1] is None:
        return context.cli_instance or context.fallback_instance(fields.doc.where(fields.path))
    path, value = entry
    if isinstance(value, str):
        term = _identifier(fields.doc, path, value, instance_term)
    elif is_intrinsic(value):
        term = Term.expression(value)
    else:
        raise fields.doc.fail(path, f"expected an instance ARN or ID, got {_kind(value)}")
    if context.cli_instance is not None and context.cli_instance.key != term.key:
        raise fields.doc.fail(path, f"differs from --ins {context.cli_instance.key}; give one instance")
    return term


def permission_sets(fields: Fields, field: str, instance_term_: Term) -> list[Term | InlinePermissionSet]:
    result: list[Term | InlinePermissionSet] = []
    for path, value in fields.items(field):
        if is_intrinsic(value):
            result.append(Term.expression(value))
        elif isinstance(value, dict):
            result.append(inline_permission_set(fields.doc, path, value))
        elif isinstance(value, str):
            result.append(_identifier(fields.doc, path, value, lambda text: permission_set_term(text, instance_term_)))
        else:
            raise fields.doc.fail(path, f"expected a permission set ARN, ID or definition, got {_kind(value)}")
    return result


def inline_permission_set(doc: Document, path: KeyPath, value: dict) -> InlinePermissionSet:
    """``{Name: ..., ...}`` properties, or a whole ``{Type, Properties}`` resource."""
    properties_path = path
    if "Type" in value:
        resource = Fields(doc, path, value, {"type": ("Type",), "properties": ("Properties",)}, "resource")
        type_path, type_ = resource.get("type")
        if type_ not in PERMISSION_SET_TYPES:
            raise doc.fail(type_path, f"expected {' or '.join(PERMISSION_SET_TYPES)}, got {type_!r}")
        entry = resource.get("properties")
        if entry is None:
            raise doc.fail(path, "a permission set resource needs Properties")
        properties_path, value = entry
    if not isinstance(value, dict):
        raise doc.fail(properties_path, f"expected permission set properties, got {_kind(value)}")
    for key in value:
        if key not in PERMISSION_SET_PROPERTIES:
            close = difflib.get_close_matches(str(key), sorted(PERMISSION_SET_PROPERTIES), n=1)
            raise doc.fail(properties_path + (key,), "not a permission set property" + (f" (did you mean {close[0]}?)" if close else ""))
    name = value.get("Name")
    if is_intrinsic(name):
        name_term = Term.expression(name)
    elif isinstance(name, str) and _PERMISSION_SET_NAME.match(name):
        name_term = Term.literal(name)
    else:
        raise doc.fail(properties_path + (("Name",) if "Name" in value else ()), "a permission set needs a Name of 1 to 32 letters, digits or +=,.@_-")
    return InlinePermissionSet(name_term, dict(value), doc.where(path))


def check_duration(text: Any) -> str:
    """An ISO 8601 duration such as PT8H (Identity Center allows 1 to 12 hours)."""
    if isinstance(text, str) and _DURATION.match(text):
        return text
    raise BadIdentifier(f"not a session duration: {text!r} (expected an ISO 8601 duration such as PT8H)")


def settings(fields: Fields) -> Settings:
    values: dict[str, Any] = {}
    for field in SETTINGS_KEYS:
        entry = fields.get(field)
        if entry is None:
            continue
        path, value = entry
        try:
            values[field] = check_setting(field, value)
        except BadIdentifier as error:
            raise fields.doc.fail(path, str(error)) from None
    return Settings(**values)


def check_setting(field: str, value: Any) -> Any:
    if field == "default_session_duration":
        return check_duration(value)
    lowest = SETTING_MINIMUMS[field]
    if isinstance(value, bool) or not isinstance(value, int) or value < lowest:
        raise BadIdentifier(f"expected a whole number of at least {lowest}, got {value!r}")
    if field == "max_resources_per_template" and value > 500:
        raise BadIdentifier(f"CloudFormation allows at most 500 resources per template, not {value}")
    return value
