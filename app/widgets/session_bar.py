"""The bar above the roles: which instance, how long the session and the selected role's
cached credentials last, counting down; a warning under ten minutes and the key that fixes it."""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from app.printable import printable

WARN_BELOW = timedelta(minutes=10)


def left(until: datetime | None, now: datetime) -> str:
    """``1h 02m``, ``9m 41s``, or ``expired``."""
    if until is None:
        return "—"
    seconds = int((until - now).total_seconds())
    if seconds <= 0:
        return "expired"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m {secs:02d}s"


def _style(until: datetime, now: datetime) -> str:
    remaining = until - now
    return "bold red" if remaining <= timedelta(0) else "bold yellow" if remaining < WARN_BELOW else "green"


class SessionBar(Horizontal):
    """Instance on the left; session and credential countdowns on the right."""

    DEFAULT_CSS = """
    SessionBar {
        height: 1;
        background: $boost;
        padding: 0 1;
        & > #session-instance { width: 1fr; text-overflow: ellipsis; text-wrap: nowrap; text-style: bold; }
        & > #session-times { width: auto; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown = ("", Text())  # the instance and the times on show

    def compose(self) -> ComposeResult:
        yield Static("", id="session-instance", markup=False)
        yield Static("", id="session-times")

    def show(self, *, instance: str, session_until: datetime | None, credentials_until: datetime | None, role_selected: bool, now: datetime) -> None:
        """Show these; what reads as before is left alone (the bar is shown every second and
        on every move of the cursor, and redrawing the screen's layout for nothing is not free)."""
        name = printable(instance)
        if name != self._shown[0]:
            self.query_one("#session-instance", Static).update(name, layout=False)  # its width is fixed (1fr)
        text = Text("Session ")
        if session_until is None:
            text.append("not signed in — l signs in", style="bold red")
        else:
            text.append(left(session_until, now), style=_style(session_until, now))
            if session_until - now < WARN_BELOW:
                text.append(" — l signs in again", style=_style(session_until, now))
        if role_selected:
            text.append("   Role credentials ")
            if credentials_until is None or credentials_until <= now:
                text.append("not cached", style="dim")
            else:
                text.append(left(credentials_until, now), style=_style(credentials_until, now))
        if text != self._shown[1]:
            # the times' width follows their text: a new layout only when that width changes
            self.query_one("#session-times", Static).update(text, layout=text.cell_len != self._shown[1].cell_len)
        self._shown = (name, text)
