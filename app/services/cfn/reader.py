"""Reading cfn inputs from files: YAML with CloudFormation's short tags, or JSON, with a line for every key.

Two YAML 1.1 habits would corrupt assignments, so the loader drops them: a number written
with a leading zero (``012345670123`` is octal to YAML 1.1), ``0o``, ``0x`` or ``1:30`` stays
the text that was written, and dates stay strings (``Version: 2012-10-17`` must reach IAM as
written). Every key and list item keeps its line, so schema errors can say ``file:line``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from app.services.cfn.located import Document, KeyPath, dotted
from app.services.errors import InvalidInput

# Short forms of CloudFormation intrinsic functions (``!Ref`` and ``!Condition`` are not ``Fn::``).
FUNCTIONS = frozenset({
    "And", "Base64", "Cidr", "Equals", "FindInMap", "ForEach", "GetAZs", "GetAtt", "If", "ImportValue",
    "Join", "Length", "Not", "Or", "Select", "Split", "Sub", "ToJsonString", "Transform",
})
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")


class _Loader(yaml.SafeLoader):
    """SafeLoader with CloudFormation tags, text-preserving integers and no timestamps."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int | str:
    text = loader.construct_scalar(node)
    return int(text) if _DECIMAL.match(text) else text


def _construct_tag(loader: _Loader, suffix: str, node: yaml.Node) -> dict:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix in ("Ref", "Condition"):
        return {suffix: value}
    if suffix not in FUNCTIONS:
        raise yaml.constructor.ConstructorError(None, None, f"unknown tag !{suffix}", node.start_mark)
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_multi_constructor("!", _construct_tag)


def load_file(path: Path) -> list[Document]:
    """Every document in ``path`` (a YAML stream may hold several; JSON holds one)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{path}: not UTF-8 text") from None
    return load_text(text, str(path))


def load_text(text: str, name: str) -> list[Document]:
    try:
        return _documents(text, name)
    except RecursionError:  # thousands of [[[...]]], or an alias inside itself (Groups: &a [*a])
        raise InvalidInput(f"{name}: nested too deeply (or an alias contains itself)") from None


def _documents(text: str, name: str) -> list[Document]:
    if text.lstrip()[:1] in ("{", "["):
        try:
            data = json.loads(text, object_pairs_hook=_unique_keys(name))
        except json.JSONDecodeError:
            pass  # YAML flow style, not JSON: fall through
        else:
            # Raw tabs can only be whitespace in valid JSON, and YAML refuses them there.
            return [Document(name, data, _json_lines(text.replace("\t", " ")))]
    loader = _Loader(text)
    documents = []
    try:
        while loader.check_node():
            node = loader.get_node()
            lines: dict[KeyPath, int] = {}
            _walk(node, (), lines, name)
            documents.append(Document(name, loader.construct_document(node), lines))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{name}:{mark.line + 1}" if mark else name
        raise InvalidInput(f"{where}: not valid YAML: {error.problem or error.context}") from None
    except yaml.YAMLError as error:
        raise InvalidInput(f"{name}: not valid YAML: {error}") from None
    finally:
        loader.dispose()
    return documents or [Document(name, None)]


def _walk(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int], name: str) -> None:
    """Record the line of every key and item; refuse duplicate keys (YAML keeps the last silently)."""
    if node.tag.startswith("!"):
        return
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.value == "<<":
                continue
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                raise InvalidInput(f"{name}:{line}: {dotted(path + (key,))}: duplicate key (first at line {seen[key]})")
            seen[key] = line
            lines[path + (key,)] = line
            _walk(value_node, path + (key,), lines, name)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[path + (index,)] = item.start_mark.line + 1
            _walk(item, path + (index,), lines, name)


def _json_lines(text: str) -> dict[KeyPath, int]:
    lines: dict[KeyPath, int] = {}
    try:
        _walk(yaml.compose(text, Loader=yaml.SafeLoader), (), lines, "")
    except (yaml.YAMLError, InvalidInput):
        return {}  # valid JSON that YAML 1.1 cannot compose: errors then name the key path only
    return lines


def _unique_keys(name: str):
    def hook(pairs: list[tuple[str, Any]]) -> dict:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise InvalidInput(f"{name}: duplicate key {key!r}")
            result[key] = value
        return result

    return hook
