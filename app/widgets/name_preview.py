"""The populate wizard's live preview: every profile name, with what it is for.

A thousand accounts in two regions make fourteen thousand names, so this is a ScrollView
that draws only the rows on screen from a ``NamePreview`` (which makes a row only when
asked). Showing a new preview costs a screen of rows, whatever the size of the listing.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import BindingType
from textual.containers import ScrollableContainer
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from app.printable import printable
from app.services.name_preview import NamePreview, PreviewRow

NAME_WIDTH_CAP = 48


class NamePreviewList(ScrollView, can_focus=True):
    """Names first; a shared name is marked ``!`` (populate refuses it), a name told apart
    by account ID ``+``, a skipped role ``-``."""

    BINDINGS: ClassVar[list[BindingType]] = ScrollableContainer.BINDINGS  # arrows, page and home/end keys scroll
    COMPONENT_CLASSES: ClassVar[set[str]] = {"name-preview--shared", "name-preview--renamed", "name-preview--detail"}
    DEFAULT_CSS = """
    NamePreviewList {
        background: $surface;
        border: round $primary-lighten-2;
        border-title-color: $text-muted;
        overflow-x: hidden;
        & > .name-preview--shared { color: $error; text-style: bold; }
        & > .name-preview--renamed { color: $warning; }
        & > .name-preview--detail { color: $text-muted; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.preview: NamePreview | None = None
        self.name_width = 20
        self.shown = 0  # how many previews have been shown (the benchmark waits on it)

    def show(self, preview: NamePreview) -> None:
        self.preview = preview
        self.name_width = _name_width(preview)
        self.virtual_size = Size(self.size.width, len(preview))
        first = preview.first_shared()
        self.scroll_to(y=max(0, first - 2) if first is not None else 0, animate=False, immediate=True)
        self.shown += 1
        self.border_title = _summary(preview)  # in the border: a new title costs no relayout
        self.refresh()

    def stale(self) -> None:
        """Say the names shown are from before the options last changed."""
        self.border_title = "The names below are from before this change"

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._looks: dict[str, Style] | None = None

    def _styles(self) -> dict[str, Style]:
        """The row styles, worked out once per style change rather than once per line."""
        looks = getattr(self, "_looks", None)
        if looks is None:
            base = self.rich_style
            looks = {"": base}
            for name in ("shared", "renamed", "detail"):
                looks[name] = base + self.get_component_rich_style(f"name-preview--{name}", partial=True)
            self._looks = looks
        return looks

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        looks = self._styles()
        if self.preview is None or index >= len(self.preview):
            return Strip.blank(width, looks[""])
        name_width = min(self.name_width, max(12, width // 2))
        return Strip(self._segments(self.preview.row(index), name_width, looks, width - 2 - name_width)).crop_extend(0, width, looks[""])

    def _segments(self, row: PreviewRow, name_width: int, looks: dict[str, Style], room: int) -> list[Segment]:
        """The name in a column of ``name_width`` cells (at most half the line), then
        what it is for, in ``room`` cells: the account, role and region, or where that does
        not fit, the role and region first (the account, which the name mostly says, is cut)."""
        if row.shared:
            mark, style = "! ", looks["shared"]
        elif row.renamed:
            mark, style = "+ ", looks["renamed"]
        elif row.name is None:
            mark, style = "- ", looks["detail"]
        else:
            mark, style = "  ", looks[""]
        name = printable(row.name) if row.name is not None else "(skipped)"
        if cell_len(name) > name_width:
            name = name[: name_width - 1] + "…"
        role = row.role
        account = f"{printable(role.account_name or role.account_id)} ({role.account_id})"
        detail = f"  {account} · {role.role_name} · {row.region}"
        if cell_len(detail) > room:  # the role and region first, the account (cut short) after them
            detail = f"  {role.role_name} · {row.region} · {account}"
        return [Segment(mark, style), Segment(name + " " * max(0, name_width - cell_len(name)), style), Segment(detail, looks["detail"])]


def _name_width(preview: NamePreview) -> int:
    """As wide as the widest name on the first screens, up to NAME_WIDTH_CAP (measuring all
    fourteen thousand would cost more than the preview itself)."""
    sample = (preview.name(index) or "" for index in range(min(len(preview), 200)))
    return max(12, min(NAME_WIDTH_CAP, max((cell_len(name) for name in sample), default=12)))


def _summary(preview: NamePreview) -> str:
    summary = f"{len(preview) - preview.skipped:,} profiles"
    if preview.renamed:
        summary += f" · {preview.renamed:,} told apart by account ID (+)"
    if preview.skipped:
        summary += f" · {preview.skipped:,} skipped"
    if preview.shared:
        summary += f" · {preview.shared:,} names shared by several roles (!)"
    return summary
