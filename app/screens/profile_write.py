"""Write a profile for one role into ~/.aws/config: a suggested name, the diff, confirm.

The plan is the one ``ssodeck configure profile`` writes (``profile_setup.plan_role_profile``),
recomputed as the name or region changes; nothing is written until Write is pressed.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Static

from app.screens import rules_beside
from app.models import Instance, Role
from app.services import profile_setup, validation
from app.services.config_editor import ConfigEdit, apply_edit
from app.services.errors import SsodeckError
from app.widgets.diff_view import DiffView


class ProfileWriteScreen(ModalScreen[str | None]):
    """Dismisses with the profile name written, or None."""

    DEFAULT_CSS = rules_beside(__file__)
    BINDINGS = [Binding("escape", "dismiss", "Cancel"), Binding("ctrl+s", "write", "Write")]

    def __init__(self, instance: Instance, role: Role) -> None:
        super().__init__()
        self.instance = instance
        self.role = role
        self.edit: ConfigEdit | None = None

    def compose(self) -> ComposeResult:
        region = profile_setup.default_region(self.instance)
        name = profile_setup.suggested_name(self.instance, self.role.account_id, self.role.account_name, self.role.role_name, region)
        with Vertical(id="profile-box"):
            yield Static(f"A profile for {self.role.role_name} in {self.role.account_name or self.role.account_id}", id="profile-title", markup=False)
            with Horizontal(classes="profile-field"):
                yield Label("Profile name")
                yield Input(value=name, id="profile-name", compact=True)
            with Horizontal(classes="profile-field"):
                yield Label("Region")
                yield Input(value=region, id="profile-region", compact=True)
            yield Static("", id="profile-error", markup=False)
            yield DiffView(id="profile-diff")
            with Horizontal(id="profile-buttons"):
                yield Button("Write", id="write", variant="primary")
                yield Button("Cancel", id="cancel")
        yield Footer()  # this dialog's keys, over the screen's beneath it

    def on_mount(self) -> None:
        self._plan()

    @on(Input.Changed)
    def _plan(self) -> None:
        name = self.query_one("#profile-name", Input).value.strip()
        region = self.query_one("#profile-region", Input).value.strip()
        write = self.query_one("#write", Button)
        try:
            if not name:
                raise SsodeckError("the profile needs a name")
            validation.region(region, "the region")
            self.edit = profile_setup.plan_role_profile(
                self.instance, name=name, account_id=self.role.account_id, role_name=self.role.role_name, region=region,
                account_name=self.role.account_name, credential_process=profile_setup.credential_process_command(),
            )  # fmt: skip
        except SsodeckError as problem:
            self.edit = None
            self._problem(str(problem))
            write.disabled = True
            return
        self._problem("")
        write.disabled = not self.edit.changed
        self.query_one(DiffView).show(self.edit.diff())

    def _problem(self, text: str) -> None:
        """What stops the write, under the fields; the line takes no room without one (the
        diff has it: a small terminal shows little of it as it is)."""
        error = self.query_one("#profile-error", Static)
        error.update(text)
        error.display = bool(text)

    @on(Button.Pressed, "#write")
    def action_write(self) -> None:
        if self.edit is None or not self.edit.changed:
            return
        try:
            apply_edit(self.edit)
        except SsodeckError as problem:
            self._problem(str(problem))
            return
        self.dismiss(self.query_one("#profile-name", Input).value.strip())

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
