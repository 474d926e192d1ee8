"""The admin services over real HTTP, against the emulator and moto in server mode alike:
instance discovery, lookups, assignment filters, OU expansion, snapshots; bad input as one
clear error. ``backend`` (from admin_support) runs each test on both servers."""

from __future__ import annotations

import pytest

from admin_support import Backend, backend, emulated, moto_url  # noqa: F401 (fixtures)
from app.models import Instance
from app.services.admin import organizations
from app.services.admin.assignments import list_assignments
from app.services.admin.clients import open_clients
from app.services.admin.context import AdminContext
from app.services.admin.errors import CredentialsError, NotFound
from app.services.admin.explain import AssignmentIndex, load_snapshot
from app.services.admin.filters import AssignmentQuery
from app.services.admin.lookup import lookup
from app.services.auth import get_token
from app.services.credentials import get_role_credentials
from app.services.errors import AccessDenied, ConfigError, InstanceNotFound, ServiceError
from support import FAST, Browser


def context(**kwargs) -> AdminContext:
    return AdminContext(open_clients(), **kwargs)


def summary(rows) -> set[tuple[str, str, str, str, str]]:
    return {(r.target_id, r.permission_set_name, r.principal_type, r.principal_name, r.via_group_name) for r in rows}


def query(**kwargs) -> set[tuple[str, str, str, str, str]]:
    return summary(list_assignments(context(), AssignmentQuery(**kwargs)))


def test_instance_is_found_or_checked(backend: Backend) -> None:
    found = context().instance
    assert (found.arn, found.identity_store_id) == (backend.instance_arn, backend.identity_store_id)
    by_id = context(instance_arn=backend.instance_arn.rsplit("/", 1)[1]).instance
    assert by_id.identity_store_id == backend.identity_store_id
    with pytest.raises(InstanceNotFound, match="ssoins-0000000000000000 is not visible"):
        context(instance_arn="ssoins-0000000000000000").instance
    with pytest.raises(ConfigError, match="not an Identity Center instance ARN"):
        context(instance_arn="arn:aws:sso:::instance/oops")


def test_lookup_every_kind(backend: Backend) -> None:
    ctx = context()
    alice, nobody = lookup(ctx, "user", ("alice", "nobody"))
    assert (alice.name, alice.ident, alice.found) == ("alice", backend.users["alice"], True)
    assert (nobody.name, nobody.ident, nobody.found) == ("nobody", "NOT_FOUND", False)
    (by_id,) = lookup(ctx, "users", (backend.users["bob"],))
    assert by_id.name == "bob"
    assert {(r.name, r.ident) for r in lookup(ctx, "group", (":all",))} == set(backend.groups.items())
    admin, unknown_id, unknown_name = lookup(ctx, "permission-set", ("AdministratorAccess", "ps-0000000000000000", "Nope"))
    assert (admin.name, admin.ident) == ("AdministratorAccess", backend.permission_sets["AdministratorAccess"])
    assert unknown_id.name == "UNKNOWN" and unknown_id.ident.endswith(f"{backend.instance_arn.rsplit('/', 1)[1]}/ps-0000000000000000")
    assert (unknown_name.name, unknown_name.ident) == ("Nope", "UNKNOWN")
    assert {r.name for r in lookup(ctx, "permission-sets", (":all",))} == set(backend.permission_sets)
    dev, by_name, missing = lookup(ctx, "account", (backend.accounts["Dev"], "Sandbox", "000000000000"))
    assert (dev.name, by_name.ident, missing.name) == ("Dev", backend.accounts["Sandbox"], "NOT_FOUND")
    assert {r.ident for r in lookup(ctx, "accounts", (":all",))} == set(backend.accounts.values())
    with pytest.raises(ConfigError, match="not a permission set ARN"):
        lookup(ctx, "permission-set", ("arn:aws:sso:::permissionSet/nonsense",))


def test_every_assignment_with_names(backend: Backend) -> None:
    rows = list_assignments(context(), AssignmentQuery())
    assert summary(rows) == backend.expected()
    assert {r.target_name for r in rows} == {backend.account_names[a] for a in backend.accounts.values()}
    assert {r.instance_arn for r in rows} == {backend.instance_arn} and {r.target_type for r in rows} == {"AWS_ACCOUNT"}
    assert rows == sorted(rows, key=lambda r: (r.target_name.casefold(), r.target_id, r.permission_set_name.casefold(),
                                              r.permission_set_arn, r.principal_type, r.principal_name.casefold()))
    bare = list_assignments(context(), AssignmentQuery(lookup_names=False))
    assert {(r.target_id, r.permission_set_arn, r.principal_id) for r in bare} == {(r.target_id, r.permission_set_arn, r.principal_id) for r in rows}
    assert {r.principal_name for r in bare} == {r.target_name for r in bare} == {r.permission_set_name for r in bare} == {""}


