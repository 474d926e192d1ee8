"""Generation: child stacks that never overflow and never move assignments, stable collision-free IDs,
DependsOn chains, parameters, base templates, names through the Resolver, determinism."""

from __future__ import annotations

import csv
import json
import random
import re
from pathlib import Path

import pytest
from cfn_support import GROUP, INSTANCE, PS, FakeOrg, account, check_templates, permission_set, principal, read_template, templates_in
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.services.cfn.assignments_csv import HEADER
from app.services.cfn.files import Request, plan, write
from app.services.cfn.ids import unique_names
from app.services.cfn.model import Settings
from app.services.errors import InvalidInput, LookupUnavailable


def config(groups: int, permission_sets: int, accounts: int, extra: str = "") -> str:
    lines = [f"Instance: {INSTANCE}", "Groups:"] + [f"  - {principal(n)}" for n in range(groups)]
    lines += ["PermissionSets:"] + [f"  - {permission_set(n)}" for n in range(permission_sets)]
    lines += ["Accounts:"] + [f"  - '{account(n)}'" for n in range(accounts)]
    return "\n".join(lines) + "\n" + extra


def run(tmp_path: Path, text: str, *, resolver=None, **options):
    tmp_path.mkdir(parents=True, exist_ok=True)
    source = tmp_path / "input.yaml"
    source.write_text(text)
    result = plan(Request((source,), output_dir=tmp_path / "out", **options), resolver)
    write(result)
    check_templates(templates_in(tmp_path / "out"), limit=(options.get("settings") or Settings()).max_resources)
    return result


def placements(directory: Path) -> dict[str, str]:
    """Assignment logical ID -> the template file holding it."""
    found = {}
    for path in templates_in(directory):
        for logical_id, resource in read_template(path)["Resources"].items():
            if resource["Type"] == "AWS::SSO::Assignment":
                found[logical_id] = path.name
    return found


def test_child_stacks_hold_everything_within_the_limit_and_never_move_an_assignment(tmp_path):
    small = Settings(num_child_stacks=4, max_resources_per_template=60, max_concurrent_assignments=5)
    run(tmp_path / "a", config(3, 4, 15), settings=small)  # 180 assignments
    before = placements(tmp_path / "a" / "out")
    assert len(before) == 180 and len(set(before.values())) == 4
    run(tmp_path / "b", config(3, 4, 18), settings=small)  # 36 more
    after = placements(tmp_path / "b" / "out")
    assert len(after) == 216 and all(after[logical_id] == where for logical_id, where in before.items())
    parent = read_template(tmp_path / "b" / "out" / "input.yaml")
    stacks = list(parent["Resources"].items())
    assert [name for name, _ in stacks] == ["input000", "input001", "input002", "input003"]
    assert [r.get("DependsOn") for _, r in stacks] == [None, "input000", "input001", "input002"]
    assert stacks[2][1]["Properties"]["TemplateURL"] == "./input/input-002.yaml"


def test_too_few_children_is_one_error_naming_how_many_are_needed(tmp_path):
    limited = Settings(num_child_stacks=3, max_resources_per_template=60)
    with pytest.raises(InvalidInput) as caught:
        run(tmp_path, config(3, 4, 15), settings=limited)
    match = re.fullmatch(rf"{re.escape(str(tmp_path / 'input.yaml'))}: 3 child stacks cannot hold 180 assignments: child (\d\d\d) would get (\d+) "
                         r"\(at most 60 resources per template\); (\d+) child stacks would hold them \(--num-child-stacks \3, or NumChildStacks in the file\)",
                         str(caught.value))
    assert match and int(match.group(2)) > 60
    assert not (tmp_path / "out").exists()
    run(tmp_path, config(3, 4, 15), settings=Settings(num_child_stacks=int(match.group(3)), max_resources_per_template=60))


def test_no_children_and_too_many_says_how_many_children(tmp_path):
    with pytest.raises(InvalidInput, match=r"180 assignments and 0 other resources do not fit in one template \(at most 100 resources\); "
                                           r"\d child stacks would hold them"):
        run(tmp_path, config(3, 4, 15), settings=Settings(max_resources_per_template=100))
    run(tmp_path, config(2, 2, 25), settings=Settings(max_resources_per_template=100))  # exactly the limit fits
    assert len(placements(tmp_path / "out")) == 100


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(groups=st.integers(1, 12), permission_sets=st.integers(1, 10), accounts=st.integers(1, 60), limit=st.integers(8, 120),
       children=st.integers(0, 40), permission_set_resources=st.integers(0, 3))
