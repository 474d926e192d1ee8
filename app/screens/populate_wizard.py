"""The populate wizard: ``configure populate`` step by step, with a live preview and the diff.

The choices live in one ``PopulateChoices``; each step shows and edits part of it, so Back
and Next keep everything. The names are previewed with the service populate plans with, the
edit is planned by ``PopulateChoices.plan`` and written by ``apply_edit``, exactly as the CLI
does; the last step shows the command line that does the same. Cancel writes nothing.
Listing, previewing, planning and writing run in thread workers; each result carries the
generation it was asked for, so a late answer to an old question is dropped. Each worker has
a description: without one, Textual describes it by the repr of its arguments, which for
thousands of roles costs more than naming them.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Checkbox, ContentSwitcher, Footer, Input, OptionList, Select, SelectionList, Static, TextArea

from app.models import Instance, Role
from app.screens.populate_steps import NAMING_LABELS, DiffStep, DoneStep, InstanceStep, NamingStep, ProfilesStep, RegionsStep
from app.screens.worker_errors import ReportsWorkerErrors
from app.services import roles as listing_service
from app.services import validation
from app.services.auth import get_token
from app.services.awsconfig import load_config, read_config_text
from app.services.config_editor import ConfigEdit, apply_edit
from app.services.errors import ConfigError, LoginRequired, SsodeckError
from app.services.name_preview import NamePreview, preview_names
from app.services.paths import aws_config_file
from app.services.populate_choices import PopulateChoices, check_session_name, legacy_layout_possible
from app.services.profile_names import NamingError, validate_naming
from app.widgets.diff_view import DiffView
from app.widgets.name_preview import NamePreviewList

STEPS = ("step-instance", "step-regions", "step-naming", "step-profiles", "step-diff", "step-done")
INSTANCE, REGIONS, NAMING, PROFILES, DIFF, DONE = range(len(STEPS))


class Answer(Message):
    """A worker's result (``value``) or failure (``error``) for request ``generation``."""

    def __init__(self, kind: str, generation: int, value: object = None, error: SsodeckError | None = None) -> None:
        super().__init__()
        self.kind, self.generation, self.value, self.error = kind, generation, value, error


