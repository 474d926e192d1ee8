"""Template data to text: block-style YAML or JSON.

PyYAML's dumper is not used for output, for two reasons. It writes ``TargetId: 012345678901``
unquoted (YAML 1.1 reads it as a string, YAML 1.2 readers as the number 12345678901), and it
needs about 2.7 s for 10,000 assignments even with libyaml, far beyond the time budget. The
data here is plain JSON-shaped (dicts, lists, strings, numbers, booleans), so a small
emitter suffices: a string is written plain only when no YAML reader can take it for
anything else, and otherwise as a JSON string, which is a valid YAML double-quoted scalar.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Plain only when it starts with a letter (so never a number, date or indicator), uses no
# character with a meaning in YAML (no "#", quotes, brackets or braces) and has no ": ".
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_./@+=():,-]*(?: [A-Za-z0-9_./@+=():,-]+)*\Z")
_RESERVED = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
# JSON leaves these raw, but YAML treats them as line breaks or refuses them.
_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def render(data: dict, fmt: str) -> str:
    """``fmt`` is ``"yaml"`` or ``"json"``; either way the text ends with a newline."""
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if not data:
        return "{}\n"
    out: list[str] = []
    _mapping(data, "", out, {})
    return "\n".join(out) + "\n"


def format_for(suffix: str) -> str:
    return "json" if suffix.lower().endswith(".json") else "yaml"


def _scalar(value: Any, cache: dict[str, str]) -> str:
    if isinstance(value, str):
        text = cache.get(value)
        if text is None:
            if _PLAIN.match(value) and value.lower() not in _RESERVED and ": " not in value and not value.endswith(":"):
                text = value
            else:
                text = _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))
            cache[value] = text
        return text
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return json.dumps(value)
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    raise TypeError(f"cannot write {type(value).__name__} into a template")


def _mapping(data: dict, pad: str, out: list[str], cache: dict[str, str]) -> None:
    deeper = pad + "  "
    for key, value in data.items():
        key_text = cache.get(key) or _scalar(key, cache)
        if type(value) is str:  # the common case first: most values are strings seen before
            out.append(f"{pad}{key_text}: {cache.get(value) or _scalar(value, cache)}")
        elif value and isinstance(value, dict):
            out.append(f"{pad}{key_text}:")
            _mapping(value, deeper, out, cache)
        elif value and isinstance(value, list):
            out.append(f"{pad}{key_text}:")
            _sequence(value, deeper, out, cache)
        else:
            out.append(f"{pad}{key_text}: {_scalar(value, cache)}")


def _sequence(items: list, pad: str, out: list[str], cache: dict[str, str]) -> None:
    width = len(pad) + 2
    for item in items:
        if item and isinstance(item, dict):
            first = len(out)
            _mapping(item, pad + "  ", out, cache)
            out[first] = f"{pad}- {out[first][width:]}"
        elif item and isinstance(item, list):
            out.append(f"{pad}-")
            _sequence(item, pad + "  ", out, cache)
        else:
            out.append(f"{pad}- {_scalar(item, cache)}")
