"""Export what a view shows to a CSV or JSON file the user names (by default in the current
directory). The table is built and written in a thread worker (a large instance makes a
large file), atomically; an existing file is replaced only when asked a second time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from app.services.errors import SsodeckError
from app.services.tabular import EXPORT_FORMATS, ExportExists, Table, export_table


class ExportScreen(ModalScreen[Path | None]):
    """Dismisses with the file written, or None."""

    CSS_PATH = "export.tcss"
    BINDINGS = [Binding("escape", "dismiss", "Cancel"), Binding("ctrl+s", "save", "Save")]

    class Done(Message):
        def __init__(self, path: Path | None, rows: int, error: SsodeckError | None) -> None:
            super().__init__()
            self.path, self.rows, self.error = path, rows, error

    def __init__(self, what: str, stem: str, make: Callable[[], Table]) -> None:
        """``what`` says what is exported; ``stem`` names the default file; ``make`` builds
        the table (in the worker)."""
        super().__init__()
        self.what, self.stem, self.make = what, stem, make
        self.replace_path: Path | None = None  # the existing file a second Save replaces

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Static(f"Export {self.what}", id="export-title", markup=False)
            with Horizontal(classes="export-field"):
                yield Label("File")
                yield Input(value=f"{self.stem}.csv", id="export-path", compact=True)
            with Horizontal(classes="export-field"):
                yield Label("Format")
                yield Select([("CSV", "csv"), ("JSON", "json")], value="csv", allow_blank=False, id="export-format", compact=True)
            yield Static("Relative names are in the current directory.", id="export-note", markup=False)
            with Horizontal(id="export-buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    @on(Select.Changed, "#export-format")
    def _format_changed(self, event: Select.Changed) -> None:
        """The default name follows the format (a name the user typed is left alone)."""
        path = self.query_one("#export-path", Input)
        for fmt in EXPORT_FORMATS:
            if path.value == f"{self.stem}.{fmt}":
                path.value = f"{self.stem}.{event.value}"

    @on(Input.Changed, "#export-path")
    def _path_changed(self) -> None:
        self.replace_path = None

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.query_one("#save", Button).disabled = True
        self._say("Writing…")
        self._write(self.query_one("#export-path", Input).value, str(self.query_one("#export-format", Select).value), self.replace_path)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def _write(self, path_text: str, fmt: str, replace: Path | None) -> None:
        table = self.make()
        try:
            path = export_table(table, path_text, fmt, replace=replace is not None)
        except SsodeckError as error:
            self.post_message(self.Done(None, len(table.rows), error))
            return
        self.post_message(self.Done(path, len(table.rows), None))

    @on(Done)
    def _done(self, message: Done) -> None:
        self.query_one("#save", Button).disabled = False
        if isinstance(message.error, ExportExists):
            self.replace_path = message.error.path
            self._say(f"{message.error.path} already exists: Save again to replace it.", problem=True)
        elif message.error is not None:
            self._say(str(message.error), problem=True)
        else:
            self.app.notify(f"Wrote {message.rows} row{'s' if message.rows != 1 else ''} to {message.path}", timeout=8)
            self.dismiss(message.path)

    def _say(self, text: str, *, problem: bool = False) -> None:
        note = self.query_one("#export-note", Static)
        note.update(text)
        note.set_class(problem, "problem")
