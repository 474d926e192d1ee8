"""The assignment explorer: who holds which permission set where, by account, by principal
or by permission set, with "why can X reach Y" and "who can reach Y" one key away.

The whole instance is read once (``load_snapshot``, in a thread worker, with a progress bar
fed by the walk's request counts) with the credentials the explorer was opened with: one of
the user's own roles (from the roles view) or ordinary AWS credentials (``ssodeck admin``).
Every view, filter and drill-down after that is answered from the pure index, without a
request. The left list is the view's subjects (filtered as you type, ranked as every list
in the project is); the right table is the assignments of the one under the cursor, and
Enter on a cell goes to that account, principal or permission set; Esc comes back.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, ProgressBar, Static

from app.screens import rules_beside
from app.models import Instance, Role, RoleCredentials
from app.printable import printable
from app.screens.type_to_filter import type_into_filter
from app.screens.worker_errors import worker_cancelled
from app.services.admin.clients import open_clients
from app.services.admin.context import AdminContext
from app.services.admin.explain import AssignmentIndex, load_snapshot
from app.services.admin.pivots import COLUMNS, PIVOT_NAMES, PIVOTS, Link, Pivot, Pivots, Subject, subject_search
from app.services.errors import AccessDenied, Cancelled, InstanceNotFound, LoginRequired, ServiceError, SsodeckError
from app.services.search import TextSearch
from app.widgets.filter_input import FilterInput
from app.widgets.link_table import LinkTable
from app.widgets.subject_list import SubjectList

PROGRESS_EVERY = 0.1  # seconds between progress updates while the walk runs
VIEW_TITLES: dict[Pivot, str] = {"account": "Accounts", "principal": "Principals", "permission_set": "Permission sets"}
FILE_NAMES: dict[Pivot, str] = {"account": "by-account", "principal": "by-principal", "permission_set": "by-permission-set"}


@dataclass(frozen=True)
class ExplorerAccess:
    """With what the explorer reads the instance. ``connect`` runs in the loading worker (it
    may fetch a role's credentials first); ``denied`` is what to say when the credentials
    may not read Identity Center."""

    label: str
    connect: Callable[[], AdminContext]
    denied: str


def role_access(instance: Instance, role: Role, credentials: Callable[[], RoleCredentials]) -> ExplorerAccess:
    """Read as one of the user's own roles: its account is where the admin APIs are called."""
    where = f"{role.role_name} in {role.account_name or role.account_id}"

    def connect() -> AdminContext:
        return AdminContext(open_clients(role_credentials=credentials(), region=instance.region))

    return ExplorerAccess(f"as {where}", connect,
                          f"{where} cannot read Identity Center assignments; try an administrator role such as AdministratorAccess in the management account.")  # fmt: skip


def credentials_access(ctx: AdminContext) -> ExplorerAccess:
    """Read with ordinary AWS credentials (``ssodeck admin``), already checked."""
    label = f"with profile {ctx.clients.profile}" if ctx.clients.profile else "with AWS credentials from the environment"
    return ExplorerAccess(label, lambda: ctx, "These AWS credentials cannot read Identity Center assignments; use those of the "
                          "management account or of the delegated administrator for Identity Center.")  # fmt: skip


@dataclass(frozen=True)
class Loaded:
    pivots: Pivots
    searches: dict[Pivot, TextSearch[Subject]]


def prepare(access: ExplorerAccess, on_progress: Callable[[int, int], None], cancelled: Callable[[], bool] | None = None) -> Loaded:
    """Everything the views need, built off the event loop (``cancelled``: see ``TaskGraph``)."""
    index = AssignmentIndex(load_snapshot(access.connect(), on_progress=on_progress, cancelled=cancelled))
    pivots = Pivots(index)
    searches = {pivot: subject_search(pivots.subjects[pivot]).prepare() for pivot in PIVOTS}
    return Loaded(pivots, searches)


class ExplorerScreen(Screen[None]):
    HELP_INTRO = (
        "Every assignment of the instance, by account (1), by principal (2) or by permission set (3). Type to filter "
        "the list: letters in order, best match first. Enter moves to the table; there, left/right choose a cell and "
        "Enter goes to its account, principal or permission set; Esc comes back. w asks why a user can reach an "
        "account, or who can; e exports the view as filtered."
    )
    DEFAULT_CSS = rules_beside(__file__)
    # under 100 columns the table goes below the list, to keep its columns; under 30 rows the gaps go
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (30, "-tall")]
    AUTO_FOCUS = "SubjectList"
    BINDINGS: ClassVar[list[BindingType]] = [
        # the views' keys show in the bar above the list rather than in the footer
        Binding("1", "pivot('account')", "Accounts", show=False, tooltip="Each account: which principals hold which permission sets"),
        Binding("2", "pivot('principal')", "Principals", show=False, tooltip="Each user or group: where it can go (a user's groups included)"),
        Binding("3", "pivot('permission_set')", "Permission sets", show=False, tooltip="Each permission set: which accounts and principals"),
        Binding("w", "why", "Why/who", tooltip="Why can a user reach an account, and who can reach it"),
        Binding("e", "export", "Export", tooltip="Write the view, as filtered, to CSV or JSON, or as code (admin cfn config, Terraform)"),
        Binding("slash", "focus_filter", "Filter", show=False, tooltip="Type to narrow the list (fuzzy)"),
        Binding("escape", "back", "Back", tooltip="Clear the filter, come back from a drill-down, or leave the explorer"),
        Binding("r", "reload", "Reload", show=False, tooltip="Read the assignments again"),
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("pageup", "move(-10)", show=False),
        Binding("pagedown", "move(10)", show=False),
    ]

    class Progress(Message):
        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done, self.total = done, total

    class Ready(Message):
        def __init__(self, loaded: Loaded) -> None:
            super().__init__()
            self.loaded = loaded

    class Failed(Message):
        def __init__(self, error: SsodeckError) -> None:
            super().__init__()
            self.error = error

    def __init__(self, access: ExplorerAccess, *, closable: bool = True) -> None:
        """``closable``: Esc at the top leaves the explorer (not when it is the whole app)."""
        super().__init__()
        self.access = access
        self.closable = closable
        self.loaded: Loaded | None = None
        self.problem: str | None = None  # why the instance could not be read, as shown
        self.pivot: Pivot = "account"
        self.queries: dict[Pivot, str] = dict.fromkeys(PIVOTS, "")
        self.trail: list[tuple[Pivot, str | None, str]] = []  # (view, subject key, filter) to come back to

    def compose(self) -> ComposeResult:
        yield Static(printable(f"Assignments · {self.access.label}"), id="explorer-head", markup=False)
        yield Static("", id="explorer-views")
        with Vertical(id="explorer-panel"):
            yield Static("", id="explorer-message", markup=False)
            yield ProgressBar(id="explorer-progress", show_eta=False)
            yield Static("", id="explorer-hint", markup=False)
        with Horizontal(id="explorer-filter-row"):
            yield Static("Filter ", id="explorer-filter-label")
            yield FilterInput(placeholder="letters in order · ↑↓ move · Enter to the table · Esc clears", id="explorer-filter", select_on_focus=False, compact=True, validate_on=())
        with Horizontal(id="explorer-body"):
            yield SubjectList(id="explorer-subjects")
            with Vertical(id="explorer-detail"):
                yield Static("", id="explorer-detail-title", markup=False)
                yield LinkTable(id="explorer-table")
        yield Static("", id="explorer-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._show_views()
        self.action_reload()

    # -- loading -----------------------------------------------------------------------

    def action_reload(self) -> None:
        self.problem = None
        self._loading(True)
        self.query_one("#explorer-message", Static).update(f"Reading every assignment of the instance ({self.access.label})…")
        self.query_one("#explorer-hint", Static).update("Esc goes back." if self.closable else "ctrl+q quits.")
        self.query_one("#explorer-progress", ProgressBar).update(total=None, progress=0)
        self.query_one("#explorer-progress").display = True
        self.query_one("#explorer-message").remove_class("failed")
        self.load()

    def _loading(self, loading: bool) -> None:
        self.query_one("#explorer-panel").display = loading
        self.query_one("#explorer-filter-row").display = not loading
        self.query_one("#explorer-body").display = not loading

    @work(thread=True, exclusive=True, exit_on_error=False, group="explorer")
    def load(self) -> None:
        shown = {"at": 0.0}

        def progress(done: int, total: int) -> None:
            if time.monotonic() - shown["at"] >= PROGRESS_EVERY or done == total:
                shown["at"] = time.monotonic()
                self.post_message(self.Progress(done, total))

        try:
            self.post_message(self.Ready(prepare(self.access, progress, worker_cancelled())))
        except Cancelled:  # the explorer was left, or the app is closing
            return
        except SsodeckError as error:
            self.post_message(self.Failed(error))
        except Exception as error:  # a reply no service turned into one line: still one line here
            self.post_message(self.Failed(ServiceError(f"reading the assignments failed ({type(error).__name__}: {error})")))

    @on(Progress)
    def _progress(self, message: Progress) -> None:
        self.query_one("#explorer-progress", ProgressBar).update(total=message.total, progress=message.done)
        self.query_one("#explorer-status", Static).update(f"Reading assignments: {message.done}/{message.total} requests…")

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        error = message.error
        if isinstance(error, (AccessDenied, InstanceNotFound)):
            text = self.access.denied + (f"\n\n{error}" if isinstance(error, AccessDenied) else "")
        elif isinstance(error, LoginRequired):
            text = f"{error}. Go back (Esc) and press l to sign in, then open the explorer again."
        else:
            text = f"Could not read the assignments: {error}."
        self.problem = text
        self.query_one("#explorer-message", Static).update(text)
        self.query_one("#explorer-message").add_class("failed")
        self.query_one("#explorer-progress").display = False
        self.query_one("#explorer-hint", Static).update("r tries again · " + ("Esc goes back" if self.closable else "ctrl+q quits"))
        self.refresh_bindings()
        self.query_one("#explorer-status", Static).update("")

    @on(Ready)
    def _ready(self, message: Ready) -> None:
        self.loaded = message.loaded
        self._loading(False)
        subjects = message.loaded.pivots.subjects
        users = sum(1 for s in subjects["principal"] if s.key.startswith("USER:"))
        counts = (f"{len(subjects['account'])} accounts · {users} users · {len(subjects['principal']) - users} groups · "
                  f"{len(subjects['permission_set'])} permission sets · {len(message.loaded.pivots.index.snapshot.assignments)} assignments")  # fmt: skip
        self.query_one("#explorer-status", Static).update(counts)
        self._refresh(keep=None)
        self.query_one(SubjectList).focus()

    # -- the views ---------------------------------------------------------------------

    def _show_views(self) -> None:
        text = Text()
        for number, pivot in enumerate(PIVOTS, 1):
            text.append(f" {number} {VIEW_TITLES[pivot]} ", style="reverse bold" if pivot == self.pivot else "")
            text.append("  ")
        self.query_one("#explorer-views", Static).update(text)

    def _refresh(self, keep: str | None) -> None:
        """Show the view's subjects, or the ranked matches of the filter, keeping ``keep``."""
        if self.loaded is None:
            return
        query = self.queries[self.pivot]
        everything = self.loaded.pivots.subjects[self.pivot]
        if query.strip():
            shown = [everything[index] for index in self.loaded.searches[self.pivot].search(query)]
            empty = f"Nothing matches {query.strip()!r}: every letter must appear in order in a name."
        else:
            shown, empty = everything, f"No {PIVOT_NAMES[self.pivot]}s here."
        self.query_one(SubjectList).show(shown, query=query, keep=keep, empty=empty)
        self.refresh_bindings()  # what Esc does, and whether why and export can run (check_action)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer offers the keys that do something now: why and export once the
        assignments are read, and Back while there is somewhere to go back to (the explorer
        alone has nowhere to go from its top: ctrl+q quits it)."""
        if action in ("why", "export") and self.loaded is None:
            return False
        if action == "back" and not self.closable and not (self.trail or self.queries[self.pivot]):
            return False
        return super().check_action(action, parameters)

    @on(SubjectList.Highlighted, "#explorer-subjects")
    def _highlighted(self, message: SubjectList.Highlighted) -> None:
        self._detail(message.subject)

    def _detail(self, subject: Subject | None) -> None:
        table = self.query_one(LinkTable)
        title = self.query_one("#explorer-detail-title", Static)
        if subject is None or self.loaded is None:
            table.show(COLUMNS[self.pivot], [])
            title.update("")
            return
        rows = self.loaded.pivots.rows(subject)
        table.show(COLUMNS[self.pivot], rows)
        what = "no assignments" if not rows else f"{len(rows)} assignment{'s' if len(rows) != 1 else ''}"
        title.update(printable(f"{subject.name} · {subject.detail} · {what}" if subject.detail else f"{subject.name} · {what}"))

    @on(Input.Changed, "#explorer-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.queries[self.pivot] = event.value
        self._refresh(keep=None)  # the best match first

    @on(Input.Submitted, "#explorer-filter")
    def _filter_submitted(self) -> None:
        self.query_one(SubjectList).focus()

    @on(SubjectList.Activated, "#explorer-subjects")
    def _activated(self) -> None:
        self.query_one(LinkTable).focus()

    @on(LinkTable.Followed, "#explorer-table")
    def _followed(self, message: LinkTable.Followed) -> None:
        self.go(message.link)

    def go(self, link: Link) -> None:
        """Show ``link``'s subject in its view, remembering where we were (Esc returns)."""
        if self.loaded is None:
            return
        if self.loaded.pivots.find(link) is None:
            self.notify("That is not in this instance's listing (it may have been deleted).", severity="warning")
            return
        current = self.query_one(SubjectList).current
        self.trail.append((self.pivot, current.key if current else None, self.queries[self.pivot]))
        self._switch(link.pivot, "", link.key)
        self.query_one(SubjectList).focus()

    def _switch(self, pivot: Pivot, query: str, keep: str | None) -> None:
        self.pivot = pivot
        self.queries[pivot] = query
        self._show_views()
        with self.prevent(Input.Changed):
            self.query_one("#explorer-filter", Input).value = query
        self._refresh(keep=keep)

    def action_pivot(self, pivot: Pivot) -> None:
        if pivot != self.pivot:
            self._switch(pivot, self.queries[pivot], None)

    def action_move(self, delta: int) -> None:
        self.query_one(SubjectList).cursor += delta

    def action_focus_filter(self) -> None:
        self.query_one("#explorer-filter", Input).focus()

    def action_back(self) -> None:
        filter_box = self.query_one("#explorer-filter", Input)
        if filter_box.value:
            filter_box.value = ""
            self.query_one(SubjectList).focus()
        elif self.trail:
            pivot, key, query = self.trail.pop()
            self._switch(pivot, query, key)
            self.query_one(SubjectList).focus()
        elif self.closable:
            self.workers.cancel_group(self, "explorer")
            self.dismiss(None)

    def on_key(self, event) -> None:  # noqa: ANN001 - textual's Key
        """A letter or digit that no key is bound to, typed in the list, starts the filter."""
        if self.loaded is not None:
            type_into_filter(self, event, self.query_one("#explorer-filter", Input), bound=self.active_bindings)

    # -- why and export ----------------------------------------------------------------

    def action_why(self) -> None:
        from app.screens.why import WhyScreen

        if self.loaded is None:
            return
        current = self.query_one(SubjectList).current
        link = self.query_one(LinkTable).current_link if self.query_one(LinkTable).has_focus else None
        picks = [Link(current.pivot, current.key)] if current else []
        picks += [link] if link else []
        user = next((p.key.split(":", 1)[1] for p in reversed(picks) if p.pivot == "principal" and p.key.startswith("USER:")), None)
        account = next((p.key for p in reversed(picks) if p.pivot == "account"), None)
        self.app.push_screen(WhyScreen(self.loaded.pivots, user=user, account=account), lambda link: self.go(link) if link else None)

    def action_export(self) -> None:
        from app.screens.export import ExportFormat, ExportScreen, data_formats
        from app.services.admin.export import render_rows

        if self.loaded is None:
            return
        pivots, pivot = self.loaded.pivots, self.pivot
        shown = list(self.query_one(SubjectList).subjects)
        query = self.queries[pivot].strip()
        what = f"the assignments of {len(shown)} {PIVOT_NAMES[pivot]}{'s' if len(shown) != 1 else ''}" + (f" matching {query!r}" if query else "")
        instance_arn = pivots.index.snapshot.instance.arn

        def code(fmt: str) -> Callable[[], str]:
            return lambda: render_rows(instance_arn, [row for subject in shown for row in pivots.rows(subject)], fmt).text

        formats = [
            *data_formats(lambda: pivots.table(pivot, shown)),
            ExportFormat("Config for admin cfn (CloudFormation)", "yaml", code("cfn-config")),
            ExportFormat("Terraform", "tf", code("terraform")),
        ]
        self.app.push_screen(ExportScreen(what, f"ssodeck-assignments-{FILE_NAMES[pivot]}", formats))

    def palette_commands(self) -> list[tuple[str, str, str]]:
        views = [(f"Explorer: {VIEW_TITLES[pivot].lower()}", f"key {n}", f"pivot('{pivot}')") for n, pivot in enumerate(PIVOTS, 1)]
        return views + [
            ("Why can a user reach an account / who can reach it", "key w", "why"),
            ("Export this view (CSV, JSON, or as code: admin cfn config, Terraform)", "key e", "export"),
            ("Read the assignments again", "key r", "reload"),
        ]
