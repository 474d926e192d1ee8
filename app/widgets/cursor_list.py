"""A list with a cursor that draws only the rows on screen, for views over thousands of rows.

Subclasses say how many rows there are (``row_count``) and draw one (``row_segments``);
this class keeps the cursor in range and in view, pages, jumps, handles clicks, and says
what to show when there is nothing (``empty``). The roles tree and the explorer's lists
are both one of these.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from app.printable import printable


class CursorList(ScrollView, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "activate", "Select", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"cursor-list--cursor", "cursor-list--detail", "cursor-list--match"}
    DEFAULT_CSS = """
    CursorList {
        background: $surface;
        overflow-x: hidden;  /* rows are cut to the width: never a horizontal scrollbar (nor the work of deciding it) */
        & > .cursor-list--detail { color: $text-muted; }
        & > .cursor-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
        & > .cursor-list--match { color: $accent; text-style: bold underline; }
        &:blur > .cursor-list--cursor { background: $block-cursor-blurred-background; color: $text; }
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True, repaint=True)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.empty = ""
        self._wrapped: tuple[tuple[str, int], list[str]] = (("", 0), [])  # empty, wrapped to a width (see _empty_lines)
        self._looks: dict[str, Style] = {}
        self._frame = (0, 0, 0, 0)  # the frame being drawn: first row shown, width of the rows, of the content, rows

    def row_count(self) -> int:
        raise NotImplementedError

    def row_segments(self, index: int, style: Style) -> list[Segment]:
        """Row ``index`` drawn on ``style`` (the cursor's, on the cursor row)."""
        raise NotImplementedError

    def cursor_moved(self) -> None:
        """Called whenever the cursor is set (also to the same row, after new rows)."""

    def activate(self) -> None:
        """Enter, or a double click, on the cursor row."""

    def reset(self, position: int | None, *, empty: str = "") -> None:
        """Show new rows from the top, with the cursor on ``position`` (or the first row)."""
        self.empty = empty
        size = Size(self.size.width, self.row_count())
        if size != self.virtual_size:
            # a new row count needs new scrollbars, not a layout of the whole screen (which is
            # what setting virtual_size asks for, a third of a keystroke's time in a terminal);
            # a scrollbar that comes or goes still brings one, through _scroll_update
            self.set_reactive(Widget.virtual_size, size)
            if self.is_mounted:
                self._scroll_update(size)
        self.scroll_to(y=0, animate=False, immediate=True)
        self.cursor = position if position is not None else 0
        self._reveal()
        self.refresh()

    # -- cursor ------------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        count = self.row_count()
        return max(0, min(value, count - 1)) if count else 0

    def watch_cursor(self) -> None:
        self._reveal()
        self.cursor_moved()

    def _reveal(self) -> None:
        if self.is_mounted and self.row_count():
            self.scroll_to_region(Region(0, self.cursor, 1, 1), animate=False, force=True, immediate=True)

    def action_cursor(self, delta: int) -> None:
        self.cursor += delta

    def action_page(self, direction: int) -> None:
        self.cursor += direction * max(1, self.scrollable_content_region.height - 1)

    def action_jump(self, where: int) -> None:
        self.cursor = where if where >= 0 else self.row_count() - 1

    def action_activate(self) -> None:
        if 0 <= self.cursor < self.row_count():
            self.activate()

    async def _on_click(self, event) -> None:  # noqa: ANN001 - textual's Click
        self.cursor = self.scroll_offset.y + event.y
        if event.chain >= 2:
            self.action_activate()

    # -- drawing -----------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # what every line needs is worked out once per frame, not once per line
        self._looks = {}
        # rows are cut where a scrollbar starts, and padded under it to the content's full width
        # (what Textual would otherwise pad each line to, making it again)
        self._frame = (self.scroll_offset.y, self.scrollable_content_region.width, self.content_region.width, self.row_count())
        return super().render_lines(crop)

    def look(self, component: str = "") -> Style:
        """The widget's style (``component`` empty), or a component's partial style, as of this frame."""
        looks = self._looks
        if component not in looks:
            looks[component] = self.get_component_rich_style(component, partial=component != "cursor-list--cursor") if component else self.rich_style
        return looks[component]

    def render_line(self, y: int) -> Strip:
        top, width, full, count = self._frame
        index = top + y
        base = self.look()
        if index >= count:
            if count == 0 and self.empty:
                lines = self._empty_lines(width)
                if index < len(lines):
                    return fitted_line([Segment(lines[index], self.muted(base))], width, base, full)
            return Strip.blank(full, base)
        style = base + self.look("cursor-list--cursor") if index == self.cursor else base
        return fitted_line(self.row_segments(index, style), width, style, full)

    def _empty_lines(self, width: int) -> list[str]:
        """``empty`` wrapped at word ends to ``width`` cells (less its two-cell indent)."""
        key = (self.empty, width)
        if self._wrapped[0] != key:
            self._wrapped = (key, ["  " + line for line in textwrap.wrap(printable(self.empty), max(10, width - 3))])
        return self._wrapped[1]

    def muted(self, style: Style) -> Style:
        return style + self.look("cursor-list--detail")

    def matched(self, style: Style) -> Style:
        return style + self.look("cursor-list--match")


def fitted_line(segments: list[Segment], width: int, style: Style, full: int) -> Strip:
    """``segments`` cut to ``width`` cells, then padded with ``style`` to ``full`` cells."""
    length = sum(cell_len(segment.text) for segment in segments)
    if length > width:
        segments = list(Strip(segments, length).crop(0, width))
        length = width
    if length < full:
        segments.append(Segment(" " * (full - length), style))
    return Strip(segments, full)


def marked(text: str, marks: Sequence[int], style: Style, match: Style, width: int | None = None) -> list[Segment]:
    """``text`` with the characters at ``marks`` (in order, as a search gives them) in the
    match style, padded or cut to ``width``."""
    size = len(text)  # the characters that can be marked
    if width is not None and cell_len(text) > width:
        text, size = cut_to_cells(text, max(1, width - 1))
        text += "…"
    if not marks:
        segments = [Segment(text, style)] if text else []
    else:
        segments = []
        cursor = 0  # drawn up to here
        start = end = -1  # the run of consecutive marked characters being gathered
        for position in [*(mark for mark in marks if mark < size), size + 1]:  # (past the text or cut off: not shown)
            if position < end:  # out of order
                continue
            if position == end:
                end += 1
                continue
            if end > start:  # a run ends (the last place, past the end, ends the last one)
                if start > cursor:
                    segments.append(Segment(text[cursor:start], style))
                segments.append(Segment(text[start:end], match))
                cursor = end
            start, end = position, position + 1
        if cursor < len(text):
            segments.append(Segment(text[cursor:], style))
    if width is not None:
        pad = width - cell_len(text)
        if pad > 0:
            segments.append(Segment(" " * pad, style))
    return segments


def cut_to_cells(text: str, cells: int) -> tuple[str, int]:
    """The start of ``text`` that fills ``cells`` terminal cells (a space where a wide
    character would straddle the end), and how many of its characters that is."""
    if text.isascii():
        return text[:cells], min(len(text), cells)
    used = kept = 0
    for char in text:
        width = cell_len(char)
        if used + width > cells:
            break
        used += width
        kept += 1
    return text[:kept] + " " * (cells - used), kept
