"""Why can a user reach an account, and who can: pick a user and an account (each a fuzzy
picker) and see every path between them, a permission set assigned directly or through a
group. "Anyone" as the user lists everyone who reaches the account; "anywhere" as the
account lists everywhere the user can go. Enter on a cell goes to it in the explorer."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from app.screens import rules_beside
from app.admin_models import AccessPath
from app.printable import printable
from app.services.admin.pivots import PATH_COLUMNS, Link, Pivots, Subject, paths, subject_search
from app.services.admin.tables import path_table
from app.widgets.link_table import LinkTable
from app.widgets.subject_list import SubjectList

ANYONE = Subject("principal", "", "(anyone)", "who can reach the account", 0)
ANYWHERE = Subject("account", "", "(anywhere)", "every account the user reaches", 0)


class Picker:
    """One side's choices: a lead entry while nothing is typed, then the ranked matches."""

    def __init__(self, lead: Subject, choices: list[Subject]) -> None:
        self.lead, self.choices = lead, choices
        self.search = subject_search(choices)

    def shown(self, query: str) -> list[Subject]:
        if not query.strip():
            return [self.lead, *self.choices]
        return [self.choices[index] for index in self.search.search(query)]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def answer(user: Subject | None, account: Subject | None, found: list[AccessPath]) -> str:
    """The sentence above the paths."""
    has_user, has_account = bool(user and user.key), bool(account and account.key)
    ways = _plural(len(found), "way")
    if has_user and has_account:
        where = f"{account.name} ({account.key})"
        if found:
            return f"{user.name} can reach {where} {ways}:"
        return f"{user.name} cannot reach {where}: nothing is assigned there to the user or to any of their groups."
    if has_user:
        reached = len({p.account.account_id for p in found})
        return f"{user.name} can reach {_plural(reached, 'account')}, {ways} in all:" if found else f"{user.name} has no assignments, directly or through a group."
    if has_account:
        users = len({p.user.user_id for p in found})
        return f"{_plural(users, 'user')} can reach {account.name} ({account.key}), {ways} in all:" if found else f"No user can reach {account.name} ({account.key})."
    return "Pick a user, an account, or both."


class WhyScreen(Screen[Link | None]):
    """Dismisses with a link to follow in the explorer, or None."""

    HELP_INTRO = (
        "Pick a user and an account (type to filter each; up/down choose; Tab or Enter moves on) to see every path "
        "between them: a permission set assigned to the user directly, or through a group. (anyone) lists who can "
        "reach the account; (anywhere) lists where the user can go. Enter on a cell goes to it in the explorer."
    )
    DEFAULT_CSS = rules_beside(__file__)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Clear the filter, or go back to the explorer"),
        Binding("ctrl+s", "export", "Export", tooltip="Write these paths to a CSV or JSON file"),
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("pageup", "move(-10)", show=False),
        Binding("pagedown", "move(10)", show=False),
    ]

    def __init__(self, pivots: Pivots, *, user: str | None = None, account: str | None = None) -> None:
        super().__init__()
        self.pivots = pivots
        self.users = Picker(ANYONE, [s for s in pivots.subjects["principal"] if s.key.startswith("USER:")])
        self.accounts = Picker(ANYWHERE, pivots.subjects["account"])
        self.start = (f"USER:{user}" if user else "", account or "")
        self.found: list[AccessPath] = []

    def compose(self) -> ComposeResult:
        yield Static("Why can a user reach an account, and who can reach it?", id="why-title")
        with Horizontal(id="why-pickers"):
            with Vertical(classes="why-picker"):
                yield Input(placeholder="user (letters in order)", id="why-user-filter", select_on_focus=False, compact=True, validate_on=())
                yield SubjectList(id="why-users")
            with Vertical(classes="why-picker"):
                yield Input(placeholder="account (letters in order)", id="why-account-filter", select_on_focus=False, compact=True, validate_on=())
                yield SubjectList(id="why-accounts")
        yield Static("", id="why-answer", markup=False)
        yield LinkTable(id="why-paths")
        yield Footer()

    def on_mount(self) -> None:
        user, account = self.start
        self.query_one("#why-users", SubjectList).show(self.users.shown(""), keep=user)
        self.query_one("#why-accounts", SubjectList).show(self.accounts.shown(""), keep=account)
        self.query_one("#why-account-filter" if user and not account else "#why-user-filter", Input).focus()
        self._answer()

    def _lists(self) -> tuple[SubjectList, SubjectList]:
        return self.query_one("#why-users", SubjectList), self.query_one("#why-accounts", SubjectList)

    def _answer(self) -> None:
        users, accounts = self._lists()
        user, account = users.current, accounts.current
        user_id = user.key.split(":", 1)[1] if user and user.key else None
        self.found = paths(self.pivots.index, user_id, account.key if account and account.key else None)
        self.query_one("#why-answer", Static).update(printable(answer(user, account, self.found)))
        self.query_one(LinkTable).show(PATH_COLUMNS, self.found)

    @on(SubjectList.Highlighted)
    def _picked(self) -> None:
        self._answer()

    @on(Input.Changed, "#why-user-filter")
    def _user_typed(self, event: Input.Changed) -> None:
        self._lists()[0].show(self.users.shown(event.value), query=event.value, empty="No user matches.")

    @on(Input.Changed, "#why-account-filter")
    def _account_typed(self, event: Input.Changed) -> None:
        self._lists()[1].show(self.accounts.shown(event.value), query=event.value, empty="No account matches.")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.query_one("#why-account-filter" if event.input.id == "why-user-filter" else "#why-paths").focus()

    @on(SubjectList.Activated)
    def _activated(self, event: SubjectList.Activated) -> None:
        self.query_one("#why-account-filter" if event.source.id == "why-users" else "#why-paths").focus()

    @on(LinkTable.Followed)
    def _followed(self, message: LinkTable.Followed) -> None:
        self.dismiss(message.link)

    def action_move(self, delta: int) -> None:
        focused = self.focused.id if self.focused else ""
        users, accounts = self._lists()
        target = users if focused == "why-user-filter" else accounts if focused == "why-account-filter" else None
        if target is not None:
            target.cursor += delta

    def action_back(self) -> None:
        focused = self.focused
        if isinstance(focused, Input) and focused.value:
            focused.value = ""
        else:
            self.dismiss(None)

    def action_export(self) -> None:
        from app.screens.export import ExportScreen, data_formats

        found = list(self.found)
        self.app.push_screen(ExportScreen(_plural(len(found), "access path"), "ssodeck-access-paths", data_formats(lambda: path_table(found))))
