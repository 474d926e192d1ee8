"""The floor for ``tui_start.py``: a Textual app that shows one line and nothing else."""

from textual.app import App, ComposeResult
from textual.widgets import Static


class OneLine(App[None]):
    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static("0 roles in 0 accounts")


if __name__ == "__main__":
    OneLine().run()
