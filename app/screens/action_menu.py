"""Everything you can do with one role, in a list (Enter on a role opens it)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from app.screens import rules_beside
from app.models import Role
from app.printable import printable


class ActionMenuScreen(ModalScreen[str | None]):
    """Dismisses with the chosen action's name; a letter picks the action bound to it."""

    DEFAULT_CSS = rules_beside(__file__)
    BINDINGS = [Binding("escape", "dismiss", "Cancel")]

    def __init__(self, role: Role, actions: tuple[tuple[str, str, str], ...]) -> None:
        super().__init__()
        self.role = role
        self.actions = actions

    def compose(self) -> ComposeResult:
        with Vertical(id="menu-box"):
            yield Static(printable(f"{self.role.role_name} in {self.role.account_name or self.role.account_id} ({self.role.account_id})"), id="menu-title", markup=False)
            yield OptionList(*(Option(Content(f"{key}  {text}"), id=name) for name, text, key in self.actions), id="menu-list")
        yield Footer()  # this dialog's keys, over the screen's beneath it

    @on(OptionList.OptionSelected, "#menu-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_id)

    def on_key(self, event) -> None:  # noqa: ANN001 - textual's Key
        for name, _, key in self.actions:
            if event.character == key:
                event.stop()
                self.dismiss(name)
                return
