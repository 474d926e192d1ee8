"""The populate wizard: ``configure populate`` step by step, with a live preview and the diff.

The choices live in one ``PopulateChoices``; each step shows and edits part of it, so Back
and Next keep everything. The names are previewed with the service populate plans with, the
edit is planned by ``PopulateChoices.plan`` and written by ``apply_edit``, exactly as the CLI
does; the last step shows the command line that does the same. Cancel writes nothing.
Listing, previewing, planning and writing run in thread workers (``WizardScreen`` drops
late answers). Each worker has a description: without one, Textual describes it by the
repr of its arguments, which for thousands of roles costs more than naming them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

from textual import on
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, OptionList, Select, SelectionList, Static, TextArea

from app.screens import rules_beside
from app.models import Instance, Role
from app.screens.populate_steps import NAMING_LABELS, DiffStep, DoneStep, InstanceStep, NamingStep, ProfilesStep, RegionsStep, shown_path
from app.screens.wizard import WizardScreen
from app.screens.worker_errors import worker_cancelled
from app.heap import settle_heap
from app.services import roles as listing_service
from app.services.auth import get_token
from app.services.awsconfig import load_config, read_config_text
from app.services.config_editor import ConfigEdit, apply_edit
from app.services.errors import ConfigError, LoginRequired, SsodeckError
from app.services.name_preview import NamePreview, preview_names
from app.services.paths import aws_config_file
from app.services.populate_choices import PopulateChoices, legacy_layout_possible
from app.services.profile_names import NamingError, validate_naming
from app.widgets.name_preview import NamePreviewList

INSTANCE, REGIONS, NAMING, PROFILES, DIFF, DONE = range(6)


class PopulateWizardScreen(WizardScreen[str | None]):
    """Dismisses with a one-line account of what was written, or None when cancelled."""

    DEFAULT_CSS = rules_beside(__file__)
    BINDINGS = [
        Binding("ctrl+n", "next", "Next", tooltip="The next step (on the review: write the file)"),
        Binding("escape", "cancel", "Cancel", tooltip="Leave without writing anything"),
        Binding("c", "copy_command", "Copy command", tooltip="Copy the equivalent command line (last step)"),
        Binding("r", "relist", "List again", tooltip="Ask Identity Center for the roles again (first step)"),
    ]

    def __init__(self, instance: Instance, *, choices: PopulateChoices | None = None, instances: list[Instance] | None = None) -> None:
        super().__init__()
        self.instance = instance
        self.instances = [instance, *(i for i in instances or () if i != instance)]
        config = load_config()
        self.choices = choices or PopulateChoices.starting(instance, config)
        self.legacy_possible = legacy_layout_possible(config, instance)
        self.roles: list[Role] | None = None
        self.listing_from_cache = False
        self.problem = "Listing your roles…"
        self.preview: NamePreview | None = None
        self.edit: ConfigEdit | None = None
        self.outcome: str | None = None
        self.froze = False
        self.answers.update(listing=self._on_listing, preview=self._on_preview, plan=self._on_plan, written=self._on_written)

    def step_widgets(self) -> Iterable[Widget]:
        yield InstanceStep(self.instances, self.instance, id="step-instance")
        yield RegionsStep(id="step-regions")
        yield NamingStep(id="step-naming")
        yield ProfilesStep(legacy_possible=self.legacy_possible, id="step-profiles")
        yield DiffStep(id="step-diff")
        yield DoneStep(id="step-done")

    def on_mount(self) -> None:
        self.query_one(RegionsStep).load(self.choices)
        self.query_one(NamingStep).load(self.choices)
        self.query_one(ProfilesStep).load(self.choices, self.instance)
        self._start_listing()
        self.show_step(INSTANCE)

    # -- moving between steps ---------------------------------------------------------

    def heading(self) -> str:
        return f"Populate {shown_path(aws_config_file())}"

    def next_label(self, step: int) -> str:
        return {DIFF: "Write", DONE: "Done"}.get(step, "Next")

    def can_go_back(self, step: int) -> bool:
        return step not in (INSTANCE, DONE)  # once written, there is nothing to go back to

    def entered(self, step: int) -> None:
        self.query_one("#cancel").display = step != DONE
        if step == NAMING:
            self._freeze_heap()
            self._naming_changed()
        elif step == PROFILES:
            self._profiles_changed()
        elif step == DIFF:
            self._start_plan()
        else:
            self.settle(self._static_problem())

    def forward(self, step: int) -> None:
        if step == DIFF:
            self.settle("Writing…")
            edit = self.edit
            assert edit is not None
            self.run_job("written", lambda: (edit, apply_edit(edit)), "writing the config")
        elif step == DONE:
            self.dismiss(self.outcome)
        else:
            self.show_step(step + 1)

    def action_cancel(self) -> None:
        self.dismiss(self.outcome if self.step == DONE else None)

    def _freeze_heap(self) -> None:
        """The names of every role are long-lived while the wizard is open: keep the garbage
        collector's full passes off the live preview (``settle_heap``), and again on leaving."""
        if not self.froze:
            self.froze = True
            settle_heap()

    def on_unmount(self) -> None:
        if self.froze:
            settle_heap()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "copy_command":
            return self.step == DONE
        if action == "relist":
            return self.step == INSTANCE
        return super().check_action(action, parameters)

    def _static_problem(self) -> str | None:
        if self.step == INSTANCE:
            return None if self.roles is not None else self.problem
        if self.step == REGIONS:
            return None if self.choices.regions else "Tick at least one region."
        return None

    # -- step 1: the instance and its roles ---------------------------------------------

    @on(OptionList.OptionHighlighted, "#instances")
    def _instance_chosen(self, event: OptionList.OptionHighlighted) -> None:
        chosen = self.instances[int(event.option_id or 0)]
        if chosen == self.instance:
            return
        self.instance, self.roles, self.preview = chosen, None, None
        self.legacy_possible = legacy_layout_possible(load_config(), chosen)
        self.choices = dataclasses.replace(self.choices, sso_session=chosen.session_name)
        self.query_one(ProfilesStep).legacy_possible = self.legacy_possible
        self.query_one(ProfilesStep).load(self.choices, chosen)
        self._start_listing()
        self.show_step(INSTANCE)

    def action_relist(self) -> None:
        self.roles = None
        self._start_listing()
        self.settle("Listing your roles…")

    def _start_listing(self) -> None:
        self.query_one("#listing-status", Static).update("Listing your roles…")
        instance = self.instance
        self.run_job("listing", lambda: listing_service.get_listing(instance, lambda: get_token(instance).token, cancelled=worker_cancelled()), "listing the roles")


    def _on_listing(self, listing: listing_service.Listing | None, error: SsodeckError | None) -> None:
        status = self.query_one("#listing-status", Static)
        if error is not None:
            if isinstance(error, LoginRequired):
                status.update("Signing in…")
                self._sign_in()
                return
            status.update(f"Could not list the roles: {error}")
            self.problem = "The roles could not be listed: r tries again, Esc leaves."
        else:
            assert listing is not None
            self.roles = sorted(listing.roles, key=lambda role: (role.account_id, role.role_name))  # the preview's ties, steady
            self.listing_from_cache = listing.from_cache
            accounts = len({role.account_id for role in self.roles})
            status.update(f"{len(self.roles)} roles in {accounts} accounts" + (" (from the cached listing)" if listing.from_cache else ""))
        if self.step == INSTANCE:
            self.settle(self._static_problem())

    def _sign_in(self) -> None:
        from app.screens.signin import SignInScreen

        instance = self.instance

        def signed_in(token: object) -> None:
            if token is None:
                self.query_one("#listing-status", Static).update("Not signed in.")
                self.problem = "Sign in to list the roles: r tries again, Esc leaves."
                self.settle(self.problem)
            elif instance == self.instance:
                self._start_listing()

        self.app.push_screen(SignInScreen(instance), signed_in)

    # -- step 2: regions ----------------------------------------------------------------

    @on(SelectionList.SelectedChanged, "#regions")
    def _regions_changed(self) -> None:
        self.choices = self.query_one(RegionsStep).read(self.choices)
        self.query_one(RegionsStep).describe(self.choices)
        if self.step == REGIONS:
            self.settle(self._static_problem())

    @on(Input.Submitted, "#add-region")
    def _region_added(self, event: Input.Submitted) -> None:
        problem = self.query_one(RegionsStep).add_typed(event.value.strip())
        if problem:
            self.settle(problem)

    # -- step 3: names, with the live preview ------------------------------------------

    @on(Input.Changed, "#components, #separator")
    @on(TextArea.Changed, "#trim-account, #trim-role")
    @on(Select.Changed, "#include-region, #region-style, #account-case, #role-case, #account-names")
    def _naming_edited(self) -> None:
        self.choices = self.query_one(NamingStep).read(self.choices)
        if self.step == NAMING:
            self._naming_changed()

    def _naming_changed(self) -> None:
        """Check the options at once (marking the field at fault), then name every role in a worker."""
        step = self.query_one(NamingStep)
        try:
            validate_naming(self.choices.naming, self.instance, labels=NAMING_LABELS)
        except ConfigError as error:
            self.ask("preview")  # a preview still being worked out is for options no longer chosen
            step.mark(error.option if isinstance(error, NamingError) else None, str(error))
            self._stale_preview()
            self.settle("Fix the naming options first.")
            return
        step.mark(None, "")
        if self.roles is None:
            self.settle("The roles are still being listed.")
            return
        self.problem = "Working out the names…"  # Next waits for them, unseen: nothing is redrawn per key
        roles, choices, instance = self.roles, self.choices, self.instance
        self.run_job("preview", lambda: preview_names(roles, choices.regions, choices.naming, instance, on_duplicate=choices.on_duplicate), "naming every role")

    def _on_preview(self, preview: NamePreview | None, error: SsodeckError | None) -> None:
        if error is not None:
            self.query_one(NamingStep).mark(None, str(error))
            self._stale_preview()
            self.settle("Fix the naming options first.")
            return
        assert preview is not None
        self.preview = preview
        self.query_one(NamePreviewList).show(preview)
        self.settle(None if not preview.shared else "Names marked ! would be shared by several roles: change the components, separator or trims.")

    def _stale_preview(self) -> None:
        if self.preview is not None:
            self.query_one(NamePreviewList).stale()

    # -- step 4: existing profiles, layout, credential_process, prune --------------------

    @on(Select.Changed, "#existing, #layout")
    @on(Input.Changed, "#session-name")
    @on(Checkbox.Changed)
    def _profiles_edited(self) -> None:
        self.query_one(ProfilesStep).describe()
        self.choices = self.query_one(ProfilesStep).read(self.choices)
        if self.step == PROFILES:
            self._profiles_changed()

    def _profiles_changed(self) -> None:
        self.settle("Fix the session name first." if self.query_one(ProfilesStep).check(self.choices) else None)

    # -- step 5: the diff -----------------------------------------------------------------

    def _start_plan(self) -> None:
        self.edit = None
        self.query_one(DiffStep).planning()
        self.settle("Planning the change…")
        fresh = self.choices.prune and self.listing_from_cache  # pruning never trusts a cached listing
        choices, instance, roles = self.choices, self.instance, self.roles or []
        self.run_job("plan", lambda: self._planned(choices, instance, roles, fresh), "planning the config edit")

    @staticmethod
    def _planned(choices: PopulateChoices, instance: Instance, roles: list[Role], fresh: bool) -> ConfigEdit:
        """The edit, checked as the CLI checks it (in a worker thread)."""
        if fresh:
            roles = list(listing_service.get_listing(instance, lambda: get_token(instance).token, refresh=True, cancelled=worker_cancelled()).roles)
        choices.check(instance)
        path = aws_config_file()
        return choices.plan(path, read_config_text(path), roles, instance, checked=True)

    def _on_plan(self, edit: ConfigEdit | None, error: SsodeckError | None) -> None:
        if error is not None:
            self.query_one(DiffStep).refused(error)
            self.settle("Go back and change the choices (ctrl+b).")
            return
        assert edit is not None
        self.edit = edit
        self.query_one(DiffStep).planned(edit)
        self.settle(None)
        self.query_one("#next").label = "Write" if edit.changed else "Next"  # type: ignore[attr-defined]

    # -- writing, and the summary ---------------------------------------------------------


    def _on_written(self, result: tuple[ConfigEdit, Path | None] | None, error: SsodeckError | None) -> None:
        if error is not None:
            self.settle(f"Nothing was written: {error}")
            return
        assert result is not None
        edit, backup = result
        self.outcome = self.query_one(DoneStep).written(edit, backup, self.choices.command_line(self.instance))
        self.show_step(DONE)

    @on(Button.Pressed, "#copy-command")
    def action_copy_command(self) -> None:
        self.app.copy_text(self.choices.command_line(self.instance), "the command line")  # type: ignore[attr-defined]
