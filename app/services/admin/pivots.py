"""The explorer's pivots over one ``AssignmentIndex``: which subjects each lists (accounts,
principals, permission sets), the assignments of each subject, the columns those rows show
and where each column leads (drill-down), and the paths behind "why" and "who".

Pure, like the index: built once in the loading worker, then only read. Principals and
accounts that appear in assignments but no longer exist (a deleted user, an account that
left the organization) are listed under their IDs, so nothing assigned is hidden.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from app.admin_models import AccessPath, AssignmentRow
from app.services.admin.explain import AssignmentIndex
from app.services.admin.tables import assignment_table
from app.services.search import TextSearch, joined
from app.services.tabular import Table

Pivot = Literal["account", "principal", "permission_set"]
PIVOTS: tuple[Pivot, ...] = ("account", "principal", "permission_set")
PIVOT_NAMES: dict[Pivot, str] = {"account": "account", "principal": "principal", "permission_set": "permission set"}
R = TypeVar("R")


@dataclass(frozen=True)
class Subject:
    """One entry of a pivot's list: an account, a user or group, or a permission set."""

    pivot: Pivot
    key: str  # account ID, USER:<id> or GROUP:<id>, permission set ARN
    name: str  # as people know it; the ID when the name is unknown
    detail: str  # account ID; "user · display name", "group · N members"; description
    count: int  # assignments shown for it (a user's include those through groups)


@dataclass(frozen=True)
class Link:
    """Where a cell leads: a subject of a pivot."""

    pivot: Pivot
    key: str


@dataclass(frozen=True)
class Column(Generic[R]):
    """A column of rows of type R: its title, a row's text in it, and where that cell leads."""

    title: str
    value: Callable[[R], str]
    link: Callable[[R], Link | None]


def principal_key(principal_type: str, principal_id: str) -> str:
    return f"{principal_type}:{principal_id}"


def _account(row: AssignmentRow) -> Link:
    return Link("account", row.target_id)


def _permission_set(row: AssignmentRow) -> Link:
    return Link("permission_set", row.permission_set_arn)


def _principal(row: AssignmentRow) -> Link:
    return Link("principal", principal_key(row.principal_type, row.principal_id))


def _via(row: AssignmentRow) -> Link | None:
    return Link("principal", principal_key("GROUP", row.via_group_id)) if row.via_group_id else None


ACCOUNT: Column[AssignmentRow] = Column("Account", lambda r: r.target_name or r.target_id, _account)
ACCOUNT_ID = Column("Account ID", lambda r: r.target_id, _account)
PERMISSION_SET = Column("Permission set", lambda r: r.permission_set_name or r.permission_set_arn, _permission_set)
PRINCIPAL = Column("Principal", lambda r: r.principal_name or r.principal_id, _principal)
KIND = Column("Type", lambda r: r.principal_type.lower(), _principal)
DIRECT = "(direct)"


def how(group_name: str) -> str:
    """How a user holds an assignment: through the group named, or directly."""
    return group_name or DIRECT


VIA = Column("Via group", lambda r: how(r.via_group_name or r.via_group_id), _via)
# What each pivot's rows show; the subject's own column is left out (it is the title).
COLUMNS: dict[Pivot, tuple[Column[AssignmentRow], ...]] = {
    "account": (PERMISSION_SET, PRINCIPAL, KIND),
    "principal": (ACCOUNT, ACCOUNT_ID, PERMISSION_SET, VIA),
    "permission_set": (ACCOUNT, ACCOUNT_ID, PRINCIPAL, KIND),
}

PATH_COLUMNS: tuple[Column[AccessPath], ...] = (
    Column("User", lambda p: p.user.user_name or p.user.user_id, lambda p: Link("principal", principal_key("USER", p.user.user_id))),
    Column("Account", lambda p: p.account.name or p.account.account_id, lambda p: Link("account", p.account.account_id)),
    Column("Account ID", lambda p: p.account.account_id, lambda p: Link("account", p.account.account_id)),
    Column("Permission set", lambda p: p.permission_set.name or p.permission_set.arn, lambda p: Link("permission_set", p.permission_set.arn)),
    Column("Via group", lambda p: how((p.via.display_name or p.via.group_id) if p.via else ""),
           lambda p: Link("principal", principal_key("GROUP", p.via.group_id)) if p.via else None),
)


