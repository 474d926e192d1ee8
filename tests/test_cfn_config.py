"""The config-file format: every key alias, identifiers made into ARNs, inline permission sets, schema errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from cfn_support import GROUP, INSTANCE, INSTANCE_ID, PS, PS_ID, USER, FakeOrg, account, check_templates, principal, read_template, templates_in
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.services.cfn.config_doc import render_config
from app.services.cfn.config_input import CONFIG_KEYS
from app.services.cfn.files import Request, plan, write
from app.services.cfn.model import Settings
from app.services.errors import InvalidInput, LookupUnavailable

def generate(tmp_path: Path, text: str, name: str = "config.yaml", resolver=None, **options) -> dict:
    """Plan and write one config; every template written is linted. Returns the parent template."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    source = tmp_path / name
    source.write_text(text)
    result = plan(Request((source,), output_dir=tmp_path / "out", **options), resolver)
    write(result)
    check_templates(templates_in(tmp_path / "out"), limit=(options.get("settings") or Settings()).max_resources)
    return read_template(tmp_path / "out" / (source.stem + ".yaml"))


def fails(tmp_path: Path, text: str, name: str = "config.yaml", resolver=None, **options) -> str:
    source = tmp_path / name
    source.write_text(text)
    with pytest.raises((InvalidInput, LookupUnavailable)) as caught:
        plan(Request((source,), output_dir=tmp_path / "out", **options), resolver)
    return str(caught.value)