def test_no_template_ever_exceeds_the_limit(tmp_path_factory, groups, permission_sets, accounts, limit, children, permission_set_resources):
    """Any input either fits with every template within the limit, or fails saying a child count that then fits."""
    inline = "".join(f"  - Name: Inline{n}\n" for n in range(permission_set_resources))
    text = config(groups, permission_sets, accounts).replace("Accounts:", inline + "Accounts:", 1)
    source = tmp_path_factory.mktemp("limit") / "input.yaml"
    source.write_text(text)
    request = Request((source,), suffix=".json", settings=Settings(num_child_stacks=children, max_resources_per_template=limit))
    try:
        result = plan(request)
    except InvalidInput as error:
        needed = re.search(r"(\d+) child stacks would hold them", str(error))
        if needed is None:  # the parent alone cannot hold enough child stacks
            assert "split the input" in str(error) or "parent template would hold" in str(error)
            return
        result = plan(Request((source,), suffix=".json", settings=Settings(num_child_stacks=int(needed.group(1)), max_resources_per_template=limit)))
    counted = 0
    for path, text_ in result.files.items():
        resources = json.loads(text_)["Resources"]
        assert 0 < len(resources) <= limit, path
        counted += sum(r["Type"] == "AWS::SSO::Assignment" for r in resources.values())
    assert counted == groups * (permission_sets + permission_set_resources) * accounts


def test_dependson_chains_limit_concurrency(tmp_path):
    run(tmp_path, config(2, 1, 5), settings=Settings(max_concurrent_assignments=3))
    resources = read_template(tmp_path / "out" / "input.yaml")["Resources"]
    ids = list(resources)
    assert ids == sorted(ids) and len(ids) == 10
    assert [resources[i].get("DependsOn") for i in ids] == [None, None, None] + ids[:7]


def test_ids_are_stable_and_a_taken_name_is_resolved(tmp_path):
    run(tmp_path / "a", config(2, 2, 3))
    first = read_template(tmp_path / "a" / "out" / "input.yaml")["Resources"]
    taken = sorted(first)[4]
    base = tmp_path / "base.yaml"
    base.write_text(f"Parameters:\n  Env: {{Type: String}}\nResources:\n  {taken}:\n    Type: AWS::CloudFormation::WaitConditionHandle\nOutputs:\n  E: {{Value: !Ref Env}}\n")
    run(tmp_path / "b", config(2, 2, 3), base_template=base)
    second = read_template(tmp_path / "b" / "out" / "input.yaml")
    assert second["Resources"][taken]["Type"] == "AWS::CloudFormation::WaitConditionHandle" and second["Outputs"]
    moved = [name for name in second["Resources"] if name.startswith(taken) and name != taken]
    assert len(moved) == 1 and re.fullmatch(r"[0-9A-F]{8}", moved[0][len(taken):])
    assert set(first) - {taken} == set(second["Resources"]) - {taken, moved[0]}


@given(st.dictionaries(st.text("abc", min_size=1, max_size=3), st.sampled_from(["X", "Y", "XA", "Z"]), max_size=30), st.sets(st.sampled_from(["X", "Y", "XA"])))
def test_unique_names_never_collide_and_ignore_order(wanted_by_key, reserved):
    wanted = list(wanted_by_key.items())
    names = unique_names(wanted, reserved)
    assert set(names) == {key for key, _ in wanted}
    assert len(set(names.values())) == len(names) and not set(names.values()) & reserved
    assert unique_names(list(reversed(wanted)), reserved) == names
    alone = {name for _, name in wanted if name not in reserved and len({k for k, n in wanted if n == name}) == 1}
    assert alone <= set(names.values())


def test_child_stacks_get_what_they_reference_from_the_parent(tmp_path):
    text = (f"Instance: {INSTANCE}\nGroups: [!Ref Admins, {GROUP}]\nPermissionSets:\n  - Name: Ops\n  - {PS}\n"
            f"Accounts: ['{account(1)}', !Sub '${{AWS::AccountId}}']\n")
    run(tmp_path, text, settings=Settings(num_child_stacks=1))
    parent = read_template(tmp_path / "out" / "input.yaml")
    assert parent["Parameters"] == {"Admins": {"Type": "String"}}
    stack = parent["Resources"]["input000"]["Properties"]
    assert stack["Parameters"] == {"Admins": {"Ref": "Admins"}, "PermSetOps": {"Fn::GetAtt": ["PermSetOps", "PermissionSetArn"]}}
    child = read_template(tmp_path / "out" / "input" / "input-000.yaml")
    assert child["Parameters"] == {"Admins": {"Type": "String"}, "PermSetOps": {"Type": "String"}}
    values = {json.dumps(p, sort_keys=True) for r in child["Resources"].values() for p in r["Properties"].values()}
    assert json.dumps({"Ref": "PermSetOps"}) in values and json.dumps({"Fn::Sub": "${AWS::AccountId}"}) in values


