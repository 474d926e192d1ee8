"""The emulator's admin APIs (sso-admin, identitystore, organizations) through boto3 over
real HTTP: shapes, IDs, pagination, AWS's error shapes, permissions, and the same counters,
rate limit, latency and failure injection as the portal."""

from __future__ import annotations

import re
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ReadTimeoutError

from app.emulator import Emulator, Org, admin_sso, generate_org, identitystore, organizations
from app.emulator.controls import ADMIN_SERVICES
from app.models import Instance, RoleCredentials
from app.services.auth import get_token
from app.services.credentials import get_role_credentials
from support import FAST, Browser

ONE_TRY = Config(retries={"total_max_attempts": 1})
KEYS = {"aws_access_key_id": "AKIAEXAMPLEKEY000001", "aws_secret_access_key": "secret"}


def client(emu: Emulator, service: str, region: str = "us-east-1", **keys: str) -> Any:
    return boto3.client(service, region_name=region, endpoint_url=emu.url, config=ONE_TRY, **(keys or KEYS))


def code(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    return raised.value.response["Error"]["Code"]


def every(call: Any, key: str, **kwargs: Any) -> list[Any]:
    found, token = [], None
    while True:
        page = call(**kwargs, **({"NextToken": token} if token else {}))
        found += page[key]
        token = page.get("NextToken")
        if not token:
            return found


@pytest.fixture
def admin(emu: Emulator) -> tuple[Any, Any, Any, str, str]:
    sso = client(emu, "sso-admin")
    instance = sso.list_instances()["Instances"][0]
    return sso, client(emu, "identitystore"), client(emu, "organizations"), instance["InstanceArn"], instance["IdentityStoreId"]


def test_every_listed_operation_has_a_handler() -> None:
    handlers = {"sso-admin": admin_sso.HANDLERS, "identitystore": identitystore.HANDLERS, "organizations": organizations.HANDLERS}
    assert {service: set(ops) for service, ops in ADMIN_SERVICES.items()} == {s: set(h) for s, h in handlers.items()}


def test_instance_permission_sets_and_assignments_match_the_org(emu: Emulator, admin) -> None:
    sso, _, _, arn, store = admin
    org = emu.org
    assert arn == org.instance_arn and re.fullmatch(r"d-[0-9a-f]{10}", store)
    emu.configure(page_size_admin=2)
    arns = every(sso.list_permission_sets, "PermissionSets", InstanceArn=arn)
    assert arns == list(org.permission_sets) and len(arns) == 9
    described = sso.describe_permission_set(InstanceArn=arn, PermissionSetArn=arns[0])["PermissionSet"]
    assert described["Name"] == "AdministratorAccess" and described["SessionDuration"] == "PT1H" and described["Description"]
    assert sso.list_tags_for_resource(InstanceArn=arn, ResourceArn=arns[0])["Tags"] == [{"Key": "managed-by", "Value": "ssodeck-emulator"}]
    for account_id in org.accounts:
        provisioned = every(sso.list_permission_sets_provisioned_to_account, "PermissionSets", InstanceArn=arn, AccountId=account_id)
        assert set(provisioned) == {a.permission_set_arn for a in org.assignments if a.account_id == account_id}
        for ps in provisioned:
            listed = every(sso.list_account_assignments, "AccountAssignments", InstanceArn=arn, AccountId=account_id, PermissionSetArn=ps)
            assert {(a["PrincipalType"], a["PrincipalId"]) for a in listed} == {
                (a.principal_type, a.principal_id) for a in org.assignments if (a.account_id, a.permission_set_arn) == (account_id, ps)}
    accounts = every(sso.list_accounts_for_provisioned_permission_set, "AccountIds", InstanceArn=arn, PermissionSetArn=arns[0])
    assert set(accounts) == {a.account_id for a in org.assignments if a.permission_set_arn == arns[0]}
    alice = org.user("alice").user_id
    mine = every(sso.list_account_assignments_for_principal, "AccountAssignments", InstanceArn=arn, PrincipalId=alice, PrincipalType="USER")
    assert {(a["AccountId"], a["PermissionSetArn"]) for a in mine} == {
        (a.account_id, a.permission_set_arn) for a in org.assignments if a.principal_id == alice}
    management = org.management_account.account_id
    filtered = sso.list_account_assignments_for_principal(InstanceArn=arn, PrincipalId=alice, PrincipalType="USER", Filter={"AccountId": management})
    assert {a["PermissionSetArn"] for a in filtered["AccountAssignments"]} >= {org.permission_set("AdministratorAccess").arn}


def test_identity_store_users_groups_and_memberships(emu: Emulator, admin) -> None:
    _, ids, _, _, store = admin
    org = emu.org
    emu.configure(page_size_admin=2)
    users = every(ids.list_users, "Users", IdentityStoreId=store)
    assert [u["UserName"] for u in users] == [u.user_name for u in org.users.values()]
    alice = org.user("alice")
    shown = ids.describe_user(IdentityStoreId=store, UserId=alice.user_id)
    assert shown["UserName"] == "alice" and shown["DisplayName"] == alice.display_name and shown["Emails"][0]["Value"] == alice.email
    assert ids.list_users(IdentityStoreId=store, Filters=[{"AttributePath": "UserName", "AttributeValue": "alice"}])["Users"][0]["UserId"] == alice.user_id
    by_name = {"UniqueAttribute": {"AttributePath": "userName", "AttributeValue": "alice"}}
    assert ids.get_user_id(IdentityStoreId=store, AlternateIdentifier=by_name)["UserId"] == alice.user_id
    by_mail = {"UniqueAttribute": {"AttributePath": "emails.value", "AttributeValue": alice.email}}
    assert ids.get_user_id(IdentityStoreId=store, AlternateIdentifier=by_mail)["UserId"] == alice.user_id
    groups = every(ids.list_groups, "Groups", IdentityStoreId=store)
    assert [g["DisplayName"] for g in groups] == [g.display_name for g in org.groups.values()]
    developers = org.group("Developers")
    assert ids.describe_group(IdentityStoreId=store, GroupId=developers.group_id)["DisplayName"] == "Developers"
    by_group_name = {"UniqueAttribute": {"AttributePath": "displayName", "AttributeValue": "Developers"}}
    assert ids.get_group_id(IdentityStoreId=store, AlternateIdentifier=by_group_name)["GroupId"] == developers.group_id
    members = every(ids.list_group_memberships, "GroupMemberships", IdentityStoreId=store, GroupId=developers.group_id)
    assert [m["MemberId"]["UserId"] for m in members] == org.memberships[developers.group_id]
    mine = every(ids.list_group_memberships_for_member, "GroupMemberships", IdentityStoreId=store, MemberId={"UserId": alice.user_id})
    assert {m["GroupId"] for m in mine} == {g.group_id for g in org.groups_of(alice)}
    again = ids.list_group_memberships(IdentityStoreId=store, GroupId=developers.group_id)["GroupMemberships"][0]["MembershipId"]
    assert again == members[0]["MembershipId"]  # stable IDs


def test_organization_tree_and_accounts(emu: Emulator, admin) -> None:
    _, _, orgs, _, _ = admin
    org = emu.org
    described = orgs.describe_organization()["Organization"]
    assert re.fullmatch(r"o-[a-z0-9]{10}", described["Id"]) and described["MasterAccountId"] == org.management_account.account_id
    assert org.management_account.name == "Management"
    accounts = every(orgs.list_accounts, "Accounts")
    assert {a["Id"]: a["Status"] for a in accounts} == {a.account_id: a.status for a in org.accounts.values()}
    assert accounts[1]["Arn"] == f"arn:aws:organizations::{described['MasterAccountId']}:account/{described['Id']}/{accounts[1]['Id']}"
    (root,) = orgs.list_roots()["Roots"]
    assert re.fullmatch(r"r-[0-9a-z]{4}", root["Id"]) and root["Name"] == "Root"
    tops = every(orgs.list_organizational_units_for_parent, "OrganizationalUnits", ParentId=root["Id"])
    assert {u["Name"] for u in tops} == {path.split("/")[1] for path in org.ou_paths.values() if "/" in path} >= {"Sandbox", "Workloads"}
    assert all(re.fullmatch(rf"ou-{root['Id'][2:]}-[0-9a-z]{{8}}", u["Id"]) for u in tops)
    workloads = next(u for u in tops if u["Name"] == "Workloads")
    assert every(orgs.list_accounts_for_parent, "Accounts", ParentId=workloads["Id"]) == []
    (prod,) = [u for u in orgs.list_organizational_units_for_parent(ParentId=workloads["Id"])["OrganizationalUnits"] if u["Name"] == "Prod"]
    in_prod = every(orgs.list_children, "Children", ParentId=prod["Id"], ChildType="ACCOUNT")
    assert {c["Id"] for c in in_prod} == {a for a, path in org.ou_paths.items() if path == "Root/Workloads/Prod"}
    assert orgs.list_parents(ChildId=in_prod[0]["Id"])["Parents"] == [{"Id": prod["Id"], "Type": "ORGANIZATIONAL_UNIT"}]
    assert orgs.list_parents(ChildId=workloads["Id"])["Parents"] == [{"Id": root["Id"], "Type": "ROOT"}]
    assert orgs.describe_account(AccountId=org.management_account.account_id)["Account"]["JoinedMethod"] == "CREATED"


def test_errors_have_aws_shapes(emu: Emulator, admin) -> None:
    sso, ids, orgs, arn, store = admin
    missing_ps = arn.replace(":instance/", ":permissionSet/") + "/ps-0000000000000000"
    assert code(sso.describe_permission_set, InstanceArn=arn, PermissionSetArn=missing_ps) == "ResourceNotFoundException"
    assert code(sso.list_permission_sets, InstanceArn="arn:aws:sso:::instance/nonsense") == "ValidationException"
    assert code(sso.list_permission_sets, InstanceArn="arn:aws:sso:::instance/ssoins-0000000000000000") == "ResourceNotFoundException"
    assert code(sso.list_account_assignments, InstanceArn=arn, AccountId="12345678901x", PermissionSetArn=missing_ps) == "ValidationException"
    with pytest.raises(ClientError) as raised:
        ids.describe_user(IdentityStoreId=store, UserId="00000000-0000-0000-0000-000000000000")
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException" and raised.value.response["ResourceType"] == "USER"
    assert code(ids.list_users, IdentityStoreId="d-0000000000") == "ResourceNotFoundException"
    unknown = {"UniqueAttribute": {"AttributePath": "userName", "AttributeValue": "nobody"}}
    assert code(ids.get_user_id, IdentityStoreId=store, AlternateIdentifier=unknown) == "ResourceNotFoundException"
    assert code(orgs.describe_account, AccountId="000000000000") == "AccountNotFoundException"
    assert code(orgs.list_children, ParentId="ou-zzzz-zzzzzzzz", ChildType="ACCOUNT") == "ParentNotFoundException"
    assert code(orgs.list_parents, ChildId="ou-zzzz-zzzzzzzz") == "ChildNotFoundException"
    assert code(sso.list_permission_sets, InstanceArn=arn, NextToken="bogus") == "ValidationException"


def test_member_account_roles_see_no_instance_and_are_refused(emu: Emulator) -> None:
    """Credentials of a role in a member account: no instance listed, everything else denied;
    a role in the management account administers; another region has no instance."""
    instance = Instance(emu.start_url, emu.region)
    get_token(instance, ui=Browser(), options=FAST)
    org = emu.org
    member = next(a for a, roles in org.portal_view("alice") if a != org.management_account)
    token = lambda: get_token(instance).token  # noqa: E731
    role = org.portal_view("alice")[1][1][0]
    creds: RoleCredentials = get_role_credentials(instance, member.account_id, role, token_source=token)
    keys = {"aws_access_key_id": creds.access_key_id, "aws_secret_access_key": creds.secret_access_key, "aws_session_token": creds.session_token}
    assert client(emu, "sso-admin", **keys).list_instances()["Instances"] == []
    with pytest.raises(ClientError) as raised:
        client(emu, "organizations", **keys).list_accounts()
    assert raised.value.response["Error"]["Code"] == "AccessDeniedException"
    assert f"arn:aws:sts::{member.account_id}:assumed-role/AWSReservedSSO_{role}_" in raised.value.response["Error"]["Message"]
    assert "organizations:ListAccounts" in raised.value.response["Error"]["Message"]
    admin = get_role_credentials(instance, org.management_account.account_id, "AdministratorAccess", token_source=token)
    admin_keys = {"aws_access_key_id": admin.access_key_id, "aws_secret_access_key": admin.secret_access_key, "aws_session_token": admin.session_token}
    assert len(client(emu, "sso-admin", **admin_keys).list_instances()["Instances"]) == 1
    assert client(emu, "sso-admin", region="eu-west-1").list_instances()["Instances"] == []


def test_counted_rate_limited_delayed_and_failing_like_the_portal(emu: Emulator, admin) -> None:
    sso, _, orgs, arn, _ = admin
    emu.reset_counters()
    emu.configure(failures={"sso-admin.ListPermissionSets": {"status": 429, "count": 1},
                            "organizations.ListAccounts": {"status": 400, "shape": "AccessDeniedException", "count": 1}})
    assert code(sso.list_permission_sets, InstanceArn=arn) == "ThrottlingException"
    assert code(orgs.list_accounts) == "AccessDeniedException"
    assert sso.list_permission_sets(InstanceArn=arn)["PermissionSets"]
    assert emu.counts()["sso-admin.ListPermissionSets"] == 2 and emu.counts()["organizations.ListAccounts"] == 1
    assert "ListAccounts" not in emu.counts()  # the portal's ListAccounts is another operation
    emu.configure(max_rps=1)
    codes = []
    for _ in range(5):
        try:
            orgs.describe_organization()
            codes.append("ok")
        except ClientError as error:
            codes.append(error.response["Error"]["Code"])
    assert codes.count("TooManyRequestsException") >= 1  # the bucket holds one request
    emu.configure(max_rps=None, latency_ms={"identitystore.ListUsers": "hang"})
    impatient = boto3.client("identitystore", region_name="us-east-1", endpoint_url=emu.url, **KEYS,
                             config=Config(retries={"total_max_attempts": 1}, read_timeout=0.3))
    with pytest.raises(ReadTimeoutError):
        impatient.list_users(IdentityStoreId=admin[4])
    logged = [r for r in emu.requests() if r["op"] == "sso-admin.ListPermissionSets"]
    assert logged and logged[0]["headers"]["X-Amz-Target"] == "SWBExternalService.ListPermissionSets"


def test_unknown_target_and_unsigned_requests(emu: Emulator) -> None:
    import urllib.error
    import urllib.request

    def post(target: str, headers: dict[str, str]) -> tuple[int, str]:
        request = urllib.request.Request(emu.url + "/", data=b"{}", method="POST",
                                         headers={"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1", **headers})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    assert post("SWBExternalService.ListInstances", {}) == (403, '{"__type": "MissingAuthenticationTokenException", "message": "Missing Authentication Token"}')
    status, body = post("SWBExternalService.DeleteInstance", {"Authorization": "AWS4-HMAC-SHA256 Credential=AKIA/20260101/us-east-1/sso/aws4_request"})
    assert status == 400 and "UnknownOperationException" in body
    assert emu.counts()["sso-admin.DeleteInstance"] == 0


def test_hand_built_org_ids_are_deterministic() -> None:
    def build() -> Org:
        org = Org()
        org.add_account("Root account", "111111111111")
        org.add_account("Deep", "222222222222", ou_path="Root/A/B/C")
        return org

    first, second = build(), build()
    assert first.units() == second.units() and first.organization_id == second.organization_id
    assert [u.name for u in first.units().values()] == ["Root", "A", "B", "C"]
    assert first.parent_of("222222222222").name == "C" and first.management_account.account_id == "111111111111"
    with pytest.raises(ValueError):
        first.add_account("Bad", "333333333333", ou_path="Top/A")


def test_generated_alice_administers_the_management_account() -> None:
    for seed in range(5):
        org = generate_org(accounts=8, seed=seed)
        management = org.management_account
        assert management.name == "Management"
        admin = org.permission_set("AdministratorAccess").arn
        assert org.assignments_where(management.account_id, admin, ("USER", org.user("alice").user_id))
        assert 1 <= len(org.roles_for("alice", management.account_id) or ()) <= 4
