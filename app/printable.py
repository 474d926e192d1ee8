"""Untrusted names made safe to show: control characters become visible escapes.

Account, role and principal names come from an organisation's administrators. An ESC could
recolour or rewrite the terminal, a CR hide the start of a line, a bidi override reorder
what is read; every face shows names through ``printable`` so they are seen, not obeyed.
"""

from __future__ import annotations

import re

# C0, DEL and C1 controls; the format characters that reorder text (bidi marks, embeddings,
# overrides and isolates); the Unicode line and paragraph separators.
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control or reordering character shown as an escape (``\\x1b``)."""
    return text if text.isprintable() else UNSAFE.sub(_escape, text)


def has_unsafe(text: str) -> bool:
    return not text.isprintable() and UNSAFE.search(text) is not None
