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
WIDTH_CAP = 34  # no column wider than this
WIDTH_FLOOR = 12  # columns shrink to fit the table, but not below this (an account ID's width)


def fitted(natural: Sequence[int], available: int) -> list[int]:
    """Column widths that fit ``available`` cells by narrowing the widest columns first,
    none below WIDTH_FLOOR (or its natural width); a table that still does not fit scrolls."""
    widths = list(natural)
    floors = [min(width, WIDTH_FLOOR) for width in widths]
    while sum(widths) > available:
        widest = max(range(len(widths)), key=lambda n: (widths[n] - floors[n], widths[n]))
        if widths[widest] <= floors[widest]:
            break
        widths[widest] -= 1
    return widths


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
        self.shown: tuple[Sequence[Column[R]], Sequence[R]] = ((), ())

    def show(self, columns: Sequence[Column[R]], rows: Sequence[R]) -> None:
        """Replace the table with ``rows`` shown in ``columns``, the cursor at the top left;
        the columns share the table's width."""
        self.shown = (columns, rows)
        self.clear(columns=True)
        texts = [[printable(column.value(row)) for column in columns] for row in rows]
        natural = [max(len(column.title), min(max((cell_len(line[n]) for line in texts[:2000]), default=0), WIDTH_CAP))
                   for n, column in enumerate(columns)]  # fmt: skip
        # the width left once a vertical scrollbar shows (it may appear with these rows)
        room = self.size.width - self.styles.scrollbar_size_vertical - 2 * self.cell_padding * len(columns)
        for column, width in zip(columns, fitted(natural, room) if room > 0 else natural):
            self.add_column(column.title, width=width)
        self.add_rows([[Text(cell, no_wrap=True, overflow="ellipsis") for cell in line] for line in texts])
        self.links = [[column.link(row) for column in columns] for row in rows]

    def on_resize(self) -> None:
        if self.shown[0]:
            self.show(*self.shown)

    @property
    def current_link(self) -> Link | None:
        row, column = self.cursor_coordinate
        return self.links[row][column] if 0 <= row < len(self.links) and 0 <= column < len(self.links[row]) else None

    @on(DataTable.CellSelected)
    def _selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        link = self.current_link
        if link is None:
            self.notify("This cell does not lead anywhere (a direct assignment has no group).", timeout=3)
        else:
            self.post_message(self.Followed(self, link))
