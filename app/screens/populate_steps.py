"""The steps of the populate wizard, one container each.

Every step shows part of a ``PopulateChoices`` (``load``) and writes its fields back into
one (``read``); the wizard keeps the choices, so going back and forward shows them again.
Checks are the services' (``validate_naming``, ``validation.region``...): a step only says
which field a problem belongs to.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import Button, Checkbox, Input, OptionList, Select, SelectionList, Static, TextArea
from textual.widgets.option_list import Option

from app.models import Instance
from app.printable import printable
from app.services.config_editor import ConfigEdit
from app.services.console_launch import COMMON_REGIONS
from app.services import validation
from app.services.errors import ConfigError, SsodeckError
from app.services.populate_choices import PopulateChoices, check_session_name
from app.services.profile_names import CASES
from app.widgets.diff_view import DiffView
from app.widgets.labelled import Labelled
from app.widgets.name_preview import NamePreviewList

# The wizard's words for each naming option, in its messages.
NAMING_LABELS = {
    "components": "Components", "separator": "The separator", "include_region": "Region in names",
    "region_style": "Region style", "trim_account_name": "The account name trim", "trim_role_name": "The role name trim",
    "account_name_case": "Account name case", "role_name_case": "Role name case", "profile_name_process": "The naming process",
}  # fmt: skip
NAMING_FIELDS = {"components": "#components", "separator": "#separator", "trim_account_name": "#trim-account", "trim_role_name": "#trim-role"}
EXISTING = {
    "keep": "keep: update the keys populate owns; leave your other keys, and hand-written profiles of the same name, alone",
    "overwrite": "overwrite: as keep, but also take over hand-written profiles of the same name",
    "discard": "discard: populated profiles hold only what populate writes now; your other keys in them go",
}
CASE_OPTIONS = [("as is", ""), *((case, case) for case in CASES)]


class InstanceStep(Vertical):
    title = "Instance"

    def __init__(self, instances: list[Instance], current: Instance, **kwargs) -> None:  # noqa: ANN003
        super().__init__(**kwargs)
        self.instances = instances
        self.current = current

    def compose(self) -> ComposeResult:
        yield Static("Which Identity Center instance are the profiles for?", classes="wizard-intro")
        options = [Option(f"{printable(i.label())}\n  from {printable(i.source or 'the environment')}", id=str(n)) for n, i in enumerate(self.instances)]
        yield OptionList(*options, id="instances", compact=True)
        yield Static("", id="listing-status", markup=False)

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = self.instances.index(self.current) if self.current in self.instances else 0


class RegionsStep(Vertical):
    title = "Regions"

    def compose(self) -> ComposeResult:
        yield Static("Which regions get profiles? The first one ticked is each profile's default; the others add the region to the names.", classes="wizard-intro")
        yield SelectionList[str](id="regions", compact=True)
        yield Input(placeholder="another region, e.g. me-central-1 (Enter adds it)", id="add-region", select_on_focus=False, compact=True)
        yield Static("", id="regions-order", markup=False)

    def load(self, choices: PopulateChoices) -> None:
        listing = self.query_one(SelectionList)
        listing.clear_options()
        for region in dict.fromkeys([*choices.regions, *COMMON_REGIONS]):
            listing.add_option((region, region, region in choices.regions))
        self.describe(choices)

    def read(self, choices: PopulateChoices) -> PopulateChoices:
        return dataclasses.replace(choices, regions=tuple(self.query_one(SelectionList).selected))

    def add_typed(self, region: str) -> str | None:
        """Add and tick a region typed in the box; what is wrong with it, if anything."""
        box = self.query_one("#add-region", Input)
        try:
            validation.region(region, "the region to add")
        except ConfigError as error:
            box.add_class("-field-error")
            return str(error)
        box.remove_class("-field-error")
        box.value = ""
        self.add(region)
        return None

    def add(self, region: str) -> None:
        listing = self.query_one(SelectionList)
        if region not in [listing.get_option_at_index(n).value for n in range(listing.option_count)]:
            listing.add_option((region, region))
        listing.select(region)

    def describe(self, choices: PopulateChoices) -> None:
        if not choices.regions:
            text = "Tick at least one region (space ticks)."
        else:
            first, *rest = choices.regions
            text = f"Default region: {first}" + (f"; also {', '.join(rest)}" if rest else "")
        self.query_one("#regions-order", Static).update(text)


class NamingStep(Vertical):
    title = "Profile names"
    marked: tuple[str | None, str] = (None, "")

    def compose(self) -> ComposeResult:
        with Grid(id="naming-form"):
            yield Labelled("Components", Input(id="components", select_on_focus=False, compact=True), classes="wide")
            yield Labelled("Separator", Input(id="separator", select_on_focus=False, compact=True))
            yield Labelled("Region in", Select([("2nd+ regions", "default"), ("all names", "always")], id="include-region", allow_blank=False, compact=True))
            yield Labelled("Trim account", TextArea(id="trim-account", compact=True, soft_wrap=False, tooltip="Regular expressions, one per line, removed from account names (from the safe name, where spaces are already -: -Prod$ trims \"Payments Prod\")"))
            yield Labelled("Trim role", TextArea(id="trim-role", compact=True, soft_wrap=False, tooltip="Regular expressions, one per line, removed from role names"))
            yield Labelled("Account case", Select(CASE_OPTIONS, id="account-case", allow_blank=False, compact=True))
            yield Labelled("Role case", Select(CASE_OPTIONS, id="role-case", allow_blank=False, compact=True))
            yield Labelled("Region style", Select([("short (usea1)", "short"), ("long (us-east-1)", "long")], id="region-style", allow_blank=False, compact=True))
            yield Labelled("Account names", Select([("safe (A-Z 0-9 - . _)", "safe"), ("raw", "raw")], id="account-names", allow_blank=False, compact=True))
        yield Static("", id="naming-error", classes="wizard-error", markup=False)
        yield NamePreviewList(id="preview")

    def load(self, choices: PopulateChoices) -> None:
        naming = choices.naming
        self.query_one("#components", Input).value = ",".join(naming.components)
        self.query_one("#separator", Input).value = naming.separator
        self.query_one("#trim-account", TextArea).text = "\n".join(naming.trim_account_name)
        self.query_one("#trim-role", TextArea).text = "\n".join(naming.trim_role_name)
        self.query_one("#include-region", Select).value = naming.include_region
        self.query_one("#region-style", Select).value = naming.region_style
        self.query_one("#account-case", Select).value = naming.account_name_case or ""
        self.query_one("#role-case", Select).value = naming.role_name_case or ""
        self.query_one("#account-names", Select).value = "safe" if naming.safe_account_names else "raw"

    def read(self, choices: PopulateChoices) -> PopulateChoices:
        def lines(widget_id: str) -> tuple[str, ...]:
            return tuple(line for line in self.query_one(widget_id, TextArea).text.split("\n") if line)

        naming = dataclasses.replace(
            choices.naming,
            components=tuple(part.strip() for part in self.query_one("#components", Input).value.split(",") if part.strip()),
            separator=self.query_one("#separator", Input).value,
            include_region=str(self.query_one("#include-region", Select).value),
            region_style=str(self.query_one("#region-style", Select).value),
            trim_account_name=lines("#trim-account"),
            trim_role_name=lines("#trim-role"),
            account_name_case=str(self.query_one("#account-case", Select).value) or None,
            role_name_case=str(self.query_one("#role-case", Select).value) or None,
            safe_account_names=self.query_one("#account-names", Select).value == "safe",
        )
        return dataclasses.replace(choices, naming=naming)

    def mark(self, option: str | None, message: str) -> None:
        """Show ``message`` and mark the field of ``option`` (None: the options as a whole);
        what is already shown is left alone, so typing costs no restyling."""
        if (option, message) == self.marked:
            return
        self.marked = (option, message)
        for name, selector in NAMING_FIELDS.items():
            self.query_one(selector).set_class(name == option, "-field-error")
        self.query_one("#naming-error", Static).update(message)


class ProfilesStep(Vertical):
    title = "Profiles"

    def __init__(self, *, legacy_possible: bool, **kwargs) -> None:  # noqa: ANN003
        super().__init__(**kwargs)
        self.legacy_possible = legacy_possible

    def compose(self) -> ComposeResult:
        layouts = [("an [sso-session] section", "session")] + ([("the start URL in each (legacy)", "legacy")] if self.legacy_possible else [])
        yield Labelled("Existing", Select([(action, action) for action in EXISTING], id="existing", allow_blank=False, compact=True))
        yield Static("", id="existing-help", classes="wizard-help", markup=False)
        yield Labelled("Sign in via", Select(layouts, id="layout", allow_blank=False, compact=True))
        yield Labelled("Session name", Input(id="session-name", select_on_focus=False, compact=True))
        yield Static("", id="session-error", classes="wizard-error", markup=False)
        yield Checkbox("Add credential_process (for tools without SSO sign-in)", id="credential-process", compact=True)
        yield Checkbox("Prune: remove earlier populated profiles you can no longer reach", id="prune", compact=True)

    def load(self, choices: PopulateChoices, instance: Instance) -> None:
        session = choices.sso_session is not None or not self.legacy_possible
        self.query_one("#existing", Select).value = choices.existing_action
        self.query_one("#layout", Select).value = "session" if session else "legacy"
        self.query_one("#session-name", Input).value = choices.sso_session or instance.session_name or _session_name_for(instance)
        self.query_one("#credential-process", Checkbox).value = choices.process_command() is not None
        self.query_one("#prune", Checkbox).value = choices.prune
        self.describe()

    def read(self, choices: PopulateChoices) -> PopulateChoices:
        session = self.query_one("#layout", Select).value == "session"
        return dataclasses.replace(
            choices,
            existing_action=str(self.query_one("#existing", Select).value),
            sso_session=self.query_one("#session-name", Input).value.strip() if session else None,
            credential_process=self.query_one("#credential-process", Checkbox).value,
            prune=self.query_one("#prune", Checkbox).value,
        )

    def check(self, choices: PopulateChoices) -> str | None:
        """Mark the session name if it cannot be one; what is wrong with it, if anything."""
        message = ""
        try:
            if choices.sso_session is not None:
                check_session_name(choices.sso_session)
        except ConfigError as error:
            message = f"The session name: {error}"
        self.query_one("#session-name").set_class(bool(message), "-field-error")
        self.query_one("#session-error", Static).update(message)
        return message or None

    def describe(self) -> None:
        self.query_one("#existing-help", Static).update(EXISTING[str(self.query_one("#existing", Select).value)])
        self.query_one("#session-name").disabled = self.query_one("#layout", Select).value != "session"


def _session_name_for(instance: Instance) -> str:
    """A session name for an instance that has none: its start URL's first label (my-org
    for https://my-org.awsapps.com/start)."""
    from urllib.parse import urlsplit

    host = urlsplit(instance.start_url).hostname or "sso"
    return host.split(".")[0] or "sso"


