"""Rows as CSV (RFC 4180, quoted where needed) or JSON: the exports both faces offer, and
the file formats the CLI prints."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    """Rows with their column headers and the JSON keys of the same columns."""

    headers: tuple[str, ...]
    keys: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def to_csv(headers: Sequence[str], rows: Sequence[Sequence[str]], *, header: bool = True, delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    if header:
        writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


def to_json(keys: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    return json.dumps([dict(zip(keys, row)) for row in rows], indent=2, ensure_ascii=False) + "\n"
