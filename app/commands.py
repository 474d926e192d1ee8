"""The command palette (ctrl+p): the role actions and the screen's commands, by name.

Hits come from the screen's own list of what it offers (``palette_commands``), so the palette,
the keys and the help never disagree; ``discover`` shows them all when nothing is typed.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


def _commands(screen) -> Iterable[tuple[str, str, str]]:  # noqa: ANN001 - any screen
    offer = getattr(screen, "palette_commands", None)
    return offer() if offer is not None else ()


class ScreenCommands(Provider):
    """(title, help, action) triples from the active screen, run as its actions."""

    async def discover(self) -> Hits:
        for title, text, action in _commands(self.screen):
            yield DiscoveryHit(title, partial(self.screen.run_action, action), help=text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, text, action in _commands(self.screen):
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self.screen.run_action, action), help=text)