def assignments(template: dict) -> list[dict]:
    return [r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::SSO::Assignment"]


def triples(template: dict) -> set[tuple]:
    return {(p["PrincipalType"], json.dumps(p["PrincipalId"]), json.dumps(p["PermissionSetArn"]), json.dumps(p["TargetId"])) for p in assignments(template)}


@pytest.mark.parametrize(("field", "alias"), [(field, alias) for field, aliases in CONFIG_KEYS.items() for alias in aliases
                                              if field in ("instance", "groups", "users", "permission_sets", "accounts")])
def test_every_alias_means_the_same(tmp_path, field, alias):
    values = {"instance": INSTANCE, "groups": [GROUP], "users": [USER], "permission_sets": [PS], "accounts": [account(1), account(2)]}
    canonical = {"instance": "Instance", "groups": "Groups", "users": "Users", "permission_sets": "PermissionSets", "accounts": "Accounts"}
    expected = generate(tmp_path / "a", json.dumps({canonical[k]: v for k, v in values.items()}), name="c.json")
    document = {(alias if k == field else canonical[k]): v for k, v in values.items()}
    assert triples(generate(tmp_path / "b", json.dumps(document), name="c.json")) == triples(expected)
    assert len(assignments(expected)) == 4


@pytest.mark.parametrize("alias", CONFIG_KEYS["ous"] + CONFIG_KEYS["recursive_ous"])
def test_ou_aliases_and_recursion(tmp_path, alias):
    org = FakeOrg(ous={"ou-ab12-aaaaaaaa": [account(1)], "ou-ab12-bbbbbbbb": [account(2)]}, children={"ou-ab12-aaaaaaaa": ["ou-ab12-bbbbbbbb"]})
    template = generate(tmp_path, f"Instance: {INSTANCE}\nGroups: {GROUP}\nPermissionSets: {PS}\n{alias}: ou-ab12-aaaaaaaa\n", resolver=org)
    expected = {account(1), account(2)} if alias.startswith("Recursive") else {account(1)}
    assert {p["TargetId"] for p in assignments(template)} == expected
    assert {r["Metadata"]["SSO"]["AccountSourceOU"] for r in template["Resources"].values()} == {"ou-ab12-aaaaaaaa"}


def test_an_account_in_an_ou_and_listed_is_assigned_once(tmp_path):
    org = FakeOrg(ous={"ou-ab12-aaaaaaaa": [account(1), account(2)]})
    template = generate(tmp_path, f"Instance: {INSTANCE}\nGroups: {GROUP}\nPermissionSets: {PS}\nOUs: ou-ab12-aaaaaaaa\nAccounts: ['{account(1)}']\n", resolver=org)
    assert sorted(p["TargetId"] for p in assignments(template)) == [account(1), account(2)]


def test_ou_targets_without_organizations_access_say_so(tmp_path):
    message = fails(tmp_path, f"Instance: {INSTANCE}\nGroups: {GROUP}\nPermissionSets: {PS}\nRecursiveOUs:\n  - ou-ab12-aaaaaaaa\n")
    assert message.startswith(f"needs Organizations access: {tmp_path / 'config.yaml'}:5: the accounts of ou-ab12-aaaaaaaa")


def test_account_ids_stay_twelve_digits_whatever_yaml_thinks(tmp_path):
    template = generate(tmp_path, f"Instance: {INSTANCE}\nGroups: {GROUP}\nPermissionSets: {PS}\nAccounts:\n  - 012345670123\n  - 012345678901\n  - 12345\n")
    assert sorted(p["TargetId"] for p in assignments(template)) == ["000000012345", "012345670123", "012345678901"]
    text = (tmp_path / "out" / "config.yaml").read_text()
    assert 'TargetId: "012345670123"' in text and 'TargetId: "012345678901"' in text


def test_ids_become_arns_and_a_bare_instance_takes_the_partition_at_deploy_time(tmp_path):
    template = generate(tmp_path, f"Instance: {INSTANCE_ID}\nGroups: {GROUP}\nPermissionSets: [{PS_ID}, {INSTANCE_ID}/ps-45b2cb9e8a6aee14]\nAccounts: '{account(1)}'\n")
    found = assignments(template)
    assert {json.dumps(p["InstanceArn"]) for p in found} == {json.dumps({"Fn::Sub": f"arn:${{AWS::Partition}}:sso:::instance/{INSTANCE_ID}"})}
    assert {p["PermissionSetArn"]["Fn::Sub"] for p in found} == {
        f"arn:${{AWS::Partition}}:sso:::permissionSet/{INSTANCE_ID}/{PS_ID}", f"arn:${{AWS::Partition}}:sso:::permissionSet/{INSTANCE_ID}/ps-45b2cb9e8a6aee14"}


def test_an_instance_arn_lends_its_partition(tmp_path):
    gov = f"arn:aws-us-gov:sso:::instance/{INSTANCE_ID}"
    template = generate(tmp_path, f"Instance: {gov}\nGroups: {GROUP}\nPermissionSets:\n  - {PS_ID}\n  - Name: Ops\n    ManagedPolicies: ReadOnlyAccess\nAccounts: '{account(1)}'\n")
    assert f"arn:aws-us-gov:sso:::permissionSet/{INSTANCE_ID}/{PS_ID}" in [p["PermissionSetArn"] for p in assignments(template)]
    assert template["Resources"]["PermSetOps"]["Properties"]["ManagedPolicies"] == ["arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess"]


def test_the_same_assignment_written_two_ways_is_one_resource_with_one_id(tmp_path):
    as_arn = generate(tmp_path / "a", f"Instance: {INSTANCE}\nGroups: {GROUP}\nPermissionSets: {PS}\nAccounts: '{account(1)}'\n")
    as_ids = generate(tmp_path / "b", f"Instance: {INSTANCE_ID}\nGroups: {GROUP}\nPermissionSets: [{PS.split('/', 1)[1]}, ps-45b2cb9e8a6aee12]\nAccounts: {int(account(1))}\n")
    assert list(as_arn["Resources"]) == list(as_ids["Resources"])


def test_ins_fills_in_and_must_agree(tmp_path):
    body = f"Groups: {GROUP}\nPermissionSets: {PS_ID}\nAccounts: '{account(1)}'\n"
    template = generate(tmp_path, body, instance=INSTANCE)
    assert assignments(template)[0]["PermissionSetArn"] == f"arn:aws:sso:::permissionSet/{INSTANCE_ID}/{PS_ID}"
    message = fails(tmp_path, f"Instance: arn:aws:sso:::instance/ssoins-0000000000000000\n{body}", instance=INSTANCE)
    assert message == f"{tmp_path / 'config.yaml'}:1: Instance: differs from --ins {INSTANCE_ID}; give one instance"
    assert fails(tmp_path, body) == f"{tmp_path / 'config.yaml'}: no Identity Center instance: give --ins ARN or an Instance key"
    assert assignments(generate(tmp_path, body, resolver=FakeOrg()))[0]["InstanceArn"] == INSTANCE


def test_intrinsics_anywhere_and_references_become_parameters(tmp_path):
    template = generate(tmp_path, "Instance: !Ref InstanceArn\nGroups: !Ref AdminGroup\nUsers: !ImportValue SharedUser\n"
                                  "PermissionSets: !Sub 'arn:${AWS::Partition}:sso:::permissionSet/${InstanceId}/ps-45b2cb9e8a6aee12'\n"
                                  "Accounts: [!Ref AWS::AccountId, !Select [0, !Split [',', !Ref Targets]]]\n")
    assert template["Parameters"] == {name: {"Type": "String"} for name in ("AdminGroup", "InstanceArn", "InstanceId", "Targets")}
    assert len(assignments(template)) == 4


def test_json_input_with_intrinsics(tmp_path):
    document = {"InstanceArn": INSTANCE, "Group": {"Ref": "G"}, "PermissionSetArn": PS, "Account": account(1)}
    template = generate(tmp_path, json.dumps(document, indent="\t"), name="config.json")
    assert assignments(template)[0]["PrincipalId"] == {"Ref": "G"} and "G" in template["Parameters"]


def test_inline_permission_sets_are_finished(tmp_path):
    text = f"""Instance: {INSTANCE}
Groups: {GROUP}
PermissionSets:
  - Name: Admin-Access
    ManagedPolicies: AdministratorAccess
    InlinePolicy:
      Version: 2012-10-17
      Statement: [{{Effect: Allow, Action: "s3:*", Resource: "*"}}]
  - Type: SSOUtil::SSO::PermissionSet
    Properties:
      Name: Admin.Access
      SessionDuration: PT2H
      InlinePolicy:
        Version: 2012-10-17
        Statement: [{{Effect: Allow, Action: "s3:*", Resource: !Sub "arn:${{AWS::Partition}}:s3:::b"}}]
Accounts: '{account(1)}'
"""
    template = generate(tmp_path, text, settings=Settings(default_session_duration="PT8H"))
    first, second = (r for r in template["Resources"].values() if r["Type"] == "AWS::SSO::PermissionSet")
    assert first["Properties"]["SessionDuration"] == "PT8H" and second["Properties"]["SessionDuration"] == "PT2H"
    assert json.loads(first["Properties"]["InlinePolicy"])["Version"] == "2012-10-17"
    assert first["Properties"]["ManagedPolicies"] == ["arn:aws:iam::aws:policy/AdministratorAccess"]
    assert second["Properties"]["InlinePolicy"]["Statement"][0]["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:s3:::b"}
    assert first["Properties"]["InstanceArn"] == INSTANCE
    ids = [key for key, r in template["Resources"].items() if r["Type"] == "AWS::SSO::PermissionSet"]
    assert ids[0] == "PermSetAdminAccess" and ids[1].startswith("PermSetAdminAccess") and len(ids[1]) == len("PermSetAdminAccess") + 8
    assert {json.dumps(p["PermissionSetArn"]) for p in assignments(template)} == {json.dumps({"Fn::GetAtt": [i, "PermissionSetArn"]}) for i in ids}


def test_one_inline_permission_set_named_twice_alike_is_one_resource_but_differently_is_refused(tmp_path):
    same = f"Instance: {INSTANCE}\nGroups: {GROUP}\nPermissionSets: [{{Name: Ops}}, {{Name: Ops}}]\nAccounts: '{account(1)}'\n"
    assert [key for key in generate(tmp_path, same)["Resources"] if key.startswith("PermSet")] == ["PermSetOps"]
    different = f"Instance: {INSTANCE}\nGroups: {GROUP}\nPermissionSets:\n  - Name: Ops\n  - Name: Ops\n    Description: other\nAccounts: '{account(1)}'\n"
    assert fails(tmp_path, different) == f"{tmp_path / 'config.yaml'}:5: permission set Ops is also defined, differently, at {tmp_path / 'config.yaml'}:4"


@pytest.mark.parametrize(("body", "message"), [
    (f"Groups: {GROUP}\nGroup: {GROUP}\nPermissionSets: {PS}\nAccounts: '{account(1)}'\n", ":3: Group: same key as Groups: give only one of Groups, Group"),
    (f"Grups: {GROUP}\nPermissionSets: {PS}\nAccounts: '{account(1)}'\n", ":2: Grups: unknown key (did you mean Groups?)"),
    (f"PermissionSets: {PS}\nAccounts: '{account(1)}'\n", ": no principals (Groups or Users)"),
    (f"Groups: {GROUP}\nAccounts: '{account(1)}'\n", ": no permission sets (PermissionSets)"),
    (f"Groups: {GROUP}\nPermissionSets: {PS}\n", ": no targets (Accounts, OUs or RecursiveOUs)"),
    (f"Groups: [{GROUP}, Admins]\nPermissionSets: {PS}\nAccounts: '{account(1)}'\n", ":2: Groups[1]: not a user or group ID: 'Admins'"),
    (f"Groups: {GROUP}\nPermissionSets: {PS}\nAccounts: [0o17]\n", ":4: Accounts[0]: not an account ID: '0o17' (expected 12 digits)"),
    (f"Groups: {GROUP}\nPermissionSets: {PS}\nAccounts: ['12345']\n", ":4: Accounts[0]: not an account ID: '12345'"),
    (f"Groups: {GROUP}\nPermissionSets: {PS}\nAccounts: 1234567890123\n", ":4: Accounts: not an account ID: 1234567890123"),
    (f"Groups: {GROUP}\nPermissionSets: [AdminAccess]\nAccounts: '{account(1)}'\n", ":3: PermissionSets[0]: not a permission set ARN or ID: 'AdminAccess'"),
    (f"Groups: {GROUP}\nPermissionSets: arn:aws:sso:::permissionSet/ssoins-0000000000000000/{PS_ID}\nAccounts: '{account(1)}'\n",
     f":3: PermissionSets: permission set arn:aws:sso:::permissionSet/ssoins-0000000000000000/{PS_ID} belongs to instance ssoins-0000000000000000, not {INSTANCE_ID}"),
    (f"Groups: {GROUP}\nPermissionSets: [{{Nme: X}}]\nAccounts: '{account(1)}'\n", ":3: PermissionSets[0].Nme: not a permission set property (did you mean Name?)"),
    (f"Groups: {GROUP}\nPermissionSets: [{{Name: 'has space'}}]\nAccounts: '{account(1)}'\n", ":3: PermissionSets[0].Name: a permission set needs a Name"),
    (f"Groups: {GROUP}\nPermissionSets: [42]\nAccounts: '{account(1)}'\n", ":3: PermissionSets[0]: expected a permission set ARN, ID or definition, got a number"),
    (f"Groups: {GROUP}\nPermissionSets: {PS}\nOUs: [!Ref Ou]\n", ":4: OUs[0]: OU IDs must be written out"),
    (f"Groups: {GROUP}\nPermissionSets: {PS}\nOUs: [ou-nope]\n", ":4: OUs[0]: not an OU or root ID: 'ou-nope'"),
    (f"Groups: {GROUP}\nPermissionSets: {PS}\nAccounts: '{account(1)}'\nNumChildStacks: many\n", ":5: NumChildStacks: expected a whole number of at least 0, got 'many'"),
    (f"Groups: {GROUP}\nPermissionSets: {PS}\nAccounts: '{account(1)}'\nMaxResourcesPerTemplate: 501\n", ":5: MaxResourcesPerTemplate: CloudFormation allows at most 500"),
    (f"Groups: {GROUP}\nPermissionSets: {PS}\nAccounts: '{account(1)}'\nDefaultSessionDuration: 8h\n", ":5: DefaultSessionDuration: not a session duration: '8h'"),
    (f"Groups: {GROUP}\nPermissionSets: {PS}\nAccounts: '{account(1)}'\nAssignmentGroupName: [x]\n", ":5: AssignmentGroupName: expected a name"),
    (f"Groups: {GROUP}\nPermissionSets: {PS}\nAccounts: '{account(1)}'\nNumChildStacks: 1\n---\nInstance: {INSTANCE}\nGroups: {GROUP}\nPermissionSets: {PS}\nAccounts: '{account(1)}'\nNumChildStacks: 2\n",
     ":11: NumChildStacks: differs from 1 in an earlier document of this file"),
    ("- just\n- a list\n", ": expected a mapping of config keys, got a list"),
    ("", ": empty: no assignments to generate"),
])
def test_schema_errors_name_file_line_and_key(tmp_path, body, message):
    got = fails(tmp_path, (f"Instance: {INSTANCE}\n" if body.startswith(("Groups", "Grups", "PermissionSets")) else "") + body)
    assert got.startswith(str(tmp_path / "config.yaml") + message), got
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("key", ["MaxResourcesPerTemplate", "NumChildStacks"])
def test_command_line_settings_win_over_the_file(tmp_path, key):
    accounts = ", ".join(f"'{account(n)}'" for n in range(30))
    text = f"Instance: {INSTANCE}\nGroups: {GROUP}\nPermissionSets: {PS}\nAccounts: [{accounts}]\n{key}: 1\n"
    template = generate(tmp_path, text, settings=Settings(num_child_stacks=0, max_resources_per_template=100))
    assert len(assignments(template)) == 30


_triples = st.lists(st.tuples(st.sampled_from(["GROUP", "USER"]), st.integers(0, 4).map(principal),
                              st.integers(0, 3).map(lambda n: f"arn:aws:sso:::permissionSet/{INSTANCE_ID}/ps-{n:016x}"),
                              st.integers(0, 5).map(account)), min_size=1, max_size=40)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(_triples)
def test_a_rendered_config_reads_back_as_exactly_its_assignments(tmp_path, given_triples):
    source = tmp_path / "export.yaml"
    source.write_text(render_config(INSTANCE, given_triples))
    result = plan(Request((source,), output_dir=tmp_path / "out", settings=Settings(num_child_stacks=0)))
    write(result)
    check_templates([tmp_path / "out" / "export.yaml"])
    parent = result.files[tmp_path / "out" / "export.yaml"]
    found = {(p["PrincipalType"], p["PrincipalId"], p["PermissionSetArn"], p["TargetId"]) for p in assignments(yaml.safe_load(parent))}
    assert found == set(given_triples)
    assert render_config(INSTANCE, reversed(given_triples)) == source.read_text()
