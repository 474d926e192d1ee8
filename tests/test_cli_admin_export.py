"""``ssodeck admin export`` as a user runs it, against the emulator and moto in server mode:
the config file round-trips through ``admin cfn`` to exactly the live assignments, the
Terraform parses as HCL and imports exactly them, and bad input is one line."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import hcl2
import pytest

from admin_support import Backend, Cli, backend, cli, emulated, moto_url  # noqa: F401 (fixtures)
from app.services.admin.assignments import list_assignments
from app.services.admin.clients import open_clients
from app.services.admin.context import AdminContext
from app.services.admin.export import export_assignments
from app.services.admin.filters import AssignmentQuery
from app.services.admin.terraform import hcl_string, resource_names
from app.services.errors import ConfigError
from cfn_support import assignments_in, check_templates, templates_in
from support import unwritable

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def live(**filters) -> set[tuple[str, str, str, str]]:
    """(principal type, principal ID, permission set ARN, account ID) of every live assignment the filters select."""
    rows = list_assignments(AdminContext(open_clients()), AssignmentQuery(lookup_names=False, **filters))
    return {(row.principal_type, row.principal_id, row.permission_set_arn, row.target_id) for row in rows}


def real_arn(arn: str) -> str:
    """moto mints permission set ARNs as ``...:instance/ssoins-X/ps-Y``; AWS (and the emulator, and
    every template) say ``...:permissionSet/ssoins-X/ps-Y``."""
    return arn.replace(":sso:::instance/", ":sso:::permissionSet/")


def test_a_cfn_config_export_generates_exactly_the_live_assignments(backend: Backend, cli: Cli, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    exported = cli.run("export", "--format", "cfn-config", "--output", "export.yaml")
    assert (exported.returncode, exported.stdout, exported.stderr) == (0, "", "export.yaml: 9 assignments\n")
    assert stat.S_IMODE((tmp_path / "export.yaml").stat().st_mode) == 0o600
    text = (tmp_path / "export.yaml").read_text()
    assert f"  - {backend.permission_sets['ReadOnlyAccess'].rsplit('/', 1)[1]}  # ReadOnlyAccess\n" in text
    assert f'  - "{backend.accounts["Prod, Inc."]}"  # Prod, Inc.\n' in text
    generated = cli.run("cfn", "export.yaml", "--output-dir", "out", "--num-child-stacks", "2")
    assert generated.returncode == 0, generated.stderr
    check_templates(templates_in(tmp_path / "out"))
    found = [(r["Properties"]["PrincipalType"], r["Properties"]["PrincipalId"], r["Properties"]["PermissionSetArn"], r["Properties"]["TargetId"])
             for r in assignments_in(tmp_path / "out")]
    expected = {(kind, principal, real_arn(arn), account) for kind, principal, arn, account in live()}
    assert len(found) == len(set(found)) and set(found) == expected and len(expected) == 9
    assert {r["Properties"]["InstanceArn"] for r in assignments_in(tmp_path / "out")} == {backend.instance_arn}

    # the same filters as `admin assignments`
    assert cli.run("export", "--format", "cfn-config", "-g", "Admins", "--output", "admins.yaml").returncode == 0
    assert cli.run("cfn", "admins.yaml", "--output-dir", "admins").returncode == 0
    found = {(r["Properties"]["PrincipalId"], r["Properties"]["TargetId"]) for r in assignments_in(tmp_path / "admins")}
    assert found == {(principal, account) for _, principal, _, account in live(groups=("Admins",))} and len(found) == 2


def test_terraform_export_parses_and_imports_exactly_the_live_assignments(backend: Backend, cli: Cli) -> None:
    text = cli.ok("export", "--format", "terraform")
    parsed = hcl2.loads(text)
    resources = {label.strip('"'): {key: value.strip('"') for key, value in body.items() if key != "__is_block__"}
                 for block in parsed["resource"] for kind, labelled in block.items() if kind == '"aws_ssoadmin_account_assignment"'
                 for label, body in labelled.items()}
    imports = {block["to"]: block["id"].strip('"') for block in parsed["import"]}
    assert len(parsed["resource"]) == len(resources) == len(imports) == 9  # one resource and one import each, no other blocks
    assert set(parsed) == {"resource", "import", "__comments__"}
    expected = live()
    assert {(r["principal_type"], r["principal_id"], r["permission_set_arn"], r["target_id"]) for r in resources.values()} == expected
    for label, attributes in resources.items():
        assert IDENTIFIER.fullmatch(label)
        assert attributes["instance_arn"] == backend.instance_arn and attributes["target_type"] == "AWS_ACCOUNT"
        assert imports[f"${{aws_ssoadmin_account_assignment.{label}}}"] == ",".join(
            attributes[key] for key in ("principal_id", "principal_type", "target_id", "target_type", "permission_set_arn", "instance_arn"))
    dev = backend.accounts["Dev"]
    assert f"# Admins (group) -> AdministratorAccess in Dev ({dev})\n" in text

    # names only in comments: without them the resources are the same, and each run writes the same text
    unnamed = cli.ok("export", "--format", "terraform", "--no-lookup-names")
    assert [line for line in unnamed.splitlines() if not line.startswith("#")] == [line for line in text.splitlines() if not line.startswith("#")]
    assert "->" not in unnamed and cli.ok("export", "--format", "terraform") == text
    filtered = hcl2.loads(cli.ok("export", "--format", "terraform", "-p", "ReadOnly", "--account-name", "Dev"))
    assert [list(block['"aws_ssoadmin_account_assignment"']) for block in filtered["resource"]] == [
        [f'"user_{backend.users["alice"]}_{backend.permission_sets["ReadOnlyAccess"].rsplit("/", 1)[1]}_{dev}"']]


def test_resource_names_are_identifiers_without_collisions() -> None:
    # permission set IDs may hold "." and "/", which identifiers cannot: two IDs can reduce to one name
    arn = "arn:aws:sso:::permissionSet/ssoins-69e2ecd0b249f0cd/ps-{}"
    triples = {("GROUP", "6c1645fc-37b5-40ba-8c3d-5216b9055505", arn.format(suffix), "123456789012") for suffix in ("a.b0123456789abcd", "a_b0123456789abcd")}
    user = ("USER", "6c1645fc-37b5-40ba-8c3d-5216b9055505", arn.format("0123456789abcdef"), "123456789012")
    names = resource_names(triples | {user})
    assert len(set(names.values())) == 3 and all(IDENTIFIER.fullmatch(name) for name in names.values())
    assert names[user] == resource_names({user})[user] == "user_6c1645fc-37b5-40ba-8c3d-5216b9055505_ps-0123456789abcdef_123456789012"


@pytest.mark.parametrize(("value", "written"), [
    ("arn:aws:sso:::instance/ssoins-69e2ecd0b249f0cd", '"arn:aws:sso:::instance/ssoins-69e2ecd0b249f0cd"'),
    ('say "hi" \\o/', '"say \\"hi\\" \\\\o/"'),
    ("${var.x} %{if y}", '"$${var.x} %%{if y}"'),  # literal, not interpolation or a directive
    ("two\nlines\x01", '"two\\nlines\\u0001"'),
])
def test_hcl_strings_are_literal(value: str, written: str) -> None:
    assert hcl_string(value) == written
    assert hcl2.loads(f"a = {written}\n")["a"] == written  # parses as one string


def test_bad_input_is_one_line_and_writes_nothing(backend: Backend, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    assert "no user name matches 'nobody'" in cli.fails("export", "--format", "terraform", "-u", "nobody", "--output", "a.tf", code=1)
    assert "--group '[' is not a valid regular expression" in cli.fails("export", "--format", "terraform", "-g", "[", code=2)
    assert "account names cannot be combined with --ou" in cli.fails(
        "export", "--format", "cfn-config", "--account-name", "Dev", "--ou", backend.ous["Root"], code=2)
    assert cli.fails("export", "--format", "cfn-config", "-g", "Empty", "--output", "a.yaml", code=1) == (
        "ssodeck: no assignments to export: the filters match none\n")
    missing = cli.run("export")
    assert missing.returncode == 2 and "Error: Missing option '--format'. Choose from:" in missing.stderr
    assert "Invalid value for '--format'" in cli.usage("export", "--format", "pulumi")
    assert "No such option '--expand-groups'" in cli.usage("export", "--format", "terraform", "--expand-groups")
    unset = {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None}
    assert cli.fails("export", "--format", "terraform", "--output", "a.tf", code=1, env=unset).startswith(
        "ssodeck: no AWS credentials for the admin APIs")
    assert list((tmp_path / "work").iterdir()) == []


def test_an_existing_file_is_replaced_only_with_force(backend: Backend, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.tf").write_text("# mine\n")
    assert cli.fails("export", "--format", "terraform", "--output", "a.tf", code=73) == (
        "ssodeck: a.tf already exists; it was left as it was (--force replaces it)\n")
    assert (tmp_path / "a.tf").read_text() == "# mine\n"
    assert cli.run("export", "--format", "terraform", "--output", "a.tf", "--force").returncode == 0
    assert (tmp_path / "a.tf").read_text() == cli.ok("export", "--format", "terraform")


def test_access_denied_and_an_unwritable_output_are_one_line(emulated: Backend, cli: Cli, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="group members are not expanded"):  # they would pass for assignments of their own
        export_assignments(AdminContext(open_clients()), AssignmentQuery(expand_groups=True), "terraform")
    assert sum(emulated.emulator.counts().values()) == 0
    emulated.emulator.configure(failures={"organizations.ListAccounts": {"status": 400, "shape": "AccessDeniedException", "count": 1,
                                                                          "message": "not authorized to perform organizations:ListAccounts"}})
    assert cli.fails("export", "--format", "cfn-config", code=4) == (
        "ssodeck: access denied while listing accounts: not authorized to perform organizations:ListAccounts\n")
    with unwritable(tmp_path / "locked"):
        failed = cli.fails("export", "--format", "cfn-config", "--output", str(tmp_path / "locked" / "a.yaml"), code=73)
    assert failed.startswith(f"ssodeck: cannot write {tmp_path / 'locked' / 'a.yaml'}: ") and ".tmp" not in failed
    assert list((tmp_path / "locked").iterdir()) == []
