"""One small organization, served by the emulator and by moto in server mode, for the admin
service and CLI tests (``backend`` fixture, parametrized over both).

The same names go into both; IDs differ (moto picks its own), so a ``Backend`` records what
each one minted and tests compare names and IDs through it. Awkward on purpose: an account
and a permission set with commas in their names (CSV quoting), a suspended account deep in
an OU (OU expansion), a user who reaches accounts both directly and through groups.

moto gaps handled here, in the setup: moto names its management account "master" and cannot
rename it; CreateAccountAssignment does not provision the permission set as AWS does, so the
seed provisions every permission set (moto then lists each as provisioned to every account,
and ListAccountAssignments answers the extra pairs with nothing).
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest

from app.emulator import Emulator, Org
from app.emulator.server import ADMIN_CREDENTIALS

REGION = "us-east-1"
ADMIN_ENV_KEYS = ("AWS_ENDPOINT_URL_SSO_ADMIN", "AWS_ENDPOINT_URL_IDENTITYSTORE", "AWS_ENDPOINT_URL_ORGANIZATIONS")
# (name, OU path, status); the first is the management account
ACCOUNTS = (
    ("Management", "Root", "ACTIVE"),
    ("Dev", "Root/Workloads/NonProd", "ACTIVE"),
    ("Prod, Inc.", "Root/Workloads/Prod", "ACTIVE"),
    ("Old Prod", "Root/Workloads/Prod", "SUSPENDED"),
    ("Sandbox", "Root/Sandbox", "ACTIVE"),
)
USERS = (("alice", "Alice Anderson"), ("bob", "Bob Okafor"), ("carol", "Carol Nakamura"))
GROUPS = (("Admins", ("alice", "bob")), ("Auditors", ("carol",)), ("Empty", ()))
PERMISSION_SETS = (("AdministratorAccess", "Full access", "PT1H"), ("ReadOnlyAccess", "Look, don't touch", "PT4H"),
                   ("Billing,Finance", "Invoices", "PT2H"))
# (account, permission set, principal); principals that are groups are the GROUPS names
ASSIGNMENTS = (
    ("Management", "AdministratorAccess", "alice"),
    ("Management", "ReadOnlyAccess", "Auditors"),
    ("Dev", "AdministratorAccess", "Admins"),
    ("Dev", "ReadOnlyAccess", "alice"),
    ("Prod, Inc.", "ReadOnlyAccess", "bob"),
    ("Prod, Inc.", "Billing,Finance", "Admins"),
    ("Old Prod", "ReadOnlyAccess", "carol"),
    ("Sandbox", "AdministratorAccess", "alice"),
    ("Sandbox", "AdministratorAccess", "bob"),
)


@dataclass
class Backend:
    """What one server holds, by name: IDs it minted, and the endpoints to reach it."""

    name: str
    url: str
    instance_arn: str = ""
    identity_store_id: str = ""
    accounts: dict[str, str] = field(default_factory=dict)  # spec name -> account ID
    account_names: dict[str, str] = field(default_factory=dict)  # account ID -> name as the server has it
    users: dict[str, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    permission_sets: dict[str, str] = field(default_factory=dict)  # name -> ARN
    ous: dict[str, str] = field(default_factory=dict)  # OU path -> ID ("Root" -> r-...)
    emulator: Emulator | None = None

    def env(self) -> dict[str, str]:
        # a high rate keeps tests quick; the limiter's pace is measured by bench/assignments.py
        return {**dict.fromkeys(ADMIN_ENV_KEYS, self.url), **ADMIN_CREDENTIALS, "AWS_DEFAULT_REGION": REGION, "SSODECK_MAX_RPS": "500"}

    def principal(self, name: str) -> tuple[str, str]:
        return ("USER", self.users[name]) if name in self.users else ("GROUP", self.groups[name])

    def expected(self, *, expand: bool = False) -> set[tuple[str, str, str, str, str]]:
        """(account ID, permission set name, principal type, principal name, via group) of
        every assignment, plus (with ``expand``) one row per member of an assigned group."""
        rows = set()
        for account, permission_set, principal in ASSIGNMENTS:
            kind = self.principal(principal)[0]
            rows.add((self.accounts[account], permission_set, kind, principal, ""))
            if expand and kind == "GROUP":
                rows |= {(self.accounts[account], permission_set, "USER", member, principal) for member in dict(GROUPS)[principal]}
        return rows


def build_org() -> Org:
    org = Org(default_user="alice")
    for name, path, status in ACCOUNTS:
        org.add_account(name, ou_path=path, status=status)
    for user_name, display in USERS:
        org.add_user(user_name, display)
    for group, members in GROUPS:
        org.add_group(group, members)
    for name, description, duration in PERMISSION_SETS:
        org.add_permission_set(name, description, duration)
    for account, permission_set, principal in ASSIGNMENTS:
        org.assign(account, permission_set, principal)
    return org


@contextmanager
def emulator_backend() -> Iterator[Backend]:
    org = build_org()
    with Emulator(org=org, page_size_admin=2) as emu:
        yield Backend(
            "emulator", emu.url, org.instance_arn, org.identity_store_id,
            accounts={a.name: a.account_id for a in org.accounts.values()},
            account_names={a.account_id: a.name for a in org.accounts.values()},
            users={u.user_name: u.user_id for u in org.users.values()},
            groups={g.display_name: g.group_id for g in org.groups.values()},
            permission_sets={p.name: p.arn for p in org.permission_sets.values()},
            ous={path: unit.ou_id for path, unit in org.units().items()},
            emulator=emu,
        )


def seed_moto(backend: Backend) -> Backend:
    def client(service: str) -> Any:
        return boto3.client(service, endpoint_url=backend.url, region_name=REGION, aws_access_key_id="moto", aws_secret_access_key="moto")

    orgs, sso, ids = client("organizations"), client("sso-admin"), client("identitystore")
    management = orgs.create_organization(FeatureSet="ALL")["Organization"]["MasterAccountId"]
    root = orgs.list_roots()["Roots"][0]["Id"]
    backend.ous["Root"] = root
    for name, path, status in ACCOUNTS:
        if name == ACCOUNTS[0][0]:
            backend.accounts[name] = management
            continue
        parent = root
        for depth in range(2, len(path.split("/")) + 1):
            prefix = "/".join(path.split("/")[:depth])
            if prefix not in backend.ous:
                backend.ous[prefix] = orgs.create_organizational_unit(ParentId=parent, Name=prefix.rsplit("/", 1)[1])["OrganizationalUnit"]["Id"]
            parent = backend.ous[prefix]
        account_id = orgs.create_account(AccountName=name, Email=f"{name.split(',')[0].replace(' ', '.').lower()}@example.com")["CreateAccountStatus"]["AccountId"]
        orgs.move_account(AccountId=account_id, SourceParentId=root, DestinationParentId=parent)
        if status == "SUSPENDED":
            orgs.close_account(AccountId=account_id)
        backend.accounts[name] = account_id
    backend.account_names = {a["Id"]: a["Name"] for a in orgs.list_accounts()["Accounts"]}
    instance = sso.list_instances()["Instances"][0]
    backend.instance_arn, backend.identity_store_id = instance["InstanceArn"], instance["IdentityStoreId"]
    store = backend.identity_store_id
    for user_name, display in USERS:
        given, family = display.split(" ")
        backend.users[user_name] = ids.create_user(
            IdentityStoreId=store, UserName=user_name, DisplayName=display, Name={"GivenName": given, "FamilyName": family},
            Emails=[{"Value": f"{user_name}@example.com", "Primary": True}])["UserId"]
    for group, members in GROUPS:
        backend.groups[group] = ids.create_group(IdentityStoreId=store, DisplayName=group)["GroupId"]
        for member in members:
            ids.create_group_membership(IdentityStoreId=store, GroupId=backend.groups[group], MemberId={"UserId": backend.users[member]})
    for name, description, duration in PERMISSION_SETS:
        arn = sso.create_permission_set(InstanceArn=backend.instance_arn, Name=name, Description=description, SessionDuration=duration)["PermissionSet"]["PermissionSetArn"]
        backend.permission_sets[name] = arn
        sso.provision_permission_set(InstanceArn=backend.instance_arn, PermissionSetArn=arn, TargetType="ALL_PROVISIONED_ACCOUNTS")
    for account, permission_set, principal in ASSIGNMENTS:
        kind, principal_id = backend.principal(principal)
        sso.create_account_assignment(InstanceArn=backend.instance_arn, TargetId=backend.accounts[account], TargetType="AWS_ACCOUNT",
                                      PermissionSetArn=backend.permission_sets[permission_set], PrincipalType=kind, PrincipalId=principal_id)
    return backend


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """One moto server per test process. moto keeps its state per process, not per server,
    so every test that uses it resets and seeds it first."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def _point(found: Backend, monkeypatch: pytest.MonkeyPatch, extra: dict[str, str] | None = None) -> Backend:
    for key, value in {**(extra or {}), **found.env()}.items():
        monkeypatch.setenv(key, value)
    return found


@pytest.fixture(params=["emulator", "moto"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Backend]:
    """The seeded organization on the emulator, then on moto, with this process pointed at
    it (admin endpoints, keys and region)."""
    if request.param == "moto":
        url = request.getfixturevalue("moto_url")
        urllib.request.urlopen(urllib.request.Request(url + "/moto-api/reset", method="POST"), timeout=10).close()
        yield _point(seed_moto(Backend("moto", url)), monkeypatch)
        return
    with emulator_backend() as found:
        yield _point(found, monkeypatch)


@pytest.fixture
def emulated(monkeypatch: pytest.MonkeyPatch) -> Iterator[Backend]:
    """The seeded organization on the emulator alone (for what moto cannot do), with this
    process pointed at all of it (sign-in and portal too; sign-ins approve at once)."""
    with emulator_backend() as found:
        assert found.emulator is not None
        found.emulator.configure(approval="auto", device_interval=0)
        yield _point(found, monkeypatch, found.emulator.env())