class DiffStep(Vertical):
    title = "Review"

    def compose(self) -> ComposeResult:
        yield Static("Planning the change…", id="diff-summary", markup=False)
        yield DiffView(id="diff")

    def planning(self) -> None:
        self.query_one("#diff-summary", Static).update("Planning the change…")
        self.query_one(DiffView).show("", empty="")

    def refused(self, error: SsodeckError) -> None:
        self.query_one("#diff-summary", Static).update(f"This cannot be written: {error}")

    def planned(self, edit: ConfigEdit) -> None:
        """The counts (coloured as the diff), what the plan had to say, and the diff."""
        counts = edit.summary()
        shown = Text.assemble(
            (f"+{counts['add']} added", "green"), "  ", (f"~{counts['change']} changed", "yellow"), "  ",
            (f"-{counts['remove']} removed", "red"), f"  {counts['unchanged']} unchanged",
        )  # fmt: skip
        shown.append(_remarks(edit) + ("" if edit.changed else "\nNothing to write: the file already says all this."))
        self.query_one("#diff-summary", Static).update(shown)
        self.query_one(DiffView).show(edit.diff(shown_path(edit.path)))


class DoneStep(Vertical):
    title = "Done"

    def compose(self) -> ComposeResult:
        yield Static("", id="done-summary", markup=False)
        yield Static("The same from the command line, to script it (c copies it):", id="done-intro", classes="wizard-intro")
        yield TextArea(id="command", read_only=True, soft_wrap=True, compact=True)
        yield Button("Copy the command", id="copy-command", compact=True)

    def written(self, edit: ConfigEdit, backup: Path | None, command: str) -> str:
        """Show what was written and the command line; returns the one-line account."""
        if edit.changed:
            outcome = f"Wrote {shown_path(edit.path)}: {_counts(edit)}." + (f" The previous file is kept as {shown_path(backup)}." if backup else "")
        else:
            outcome = f"No changes to {shown_path(edit.path)}: {_counts(edit)}."
        self.query_one("#done-summary", Static).update(outcome)
        self.query_one("#command", TextArea).text = command
        return outcome


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
