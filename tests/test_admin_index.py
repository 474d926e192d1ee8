"""The explorer's index over a snapshot (pure: no requests), and the tables exports use."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone

from app.admin_models import AccessPath, AdminInstance, AdminSnapshot, Assignment, Group, OrgAccount, PermissionSet, User
from app.services.admin.explain import AssignmentIndex
from app.services.admin.tables import ASSIGNMENT_COLUMNS, assignment_table, path_table
from app.services.tabular import to_csv, to_json

INSTANCE = AdminInstance("arn:aws:sso:::instance/ssoins-0123456789abcdef", "d-0123456789")
PS = "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-"
ADMIN, READ, BILL = (PermissionSet(PS + s * 16, n) for s, n in (("a", "AdministratorAccess"), ("b", "ReadOnlyAccess"), ("c", "Billing, EU")))
ALICE, BOB, GONE = User("u-alice", "alice"), User("u-bob", "bob"), "u-deleted"
DEVS, OPS = Group("g-devs", "Developers"), Group("g-ops", "Ops")
DEV, PROD = OrgAccount("111111111111", "Dev"), OrgAccount("222222222222", "Prod, EU")


def snapshot() -> AdminSnapshot:
    assignments = (
        Assignment(DEV.account_id, ADMIN.arn, "USER", ALICE.user_id),
        Assignment(DEV.account_id, ADMIN.arn, "GROUP", DEVS.group_id),  # alice twice: directly and through Developers
        Assignment(DEV.account_id, READ.arn, "GROUP", OPS.group_id),
        Assignment(PROD.account_id, READ.arn, "GROUP", DEVS.group_id),
        Assignment(PROD.account_id, BILL.arn, "USER", GONE),  # a deleted user
        Assignment("333333333333", READ.arn, "USER", BOB.user_id),  # an account that left
    )
    return AdminSnapshot(INSTANCE, (DEV, PROD), (ADMIN, READ, BILL), (ALICE, BOB), (DEVS, OPS),
                         ((DEVS.group_id, ALICE.user_id), (DEVS.group_id, BOB.user_id), (OPS.group_id, BOB.user_id)),
                         assignments, datetime(2026, 1, 1, tzinfo=timezone.utc))


def test_why_lists_every_path() -> None:
    index = AssignmentIndex(snapshot())
    assert index.why(ALICE.user_id, DEV.account_id) == [AccessPath(ALICE, DEV, ADMIN), AccessPath(ALICE, DEV, ADMIN, DEVS)]
    assert index.why(BOB.user_id, DEV.account_id) == [AccessPath(BOB, DEV, ADMIN, DEVS), AccessPath(BOB, DEV, READ, OPS)]
    assert index.why(ALICE.user_id, "999999999999") == [] and index.why("u-nobody", DEV.account_id) == []


def test_who_can_reach_expands_groups_and_survives_unknown_ids() -> None:
    index = AssignmentIndex(snapshot())
    reach = index.who_can_reach(PROD.account_id)
    assert [(p.user.user_name or p.user.user_id, p.permission_set.name, p.via.display_name if p.via else "") for p in reach] == [
        (GONE, "Billing, EU", ""), ("alice", "ReadOnlyAccess", "Developers"), ("bob", "ReadOnlyAccess", "Developers")]
    assert reach[0].user == User(GONE, "")
    (left,) = index.who_can_reach("333333333333")
    assert left.account == OrgAccount("333333333333", "") and left.user == BOB


def test_pivots_by_account_principal_and_permission_set() -> None:
    index = AssignmentIndex(snapshot())
    by_account = index.by_account(DEV.account_id)
    assert {(r.principal_type, r.principal_name, r.permission_set_name) for r in by_account} == {
        ("USER", "alice", "AdministratorAccess"), ("GROUP", "Developers", "AdministratorAccess"), ("GROUP", "Ops", "ReadOnlyAccess")}
    assert [r.permission_set_name for r in by_account] == sorted((r.permission_set_name for r in by_account), key=str.casefold)
    alice = index.by_principal("USER", ALICE.user_id)
    assert {(r.target_name, r.permission_set_name, r.via_group_name) for r in alice} == {
        ("Dev", "AdministratorAccess", ""), ("Dev", "AdministratorAccess", "Developers"), ("Prod, EU", "ReadOnlyAccess", "Developers")}
    assert all(r.principal_type == "USER" and r.principal_id == ALICE.user_id for r in alice)
    assert {r.target_id for r in index.by_principal("GROUP", DEVS.group_id)} == {DEV.account_id, PROD.account_id}
    assert {r.target_name for r in index.by_permission_set(READ.arn)} == {"Dev", "Prod, EU", ""}
    assert [p.account.name for p in index.paths_of(BOB.user_id)] == ["", "Dev", "Dev", "Prod, EU"]


def test_a_large_instance_indexes_and_answers() -> None:
    """200 accounts x 10 permission sets x 3 principals (the benchmark's shape)."""
    users = tuple(User(f"u{i}", f"user{i}") for i in range(60))
    groups = tuple(Group(f"g{i}", f"group{i}") for i in range(20))
    accounts = tuple(OrgAccount(f"{i:012d}", f"account {i}") for i in range(200))
    sets = tuple(PermissionSet(f"{PS}{i:016d}", f"set{i}") for i in range(10))
    assignments = tuple(
        Assignment(a.account_id, p.arn, kind, ident)
        for n, a in enumerate(accounts) for m, p in enumerate(sets)
        for kind, ident in (("USER", users[(n + m) % 60].user_id), ("GROUP", groups[(n * m) % 20].group_id), ("USER", users[(n * 7 + m) % 60].user_id))
    )
    memberships = tuple((g.group_id, users[(i * 3 + k) % 60].user_id) for i, g in enumerate(groups) for k in range(3))
    index = AssignmentIndex(AdminSnapshot(INSTANCE, accounts, sets, users, groups, memberships, assignments, datetime.now(timezone.utc)))
    assert len(index.by_account(accounts[5].account_id)) == len({(a.permission_set_arn, a.principal_id) for a in assignments if a.account_id == accounts[5].account_id})
    reach = index.who_can_reach(accounts[5].account_id)
    assert reach and all(p.account == accounts[5] for p in reach)
    assert sum(len(index.by_permission_set(p.arn)) for p in sets) == len(set(assignments))


def test_tables_and_exports() -> None:
    index = AssignmentIndex(snapshot())
    rows = index.by_principal("USER", ALICE.user_id)
    table = assignment_table(rows)
    assert table.headers == ASSIGNMENT_COLUMNS and len(table.rows[0]) == 9
    with_via = assignment_table(rows, arn_style="id", via=True)
    assert with_via.headers[0] == "instance_id" and with_via.headers[4] == "permission_set_id" and with_via.headers[-2:] == ("via_group_id", "via_group_name")
    assert {r[0] for r in with_via.rows} == {"ssoins-0123456789abcdef"} and all(r[4].startswith("ssoins-0123456789abcdef/ps-") for r in with_via.rows)
    text = to_csv(with_via.headers, with_via.rows)
    assert list(csv.reader(io.StringIO(text)))[1:] == [list(r) for r in with_via.rows] and '"Prod, EU"' in text
    paths = path_table(index.why(BOB.user_id, DEV.account_id))
    assert json.loads(to_json(paths.keys, paths.rows))[1] == {
        "user_name": "bob", "user_id": "u-bob", "account_name": "Dev", "account_id": DEV.account_id, "permission_set_name": "ReadOnlyAccess",
        "permission_set_arn": READ.arn, "via_group_name": "Ops", "via_group_id": "g-ops"}
    assert to_csv(["a", "b"], [["x;y", "z"]], delimiter=";", header=False) == '"x;y";z\n'
