"""Export what a view shows to a file the user names (by default in the current directory):
as CSV or JSON data, or, for assignments, as code (a config for ``admin cfn``, or Terraform).

The file is made in a thread worker (a large instance makes a large file) and shown before it
is written; Save writes exactly what is shown, atomically; an existing file is replaced only
when asked a second time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Select, Static

from app.screens import rules_beside
from app.printable import printable
from app.services.errors import SsodeckError
from app.services.tabular import ExportExists, Table, export_text, table_text

PREVIEW_LINES = 400  # a preview is for reading: the rest is written, not shown


@dataclass(frozen=True)
class ExportFormat:
    label: str
    extension: str
    make: Callable[[], str]  # the file's text; runs in a worker


def data_formats(make_table: Callable[[], Table]) -> list[ExportFormat]:
    """CSV and JSON of a table."""
    return [ExportFormat("CSV", "csv", lambda: table_text(make_table(), "csv")), ExportFormat("JSON", "json", lambda: table_text(make_table(), "json"))]


class ExportScreen(ModalScreen[Path | None]):
    """Dismisses with the file written, or None."""

    DEFAULT_CSS = rules_beside(__file__)
    BINDINGS = [Binding("escape", "dismiss", "Cancel"), Binding("ctrl+s", "save", "Save")]

    class Made(Message):
        def __init__(self, fmt: str, text: str | None, error: SsodeckError | None) -> None:
            super().__init__()
            self.fmt, self.text, self.error = fmt, text, error

    def __init__(self, what: str, stem: str, formats: list[ExportFormat]) -> None:
        """``what`` says what is exported; ``stem`` names the default file."""
        super().__init__()
        self.what, self.stem = what, stem
        self.formats = {f.extension: f for f in formats}
        self.text: str | None = None  # the file as shown, for the format chosen
        self.replace_path: Path | None = None  # the existing file a second Save replaces
        self.save_when_made = False  # Save was pressed before the file was ready

    def compose(self) -> ComposeResult:
        first = next(iter(self.formats.values()))
        with Vertical(id="export-box"):
            yield Static(f"Export {self.what}", id="export-title", markup=False)
            with Horizontal(classes="export-field"):
                yield Label("File")
                yield Input(value=f"{self.stem}.{first.extension}", id="export-path", compact=True)
            with Horizontal(classes="export-field"):
                yield Label("Format")
                yield Select([(f.label, f.extension) for f in self.formats.values()], value=first.extension, allow_blank=False, id="export-format", compact=True)
            with VerticalScroll(id="export-preview"):
                yield Static("Making the file…", id="export-text", markup=False)
            yield Static("Relative names are in the current directory.", id="export-note", markup=False)
            with Horizontal(id="export-buttons"):
                yield Button("Save", id="save", variant="primary", disabled=True)
                yield Button("Cancel", id="cancel")
        yield Footer()  # this dialog's keys, over the screen's beneath it

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()
        self._make(next(iter(self.formats)))

    @on(Select.Changed, "#export-format")
    def _format_changed(self, event: Select.Changed) -> None:
        """The default name follows the format (a name the user typed is left alone)."""
        path = self.query_one("#export-path", Input)
        for extension in self.formats:
            if path.value == f"{self.stem}.{extension}":
                path.value = f"{self.stem}.{event.value}"
        self.text = None
        self.query_one("#save", Button).disabled = True
        self.query_one("#export-text", Static).update("Making the file…")
        self._make(str(event.value))

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def _make(self, fmt: str) -> None:
        try:
            self.post_message(self.Made(fmt, self.formats[fmt].make(), None))
        except SsodeckError as error:
            self.post_message(self.Made(fmt, None, error))

    @on(Made)
    def _made(self, message: Made) -> None:
        if message.fmt != self.query_one("#export-format", Select).value:
            return  # an answer for a format no longer chosen
        if message.error is not None:
            self._say(str(message.error), problem=True)
            return
        self.text = message.text or ""
        lines = self.text.splitlines()
        shown = "\n".join(printable(line) for line in lines[:PREVIEW_LINES])
        if len(lines) > PREVIEW_LINES:
            shown += f"\n… and {len(lines) - PREVIEW_LINES:,} more lines"
        self.query_one("#export-text", Static).update(shown)
        self.query_one("#save", Button).disabled = False
        self._say(f"{len(lines):,} lines, shown above as they will be written. Relative names are in the current directory.")
        if self.save_when_made:
            self.save_when_made = False
            self.action_save()

    @on(Input.Changed, "#export-path")
    def _path_changed(self, event: Input.Changed) -> None:
        """A name ending in another format's extension (``.json`` while CSV is chosen)
        chooses that format: the file holds what its name says."""
        self.replace_path = None
        extension = Path(event.value.strip()).suffix.lower().removeprefix(".")
        chooser = self.query_one("#export-format", Select)
        if extension in self.formats and chooser.value != extension:
            chooser.value = extension

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if self.text is None:
            self.save_when_made = True  # saved as soon as it is made
            return
        try:
            path = export_text(self.text, self.query_one("#export-path", Input).value, replace=self.replace_path is not None)
        except ExportExists as exists:
            self.replace_path = exists.path
            self._say(f"{exists.path} already exists: Save again to replace it.", problem=True)
            return
        except SsodeckError as error:
            self._say(str(error), problem=True)
            return
        self.app.notify(f"Wrote {self.what} to {path}", timeout=8)
        self.dismiss(path)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    def _say(self, text: str, *, problem: bool = False) -> None:
        note = self.query_one("#export-note", Static)
        note.update(text)
        note.set_class(problem, "problem")
