"""Untrusted names made safe to show: control characters become visible escapes.

Account, role and principal names come from an organisation's administrators. An ESC could
recolour or rewrite the terminal, a CR hide the start of a line, a bidi override reorder
what is read; every face shows names through ``printable`` so they are seen, not obeyed.
"""

from __future__ import annotations

import re
from functools import cache

# C0, DEL and C1 controls; the format characters that reorder text (bidi marks, embeddings,
# overrides and isolates); the Unicode line and paragraph separators.
UNSAFE_CHARACTERS = "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    return _escape_any(match.group())


@cache
def unsafe() -> re.Pattern[str]:
    """The pattern of ``UNSAFE_CHARACTERS``, made when a name first needs it (nearly every
    name is printable, and making it takes a millisecond of the app's start)."""
    return re.compile(UNSAFE_CHARACTERS)


def printable(text: str) -> str:
    """``text`` with every control or reordering character shown as an escape (``\\x1b``)."""
    return text if text.isprintable() else unsafe().sub(_escape, text)


def has_unsafe(text: str) -> bool:
    return not text.isprintable() and unsafe().search(text) is not None


def one_line(text: str) -> str:
    """``text`` with every character that is not printable shown as an escape, line breaks and
    all: safe to end a code comment with (YAML and HCL comments run to the end of the line,
    and YAML refuses some characters even there)."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else _escape_any(char) for char in text)


def _escape_any(char: str) -> str:
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
