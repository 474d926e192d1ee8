"""Rows as CSV (RFC 4180, quoted where needed) or JSON: the exports both faces offer (the
app writes them to a file the user names), and the file formats the CLI prints."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.services.atomic import atomic_write
from app.services.errors import BadValue, SsodeckError


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


EXPORT_FORMATS = ("csv", "json")


class ExportExists(SsodeckError):
    """The file an export would write already exists (and replacing it was not asked for)."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} already exists")
        self.path = path


def export_path(text: str) -> Path:
    """The file a typed name means: ``~`` expanded, relative to the current directory."""
    path = Path(text.strip()).expanduser()
    return path if path.is_absolute() else Path.cwd() / path


def export_table(table: Table, path_text: str, fmt: str, *, replace: bool = False) -> Path:
    """Write ``table`` as CSV (with its header) or JSON to the file ``path_text`` names,
    atomically and private to its owner (0600); returns the absolute path written."""
    if not path_text.strip():
        raise BadValue("give a file name to export to")
    path = export_path(path_text)
    if path.is_dir():
        raise BadValue(f"{path} is a directory: give a file name")
    if path.exists() and not replace:
        raise ExportExists(path)
    text = to_json(table.keys, table.rows) if fmt == "json" else to_csv(table.headers, table.rows)
    atomic_write(path, text)
    return path