class PopulateWizardScreen(ReportsWorkerErrors, Screen[str | None]):
    """Dismisses with a one-line account of what was written, or None when cancelled."""

    CSS_PATH = "populate_wizard.tcss"
    BINDINGS = [
        Binding("ctrl+n", "next", "Next", tooltip="The next step (on the review: write the file)"),
        Binding("ctrl+b", "back", "Back", tooltip="The step before; every choice is kept"),
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
        self.step = INSTANCE
        self.roles: list[Role] | None = None
        self.listing_from_cache = False
        self.problem: str | None = "Listing your roles…"
        self.shown_problem = ""
        self.preview: NamePreview | None = None
        self.edit: ConfigEdit | None = None
        self.outcome: str | None = None
        self.generations: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="wizard-title", markup=False)
        with ContentSwitcher(initial=STEPS[0], id="wizard-steps"):
            yield InstanceStep(self.instances, self.instance, id=STEPS[INSTANCE])
            yield RegionsStep(id=STEPS[REGIONS])
            yield NamingStep(id=STEPS[NAMING])
            yield ProfilesStep(legacy_possible=self.legacy_possible, id=STEPS[PROFILES])
            yield DiffStep(id=STEPS[DIFF])
            yield DoneStep(id=STEPS[DONE])
        yield Static("", id="wizard-problem", markup=False)
        with Horizontal(id="wizard-buttons"):
            yield Button("Back", id="back", compact=True)
            yield Button("Next", id="next", variant="primary", compact=True)
            yield Button("Cancel", id="cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(RegionsStep).load(self.choices)
        self.query_one(NamingStep).load(self.choices)
        self.query_one(ProfilesStep).load(self.choices, self.instance)
        self._start_listing()
        self._show(INSTANCE)

    # -- moving between steps ---------------------------------------------------------

    def _show(self, step: int) -> None:
        self.step = step
        self.query_one(ContentSwitcher).current = STEPS[step]
        shown = self.query_one(f"#{STEPS[step]}")
        self.query_one("#wizard-title", Static).update(f"Populate {shown_path(aws_config_file())} · step {step + 1} of {len(STEPS)}: {shown.title}")  # type: ignore[attr-defined]
        first = next((widget for widget in shown.query("*") if widget.focusable), None)
        if first is not None:
            self.set_focus(first)
        self.query_one("#back", Button).disabled = step in (INSTANCE, DONE)
        self.query_one("#next", Button).label = {DIFF: "Write", DONE: "Done"}.get(step, "Next")
        self.query_one("#cancel", Button).display = step != DONE
        if step == NAMING:
            self._naming_changed()
        elif step == PROFILES:
            self._profiles_changed()
        elif step == DIFF:
            self._start_plan()
        else:
            self._settle(self._static_problem())
        self.refresh_bindings()

    def _static_problem(self) -> str | None:
        if self.step == INSTANCE:
            return None if self.roles is not None else self.problem
        if self.step == REGIONS:
            return None if self.choices.regions else "Tick at least one region."
        return None

    def _settle(self, problem: str | None) -> None:
        """Show what stops the step (Next stays disabled until it is fixed), or nothing."""
        if (problem or "") != self.shown_problem:  # an unchanged line costs no relayout
            self.shown_problem = problem or ""
            self.query_one("#wizard-problem", Static).update(self.shown_problem)
        self.problem = problem
        self.query_one("#next", Button).disabled = problem is not None

    def action_next(self) -> None:
        if self.problem is not None:
            return
        if self.step == DIFF:
            self._settle("Writing…")
            self._write(self.edit, self._ask("written"))
        elif self.step == DONE:
            self.dismiss(self.outcome)
        else:
            self._show(self.step + 1)

    def action_back(self) -> None:
        if self.step not in (INSTANCE, DONE):
            self._show(self.step - 1)

    def action_cancel(self) -> None:
        self.dismiss(self.outcome if self.step == DONE else None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "copy_command":
            return self.step == DONE
        if action == "relist":
            return self.step == INSTANCE
        if action == "back":
            return self.step not in (INSTANCE, DONE)
        return True

    @on(Button.Pressed, "#next")
    def _next_pressed(self) -> None:
        self.action_next()

    @on(Button.Pressed, "#back")
    def _back_pressed(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def _ask(self, kind: str) -> int:
        """A new request for ``kind``: answers to the earlier ones will be dropped."""
        self.generations[kind] = self.generations.get(kind, 0) + 1
        return self.generations[kind]

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
        self._show(INSTANCE)

    def action_relist(self) -> None:
        self.roles = None
        self._start_listing()
        self._settle("Listing your roles…")

    def _start_listing(self) -> None:
        self.query_one("#listing-status", Static).update("Listing your roles…")
        self._list_roles(self.instance, self._ask("listing"))

    @work(thread=True, exclusive=True, exit_on_error=False, group="wizard-listing", description="listing the roles")
    def _list_roles(self, instance: Instance, generation: int) -> None:
        try:
            listing = listing_service.get_listing(instance, lambda: get_token(instance).token)
        except SsodeckError as error:
            self._answer("listing", generation, error=error)
            return
        self._answer("listing", generation, listing)

    def _answer(self, kind: str, generation: int, value: object = None, *, error: SsodeckError | None = None) -> None:
        self.post_message(Answer(kind, generation, value, error))

    @on(Answer)
    def _answered(self, answer: Answer) -> None:
        if answer.generation == self.generations.get(answer.kind):
            handlers = {"listing": self._on_listing, "preview": self._on_preview, "plan": self._on_plan, "written": self._on_written}
            handlers[answer.kind](answer.value, answer.error)  # type: ignore[operator]

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
            self._settle(self._static_problem())

    def _sign_in(self) -> None:
        from app.screens.signin import SignInScreen

        instance = self.instance

        def signed_in(token: object) -> None:
            if token is None:
                self.query_one("#listing-status", Static).update("Not signed in.")
                self.problem = "Sign in to list the roles: r tries again, Esc leaves."
                self._settle(self.problem)
            elif instance == self.instance:
                self._start_listing()

        self.app.push_screen(SignInScreen(instance), signed_in)

    # -- step 2: regions ----------------------------------------------------------------

    @on(SelectionList.SelectedChanged, "#regions")
    def _regions_changed(self) -> None:
        self.choices = self.query_one(RegionsStep).read(self.choices)
        self.query_one(RegionsStep).describe(self.choices)
        if self.step == REGIONS:
            self._settle(self._static_problem())

    @on(Input.Submitted, "#add-region")
    def _region_added(self, event: Input.Submitted) -> None:
        region = event.value.strip()
        try:
            validation.region(region, "the region to add")
        except ConfigError as error:
            event.input.add_class("-field-error")
            self._settle(str(error))
            return
        event.input.remove_class("-field-error")
        event.input.value = ""
        self.query_one(RegionsStep).add(region)

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
        generation = self._ask("preview")
        try:
            validate_naming(self.choices.naming, self.instance, labels=NAMING_LABELS)
        except ConfigError as error:
            step.mark(error.option if isinstance(error, NamingError) else None, str(error))
            self._stale_preview()
            self._settle("Fix the naming options first.")
            return
        step.mark(None, "")
        if self.roles is None:
            self._settle("The roles are still being listed.")
            return
        self.problem = "Working out the names…"  # Next waits for them, unseen: nothing is redrawn per key
        self._preview(self.roles, self.choices, self.instance, generation)

    @work(thread=True, exclusive=True, exit_on_error=False, group="wizard-preview", description="naming every role")
    def _preview(self, roles: list[Role], choices: PopulateChoices, instance: Instance, generation: int) -> None:
        try:
            preview = preview_names(roles, choices.regions, choices.naming, instance, on_duplicate=choices.on_duplicate)
        except SsodeckError as error:
            self._answer("preview", generation, error=error)
            return
        self._answer("preview", generation, preview)

    def _on_preview(self, preview: NamePreview | None, error: SsodeckError | None) -> None:
        if error is not None:
            self.query_one(NamingStep).mark(None, str(error))
            self._stale_preview()
            self._settle("Fix the naming options first.")
            return
        assert preview is not None
        self.preview = preview
        self.query_one(NamePreviewList).show(preview)
        self._settle(None if not preview.shared else "Names marked ! would be shared by several roles: change the components, separator or trims.")

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
        field = self.query_one("#session-name", Input)
        message = ""
        try:
            if self.choices.sso_session is not None:
                check_session_name(self.choices.sso_session)
        except ConfigError as error:
            message = f"The session name: {error}"
        field.set_class(bool(message), "-field-error")
        self.query_one("#session-error", Static).update(message)
        self._settle("Fix the session name first." if message else None)

    # -- step 5: the diff -----------------------------------------------------------------

    def _start_plan(self) -> None:
        self.edit = None
        self.query_one("#diff-summary", Static).update("Planning the change…")
        self.query_one(DiffView).show("", empty="")
        self._settle("Planning the change…")
        fresh = self.choices.prune and self.listing_from_cache  # pruning never trusts a cached listing
        self._plan(self.choices, self.instance, self.roles or [], fresh, self._ask("plan"))

    @work(thread=True, exclusive=True, exit_on_error=False, group="wizard-plan", description="planning the config edit")
    def _plan(self, choices: PopulateChoices, instance: Instance, roles: list[Role], fresh: bool, generation: int) -> None:
        try:
            if fresh:
                roles = list(listing_service.get_listing(instance, lambda: get_token(instance).token, refresh=True).roles)
            choices.check(instance)
            path = aws_config_file()
            edit = choices.plan(path, read_config_text(path), roles, instance, checked=True)
        except SsodeckError as error:
            self._answer("plan", generation, error=error)
            return
        self._answer("plan", generation, edit)

    def _on_plan(self, edit: ConfigEdit | None, error: SsodeckError | None) -> None:
        summary = self.query_one("#diff-summary", Static)
        if error is not None:
            summary.update(f"This cannot be written: {error}")
            self._settle("Go back and change the choices (ctrl+b).")
            return
        assert edit is not None
        self.edit = edit
        counts = edit.summary()
        shown = Text.assemble(
            (f"+{counts['add']} added", "green"), "  ", (f"~{counts['change']} changed", "yellow"), "  ",
            (f"-{counts['remove']} removed", "red"), f"  {counts['unchanged']} unchanged",
        )  # fmt: skip
        shown.append(_remarks(edit) + ("" if edit.changed else "\nNothing to write: the file already says all this."))
        summary.update(shown)
        self.query_one(DiffView).show(edit.diff(shown_path(edit.path)))
        self._settle(None)
        self.query_one("#next", Button).label = "Write" if edit.changed else "Next"

    # -- writing, and the summary ---------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="wizard-write", description="writing the config")
    def _write(self, edit: ConfigEdit | None, generation: int) -> None:
        assert edit is not None
        try:
            backup = apply_edit(edit)
        except SsodeckError as error:
            self._answer("written", generation, error=error)
            return
        self._answer("written", generation, (edit, backup))

    def _on_written(self, result: tuple[ConfigEdit, Path | None] | None, error: SsodeckError | None) -> None:
        if error is not None:
            self._settle(f"Nothing was written: {error}")
            return
        assert result is not None
        edit, backup = result
        if edit.changed:
            self.outcome = f"Wrote {shown_path(edit.path)}: {_counts(edit)}." + (f" The previous file is kept as {shown_path(backup)}." if backup else "")
        else:
            self.outcome = f"No changes to {shown_path(edit.path)}: {_counts(edit)}."
        self.query_one("#done-summary", Static).update(self.outcome)
        self.query_one("#command", TextArea).text = self.choices.command_line(self.instance)
        self._show(DONE)

    @on(Button.Pressed, "#copy-command")
    def action_copy_command(self) -> None:
        self.app.copy_text(self.choices.command_line(self.instance), "the command line")  # type: ignore[attr-defined]


def shown_path(path: Path) -> str:
    """``~/.aws/config`` rather than the whole path, when the file is in the home directory."""
    try:
        return str(Path("~") / path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def _counts(edit: ConfigEdit) -> str:
    summary = edit.summary()
    return ", ".join(f"{summary.get(kind, 0)} {word}" for kind, word in (("add", "added"), ("change", "changed"), ("remove", "removed"), ("unchanged", "unchanged")))


def _remarks(edit: ConfigEdit) -> str:
    lines = [f"\n{len(edit.renamed)} name(s) shared by accounts with the same name got the account ID."] if edit.renamed else []
    skipped = sum(1 for change in edit.changes if change.kind == "skip")
    if skipped:
        lines.append(f"\n{skipped} hand-written profile(s) with a generated name are left alone (choose overwrite to replace them).")
    lines += [f"\n{note}" for note in edit.notes]
    return "".join(lines)