def test_getatt_of_a_missing_resource_is_refused(tmp_path):
    with pytest.raises(InvalidInput, match=r"input.yaml: !GetAtt Nowhere.PermissionSetArn names no resource of the template$"):
        run(tmp_path, f"Instance: {INSTANCE}\nGroups: {GROUP}\nPermissionSets: !GetAtt Nowhere.PermissionSetArn\nAccounts: '{account(1)}'\n")


def test_base_template_permission_sets_are_finished_and_referenced(tmp_path):
    base = tmp_path / "base.yaml"
    base.write_text("Resources:\n  Audit:\n    Type: AWS::SSO::PermissionSet\n    Properties:\n      Name: Audit\n      ManagedPolicies: job-function/ViewOnlyAccess\n")
    text = f"Instance: {INSTANCE}\nGroups: {GROUP}\nPermissionSets: !GetAtt Audit.PermissionSetArn\nAccounts: '{account(1)}'\n"
    run(tmp_path, text, base_template=base, settings=Settings(default_session_duration="PT4H", num_child_stacks=1))
    parent = read_template(tmp_path / "out" / "input.yaml")
    assert parent["Resources"]["Audit"]["Properties"] == {
        "Name": "Audit", "ManagedPolicies": ["arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"], "SessionDuration": "PT4H", "InstanceArn": INSTANCE}
    assert "Parameters" not in parent and parent["Resources"]["input000"]["Properties"]["Parameters"] == {"Audit": {"Fn::GetAtt": ["Audit", "PermissionSetArn"]}}


def test_a_name_defined_inline_and_in_the_base_is_refused(tmp_path):
    base = tmp_path / "base.yaml"
    base.write_text(f"Resources:\n  Existing:\n    Type: AWS::SSO::PermissionSet\n    Properties: {{Name: Ops, InstanceArn: {INSTANCE}}}\n")
    with pytest.raises(InvalidInput, match="permission set Ops is defined both inline and as Existing in the template"):
        run(tmp_path, f"Instance: {INSTANCE}\nGroups: {GROUP}\nPermissionSets: [{{Name: Ops}}]\nAccounts: '{account(1)}'\n", base_template=base)


def test_two_runs_write_identical_bytes_whatever_order_organizations_answers_in(tmp_path):
    accounts = [account(n) for n in range(30)]

    class Shuffled(FakeOrg):
        def accounts_in_ou(self, ou_id, recursive):
            found = super().accounts_in_ou(ou_id, recursive)
            random.shuffle(found)
            return found

    text = config(3, 2, 2, extra="RecursiveOUs: [ou-ab12-aaaaaaaa]\n")
    for name in ("a", "b"):
        run(tmp_path / name, text, resolver=Shuffled(ous={"ou-ab12-aaaaaaaa": accounts}),
            settings=Settings(num_child_stacks=3), csv_path=tmp_path / name / "out" / "assignments.csv")
    files_a, files_b = (sorted(p.relative_to(tmp_path / n) for p in (tmp_path / n / "out").rglob("*") if p.is_file()) for n in ("a", "b"))
    assert files_a == files_b and len(files_a) == 5
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes().replace(b"/b/out", b"/a/out") for f in files_a)


def test_names_come_through_the_resolver(tmp_path):
    org = FakeOrg(names={GROUP: "Admins, the \"real\" ones", "ssoins-69e2ecd0b249f0cd/ps-45b2cb9e8a6aee12": "AdministratorAccess", account(1): "Prod"})
    csv_path = tmp_path / "a.csv"
    run(tmp_path, f"Instance: {INSTANCE}\nAssignmentGroupName: admins\nGroups: {GROUP}\nPermissionSets: [{PS}, {{Name: Ops}}]\nAccounts: '{account(1)}'\n",
        resolver=org, lookup_names=True, csv_path=csv_path)
    resources = read_template(tmp_path / "out" / "input.yaml")["Resources"]
    metadata = sorted((r["Metadata"]["SSO"] for r in resources.values() if r["Type"] == "AWS::SSO::Assignment"), key=lambda m: m["PermissionSetName"])
    assert metadata == [
        {"AssignmentGroupName": "admins", "PrincipalName": "Admins, the \"real\" ones", "PermissionSetName": "AdministratorAccess", "TargetName": "Prod"},
        {"AssignmentGroupName": "admins", "PrincipalName": "Admins, the \"real\" ones", "PermissionSetName": "Ops", "TargetName": "Prod"},
    ]
    rows = list(csv.reader(csv_path.open()))
    assert tuple(rows[0]) == HEADER and len(rows) == 3
    assert {row[3] for row in rows[1:]} == {"Admins, the \"real\" ones"} and {row[5] for row in rows[1:]} == {"AdministratorAccess", "Ops"}


def test_names_without_a_resolver_say_what_access_is_needed(tmp_path):
    with pytest.raises(LookupUnavailable, match=r"^needs Organizations access: --lookup-names reads names"):
        run(tmp_path, config(1, 1, 1), lookup_names=True)
