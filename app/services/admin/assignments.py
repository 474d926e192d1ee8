"""Assignments: who holds which permission set in which account, filtered the way
aws-sso-util's ``admin assignments`` filters (see filters.py), fetched concurrently, named.

Two walks, chosen by the filters:

* by account (no principal filter): ListAccounts streams accounts (or the accounts named,
  or found in OUs); each account's ListPermissionSetsProvisionedToAccount starts at once,
  then ListAccountAssignments for each (account, permission set) pair;
* by principal (``-u``/``-g``): ListAccountAssignmentsForPrincipal for each user or group
  asked about, far fewer requests than walking every account.

Names (DescribePermissionSet, DescribeUser, DescribeGroup, DescribeAccount) are fetched
once per run, as soon as an ID first appears, alongside the walk. ``expand_groups`` adds a
row for every user who holds a group's assignment through that group.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.admin_models import Assignment, AssignmentRow, OrgAccount
from app.services.admin import directory, organizations, permission_sets
from app.services.admin.context import AdminContext
from app.services.admin.errors import NotFound
from app.services.admin.filters import AssignmentQuery, Plan, make_plan
from app.services.admin.tasks import Progress, Task, TaskGraph, paged

SSO = "sso-admin"


@dataclass(frozen=True)
class _Provisioned:
    account_id: str
    permission_set_arn: str


@dataclass
class Walked:
    """What a walk found: assignments (those asked about, and those reaching the users asked
    about through groups), group members (of groups expanded), named accounts, and the
    items of any extra tasks."""

    direct: set[Assignment] = field(default_factory=set)
    via: set[Assignment] = field(default_factory=set)
    members: dict[str, list[str]] = field(default_factory=dict)
    accounts: dict[str, OrgAccount] = field(default_factory=dict)
    others: list[Any] = field(default_factory=list)


class _Walk:
    def __init__(self, ctx: AdminContext, query: AssignmentQuery, plan: Plan, graph: TaskGraph) -> None:
        self.ctx, self.query, self.plan, self.graph = ctx, query, plan, graph
        self.found = Walked()
        self.matched: set[str] = set()
        self._seen: set[tuple[str, str]] = set()

    def start(self) -> None:
        plan, clients = self.plan, self.ctx.clients
        if plan.principals is not None:
            for principal_type, principal_id in [*sorted(plan.principals), *(("GROUP", g) for g in sorted(plan.via_groups))]:
                self.graph.add(self._for_principal(principal_type, principal_id))
        if plan.accounts is None:
            if plan.principals is None or self.query.lookup_names:
                self.graph.add(organizations.accounts_task(clients))
            return
        for account in plan.accounts:
            self.handle(account)
            if not account.name and self.query.lookup_names:
                self.graph.add(self._describe_account(account.account_id))

    def handle(self, item: Any) -> None:
        if isinstance(item, OrgAccount):
            self._account(item)
        elif isinstance(item, _Provisioned):
            if self.plan.permission_sets is None or item.permission_set_arn in self.plan.permission_sets:
                self.graph.add(self._assignments_of(item.account_id, item.permission_set_arn))
        elif isinstance(item, Assignment):
            self._assignment(item)
        elif isinstance(item, directory.Membership):
            if not item.user_id:
                return
            self.found.members.setdefault(item.group_id, []).append(item.user_id)
            if self.query.lookup_names:
                self._once("USER", item.user_id, lambda: directory.describe(self.ctx, directory.USERS, item.user_id))
        else:
            self.found.others.append(item)

    def _account(self, account: OrgAccount) -> None:
        if account.name or account.account_id not in self.found.accounts:
            self.found.accounts[account.account_id] = account
        if self.plan.principals is None and account.account_id not in self.matched and self.plan.account_matches(account):
            self.matched.add(account.account_id)
            self.graph.add(self._provisioned(account.account_id))

    def _assignment(self, assignment: Assignment) -> None:
        plan = self.plan
        if not plan.target_ok(assignment.account_id):
            return
        if plan.permission_sets is not None and assignment.permission_set_arn not in plan.permission_sets:
            return
        direct = plan.principals is None or (assignment.principal_type, assignment.principal_id) in plan.principals
        (self.found.direct if direct else self.found.via).add(assignment)
        if self.query.lookup_names:
            arn, kind, principal_id = assignment.permission_set_arn, assignment.principal_type, assignment.principal_id
            self._once("PERMISSION_SET", arn, lambda: permission_sets.describe(self.ctx, arn))
            self._once(kind, principal_id, lambda: directory.describe(self.ctx, directory.BY_TYPE[kind], principal_id))
        if direct and self.query.expand_groups and assignment.principal_type == "GROUP":
            if ("MEMBERS", assignment.principal_id) not in self._seen:
                self._seen.add(("MEMBERS", assignment.principal_id))
                self.graph.add(directory.memberships_task(self.ctx, assignment.principal_id))

    def _once(self, kind: str, key: str, fetch: Callable[[], Any]) -> None:
        """Warm the run's cache for a name, once per name, alongside the walk."""
        if (kind, key) not in self._seen:
            self._seen.add((kind, key))

            def warm() -> list[Any]:
                fetch()
                return []

            self.graph.add(warm)

    # -- tasks ------------------------------------------------------------------------

    def _describe_account(self, account_id: str) -> Task:
        def run() -> list[Any]:
            found = organizations.describe_account(self.ctx.clients, account_id)
            if found is None:
                raise NotFound(f"account {account_id} is not in the organization")
            return [found]

        return run

    def _list(self, operation: str, key: str, what: str, wrap: Callable[[Any], Any], **params: Any) -> Task:
        instance = self.ctx.instance.arn
        return paged(lambda token: self.ctx.clients.page(SSO, operation, key, what, token, InstanceArn=instance, **params), wrap)

    def _provisioned(self, account_id: str) -> Task:
        return self._list("list_permission_sets_provisioned_to_account", "PermissionSets", f"listing permission sets in account {account_id}",
                          lambda arn: _Provisioned(account_id, arn), AccountId=account_id)

    def _assignments_of(self, account_id: str, arn: str) -> Task:
        return self._list("list_account_assignments", "AccountAssignments", f"listing assignments in account {account_id}",
                          _assignment_of, AccountId=account_id, PermissionSetArn=arn)

    def _for_principal(self, principal_type: str, principal_id: str) -> Task:
        only = self.plan.single_account()
        extra: dict[str, Any] = {"Filter": {"AccountId": only}} if only else {}
        return self._list("list_account_assignments_for_principal", "AccountAssignments",
                          f"listing assignments of {principal_type.lower()} {principal_id}", _assignment_of,
                          PrincipalType=principal_type, PrincipalId=principal_id, **extra)