def test_principal_filters_and_group_expansion(backend: Backend) -> None:
    everything = backend.expected(expand=True)
    alice_direct = {row for row in everything if row[3] == "alice" and not row[4]}
    assert query(users=("alice",)) == alice_direct
    assert query(users=(backend.users["alice"],)) == alice_direct
    alice_all = {row for row in everything if row[3] == "alice"}
    assert query(users=("alice",), expand_groups=True) == alice_all
    assert any(row[4] == "Admins" for row in alice_all)
    admins = {row for row in everything if "Admins" in (row[3], row[4])}
    assert query(groups=("^Adm",), expand_groups=True) == admins
    assert query(users=("^(alice|bob)$",), groups=("Auditors",)) == {
        row for row in backend.expected() if row[3] in ("alice", "bob", "Auditors")}
    assert query(users=("alice",), groups=("Admins",), expand_groups=True) == alice_all | admins
    # a regex on names still works without names in the output (aws-sso-util crashed)
    assert {(r.target_id, r.principal_id) for r in list_assignments(context(), AssignmentQuery(users=("bo",), lookup_names=False))} == {
        (row[0], backend.users["bob"]) for row in backend.expected() if row[3] == "bob"}


def test_permission_set_and_account_filters(backend: Backend) -> None:
    expected = backend.expected()
    read_only = {row for row in expected if row[1] == "ReadOnlyAccess"}
    assert query(permission_sets=("ReadOnly",)) == read_only
    arn = backend.permission_sets["ReadOnlyAccess"]
    assert query(permission_sets=(arn,)) == read_only
    if ":permissionSet/" in arn:  # moto mints ".../instance/ssoins-X/ps-Y" ARNs: short IDs cannot name them
        assert query(permission_sets=(arn.split("/", 1)[1],)) == read_only
        assert query(permission_sets=(arn.rsplit("/", 1)[1],)) == read_only
    dev, prod = backend.accounts["Dev"], backend.accounts["Prod, Inc."]
    assert query(accounts=(dev, prod)) == {row for row in expected if row[0] in (dev, prod)}
    assert query(accounts=("^Prod",)) == {row for row in expected if row[0] == prod}
    assert query(accounts=(dev[:5],)) >= {row for row in expected if row[0] == dev}
    assert query(accounts=("Sandbox",), users=("bob",)) == {row for row in expected if row[0] == backend.accounts["Sandbox"] and row[3] == "bob"}
    assert query(accounts=(prod,), permission_sets=("Billing",), expand_groups=True) == {
        row for row in backend.expected(expand=True) if row[0] == prod and row[1] == "Billing,Finance"}


def test_ou_filters(backend: Backend) -> None:
    expected = backend.expected()
    workloads = backend.ous["Root/Workloads"]
    in_prod = {backend.accounts["Prod, Inc."], backend.accounts["Old Prod"]}
    below = in_prod | {backend.accounts["Dev"]}
    assert query(ous=(workloads,)) == set()
    assert query(ous=(workloads,), ou_recursive=True) == {row for row in expected if row[0] in below}  # suspended included
    assert query(ous=(backend.ous["Root/Workloads/Prod"],), accounts=(backend.accounts["Sandbox"],)) == {
        row for row in expected if row[0] in in_prod | {backend.accounts["Sandbox"]}}
    with pytest.raises(ConfigError, match="cannot be combined with --ou"):
        query(ous=(workloads,), accounts=("Sandbox",))
    with pytest.raises(ConfigError, match="not an OU or root ID"):
        query(ous=("Workloads",))


