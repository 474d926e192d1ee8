"""The filter box of the app's lists: its placeholder, a few hints joined by " · ", drops
hints from its end where the box is too narrow to show them all (rather than stopping
mid-word), and while keys come into it the garbage collector waits for a pause."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.timer import Timer
from textual.widgets import Input

from app.heap import hold_collections, release_collections

HINT_SEPARATOR = " · "
PAUSE = 0.5  # seconds without a key that end a burst of typing (the collector waits for it)


class FilterInput(Input):
    """An Input whose ``placeholder`` is a list of hints: it shows as many as fit, on every
    resize. With ``question_mark_helps``, ? shows the keys, as it does everywhere else on the
    screen, instead of being typed (for filters over role names: no role name has one, so the
    filter would only find nothing).

    Each new value holds the garbage collector (``heap.hold_collections``) until PAUSE
    seconds pass without another, or the box goes: a key makes thousands of short-lived
    objects, and a pass over a big listing's leftovers would land on every few keys."""

    def __init__(self, *, placeholder: str = "", question_mark_helps: bool = False, **options) -> None:  # noqa: ANN003 - Input's own
        super().__init__(placeholder=placeholder, **options)
        self._hints = placeholder.split(HINT_SEPARATOR)
        self._question_mark_helps = question_mark_helps
        self._typing: Timer | None = None  # the end of the burst of keys under way

    def watch_value(self) -> None:
        # before anything that hears of the new value (the list's rebuild) runs
        hold_collections()
        if self._typing is None:
            self._typing = self.set_timer(PAUSE, self._paused)
        else:
            self._typing.reset()

    def _paused(self) -> None:
        self._typing = None
        release_collections()

    def on_unmount(self) -> None:
        if self._typing is not None:  # typed into, then gone at once: the pause is now
            self._typing.stop()
            self._paused()

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