def _assignment_of(item: dict[str, Any]) -> Assignment:
    return Assignment(item["AccountId"], item["PermissionSetArn"], item["PrincipalType"], item["PrincipalId"])


def walk(
    ctx: AdminContext, query: AssignmentQuery, *, extra: tuple[Task, ...] = (), on_progress: Progress | None = None, cancelled: Callable[[], bool] | None = None
) -> tuple[Plan, Walked]:
    """Run the query's walk (plus ``extra`` tasks, whose items land in ``Walked.others``;
    ``cancelled``: see ``TaskGraph``)."""
    ctx.instance  # first: without an instance nothing else is worth asking (or explaining)
    plan = make_plan(ctx, query)
    graph = TaskGraph(on_progress=on_progress, cancelled=cancelled)
    state = _Walk(ctx, query, plan, graph)
    state.start()
    for task in extra:
        graph.add(task)
    graph.run(state.handle)
    if plan.principals is None:
        plan.check_matched(state.matched)
    return plan, state.found


def list_assignments(ctx: AdminContext, query: AssignmentQuery, *, on_progress: Progress | None = None) -> list[AssignmentRow]:
    """The assignments the query selects, named (unless ``lookup_names`` is off), sorted by
    account name, permission set name and principal. A user, group, permission set or
    account filter that matches nothing raises NotFound."""
    plan, found = walk(ctx, query, on_progress=on_progress)
    names = Names(ctx, found.accounts, enabled=query.lookup_names)
    rows = {names.row(assignment) for assignment in found.direct}
    if query.expand_groups:
        for assignment in found.direct | found.via:
            if assignment.principal_type != "GROUP":
                continue
            if assignment in found.direct:
                members = found.members.get(assignment.principal_id, [])
            else:  # reached through a group: only the users asked about
                members = [user for user, groups in plan.user_groups.items() if assignment.principal_id in groups]
            for user_id in members:
                as_user = Assignment(assignment.account_id, assignment.permission_set_arn, "USER", user_id)
                rows.add(names.row(as_user, via=assignment.principal_id))
    return sorted(rows, key=row_order)


class Names:
    """Turns assignments into rows, with names from the run's cache (fetched during the walk)."""

    def __init__(self, ctx: AdminContext, accounts: dict[str, OrgAccount], *, enabled: bool = True) -> None:
        self.ctx, self.accounts, self.enabled = ctx, accounts, enabled

    def row(self, assignment: Assignment, via: str = "") -> AssignmentRow:
        permission_set = permission_sets.describe(self.ctx, assignment.permission_set_arn) if self.enabled else None
        account = self.accounts.get(assignment.account_id) if self.enabled else None
        return AssignmentRow(
            instance_arn=self.ctx.instance.arn,
            principal_type=assignment.principal_type,
            principal_id=assignment.principal_id,
            principal_name=self.principal(assignment.principal_type, assignment.principal_id),
            permission_set_arn=assignment.permission_set_arn,
            permission_set_name=permission_set.name if permission_set else "",
            target_type="AWS_ACCOUNT",
            target_id=assignment.account_id,
            target_name=account.name if account else "",
            via_group_id=via,
            via_group_name=self.principal("GROUP", via) if via else "",
        )

    def principal(self, principal_type: str, principal_id: str) -> str:
        if not self.enabled:
            return ""
        kind = directory.BY_TYPE[principal_type]
        found = directory.describe(self.ctx, kind, principal_id)
        return kind.label(found) if found else ""


def row_order(row: AssignmentRow) -> tuple:
    return (row.target_name.casefold(), row.target_id, row.permission_set_name.casefold(), row.permission_set_arn,
            row.principal_type, row.principal_name.casefold(), row.principal_id, row.via_group_name.casefold(), row.via_group_id)
