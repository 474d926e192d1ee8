"""The console launcher: any role, a service or path, a region and a session length, then
open the console, show or copy the sign-in URL, or copy a portal shortcut; or a pasted
config token, checked as ``console launch-from-config`` checks it.

The launch is the CLI's pipeline (``console_launch``): planned on the event loop, where a bad
value costs nothing, then signed in a thread worker. The last choices for each role are
kept in the settings file and come back when the role is picked again. "Show" is the app's
``--print``: the URL appears on this screen (never in a notification or log), marked as
the secret it is, and is gone when the screen closes.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Select, Static, TextArea

from app.screens import rules_beside
from app.models import Instance, Role
from app.printable import printable
from app.screens.worker_errors import ReportsWorkerErrors
from app.services import console_launch as launches
from app.services import settings
from app.services.auth import get_token
from app.services.awsconfig import load_config
from app.services.config_token import decode_config_token
from app.services.errors import BadValue, LoginRequired, SsodeckError
from app.services.profile_setup import default_region
from app.services.search import RoleSearch
from app.services.targets import Target
from app.widgets.filter_input import FilterInput
from app.widgets.labelled import Labelled
from app.widgets.role_tree import MatchRows, RoleTree, TreeRows, name_width_for

ACTIONS = (("open the console", "open"), ("show the sign-in URL", "show"), ("copy the sign-in URL", "copy"), ("copy a portal shortcut", "shortcut"))
SECRET = "a secret: it signs in whoever holds it, once, within 15 minutes. ctrl+y copies it; it is forgotten when you leave"


@dataclass(frozen=True)
class Launch:
    """What one launch asked for: the plan, how to deliver the URL, and whom it is for."""

    plan: launches.ConsoleLaunch
    action: str
    who: str


class LauncherScreen(ReportsWorkerErrors, Screen[None]):
    DEFAULT_CSS = rules_beside(__file__)
    AUTO_FOCUS = "#launch-filter"
    BINDINGS = [
        Binding("escape", "leave", "Back", tooltip="Back to the roles"),
        Binding("ctrl+o", "launch", "Launch", tooltip="Launch the console for the role under the cursor, as chosen"),
        Binding("ctrl+t", "token", "Config token", tooltip="Paste a config token (console get-config-token) to launch from"),
        Binding("ctrl+y", "copy_url", "Copy URL", tooltip="Copy the sign-in URL shown"),
    ]

    class Signed(Message):
        def __init__(self, launch: Launch, url: str | None, error: SsodeckError | None) -> None:
            super().__init__()
            self.launch, self.url, self.error = launch, url, error

    def __init__(self, instance: Instance, search: RoleSearch, role: Role | None = None) -> None:
        """``search`` is the roles view's (its roles, with search texts already made)."""
        super().__init__()
        self.instance = instance
        self.roles = search.roles
        self.start_role = role
        self.search = search
        self.collapsed: frozenset[str] = frozenset()
        self.favourites: frozenset[tuple[str, str]] = frozenset()
        self.recent: tuple[tuple[str, str], ...] = ()
        self.remembered: dict[tuple[str, str], dict] = {}
        self.regions = list(dict.fromkeys([default_region(instance), *launches.COMMON_REGIONS]))
        self.url: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(f"Console launcher · {printable(self.instance.label())}", id="launch-title", markup=False)
        with Horizontal(id="launch-filter-row"):
            yield Static("Role ", id="launch-filter-label")
            yield FilterInput(placeholder="letters in order (prdadm) · ↑↓ · Enter launches", question_mark_helps=True, id="launch-filter", select_on_focus=False, compact=True, validate_on=())
        yield RoleTree(id="launch-roles")
        with Grid(id="launch-form"):
            yield Labelled("Service", Select(launches.COMMON_DESTINATIONS, prompt="another path", id="launch-service", compact=True))
            yield Labelled("Path", Input(value="/console/home", id="launch-path", select_on_focus=False, compact=True))
            yield Labelled("Region", Select([(r, r) for r in self.regions], value=self.regions[0], allow_blank=False, id="launch-region", compact=True))
            yield Labelled("Duration", Input(placeholder=f"minutes, {launches.MIN_DURATION}-{launches.MAX_DURATION} (blank: as the role allows)", id="launch-duration", select_on_focus=False, compact=True))
            yield Labelled("Then", Select(ACTIONS, value="open", allow_blank=False, id="launch-action", compact=True))
            yield Button("Launch", id="launch", variant="primary", compact=True)
        with Horizontal(id="launch-token-row"):
            yield Labelled("Config token", Input(placeholder="paste a token from `console get-config-token`, Enter launches it", id="launch-token", compact=True))
        yield Static("", id="launch-error", markup=False)
        with Vertical(id="launch-url"):
            yield Static("", id="launch-url-label", markup=False)
            yield TextArea(id="launch-url-text", read_only=True, soft_wrap=True, compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#launch-url").display = False
        try:
            mine = settings.load(self.instance)
        except SsodeckError as error:
            self.notify(str(error), severity="warning")
        else:
            self.favourites, self.recent, self.remembered = mine.favourites, mine.recent, dict(mine.console)
        self.call_after_refresh(self._rebuild, self.start_role)  # once laid out, so the tree shows from its top

    # -- the role ----------------------------------------------------------------------

    def _rebuild(self, keep: Role | None = None) -> None:
        tree = self.query_one(RoleTree)
        query = self.query_one("#launch-filter", Input).value
        if query.strip():
            source = MatchRows(self.search, self.search.ranked(query), query, self.favourites)
            empty = f"No role matches {query.strip()!r}."
        else:
            source = TreeRows(self.roles, "account", self.favourites, self.collapsed, recent=self.recent)
            empty = "No roles listed yet: go back (Esc) until the roles view has listed them."
        tree.show(source, name_width=name_width_for(self.roles), keep=keep or tree.current_role, empty=empty)

    @on(Input.Changed, "#launch-filter")
    def _filter_changed(self) -> None:
        self._rebuild()

    def on_key(self, event) -> None:  # noqa: ANN001 - textual's Key
        """Up and down in the filter move through the roles, as in the roles view."""
        if self.query_one("#launch-filter", Input).has_focus and event.key in ("up", "down"):
            self.query_one(RoleTree).action_cursor(-1 if event.key == "up" else 1)
            event.stop()

    @on(RoleTree.Folded)
    def _folded(self, message: RoleTree.Folded) -> None:
        self.collapsed = self.collapsed | {message.group} if message.fold else self.collapsed - {message.group}
        self._rebuild()

    @on(RoleTree.Highlighted)
    def _highlighted(self, message: RoleTree.Highlighted) -> None:
        """A role's last choices come back when it is picked; other roles keep the form."""
        if message.role is None:
            return
        last = self.remembered.get((message.role.account_id, message.role.role_name))
        if not last:
            return
        if last.get("destination"):
            self.query_one("#launch-path", Input).value = str(last["destination"])
        region = str(last.get("region") or "")
        if region:
            select = self.query_one("#launch-region", Select)
            if region not in self.regions:  # remembered from the roles view, which takes any region
                self.regions.insert(0, region)
                select.set_options([(r, r) for r in self.regions])
            select.value = region
        self.query_one("#launch-duration", Input).value = str(last.get("duration") or "")
        if last.get("action") in dict(ACTIONS).values():
            self.query_one("#launch-action", Select).value = last["action"]

    @on(Select.Changed, "#launch-service")
    def _service_chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.query_one("#launch-path", Input).value = event.value

    @on(Input.Changed, "#launch-path")
    def _path_typed(self, event: Input.Changed) -> None:
        """The service list follows the path: a common one is shown by name, any other as a path."""
        service = self.query_one("#launch-service", Select)
        path = event.value.strip()
        if path in {known for _, known in launches.COMMON_DESTINATIONS}:
            if service.value != path:
                service.value = path
        elif not service.is_blank():
            service.clear()

    # -- launching ---------------------------------------------------------------------

    @on(Input.Submitted, "#launch-filter, #launch-path, #launch-duration")
    @on(RoleTree.Activated)
    @on(Button.Pressed, "#launch")
    def action_launch(self) -> None:
        role = self.query_one(RoleTree).current_role
        if role is None:
            self._problem("Move to a role first (a group has no credentials).")
            return
        fields = self._fields()
        if fields is None:
            return
        path, region, duration, action = fields
        target = Target(self.instance, role.account_id, role.role_name, region)
        self._remember(role, {"destination": path, "region": region, "duration": duration, "action": action})
        who = f"{role.role_name} in {role.account_name or role.account_id}"
        if action == "shortcut":
            self.app.copy_text(launches.shortcut_link(target, destination=path), f"the portal shortcut for {who}")  # type: ignore[attr-defined]
            return
        self._sign(Launch(launches.plan_launch(target, destination=path, duration=duration), action, who))

    def _fields(self) -> tuple[str, str, int | None, str] | None:
        """The form's values, checked; a bad one is marked and None returned."""
        path_box, duration_box = self.query_one("#launch-path", Input), self.query_one("#launch-duration", Input)
        path_box.remove_class("-field-error")
        duration_box.remove_class("-field-error")
        text = duration_box.value.strip()
        try:
            path = launches.check_destination(path_box.value.strip() or "/console/home")
        except BadValue as error:
            path_box.add_class("-field-error")
            self._problem(f"Path: {error}")
            return None
        try:
            duration = launches.check_duration(int(text)) if text else None
        except (ValueError, BadValue) as error:
            duration_box.add_class("-field-error")
            self._problem(f"Duration: {error if isinstance(error, BadValue) else f'{text!r} is not a number of minutes'}")
            return None
        self._problem("")
        return path, str(self.query_one("#launch-region", Select).value), duration, str(self.query_one("#launch-action", Select).value)

    def action_token(self) -> None:
        self.set_focus(self.query_one("#launch-token", Input))

    @on(Input.Submitted, "#launch-token")
    def _token_submitted(self, event: Input.Submitted) -> None:
        """Launch what the token says; a token without an account or role uses the role
        under the cursor for what it lacks."""
        action = str(self.query_one("#launch-action", Select).value)
        box = event.input
        role = self.query_one(RoleTree).current_role
        try:
            if action == "shortcut":
                raise BadValue("a config token launches the console: choose open, show or copy under Then")
            token = decode_config_token(event.value)
            account = token.account_id or (role.account_id if role else None)
            role_name = token.role_name or (role.role_name if role else None)
            plan = launches.plan_token_launch(event.value, load_config(), account_id=account, role_name=role_name)
        except SsodeckError as error:
            box.add_class("-field-error")
            lacks = f": move to a role in the list, and its {error.what} is used" if isinstance(error, launches.TokenLacks) else ""
            self._problem(f"{error}{lacks}")
            return
        box.remove_class("-field-error")
        self._problem("")
        for warning in token.warnings:
            self.notify(f"Config token: {warning}", severity="warning")
        target = plan.target
        self._sign(Launch(plan, action, f"{target.role_name} in {target.account_id} (from the config token)"))

    @work(thread=True, exit_on_error=False, group="launch", description="console sign-in")
    def _sign(self, launch: Launch) -> None:
        instance = launch.plan.target.instance
        try:
            url = launches.signin_url(launch.plan, token_source=lambda: get_token(instance).token,
                                      notify=lambda news: self.notify(news, severity="warning"))  # fmt: skip
        except SsodeckError as error:
            self.post_message(self.Signed(launch, None, error))
            return
        self.post_message(self.Signed(launch, url, None))

    @on(Signed)
    def _signed(self, message: Signed) -> None:
        launch, url = message.launch, message.url
        if message.error is not None or url is None:
            error = message.error
            self._problem(f"{error}. Go back (Esc) and press l to sign in again." if isinstance(error, LoginRequired) else str(error))
            return
        if launch.action == "open":
            if self.app.seams.open_url(url):  # type: ignore[attr-defined]
                self.notify(f"Opened the AWS console as {launch.who}.")
                return
            self.notify("No web browser could be opened here, so the sign-in URL is shown instead.", severity="warning")
        elif launch.action == "copy":
            self.app.copy_text(url, f"the console sign-in URL for {launch.who} (it works once, within 15 minutes)")  # type: ignore[attr-defined]
            return
        self.url = url
        self.query_one("#launch-url").display = True
        self.query_one("#launch-url-label", Static).update(f"Console sign-in URL for {launch.who} — {SECRET}.")
        self.query_one("#launch-url-text", TextArea).text = url

    def action_copy_url(self) -> None:
        if self.url:
            self.app.copy_text(self.url, "the console sign-in URL (it works once, within 15 minutes)")  # type: ignore[attr-defined]

    def action_leave(self) -> None:
        self.url = None
        self.dismiss(None)

    # -- helpers -----------------------------------------------------------------------

    def _problem(self, text: str) -> None:
        self.query_one("#launch-error", Static).update(text)

    def _remember(self, role: Role, choices: dict) -> None:
        key = (role.account_id, role.role_name)
        self.remembered[key] = choices
        try:
            settings.remember_console(key, choices)
        except SsodeckError as error:
            self.notify(f"Could not remember these choices: {error}", severity="warning")
