"""A filter box whose placeholder, a few hints joined by " · ", drops hints from its end
where the box is too narrow to show them all, rather than stopping mid-word."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.widgets import Input

HINT_SEPARATOR = " · "


class FilterInput(Input):
    """An Input whose ``placeholder`` is a list of hints: it shows as many as fit, on every
    resize. With ``question_mark_helps``, ? shows the keys, as it does everywhere else on the
    screen, instead of being typed (for filters over role names: no role name has one, so the
    filter would only find nothing)."""

    def __init__(self, *, placeholder: str = "", question_mark_helps: bool = False, **options) -> None:  # noqa: ANN003 - Input's own
        super().__init__(placeholder=placeholder, **options)
        self._hints = placeholder.split(HINT_SEPARATOR)
        self._question_mark_helps = question_mark_helps

    async def on_key(self, event: events.Key) -> None:
        if self._question_mark_helps and event.key == "question_mark":
            event.stop()
            event.prevent_default()  # Input's own handler (which types it) comes after this one
            await self.app.run_action("help")

    def on_resize(self, event: events.Resize) -> None:
        self.placeholder = fitted_hints(self._hints, self.content_size.width - 1)  # a cell for the cursor


def fitted_hints(hints: list[str], room: int) -> str:
    """As many of ``hints``, from the first, as fit in ``room`` cells joined (at least the first)."""
    for count in range(len(hints), 1, -1):
        text = HINT_SEPARATOR.join(hints[:count])
        if cell_len(text) <= room:
            return text
    return hints[0]
