"""Help: every key of the screen underneath, with what it does, read from its bindings (and
the screen's own ``HELP_INTRO``, if it has one, above them)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from app.screens import rules_beside

INTRO = (
    "Type to filter: letters in order, anywhere in account name, account ID and role name "
    "(prdadm finds Payments Prod / AdministratorAccess); spaces separate terms that must all "
    "match. Up/down move, Enter acts on a role or folds a group. Ctrl+P opens the command "
    "palette with every action."
)


def _keys(binding: Binding) -> str:
    return ", ".join(key.replace("question_mark", "?").replace("slash", "/") for key in binding.key.split(","))


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = rules_beside(__file__)
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        stack = self.app.screen_stack
        below = stack[-2] if len(stack) > 1 and stack[-1] is self else stack[-1] if stack else None
        lines = [getattr(below, "HELP_INTRO", INTRO), ""]
        for node in (below, self.app):
            for binding in getattr(node, "BINDINGS", []):
                if isinstance(binding, Binding) and binding.description:
                    lines.append(f"{_keys(binding):>14}  {binding.description}" + (f" — {binding.tooltip}" if binding.tooltip else ""))
        with VerticalScroll(id="help-box"):
            yield Static("ssodeck — keys", id="help-title")
            yield Static("\n".join(lines), markup=False)
            yield Static("\nEsc closes this help.", markup=False)
        yield Footer()  # this dialog's keys, over the screen's beneath it
