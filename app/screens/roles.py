"""The roles view: every account and role of one instance, filtered as you type.

On start the cached listing shows at once with its age, and a worker revalidates it (signing
in silently when a refresh is enough, or through the sign-in screen). A cold start shows
accounts as soon as ListAccounts answers and the roles as they stream in, with a progress
bar. Role actions live in ``RoleActions``; this module is the listing and the view.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from app.screens import rules_beside
from app.models import Account, Instance, Role, Token
from app.screens.role_actions import ROLE_ACTIONS, RoleActions
from app.screens.worker_errors import ReportsWorkerErrors, worker_cancelled
from app.services import credential_cache, settings, token_cache
from app.services import roles as listing_service
from app.services.errors import Cancelled, LoginRequired, SsodeckError
from app.services.roles import ListingProgress
from app.services.search import COMMON_LETTERS, RoleSearch
from app.screens.type_to_filter import type_into_filter
from app.heap import settle_heap
from app.widgets.filter_input import FilterInput
from app.widgets.role_tree import MatchRows, RoleTree, TreeRows, View, name_width_for
from app.widgets.session_bar import SessionBar

if TYPE_CHECKING:
    from textual.timer import Timer
    from textual.widgets import ProgressBar

PARTIAL_EVERY = 0.25  # seconds between redraws while a listing streams in
# Seconds after a cached listing is first drawn before it is checked with Identity Center, and
# once a key has been typed, seconds without one: a person who types as soon as the roles show
# is not made to wait on the check's start (loading the AWS client, in a thread, shares the
# interpreter with the keystrokes). The listing on show is at most SSODECK_ROLE_CACHE_TTL old.
SETTLING = 1.0
QUIET = 1.0
IDLE = 2.0  # seconds without typing before the heap is settled after a new listing


def age_text(fetched_at: datetime, now: datetime) -> str:
    minutes = int((now - fetched_at).total_seconds() // 60)
    return "just now" if minutes < 1 else f"{minutes} min ago" if minutes < 120 else f"{minutes // 60} h ago"


class RolesScreen(RoleActions, ReportsWorkerErrors, Screen[None]):
    DEFAULT_CSS = rules_beside(__file__)
    AUTO_FOCUS = "#filter"  # type to find a role straight away
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_filter", "Filter", tooltip="Type to narrow the roles (fuzzy)"),
        Binding("escape", "clear_filter", "Clear", show=False, tooltip="Empty the filter; on an empty one, go to the list"),
        Binding("e", "copy_env", "Copy env", tooltip="Copy export lines for the role's credentials"),
        Binding("J", "copy_json", "Copy JSON", show=False, tooltip="Copy the role's credentials as credential_process JSON"),
        Binding("o", "console", "Console", tooltip="Open the AWS console as the role (pick a service and region)"),
        Binding("u", "console_url", "Console URL", show=False, tooltip="Copy a console sign-in URL for the role"),
        Binding("s", "shortcut", "Shortcut", show=False, tooltip="Copy the access-portal shortcut link for the role"),
        Binding("x", "shell", "Shell", tooltip="Open $SHELL with the role's credentials; exit it to come back"),
        Binding("w", "write_profile", "Profile", tooltip="Write a profile for the role into ~/.aws/config"),
        Binding("f", "favourite", "Favourite", tooltip="Mark or unmark the role as a favourite"),
        Binding("a", "explore", "Assignments", show=False, tooltip="Explore the instance's assignments as the role (who can reach what; needs admin rights)"),
        Binding("v", "toggle_view", "View", tooltip="Switch between account -> roles and role -> accounts"),
        Binding("r", "refresh", "Refresh", show=False, tooltip="Ask Identity Center for the roles again"),
        Binding("l", "sign_in", "Sign in", show=False, tooltip="Sign in again (a new session)"),
        Binding("i", "switch_instance", "Instance", show=False, tooltip="Switch to another Identity Center instance"),
        Binding("p", "populate", "Populate", show=False, tooltip="Write profiles for every role into ~/.aws/config (a wizard)"),
        Binding("O", "launcher", "Launcher", show=False, tooltip="The console launcher: any role, service, region and duration, or a config token"),
    ]

    class ListingChanged(Message):
        """A listing (or part of one, while it streams in) to show."""

        def __init__(self, accounts: list[Account], roles: list[Role], *, done: bool, progress: ListingProgress | None = None,
                     fetched_at: datetime | None = None, from_cache: bool = False, ordered: bool = False) -> None:  # fmt: skip
            super().__init__()
            self.accounts, self.roles, self.done, self.progress = accounts, roles, done, progress
            self.fetched_at, self.from_cache, self.ordered = fetched_at, from_cache, ordered

    class SessionKnown(Message):
        def __init__(self, token: Token | None) -> None:
            super().__init__()
            self.token = token

    class NeedsSignIn(Message):
        pass

    class ListingFailed(Message):
        def __init__(self, error: SsodeckError) -> None:
            super().__init__()
            self.error = error

    def __init__(self, instance: Instance) -> None:
        super().__init__()
        self.instance = instance
        self.accounts: list[Account] = []
        self.roles: list[Role] = []
        self.search = RoleSearch([])
        self.view: View = "account"
        self.collapsed: frozenset[str] = frozenset()
        self.favourites: frozenset[tuple[str, str]] = frozenset()
        self.recent: tuple[tuple[str, str], ...] = ()
        self.session_until: datetime | None = None
        self.fetched_at: datetime | None = None
        self.streaming = False
        self.name_width = 20
        self._tree: tuple[tuple, TreeRows] | None = None
        self._ordered = False  # the listing's accounts and roles are in tree order
        self.settled = False  # the first frame is out: background work may start
        self._resumed = False  # shown at least once (see on_screen_resume)
        self._listed: tuple[datetime, str] | None = None  # when the listing on show was made, and its age as the status shows it
        self._settling: Timer | None = None  # a pending settle_heap (see _settle_when_idle)
        self._checking: Timer | None = None  # the pending start of the cached listing's check (see _filter_changed)

    def compose(self) -> ComposeResult:
        yield SessionBar(id="session")
        with Horizontal(id="filter-row"):
            yield Static("Filter ", id="filter-label", markup=False)
            yield FilterInput(placeholder="letters in order (prdadm) · ↑↓ · Enter acts · Tab to the list · Esc clears", question_mark_helps=True, id="filter", select_on_focus=False, compact=True, validate_on=())
            yield Static("by account", id="view-label", markup=False)
        yield RoleTree(id="roles")
        with Horizontal(id="status-row"):
            yield Static("", id="status", markup=False)
        # the footer and the progress bar are not in the first frame: the footer is added
        # right after it (see _after_first_frame), the bar only when a listing streams in

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Shown for the first time: each widget was styled as it was mounted, a moment ago,
        # so the restyle of every widget that Textual does on a resume (for a screen coming
        # back after the CSS or the theme changed) is skipped; a later resume restyles.
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def on_mount(self) -> None:
        self.call_after_refresh(self._after_first_frame)
        self._load_settings()
        token = token_cache.load_token(self.instance)
        self.session_until = token.expires_at if token is not None else None
        cached = listing_service.load_cached(self.instance)
        if cached is not None:
            self._take(list(cached.accounts), list(cached.roles), cached.fetched_at, ordered=cached.ordered)
            self._status(f"{self._counts()} · listing from {age_text(cached.fetched_at, self.now())}; checking for changes…")
        else:
            self._status("Listing your accounts…")
        self.set_interval(1.0, self._tick)
        self._tick()
        if cached is not None:  # drawn first; checked (and made searchable) once the frame is out
            self._checking = self.set_timer(SETTLING, self._settled)
        else:
            self._settled()

    async def _after_first_frame(self) -> None:
        from textual.widgets import Footer

        if self.fetched_at is not None:  # a cached listing is on show: make it searchable now (see _prepare_search)
            self._prepare_search(self.search)
        await self.mount(Footer())
        self.refresh_bindings()  # the footer shows the keys it hears of from now on

    def _progress_bar(self, *, shown: bool) -> ProgressBar | None:
        """The listing's progress bar, made the first time it is to be shown (so a start
        from the cache never loads it); None when it is to be hidden and was never made."""
        from textual.widgets import ProgressBar

        found = self.query("#progress")
        if not found and not shown:
            return None
        if found:
            bar = found.first(ProgressBar)
        else:
            bar = ProgressBar(id="progress", show_eta=False)
            self.query_one("#status-row").mount(bar)
        bar.display = shown
        return bar

    def _settled(self) -> None:
        self._checking = None
        self.settled = True  # from now on, each new listing is made searchable as it comes (_take)
        self._prepare_search(self.search)  # done already for a cached listing; else it loads numpy while the listing comes
        self.revalidate()

    def now(self) -> datetime:
        return self.app.seams.clock()

    # -- the listing -------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="listing")
    def revalidate(self, refresh: bool = True) -> None:
        """Get a token without asking anyone (cached, or refreshed), then list afresh,
        posting what has arrived every PARTIAL_EVERY seconds; over a complete listing (the
        cached one, or one listed before), only the new complete one is posted, so roles
        never vanish from view while the check runs."""
        import time

        from app.services.auth import get_token  # sign-in code: loaded here, after the first frame

        accounts: list[Account] = []
        roles: list[Role] = []
        state = {"posted": 0.0, "progress": None}
        complete_shown = self.fetched_at is not None

        def on_role(role: Role) -> None:
            roles.append(role)
            if not complete_shown and time.monotonic() - state["posted"] >= PARTIAL_EVERY:
                state["posted"] = time.monotonic()
                self.post_message(self.ListingChanged(list(accounts), list(roles), done=False, progress=state["progress"]))

        def on_progress(progress: ListingProgress) -> None:
            state["progress"] = progress

        try:
            self.post_message(self.SessionKnown(get_token(self.instance).token))
            listing = listing_service.get_listing(
                self.instance, lambda: get_token(self.instance).token, refresh=refresh,
                on_role=on_role, on_account=accounts.append, on_progress=on_progress, cancelled=worker_cancelled(),
            )  # fmt: skip
        except Cancelled:  # the app is closing
            return
        except LoginRequired:
            self.post_message(self.NeedsSignIn())
            return
        except SsodeckError as error:
            self.post_message(self.ListingFailed(error))
            return
        self.post_message(self.ListingChanged(list(listing.accounts), list(listing.roles), done=True, fetched_at=listing.fetched_at, ordered=listing.ordered))

    @on(ListingChanged)
    def _listing_changed(self, message: ListingChanged) -> None:
        if message.done:
            self._progress_bar(shown=False)
            self.streaming = False
            if message.roles == self.roles and message.accounts == self.accounts and self.fetched_at is not None:
                self.fetched_at = message.fetched_at or self.fetched_at  # the listing on show still holds: its tree and search too
            else:
                self._take(message.accounts, message.roles, message.fetched_at, ordered=message.ordered)
            self._show_listed(message.fetched_at or self.now())
            return
        self.streaming = True
        progress = message.progress
        if progress is not None:
            bar = self._progress_bar(shown=True)
            assert bar is not None
            bar.update(total=progress.found if progress.all_found else None, progress=progress.done)
        self._take(message.accounts, message.roles, None)
        done = progress.done if progress else 0
        self._status(f"Listing roles: {done}/{len(message.accounts)} accounts…")

    @on(SessionKnown)
    def _session_known(self, message: SessionKnown) -> None:
        self.session_until = message.token.expires_at if message.token is not None else None
        self._tick()

    def session_ended(self) -> None:
        """Identity Center turned the session down (ended, revoked, expired early): the header
        says so, and l signs in again."""
        self.session_until = None
        self._tick()

    @on(NeedsSignIn)
    def _needs_sign_in(self) -> None:
        from app.screens.signin import SignInScreen

        self._status("Signing in…" if not self.roles else f"{self._counts()} · signing in to check for changes…")

        self.app.push_screen(SignInScreen(self.instance), self._signed_in)

    def _signed_in(self, token: Token | None) -> None:
        if token is None:
            self._status("Not signed in: press l to sign in, ctrl+q to quit.")
            self.session_ended()
            return
        self.session_until = token.expires_at
        self._tick()
        self.revalidate()

    @on(ListingFailed)
    def _listing_failed(self, message: ListingFailed) -> None:
        self._progress_bar(shown=False)
        self.notify(f"{message.error}. Press r to try again.", severity="error", timeout=10)
        self._status(f"{self._counts()} · could not refresh the listing (r tries again)")

    def _take(self, accounts: list[Account], roles: list[Role], fetched_at: datetime | None, *, ordered: bool = False) -> None:
        """Show a listing; ``ordered``: a whole one, in tree order (see ``TreeRows``)."""
        self.accounts, self.roles, self._ordered = accounts, roles, ordered
        if fetched_at is not None:
            self.fetched_at = fetched_at
        self.search = RoleSearch(roles)
        self._tree = None
        self.name_width = name_width_for(roles)
        self._rebuild()
        if self.settled:
            self._prepare_search(self.search)

    @work(thread=True, exit_on_error=False, group="search")
    def _prepare_search(self, search: RoleSearch) -> None:
        """Make ``search`` ready for the first key (numpy, the texts, the common letters'
        masks: a fifth of a second for 20,000 roles, most of it without the GIL), started as
        soon as a listing is on show, so it is done before a person has read the screen."""
        search.prepare(COMMON_LETTERS)
        if not self.streaming:
            self.app.call_from_thread(self._settle_when_idle)  # a complete listing is long-lived

    def _settle_when_idle(self) -> None:
        """Freeze the heap now (no garbage collector pass over the new listing lands on a
        keystroke), and collect it once nothing has been typed for IDLE seconds (the full
        pass that frees what was garbage when it was frozen is a pause no keystroke should meet)."""
        settle_heap(collect=False)
        if self._settling is not None:
            self._settling.stop()
        self._settling = self.set_timer(IDLE, self._settle)

    def _settle(self) -> None:
        self._settling = None
        settle_heap()

    def _rebuild(self, *, query_changed: bool = False) -> None:
        """Show the tree, or the ranked matches of the filter, keeping the cursor's role; a
        changed query puts the cursor on its best match (Enter acts on what is on top), and
        the filter emptied puts it back in the tree on the role it was on."""
        tree = self.query_one(RoleTree)
        query = self.query_one("#filter", Input).value
        keep = None if query_changed and query.strip() else tree.current_role
        if query.strip():
            source = MatchRows(self.search, self.search.ranked(query), query, self.favourites)
            empty = f"No role matches {query.strip()!r}: every letter must appear in order in the account name, ID or role name."
        else:
            source = self._tree_rows()
            empty = "No roles yet." if self.streaming or not self.fetched_at else "No accounts or roles are assigned to you here."
        tree.show(source, name_width=self.name_width, keep=keep, empty=empty)

    def _tree_rows(self) -> TreeRows:
        """The tree for the current listing and view, built once (clearing the filter is free)."""
        key = (self.view, self.favourites, self.collapsed, self.recent)
        if self._tree is None or self._tree[0] != key:
            rows = TreeRows(self.roles, self.view, self.favourites, self.collapsed, recent=self.recent, accounts=self.accounts, ordered=self._ordered)
            self._tree = (key, rows)
        return self._tree[1]

    def _counts(self) -> str:
        return f"{len(self.roles)} roles in {len({r.account_id for r in self.roles}) or len(self.accounts)} accounts"

    def _status(self, text: str) -> None:
        self._listed = None
        self.query_one("#status", Static).update(text, layout=False)  # the line's size is fixed (1fr, one row)

    def _show_listed(self, at: datetime) -> None:
        """The status of a complete listing, made ``at``: its age, kept up to date (_tick)."""
        age = age_text(at, self.now())
        if self._listed != (at, age):
            self._status(f"{self._counts()} · listed {age}")
            self._listed = (at, age)

    def _load_settings(self) -> None:
        try:
            mine = settings.load(self.instance)
        except SsodeckError as error:
            self.notify(str(error), severity="warning")
            return
        self.favourites, self.recent = mine.favourites, mine.recent

    # -- the view ----------------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self._rebuild(query_changed=True)
        if self._settling is not None:  # still typing: later
            self._settling.reset()
        if self._checking is not None:  # typing as soon as the app is up: the check waits for a pause
            self._checking.stop()
            self._checking = self.set_timer(QUIET, self._settled)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        tree = self.query_one(RoleTree)
        tree.focus()
        if tree.current_role is not None:
            self.action_menu()

    def on_key(self, event) -> None:  # noqa: ANN001 - textual's Key
        """While typing in the filter, the arrows and page keys move through the results (as
        in a finder); in the list, a letter no key is bound to starts typing in the filter."""
        tree = self.query_one(RoleTree)
        filter_box = self.query_one("#filter", Input)
        moves = {"down": (tree.action_cursor, 1), "up": (tree.action_cursor, -1), "pagedown": (tree.action_page, 1), "pageup": (tree.action_page, -1)}
        if self.focused is filter_box and event.key in moves:
            move, step = moves[event.key]
            move(step)
            event.stop()
        elif self.focused in (tree, filter_box):
            type_into_filter(self, event, filter_box, bound=self._bound_keys())

    @on(RoleTree.Folded)
    def _folded(self, message: RoleTree.Folded) -> None:
        self.collapsed = self.collapsed | {message.group} if message.fold else self.collapsed - {message.group}
        tree = self.query_one(RoleTree)
        self._rebuild()
        if message.fold and isinstance(tree.source, TreeRows):  # stay on the group that was folded
            position = tree.source.position(group=message.group)
            tree.cursor = tree.cursor if position is None else position

    @on(RoleTree.Highlighted)
    def _highlighted(self) -> None:
        self._tick()

    @on(RoleTree.Activated)
    def _activated(self) -> None:
        self.action_menu()

    def _bound_keys(self) -> set[str]:
        return {key for binding in self.BINDINGS if isinstance(binding, Binding) for key in binding.key.split(",")}

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        """Esc empties the filter and leaves the focus where it is, so the next letters start
        a new query (in the list, most letters act on the role); on an empty filter it goes
        to the list."""
        filter_box = self.query_one("#filter", Input)
        if filter_box.value:
            filter_box.value = ""
        else:
            self.query_one(RoleTree).focus()

    def action_toggle_view(self) -> None:
        self.view = "role" if self.view == "account" else "account"
        self.collapsed = frozenset()
        self.query_one("#view-label", Static).update("by role" if self.view == "role" else "by account")
        self._rebuild()

    def action_refresh(self) -> None:
        self._status("Asking Identity Center for the roles…")
        self.revalidate()

    def action_sign_in(self) -> None:
        from app.screens.signin import SignInScreen

        self.app.push_screen(SignInScreen(self.instance, force=True), self._signed_in)

    def action_switch_instance(self) -> None:
        self.app.switch_instance()

    def action_populate(self) -> None:
        self.app.open_populate(self.instance)

    def action_launcher(self) -> None:
        self.app.open_launcher(self.instance, self.search, self.query_one(RoleTree).current_role)

    def palette_commands(self) -> list[tuple[str, str, str]]:
        """What the command palette offers here: the role actions, then the screen's."""
        role = self.query_one(RoleTree).current_role
        where = f" — {role.role_name} in {role.account_name or role.account_id}" if role else ""
        commands = [(text.split(" (")[0] + where, f"key {key}", name) for name, text, key in ROLE_ACTIONS] if role else []
        commands += [
            ("Refresh the role listing", "key r", "refresh"),
            ("Switch between account and role view", "key v", "toggle_view"),
            ("Sign in again", "key l", "sign_in"),
            ("Switch Identity Center instance", "key i", "switch_instance"),
            ("Populate ~/.aws/config with every role (wizard)", "key p", "populate"),
            ("Console launcher (any role, or a config token)", "key O", "launcher"),
        ]
        return commands

    def _tick(self) -> None:
        if self._listed is not None:
            self._show_listed(self._listed[0])
        role = self.query_one(RoleTree).current_role
        credentials = credential_cache.load(self.instance, role.account_id, role.role_name) if role else None
        self.query_one(SessionBar).show(
            instance=self.instance.label(),
            session_until=self.session_until,
            credentials_until=credentials.expiration if credentials else None,
            role_selected=role is not None,
            now=self.now(),
        )
