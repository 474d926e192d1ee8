"""Rows to text: aligned table, separator-joined, CSV (properly quoted) or JSON."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from app.printable import printable
from app.services.tabular import to_csv, to_json

FORMATS = ("table", "csv", "json")


def render(
    headers: Sequence[str],
    keys: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    fmt: str,
    header: bool = True,
    sep: str | None = None,
    delimiter: str = ",",
) -> str:
    """Render rows; ``keys`` name the JSON fields in the same order as ``headers``."""
    if fmt == "json":
        return to_json(keys, rows)
    if fmt == "csv":
        return to_csv(headers, rows, header=header, delimiter=delimiter)
    # Human formats show names as they are seen, never as commands to the terminal; CSV and
    # JSON are data and keep them exact (JSON escapes control characters itself).
    lines = ([list(headers)] if header else []) + [[printable(cell) for cell in row] for row in rows]
    if sep is not None:
        return "".join(sep.join(line) + "\n" for line in lines)
    if not lines:
        return ""
    widths = [max(width_of(line[i]) for line in lines) for i in range(len(headers))]
    return "".join(" ".join(_pad(cell, width) for cell, width in zip(line, widths)).rstrip() + "\n" for line in lines)


def width_of(text: str) -> int:
    """Terminal cells: East Asian wide characters take two, combining marks none."""
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(cell: str, width: int) -> str:
    return cell + " " * (width - width_of(cell))


def joined(row: Sequence[str], sep: str) -> str:
    return sep.join(printable(cell) for cell in row) + "\n"