def test_accounts_in_ous_leave_out_management_and_inactive_at_every_depth(backend: Backend) -> None:
    clients = open_clients()
    root = backend.ous["Root"]
    found = organizations.accounts_in_ous(clients, [root], recursive=True)
    assert {f.account.account_id for f in found} == {backend.accounts[n] for n in ("Dev", "Prod, Inc.", "Sandbox")}
    assert {f.source_ou for f in found} == {root}
    assert {f.parent_id for f in found if f.account.name == "Dev"} == {backend.ous["Root/Workloads/NonProd"]}
    assert organizations.accounts_in_ous(clients, [root], recursive=False) == []
    everything = organizations.accounts_in_ous(clients, [root], recursive=True, include_management=True, include_inactive=True)
    assert {f.account.account_id for f in everything} == set(backend.accounts.values())
    nested = organizations.accounts_in_ous(clients, [backend.ous["Root/Workloads"], backend.ous["Root/Workloads/Prod"]], recursive=True)
    assert [f.source_ou for f in nested if f.account.name == "Prod, Inc."] == [backend.ous["Root/Workloads"]]  # once, first OU


def test_unknown_and_malformed_input_is_one_clear_error(backend: Backend) -> None:
    cases = [
        (AssignmentQuery(users=("nobody",)), NotFound, "no user name matches 'nobody'"),
        (AssignmentQuery(users=("00000000-0000-0000-0000-000000000000",)), NotFound, "no user with ID 00000000-0000-0000-0000-000000000000"),
        (AssignmentQuery(groups=("Nobody",)), NotFound, "no group name matches 'Nobody'"),
        (AssignmentQuery(permission_sets=("arn:aws:sso:::permissionSet/oops",)), ConfigError, "not a permission set ARN or ID"),
        (AssignmentQuery(permission_sets=("ps-0000000000000000",)), NotFound, "permission set ps-0000000000000000 is not in instance"),
        (AssignmentQuery(permission_sets=("Nope",)), NotFound, "no permission set name matches 'Nope'"),
        (AssignmentQuery(users=("(",)), ConfigError, "--user '(' is not a valid regular expression"),
        (AssignmentQuery(accounts=("NoSuchAccount",)), NotFound, "no account matches 'NoSuchAccount'"),
        (AssignmentQuery(accounts=("999999999999",)), NotFound, "account 999999999999 is not in the organization"),
    ]
    for bad, error, message in cases:
        with pytest.raises(error, match=message.replace("(", r"\(")):
            list_assignments(context(), bad)
        assert "\n" not in message


def test_snapshot_answers_why_and_who(backend: Backend) -> None:
    index = AssignmentIndex(load_snapshot(context()))
    alice, dev = backend.users["alice"], backend.accounts["Dev"]
    paths = {(p.permission_set.name, p.via.display_name if p.via else "") for p in index.why(alice, dev)}
    assert paths == {("AdministratorAccess", "Admins"), ("ReadOnlyAccess", "")}
    assert index.why(backend.users["carol"], dev) == []
    reach = {(p.user.user_name, p.permission_set.name, p.via.display_name if p.via else "") for p in index.who_can_reach(backend.accounts["Prod, Inc."])}
    assert reach == {("bob", "ReadOnlyAccess", ""), ("alice", "Billing,Finance", "Admins"), ("bob", "Billing,Finance", "Admins")}
    mine = {(row[0], row[1], row[4]) for row in backend.expected(expand=True) if row[3] == "alice"}
    assert {(r.target_id, r.permission_set_name, r.via_group_name) for r in index.by_principal("USER", alice)} == mine
    assert summary(index.by_account(dev)) == {row for row in backend.expected() if row[0] == dev}
    admin_arn = backend.permission_sets["AdministratorAccess"]
    assert summary(index.by_permission_set(admin_arn)) == {row for row in backend.expected() if row[1] == "AdministratorAccess"}
    assert {u.user_name for u in index.snapshot.users} == {"alice", "bob", "carol"}
    assert {p.name for p in index.snapshot.permission_sets} == set(backend.permission_sets)


def test_names_are_fetched_once_per_run_and_progress_is_reported(emulated: Backend) -> None:
    emu = emulated.emulator
    seen: list[tuple[int, int]] = []
    rows = list_assignments(context(), AssignmentQuery(expand_groups=True), on_progress=lambda done, total: seen.append((done, total)))
    counts = emu.counts()
    assert counts["sso-admin.DescribePermissionSet"] == len({r.permission_set_arn for r in rows})
    assert counts["identitystore.DescribeUser"] == len({r.principal_id for r in rows if r.principal_type == "USER"})
    assert counts["identitystore.DescribeGroup"] == len({r.via_group_id for r in rows if r.via_group_id} | {r.principal_id for r in rows if r.principal_type == "GROUP"})
    assert seen[-1][0] == seen[-1][1] == sum(counts.values()) - counts["sso-admin.ListInstances"]
    assert all(b[0] >= a[0] and b[1] >= a[1] for a, b in zip(seen, seen[1:]))


