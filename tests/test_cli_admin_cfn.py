"""``ssodeck admin cfn`` as a user runs it: files written, stdout, one-line errors, exit codes."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from cfn_support import GROUP, INSTANCE, PS, account, cfn, check_templates, lint_text, principal, read_template
from support import run_admin_cfn

CONFIG = f"Instance: {INSTANCE}\nGroups: [{GROUP}, {principal(1)}]\nPermissionSets: {PS}\nAccounts: ['{account(1)}', '{account(2)}']\n"


def files_under(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_writes_the_parent_beside_the_input_and_lists_what_it_wrote(tmp_path):
    (tmp_path / "team.yaml").write_text(CONFIG)
    done = cfn("team.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "templates/team.yaml\n"
    assert done.stderr == "team.yaml: 4 assignments -> templates/team.yaml\n"
    assert len(read_template(tmp_path / "templates" / "team.yaml")["Resources"]) == 4


def test_child_stacks_json_suffix_and_output_dir(tmp_path):
    (tmp_path / "team.yaml").write_text(CONFIG)
    done = cfn("team.yaml", "--num-child-stacks", "2", "--template-file-suffix", "-cfn.json", "--output-dir", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    parent = json.loads((tmp_path / "out" / "team-cfn.json").read_text())
    urls = [r["Properties"]["TemplateURL"] for r in parent["Resources"].values()]
    assert set(urls) <= {"./team/team-000-cfn.json", "./team/team-001-cfn.json"} and urls
    assert done.stdout.split() == [f"out/{url[2:]}" for url in urls] + ["out/team-cfn.json"]
    assert done.stderr == f"team.yaml: 4 assignments over {len(urls)} child stack{'s' if len(urls) != 1 else ''} -> out/team-cfn.json\n"


def test_a_suffix_without_an_extension_gets_yaml(tmp_path):
    (tmp_path / "team.yaml").write_text(CONFIG)
    assert cfn("team.yaml", "--template-file-suffix", "-generated", cwd=tmp_path).stdout == "templates/team-generated.yaml\n"


def test_two_runs_write_identical_files(tmp_path):
    (tmp_path / "team.yaml").write_text(CONFIG)
    args = ("team.yaml", "--num-child-stacks", "2", "--assignments-csv", "templates/all.csv")
    assert cfn(*args, cwd=tmp_path).returncode == 0
    first = files_under(tmp_path / "templates")
    assert run_admin_cfn(*args, cwd=tmp_path).returncode == 0
    assert files_under(tmp_path / "templates") == first and len(first) >= 3


def test_assignments_csv_is_quoted(tmp_path):
    (tmp_path / "team.yaml").write_text(CONFIG.replace(f"[{GROUP}, ", "[!Select [0, !Split [',', !Ref GroupList]], "))
    done = cfn("team.yaml", "--assignments-csv", "all.csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr and done.stdout.splitlines() == ["templates/team.yaml", "all.csv"]
    rows = list(csv.DictReader((tmp_path / "all.csv").open(newline="")))
    assert len(rows) == 4
    assert {row["principal_id"] for row in rows} == {principal(1), '{"Fn::Select":[0,{"Fn::Split":[",",{"Ref":"GroupList"}]}]}'}
    assert {row["template"] for row in rows} == {"templates/team.yaml"} and all(row["logical_id"].startswith("Assignment") for row in rows)
    assert '"{""Fn::Select"":[0,' in (tmp_path / "all.csv").read_text()


def test_csv_only(tmp_path):
    (tmp_path / "team.yaml").write_text(CONFIG)
    done = cfn("team.yaml", "--assignments-csv", "all.csv", "--assignments-csv-only", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "all.csv\n", "")
    assert not (tmp_path / "templates").exists()


def test_base_template_is_layered_and_dropped_from_the_inputs(tmp_path):
    (tmp_path / "team.yaml").write_text(CONFIG)
    (tmp_path / "base.yaml").write_text("Description: Team access\nResources:\n  Handle:\n    Type: AWS::CloudFormation::WaitConditionHandle\n")
    done = cfn("base.yaml", "team.yaml", "--base-template-file", "base.yaml", cwd=tmp_path)
    assert done.stdout == "templates/team.yaml\n", done.stderr
    parent = read_template(tmp_path / "templates" / "team.yaml")
    assert parent["Description"] == "Team access" and "Handle" in parent["Resources"] and len(parent["Resources"]) == 5


def test_macro_templates(tmp_path):
    (tmp_path / "stack.yaml").write_text(f"""Transform: AWS-SSO-Util-2020-11-08
Resources:
  Admins:
    Type: SSOUtil::SSO::AssignmentGroup
    Properties:
      Instance: {INSTANCE}
      Principals: {{Type: GROUP, Id: {GROUP}}}
      PermissionSets: {PS}
      Targets: {{Type: AWS_ACCOUNT, Ids: ['{account(1)}']}}
