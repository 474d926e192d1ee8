"""Choosing an Identity Center instance, and what to do when none is configured."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from app.screens import rules_beside
from app.models import Instance
from app.printable import printable


class InstancePickerScreen(Screen[Instance | None]):
    """Lists instances as the CLI resolves them (sso-sessions and legacy profiles)."""

    DEFAULT_CSS = rules_beside(__file__)
    BINDINGS = [Binding("escape", "cancel", "Back")]

    def __init__(self, instances: list[Instance]) -> None:
        super().__init__()
        self.instances = instances

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Static("Choose an Identity Center instance", id="picker-title")
            yield OptionList(
                *(Option(Content(f"{printable(i.label())}\n  from {printable(i.source or 'the environment')}"), id=str(n)) for n, i in enumerate(self.instances)),
                id="picker-list",
            )
        yield Footer()

    @on(OptionList.OptionSelected, "#picker-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.instances[int(event.option_id or 0)])

    def action_cancel(self) -> None:
        self.dismiss(None)


NO_INSTANCE = """No Identity Center instance is configured here.

Add yours to ~/.aws/config (its start URL, and the region it is in):

    [sso-session my-org]
    sso_start_url = https://YOUR-ORG.awsapps.com/start
    sso_region = us-east-1

or set AWS_DEFAULT_SSO_START_URL and AWS_DEFAULT_SSO_REGION,
then run ssodeck again: it signs you in. Then
`ssodeck configure populate --sso-session my-org` writes a
profile for each of your roles.

To look around without an AWS account, run:  ssodeck --demo
"""


class NoInstanceScreen(Screen[None]):
    DEFAULT_CSS = rules_beside(__file__)
    BINDINGS = [Binding("escape,q", "app.quit", "Quit")]

    def __init__(self, problem: str = "") -> None:
        super().__init__()
        self.problem = problem

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            if self.problem:  # what stopped the search for one
                yield Static(f"{self.problem}\n\n", id="picker-problem", markup=False)
            yield Static(NO_INSTANCE, markup=False)
        yield Footer()
