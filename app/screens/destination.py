"""Where the console opens: a common service or any path, in which region, and whether to
open it or copy the sign-in URL."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from app.screens import rules_beside
from app.services import validation
from app.services.console_launch import COMMON_DESTINATIONS, COMMON_REGIONS, check_destination
from app.services.errors import BadValue


@dataclass(frozen=True)
class ConsoleChoice:
    destination: str
    region: str
    action: str  # "open" | "copy"


class DestinationScreen(ModalScreen[ConsoleChoice | None]):
    DEFAULT_CSS = rules_beside(__file__)
    BINDINGS = [Binding("escape", "dismiss", "Cancel")]

    def __init__(self, role_label: str, *, region: str, destination: str | None = None, action: str = "open") -> None:
        """``action``: what Enter does and the dialog offers first: "open" the console or
        "copy" its sign-in URL (the other stays a button away)."""
        super().__init__()
        self.role_label = role_label
        self.action = action
        self.start_region = region
        self.destination = destination

    def compose(self) -> ComposeResult:
        regions = list(dict.fromkeys([self.start_region, *COMMON_REGIONS]))
        with Vertical(id="dest-box"):
            title = f"Open the AWS console as {self.role_label}" if self.action == "open" else f"Copy a console sign-in URL for {self.role_label}"
            yield Static(title, id="dest-title", markup=False)
            yield OptionList(*(Option(Content(f"{name:<28} {path}"), id=path) for name, path in COMMON_DESTINATIONS), id="dest-list", compact=True)
            yield Input(value=self.destination or "", placeholder="or a console path, e.g. /s3/buckets/my-bucket", id="dest-path", compact=True)
            with Horizontal(id="dest-row"):
                yield Label("Region ")
                yield Select([(r, r) for r in regions], value=self.start_region, allow_blank=False, id="dest-region", compact=True)
            yield Static("", id="dest-error", markup=False)
            with Horizontal(id="dest-buttons"):
                buttons = {"open": "Open console", "copy": "Copy URL"}
                first = self.action
                yield Button(buttons[first], id=first, variant="primary")
                for other in buttons.keys() - {first}:
                    yield Button(buttons[other], id=other)
                yield Button("Cancel", id="cancel")
        yield Footer()  # this dialog's keys, over the screen's beneath it

    def on_mount(self) -> None:
        known = [path for _, path in COMMON_DESTINATIONS]
        listing = self.query_one("#dest-list", OptionList)
        listing.highlighted = known.index(self.destination) if self.destination in known else 0
        listing.focus()

    @on(OptionList.OptionHighlighted, "#dest-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.query_one("#dest-path", Input).value = event.option_id or ""

    @on(OptionList.OptionSelected, "#dest-list")
    def _selected(self) -> None:
        self._finish(self.action)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
        else:
            self._finish(event.button.id or self.action)

    @on(Input.Submitted, "#dest-path")
    def _submitted(self) -> None:
        self._finish(self.action)

    def _finish(self, action: str) -> None:
        path = self.query_one("#dest-path", Input).value.strip() or "/console/home"
        region = str(self.query_one("#dest-region", Select).value)
        try:
            validation.region(region)
            check_destination(path)
        except BadValue as error:
            self.query_one("#dest-error", Static).update(str(error))
            return
        self.dismiss(ConsoleChoice(path, region, action))