def test_throttling_is_retried_through_the_limiter(emulated: Backend) -> None:
    emulated.emulator.configure(failures={"sso-admin.ListAccountAssignments": {"status": 400, "shape": "ThrottlingException", "count": 3},
                                          "organizations.ListAccounts": {"status": 429, "count": 1}})
    assert summary(list_assignments(context(), AssignmentQuery())) == emulated.expected()
    assert emulated.emulator.counts()["organizations.ListAccounts"] >= 2


def test_role_credentials_of_a_member_account_are_refused(emulated: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's way in: one of the user's own roles. In the management account it
    administers; in a member account there is no instance, and AWS says access denied."""
    emu = emulated.emulator
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    instance = Instance(emu.start_url, emu.region)
    get_token(instance, ui=Browser(), options=FAST)
    token = lambda: get_token(instance).token  # noqa: E731
    admin = get_role_credentials(instance, emulated.accounts["Management"], "AdministratorAccess", token_source=token)
    as_admin = AdminContext(open_clients(role_credentials=admin, region=emu.region))
    assert as_admin.instance.arn == emulated.instance_arn
    assert lookup(as_admin, "user", ("alice",))[0].ident == emulated.users["alice"]
    member = get_role_credentials(instance, emulated.accounts["Sandbox"], "AdministratorAccess", token_source=token)
    with pytest.raises(InstanceNotFound, match="no Identity Center instance visible"):
        AdminContext(open_clients(role_credentials=member, region=emu.region)).instance
    explicit = AdminContext(open_clients(role_credentials=member, region=emu.region), instance_arn=emulated.instance_arn,
                            identity_store_id=emulated.identity_store_id)
    with pytest.raises(AccessDenied, match="access denied while listing permission sets: User: arn:aws:sts::") as denied:
        list_assignments(explicit, AssignmentQuery(permission_sets=("Admin",)))
    assert member.secret_access_key not in str(denied.value) and member.session_token not in str(denied.value)


def test_missing_credentials_region_or_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with pytest.raises(CredentialsError, match="no AWS credentials for the admin APIs: use --profile"):
        open_clients()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    with pytest.raises(ConfigError, match="no region for the admin APIs: use --region"):
        open_clients()
    monkeypatch.setenv("AWS_DEFAULT_SSO_REGION", "eu-west-1")
    assert open_clients().region == "eu-west-1"
    assert open_clients(region="ap-south-1").region == "ap-south-1"
    with pytest.raises(ConfigError, match="profile nowhere is not in the AWS config"):
        open_clients(profile="nowhere")


def test_rejected_credentials_and_unreachable_aws(emulated: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    emulated.emulator.configure(failures={"sso-admin.ListInstances": {"status": 400, "shape": "UnrecognizedClientException", "count": 1}})
    with pytest.raises(CredentialsError, match=r"AWS rejected the credentials \(UnrecognizedClientException\) while listing Identity Center instances"):
        context().instance
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_ADMIN", "http://127.0.0.1:9")
    with pytest.raises(ServiceError, match=r"cannot reach AWS \(connection failed at http://127.0.0.1:9/\) while listing Identity Center instances"):
        context().instance


def test_a_fetch_given_up_is_not_remembered_and_one_waiting_for_it_fetches_itself() -> None:
    """A walk given up mid-way (the explorer reloaded, say) must not leave its unfinished
    fetches remembered as failures for the next walk over the same context."""
    import threading

    from app.services.admin.context import Memo
    from app.services.errors import Cancelled

    memo = Memo()
    started, release = threading.Event(), threading.Event()
    waited: list[object] = []

    def given_up() -> str:
        started.set()
        release.wait(5)
        raise Cancelled

    def waiter() -> None:
        waited.append(memo.get("arn", lambda: "described by the waiter"))

    owner_failed: list[type] = []

    def owner() -> None:
        try:
            memo.get("arn", given_up)
        except Cancelled:
            owner_failed.append(Cancelled)

    first = threading.Thread(target=owner)
    first.start()
    started.wait(5)
    second = threading.Thread(target=waiter)
    second.start()  # waits for the owner's fetch
    release.set()
    first.join(5)
    second.join(5)
    assert owner_failed == [Cancelled]
    assert waited == ["described by the waiter"]
    assert memo.get("arn", lambda: "again") == "described by the waiter"
    assert memo.get("gone", lambda: "fetched") == "fetched"