class Pivots:
    """The subjects of each pivot (sorted by name) and their assignment rows."""

    def __init__(self, index: AssignmentIndex) -> None:
        self.index = index
        assignments = index.snapshot.assignments
        by_account = Counter(a.account_id for a in assignments)
        by_permission_set = Counter(a.permission_set_arn for a in assignments)
        by_principal = Counter(principal_key(a.principal_type, a.principal_id) for a in assignments)
        self.subjects: dict[Pivot, list[Subject]] = {
            "account": _sorted(self._accounts(by_account)),
            "principal": _sorted(self._principals(by_principal)),
            "permission_set": _sorted(self._permission_sets(by_permission_set)),
        }
        self.positions = {pivot: {s.key: n for n, s in enumerate(found)} for pivot, found in self.subjects.items()}

    def _accounts(self, counts: Counter[str]) -> Iterable[Subject]:
        for account_id in dict.fromkeys([*self.index.accounts, *counts]):
            account = self.index.account(account_id)
            yield Subject("account", account_id, account.name or account_id, account_id, counts[account_id])

    def _principals(self, counts: Counter[str]) -> Iterable[Subject]:
        index = self.index
        known = [("USER", user_id) for user_id in index.users] + [("GROUP", group_id) for group_id in index.groups]
        assigned = [tuple(key.split(":", 1)) for key in counts]
        for principal_type, principal_id in dict.fromkeys([*known, *assigned]):
            key = principal_key(principal_type, principal_id)
            if principal_type == "USER":
                user = index.user(principal_id)
                through = sum(counts[principal_key("GROUP", g)] for g in index.groups_of.get(principal_id, []))
                detail = "user · " + (user.display_name or user.email) if user.display_name or user.email else "user"
                yield Subject("principal", key, user.user_name or principal_id, detail, counts[key] + through)
            else:
                group = index.group(principal_id)
                members = len(index.members.get(principal_id, []))
                detail = f"group · {members} member{'s' if members != 1 else ''}" if members else "group"
                yield Subject("principal", key, group.display_name or principal_id, detail, counts[key])

    def _permission_sets(self, counts: Counter[str]) -> Iterable[Subject]:
        for arn in dict.fromkeys([*self.index.permission_sets, *counts]):
            found = self.index.permission_set(arn)
            yield Subject("permission_set", arn, found.name or arn, found.description, counts[arn])

    def find(self, link: Link) -> int | None:
        """Where ``link``'s subject is in its pivot's list."""
        return self.positions[link.pivot].get(link.key)

    def rows(self, subject: Subject) -> list[AssignmentRow]:
        """The subject's assignments, in aws-sso-util's row order."""
        if subject.pivot == "account":
            return self.index.by_account(subject.key)
        if subject.pivot == "permission_set":
            return self.index.by_permission_set(subject.key)
        principal_type, principal_id = subject.key.split(":", 1)
        return self.index.by_principal(principal_type, principal_id)

    def table(self, pivot: Pivot, subjects: Sequence[Subject]) -> Table:
        """The assignments of ``subjects`` (a view, as filtered) as an export table; the
        principal view's users carry the group each row comes through."""
        rows = [row for subject in subjects for row in self.rows(subject)]
        return assignment_table(rows, via=pivot == "principal")


def paths(index: AssignmentIndex, user_id: str | None, account_id: str | None) -> list[AccessPath]:
    """Why a user reaches an account (both given), every account a user reaches (only the
    user), or every user who reaches an account (only the account): once per way."""
    if user_id and account_id:
        return index.why(user_id, account_id)
    if user_id:
        return index.paths_of(user_id)
    if account_id:
        return index.who_can_reach(account_id)
    return []


def subject_search(subjects: Sequence[Subject]) -> TextSearch[Subject]:
    """The filter's ranking over subjects, by name and detail (the fields a list shows)."""
    return TextSearch(subjects, lambda s: joined((s.name, s.detail)))


def _sorted(subjects: Iterable[Subject]) -> list[Subject]:
    return sorted(subjects, key=lambda s: (s.name.casefold(), s.key))
