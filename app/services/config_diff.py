"""The unified diff of a planned config edit, as ``--dry-run`` prints it.

difflib compares whole sequences; on a config of a quarter of a million lines that takes
seconds even when a dozen lines change. The renderer knows which stretches it rewrote
(everything else is copied), so each stretch is diffed with its context lines only, and the
hunk headers are moved to the stretch's place in the file. Stretches whose context would
touch are diffed together, which gives the hunks difflib gives for the whole file.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path

from app.services.config_render import Span

CONTEXT = 3  # lines around each change, as ``diff -u``
_HUNK = re.compile(r"@@ -(\d+)((?:,\d+)?) \+(\d+)((?:,\d+)?) @@")


def unified(path: Path, before: str, after: str, spans: Iterable[Span]) -> str:
    names: list[str] = []  # the ---/+++ lines, printed once
    hunks: list[str] = []
    line_before = line_after = at_before = at_after = 0  # line numbers of the offsets reached so far
    for start_before, end_before, start_after, end_after in _windows(before, after, spans):
        line_before += before.count("\n", at_before, start_before)
        line_after += after.count("\n", at_after, start_after)
        at_before, at_after = start_before, start_after
        diff = list(difflib.unified_diff(lines(before[start_before:end_before]), lines(after[start_after:end_after]), str(path), str(path), n=CONTEXT))
        names = names or diff[:2]
        hunks += [_moved(line, line_before, line_after) if line.startswith("@@") else line for line in diff[2:]]
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in names + hunks)


def lines(text: str) -> list[str]:
    """Lines split on newlines only (``str.splitlines`` would also split on form feeds etc.)."""
    return re.findall(r"[^\n]*\n|[^\n]+\Z", text)


def _windows(before: str, after: str, spans: Iterable[Span]) -> list[Span]:
    """Each rewritten stretch widened by CONTEXT unchanged lines each side; stretches whose
    widened ranges meet become one (difflib joins changes that close into one hunk)."""
    windows: list[Span] = []
    for start_before, end_before, start_after, end_after in sorted(spans):
        wide_start = _lines_back(before, start_before, CONTEXT)
        wide_end = _lines_on(before, end_before, CONTEXT)
        if windows and wide_start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], wide_end, windows[-1][2], end_after + wide_end - end_before)
        else:
            windows.append((wide_start, wide_end, start_after - (start_before - wide_start), end_after + wide_end - end_before))
    return windows


def _lines_back(text: str, at: int, count: int) -> int:
    for _ in range(count):
        if at == 0:
            break
        at = text.rfind("\n", 0, at - 1) + 1
    return at


def _lines_on(text: str, at: int, count: int) -> int:
    for _ in range(count):
        if at >= len(text):
            break
        end = text.find("\n", at)
        at = len(text) if end < 0 else end + 1
    return at


def _moved(header: str, lines_before: int, lines_after: int) -> str:
    match = _HUNK.match(header)
    if match is None:
        return header
    old, old_count, new, new_count = match.groups()
    return f"@@ -{int(old) + lines_before}{old_count} +{int(new) + lines_after}{new_count} @@" + header[match.end() :]