""")
    done = cfn("--macro", "stack.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    parent = read_template(tmp_path / "templates" / "stack.yaml")
    assert "Transform" not in parent and len(parent["Resources"]) == 1


@pytest.mark.parametrize(("args", "files", "code", "message"), [
    (("team.yaml",), {"team.yaml": CONFIG + "Groop: x\n"}, 2, "ssodeck: team.yaml:5: Groop: unknown key (did you mean Group?)"),
    (("team.yaml",), {"team.yaml": CONFIG.replace(account(2), "0o17")}, 2, "ssodeck: team.yaml:4: Accounts[1]: not an account ID: '0o17' (expected 12 digits)"),
    (("team.yaml", "--max-resources-per-template", "3"), {"team.yaml": CONFIG}, 2,
     "ssodeck: team.yaml: 4 assignments and 0 other resources do not fit in one template (at most 3 resources); "),
    (("team.yaml", "--num-child-stacks", "1", "--max-resources-per-template", "3"), {"team.yaml": CONFIG}, 2,
     "ssodeck: team.yaml: 1 child stacks cannot hold 4 assignments: child 000 would get 4 (at most 3 resources per template); "),
    (("team.yaml", "--ins", "nope"), {"team.yaml": CONFIG}, 2, "ssodeck: --ins: not an Identity Center instance ARN or ID: 'nope'"),
    (("team.yaml", "--lookup-names"), {"team.yaml": CONFIG}, 1,
     "ssodeck: looking up names (--lookup-names) needs AWS access: no AWS credentials for the admin APIs: use --profile, or set AWS_PROFILE"),
    (("team.yaml",), {"team.yaml": CONFIG.replace("Accounts:", "OUs: ou-ab12-aaaaaaaa\nAccounts:")}, 1,
     "ssodeck: listing the accounts of ou-ab12-aaaaaaaa needs AWS access: no AWS credentials for the admin APIs"),
    (("team.yaml", "--profile", "nowhere"), {"team.yaml": CONFIG.replace(f"Instance: {INSTANCE}\n", "")}, 2,
     "ssodeck: finding the Identity Center instance (no --ins, and the input names none) needs AWS access: profile nowhere is not in the AWS config"),
    (("a/team.yaml", "b/team.yaml", "--output-dir", "out"), {"a/team.yaml": CONFIG, "b/team.yaml": CONFIG}, 2,
     "ssodeck: b/team.yaml and a/team.yaml would both write out/team.yaml; give them different names"),
    (("missing.yaml",), {}, 2, "ssodeck: missing.yaml: cannot read: No such file or directory"),
    (("a.yaml",), {"a.yaml": "Groups: &a [*a]\n"}, 2, "ssodeck: a.yaml: nested too deeply (or an alias contains itself)"),
    (("deep.yaml",), {"deep.yaml": "[" * 5000 + "]" * 5000 + "\n"}, 2, "ssodeck: deep.yaml: nested too deeply (or an alias contains itself)"),
    (("deep.json",), {"deep.json": '{"Groups": ' + "[" * 5000 + "]" * 5000 + "}\n"}, 2, "ssodeck: deep.json: nested too deeply (or an alias contains itself)"),
    (("team.yaml", "--default-session-duration", "8 hours"), {"team.yaml": CONFIG}, 2, "Error: Invalid value for '--default-session-duration': not a session duration"),
    (("team.yaml", "--assignments-csv-only"), {"team.yaml": CONFIG}, 2, "Error: --assignments-csv-only needs --assignments-csv FILE"),
    (("--macro", "team.yaml", "--base-template-file", "team.yaml"), {"team.yaml": CONFIG}, 2, "Error: --base-template-file cannot be used with --macro"),
])
def test_bad_input_is_one_line_the_right_code_and_nothing_written(tmp_path, args, files, code, message):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    before = files_under(tmp_path)
    done = run_admin_cfn(*args, cwd=tmp_path)
    assert done.returncode == code and done.stdout == ""
    assert message in done.stderr and "Traceback" not in done.stderr
    if message.startswith("ssodeck:"):
        assert done.stderr.startswith(message) and done.stderr.count("\n") == 1
    assert files_under(tmp_path) == before


def test_the_lint_check_itself_catches_a_bad_assignment():
    bad = {"Resources": {"A": {"Type": "AWS::SSO::Assignment", "Properties": {
        "InstanceArn": INSTANCE, "PrincipalType": "GROUP", "PrincipalId": GROUP, "PermissionSetArn": PS, "TargetType": "AWS_ACCOUNT", "TargetId": "12345"}}}}
    assert any("E3031" in problem for problem in lint_text(json.dumps(bad)))


LINT_PARTS = 5  # the 25 templates of 10,000 assignments take minutes to lint: in parts, so workers can share them


@pytest.fixture(scope="module")
def ten_thousand(tmp_path_factory) -> list[Path]:
    directory = tmp_path_factory.mktemp("ten-thousand")
    lines = [f"Instance: {INSTANCE}", "Groups:"] + [f"  - {principal(n)}" for n in range(10)]
    lines += ["PermissionSets:"] + [f"  - arn:aws:sso:::permissionSet/ssoins-69e2ecd0b249f0cd/ps-{n:016x}" for n in range(10)]
    lines += ["Accounts:"] + [f"  - '{account(n)}'" for n in range(100)]
    (directory / "big.yaml").write_text("\n".join(lines) + "\n")
    done = run_admin_cfn("big.yaml", "--max-assignments-allocation", "10000", cwd=directory)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "big.yaml: 10,000 assignments over 24 child stacks -> templates/big.yaml\n"
    return [directory / line for line in done.stdout.split()]


def test_ten_thousand_assignments_each_once_and_no_template_over_the_limit(ten_thousand):
    assert len(ten_thousand) == 25
    seen = []
    for path in ten_thousand:
        resources = read_template(path)["Resources"]
        assert len(resources) <= 500
        seen += [tuple(r["Properties"].values()) for r in resources.values() if r["Type"] == "AWS::SSO::Assignment"]
    assert len(seen) == len(set(seen)) == 10_000


@pytest.mark.parametrize("part", range(LINT_PARTS))
def test_ten_thousand_assignments_lint_clean(ten_thousand, part):
    check_templates(ten_thousand[part::LINT_PARTS])


def test_the_command_starts_without_boto3():
    code = "import sys\nimport headless.commands.admin_cfn\nprint(' '.join(sys.modules))"
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split())
    assert not loaded & {"boto3", "botocore", "textual"}
