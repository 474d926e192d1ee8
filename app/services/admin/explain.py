"""Who can reach what, and why: one snapshot of an instance, and an index over it.

``load_snapshot`` fetches everything in one concurrent walk (every assignment, the members
of every assigned group, accounts, users, groups, permission sets). ``AssignmentIndex`` is
pure: built once from a snapshot, it answers the explorer's pivots without any request, and
builds in milliseconds for thousands of assignments.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from app.admin_models import AccessPath, AdminSnapshot, Assignment, AssignmentRow, Group, OrgAccount, PermissionSet, User
from app.models import utcnow
from app.services.admin import directory, permission_sets
from app.services.admin.assignments import row_order, walk
from app.services.admin.context import AdminContext
from app.services.admin.filters import AssignmentQuery
from app.services.admin.tasks import Progress


def load_snapshot(ctx: AdminContext, *, on_progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> AdminSnapshot:
    extra = (directory.listing_task(ctx, directory.USERS), directory.listing_task(ctx, directory.GROUPS), permission_sets.listing_task(ctx))
    _, found = walk(ctx, AssignmentQuery(expand_groups=True, lookup_names=False), extra=extra, on_progress=on_progress, cancelled=cancelled)
    return AdminSnapshot(
        instance=ctx.instance,
        accounts=tuple(found.accounts.values()),
        permission_sets=tuple(item for item in found.others if isinstance(item, PermissionSet)),
        users=tuple(item for item in found.others if isinstance(item, User)),
        groups=tuple(item for item in found.others if isinstance(item, Group)),
        memberships=tuple((group_id, user_id) for group_id, users in found.members.items() for user_id in users),
        assignments=tuple(sorted(found.direct, key=lambda a: (a.account_id, a.permission_set_arn, a.principal_type, a.principal_id))),
        fetched_at=utcnow(),
    )


class AssignmentIndex:
    """The explorer's answers over one snapshot. Unknown IDs (a principal deleted since it
    was assigned, an account that left the organization) show with empty names."""

    def __init__(self, snapshot: AdminSnapshot) -> None:
        self.snapshot = snapshot
        self.users = {u.user_id: u for u in snapshot.users}
        self.groups = {g.group_id: g for g in snapshot.groups}
        self.accounts = {a.account_id: a for a in snapshot.accounts}
        self.permission_sets = {p.arn: p for p in snapshot.permission_sets}
        self.members: dict[str, list[str]] = defaultdict(list)
        self.groups_of: dict[str, list[str]] = defaultdict(list)
        for group_id, user_id in snapshot.memberships:
            self.members[group_id].append(user_id)
            self.groups_of[user_id].append(group_id)
        self._by_account: dict[str, list[Assignment]] = defaultdict(list)
        self._by_principal: dict[tuple[str, str], list[Assignment]] = defaultdict(list)
        self._by_permission_set: dict[str, list[Assignment]] = defaultdict(list)
        for assignment in dict.fromkeys(snapshot.assignments):
            self._by_account[assignment.account_id].append(assignment)
            self._by_principal[(assignment.principal_type, assignment.principal_id)].append(assignment)
            self._by_permission_set[assignment.permission_set_arn].append(assignment)

    # -- names ------------------------------------------------------------------------

    def user(self, user_id: str) -> User:
        return self.users.get(user_id) or User(user_id, "")

    def group(self, group_id: str) -> Group:
        return self.groups.get(group_id) or Group(group_id, "")

    def account(self, account_id: str) -> OrgAccount:
        return self.accounts.get(account_id) or OrgAccount(account_id, "")

    def permission_set(self, arn: str) -> PermissionSet:
        return self.permission_sets.get(arn) or PermissionSet(arn, "")

    def row(self, assignment: Assignment, via: str = "") -> AssignmentRow:
        if assignment.principal_type == "USER":
            principal_name = self.user(assignment.principal_id).user_name
        else:
            principal_name = self.group(assignment.principal_id).display_name
        return AssignmentRow(
            self.snapshot.instance.arn, assignment.principal_type, assignment.principal_id, principal_name,
            assignment.permission_set_arn, self.permission_set(assignment.permission_set_arn).name,
            "AWS_ACCOUNT", assignment.account_id, self.account(assignment.account_id).name,
            via, self.group(via).display_name if via else "",
        )

    def _rows(self, assignments: list[Assignment]) -> list[AssignmentRow]:
        return sorted((self.row(a) for a in assignments), key=row_order)

    # -- pivots -----------------------------------------------------------------------

    def by_account(self, account_id: str) -> list[AssignmentRow]:
        """Which principals hold which permission sets in an account."""
        return self._rows(self._by_account.get(account_id, []))

    def by_permission_set(self, arn: str) -> list[AssignmentRow]:
        """Which accounts and principals a permission set is assigned to."""
        return self._rows(self._by_permission_set.get(arn, []))

    def by_principal(self, principal_type: str, principal_id: str) -> list[AssignmentRow]:
        """Where a group, or a user (directly, and through each of its groups), can go; a
        user's rows through a group name that group in ``via_group_*``."""
        rows = [self.row(a) for a in self._by_principal.get((principal_type, principal_id), [])]
        if principal_type == "USER":
            for group_id in self.groups_of.get(principal_id, []):
                for assignment in self._by_principal.get(("GROUP", group_id), []):
                    as_user = Assignment(assignment.account_id, assignment.permission_set_arn, "USER", principal_id)
                    rows.append(self.row(as_user, via=group_id))
        return sorted(rows, key=row_order)

    def who_can_reach(self, account_id: str) -> list[AccessPath]:
        """Every user who can reach an account, once per way (direct, or through a group)."""
        paths = []
        for assignment in self._by_account.get(account_id, []):
            permission_set = self.permission_set(assignment.permission_set_arn)
            account = self.account(account_id)
            if assignment.principal_type == "USER":
                paths.append(AccessPath(self.user(assignment.principal_id), account, permission_set))
            else:
                group = self.group(assignment.principal_id)
                paths += [AccessPath(self.user(u), account, permission_set, group) for u in self.members.get(group.group_id, [])]
        return sorted(set(paths), key=_path_order)

    def why(self, user_id: str, account_id: str) -> list[AccessPath]:
        """Each path by which a user reaches an account (empty: the user cannot)."""
        return [path for path in self.who_can_reach(account_id) if path.user.user_id == user_id]

    def paths_of(self, user_id: str) -> list[AccessPath]:
        """Every account a user can reach, once per way."""
        accounts = {row.target_id for row in self.by_principal("USER", user_id)}
        return sorted((p for a in accounts for p in self.why(user_id, a)), key=_path_order)


def _path_order(path: AccessPath) -> tuple:
    return (
        path.user.user_name.casefold(), path.user.user_id, path.account.name.casefold(), path.account.account_id,
        path.permission_set.name.casefold(), path.permission_set.arn, path.via is not None,
        path.via.display_name.casefold() if path.via else "", path.via.group_id if path.via else "",
    )
