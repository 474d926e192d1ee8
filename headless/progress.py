"""Progress of long listings on stderr, for people at a terminal only.

Listing 200 accounts at Identity Center's 20 requests/s takes about ten seconds; a terminal
shows how far it is and about how long is left, on one line that is rewritten and cleared
at the end. When stderr is not a terminal (a pipe, a log, CI) nothing is written at all.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from app.services.roles import ListingProgress

MIN_INTERVAL = 0.1  # seconds between redraws


class ListingLine:
    """Renders ``ListingProgress`` as "Listing roles: 37/200 accounts, about 8 s left"."""

    def __init__(self, stream=None, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream or sys.stderr
        self.clock = clock
        self.started = clock()
        self.drawn_at = 0.0
        self.width = 0
        self.lock = threading.Lock()

    def __call__(self, progress: ListingProgress) -> None:
        """Called from the listing's threads: one draws at a time."""
        with self.lock:
            now = self.clock()
            if now - self.drawn_at < MIN_INTERVAL and progress.done < progress.found:
                return
            self.drawn_at = now
            self._draw(self.text(progress, now - self.started))

    @staticmethod
    def text(progress: ListingProgress, elapsed: float) -> str:
        total = f"{progress.found}" if progress.all_found else f"{progress.found}+"
        line = f"Listing roles: {progress.done}/{total} accounts"
        # An estimate needs the total and a few accounts done; until then it would only jump.
        if progress.all_found and 3 <= progress.done < progress.found and elapsed >= 1:
            left = elapsed / progress.done * (progress.found - progress.done)
            line += f", about {max(1, round(left))} s left"
        return line

    def _draw(self, text: str) -> None:
        pad = max(0, self.width - len(text))
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()
        self.width = len(text)

    def clear(self) -> None:
        with self.lock:
            self._clear()

    def _clear(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


@contextmanager
def listing_progress() -> Iterator[Callable[[ListingProgress], None] | None]:
    """A progress callback for stderr when it is a terminal, else None; cleared on exit."""
    if not sys.stderr.isatty():
        yield None
        return
    line = ListingLine()
    try:
        yield line
    finally:
        line.clear()
