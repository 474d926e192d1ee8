"""A unified diff of ``~/.aws/config``, coloured, scrollable, with its counts."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from app.printable import printable


def coloured(diff: str) -> Text:
    text = Text()
    for line in diff.splitlines():
        style = "green" if line.startswith("+") and not line.startswith("+++") else "red" if line.startswith("-") and not line.startswith("---") else "cyan" if line.startswith("@@") else "dim" if line.startswith(("---", "+++")) else ""
        text.append(printable(line) + "\n", style=style)
    return text


class DiffView(VerticalScroll):
    DEFAULT_CSS = """
    DiffView {
        height: 1fr;
        border: round $primary-lighten-2;
        background: $surface;
        padding: 0 1;
    }
    """

    def compose(self):
        yield Static("", id="diff-text")

    def show(self, diff: str, *, empty: str = "No changes: the file already says this.") -> None:
        self.query_one("#diff-text", Static).update(coloured(diff) if diff else Text(empty, style="dim"))
