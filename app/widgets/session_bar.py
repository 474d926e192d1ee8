"""The bar above the roles: which instance, how long the session and the selected role's
cached credentials last, counting down; a warning under ten minutes and the key that fixes it."""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.text import Text
from textual.widget import Widget

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


class SessionBar(Widget):
    """Instance on the left (cut short with an ellipsis when space runs out); session and
    credential countdowns on the right. One widget drawing both (it is in the first frame,
    and each widget there costs styling, layout and drawing)."""

    DEFAULT_CSS = """
    SessionBar {
        height: 1;
        background: $boost;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown = ("", Text())  # the instance and the times on show

    def render(self) -> Text:
        name, times = self._shown
        width = self.content_size.width
        line = Text(no_wrap=True, end="")
        line.append(name, style="bold")
        line.truncate(max(width - times.cell_len - 1, 0), overflow="ellipsis")
        line.pad_right(max(width - line.cell_len - times.cell_len, 0))
        line.append_text(times)
        return line

    def show(self, *, instance: str, session_until: datetime | None, credentials_until: datetime | None, role_selected: bool, now: datetime) -> None:
        """Show these; redrawn only when it reads differently (the bar is shown every second
        and on every move of the cursor)."""
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
        shown = (printable(instance), text)
        if shown != self._shown:
            self._shown = shown
            self.refresh()  # its size is fixed (one row, the screen's width): no new layout
