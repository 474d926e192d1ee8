"""A table whose cells lead somewhere: ←→ pick a cell, Enter follows its link (an account,
a principal, a permission set), which is how the explorer drills down between its views.

Names are shown as rich ``Text`` (never parsed as markup) through ``printable``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import DataTable

from app.printable import printable
from app.services.admin.pivots import Column, Link

R = TypeVar("R")
WIDTH_CAP = 34


class LinkTable(DataTable, Generic[R]):
    DEFAULT_CSS = """
    LinkTable {
        background: $surface;
    }
    """

    class Followed(Message):
        """Enter on a cell that leads somewhere."""

        def __init__(self, table: LinkTable, link: Link) -> None:
            super().__init__()
            self.table, self.link = table, link

        @property
        def control(self) -> LinkTable:
            return self.table

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="cell", zebra_stripes=False)
        self.links: list[list[Link | None]] = []

    def show(self, columns: Sequence[Column[R]], rows: Sequence[R]) -> None:
        """Replace the table with ``rows`` shown in ``columns``, the cursor at the top left."""
        self.clear(columns=True)
        texts = [[printable(column.value(row)) for column in columns] for row in rows]
        for number, column in enumerate(columns):
            widest = max((cell_len(line[number]) for line in texts[:2000]), default=0)
            self.add_column(column.title, width=max(len(column.title), min(widest, WIDTH_CAP)))
        self.add_rows([[Text(cell, no_wrap=True, overflow="ellipsis") for cell in line] for line in texts])
        self.links = [[column.link(row) for column in columns] for row in rows]

    @property
    def current_link(self) -> Link | None:
        row, column = self.cursor_coordinate
        return self.links[row][column] if 0 <= row < len(self.links) and 0 <= column < len(self.links[row]) else None

    @on(DataTable.CellSelected)
    def _selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        link = self.current_link
        if link is not None:
            self.post_message(self.Followed(self, link))
