"""``ssodeck admin cfn`` with live lookups, against the emulator and moto in server mode: OU
targets expanded through Organizations (recursive or not; the management account and
suspended accounts left out at every depth), names looked up, the admin credential options,
and failures of that access as one line."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from admin_support import Backend, Cli, backend, cli, emulated, moto_url  # noqa: F401 (fixtures)
from cfn_support import assignments_in, check_templates, templates_in
from support import write_config


def ps_id(backend: Backend, name: str) -> str:
    return backend.permission_sets[name].rsplit("/", 1)[1]


def generated_arn(backend: Backend, name: str) -> str:
    """The ARN a template holds for a permission set given as ps-...: the real form (moto's
    own ARNs say ``instance/`` where AWS says ``permissionSet/``)."""
    return f"arn:aws:sso:::permissionSet/{backend.instance_arn.rsplit('/', 1)[1]}/{ps_id(backend, name)}"


def run_cfn(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str, *args: str, env: dict | None = None):
    (tmp_path / "org.yaml").write_text(config)
    monkeypatch.chdir(tmp_path)
    return cli.run("cfn", "org.yaml", "--output-dir", "out", *args, env=env)


def test_ou_targets_and_names(backend: Backend, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    backend.move_account("Management", "Root/Workloads/NonProd")  # two levels below the root, beside Dev
    ou, account, group, user = backend.ous, backend.accounts, backend.groups, backend.users
    documents = [
        f"Groups: {group['Admins']}\nPermissionSets: {ps_id(backend, 'AdministratorAccess')}\nRecursiveOUs: {ou['Root']}\n",
        f"Groups: {group['Auditors']}\nPermissionSets: {ps_id(backend, 'ReadOnlyAccess')}\nOUs: {ou['Root/Workloads/Prod']}\n",
        f"Users: {user['alice']}\nPermissionSets: {ps_id(backend, 'ReadOnlyAccess')}\nRecursiveOUs: {ou['Root/Workloads']}\n",
        f"Users: {user['bob']}\nPermissionSets: {ps_id(backend, 'Billing,Finance')}\nOUs: {ou['Root/Workloads/NonProd']}\nAccounts: ['{account['Sandbox']}']\n",
    ]
    config = "---\n".join(f"Instance: {backend.instance_arn}\n{document}" for document in documents)
    done = run_cfn(cli, tmp_path, monkeypatch, config, "--lookup-names", "--num-child-stacks", "2", "--assignments-csv", "all.csv")
    assert done.returncode == 0, done.stderr
    # Assignments go to a child by a hash of their IDs (moto's are random): both, or one in a
    # hundred times, all of them in one.
    children = [path for path in templates_in(tmp_path / "out") if path.parent.name == "org"]
    assert 1 <= len(children) <= 2
    stacks = "1 child stack" if len(children) == 1 else "2 child stacks"
    assert done.stderr == f"org.yaml: 8 assignments over {stacks} -> out/org.yaml\n"
    check_templates(templates_in(tmp_path / "out"))

    dev, prod, sandbox = account["Dev"], account["Prod, Inc."], account["Sandbox"]
    found = {(r["Properties"]["PrincipalId"], r["Properties"]["PermissionSetArn"], r["Properties"]["TargetId"]): r["Metadata"]["SSO"]
             for r in assignments_in(tmp_path / "out")}
    expected = {
        (group["Admins"], "AdministratorAccess", "Admins", ou["Root"]): [dev, prod, sandbox],
        (group["Auditors"], "ReadOnlyAccess", "Auditors", ou["Root/Workloads/Prod"]): [prod],
        (user["alice"], "ReadOnlyAccess", "alice", ou["Root/Workloads"]): [dev, prod],
        (user["bob"], "Billing,Finance", "bob", ou["Root/Workloads/NonProd"]): [dev],
        (user["bob"], "Billing,Finance", "bob", None): [sandbox],
    }
    assert set(found) == {(principal, generated_arn(backend, ps), target)
                          for (principal, ps, _, _), targets in expected.items() for target in targets}
    for (principal, ps, principal_name, source_ou), targets in expected.items():
        for target in targets:
            metadata = found[principal, generated_arn(backend, ps), target]
            assert metadata.get("AccountSourceOU") == source_ou
            assert metadata["PrincipalName"] == principal_name and metadata["TargetName"] == backend.account_names[target]
            # moto cannot describe a permission set by its real ARN (it minted another form), so only the emulator names it
            assert metadata.get("PermissionSetName") == (ps if backend.name == "emulator" else None)

    with open(tmp_path / "all.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {(row["target_name"], row["source_ou"]) for row in rows if row["target_id"] == prod} == {
        ("Prod, Inc.", ou["Root"]), ("Prod, Inc.", ou["Root/Workloads/Prod"]), ("Prod, Inc.", ou["Root/Workloads"])}
    if backend.emulator is not None:
        counts = backend.emulator.counts()
        assert counts["organizations.DescribeAccount"] == 0  # every account's name came with its OU's listing
        assert (counts["identitystore.DescribeGroup"], counts["identitystore.DescribeUser"]) == (2, 2)  # each principal once


def test_an_ou_without_active_accounts_gives_nothing_to_generate(backend: Backend, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = f"Instance: {backend.instance_arn}\nGroups: {backend.groups['Admins']}\nPermissionSets: {ps_id(backend, 'ReadOnlyAccess')}\nOUs: {backend.ous['Root']}\n"
    done = run_cfn(cli, tmp_path, monkeypatch, config)  # the root itself holds only the management account
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "ssodeck: org.yaml: nothing to generate: the OUs named hold no active accounts\n"
    assert not (tmp_path / "out").exists()


def test_the_instance_is_found_and_shown_and_a_profile_gives_the_credentials(
        emulated: Backend, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, aws_home: Path) -> None:
    credentials = f"[org-admin]\naws_access_key_id = {emulated.env()['AWS_ACCESS_KEY_ID']}\naws_secret_access_key = x\n"
    (aws_home / ".aws" / "credentials").write_text(credentials)
    write_config(aws_home, "[profile org-admin]\nregion = us-east-1\n")
    config = f"Groups: {emulated.groups['Admins']}\nPermissionSets: {ps_id(emulated, 'ReadOnlyAccess')}\nRecursiveOUs: {emulated.ous['Root/Workloads']}\n"
    unset = dict.fromkeys(("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_DEFAULT_SSO_REGION"))
    done = run_cfn(cli, tmp_path, monkeypatch, config, "--profile", "org-admin", "--show-id", env=unset)
    assert done.returncode == 0, done.stderr
    instance_id = emulated.instance_arn.rsplit("/", 1)[1]
    assert done.stderr.splitlines()[0] == f"Using Identity Center instance {instance_id} and identity store {emulated.identity_store_id}"
    assert {r["Properties"]["InstanceArn"] for r in assignments_in(tmp_path / "out")} == {emulated.instance_arn}
    assert len(assignments_in(tmp_path / "out")) == 2  # Dev and Prod, Inc.
    assert emulated.emulator.counts()["sso-admin.ListInstances"] == 1


def test_access_problems_are_one_line(emulated: Backend, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = (f"Instance: {emulated.instance_arn}\nGroups: {emulated.groups['Admins']}\nPermissionSets: {ps_id(emulated, 'ReadOnlyAccess')}\n"
              f"OUs: {emulated.ous['Root/Sandbox']}\n")
    no_region = run_cfn(cli, tmp_path, monkeypatch, config, env={"AWS_DEFAULT_REGION": "", "AWS_DEFAULT_SSO_REGION": ""})
    assert (no_region.returncode, no_region.stdout) == (2, "")
    assert no_region.stderr == (f"ssodeck: listing the accounts of {emulated.ous['Root/Sandbox']} needs AWS access: no region for the admin APIs: "
                                "use --region (the Identity Center instance's region), or set one in the profile or AWS_DEFAULT_REGION\n")
    emulated.emulator.configure(failures={"organizations.ListAccountsForParent": {"status": 400, "shape": "AccessDeniedException", "count": 1,
                                                                     "message": "not authorized to perform organizations:ListAccountsForParent"}})
    denied = run_cfn(cli, tmp_path, monkeypatch, config)
    assert (denied.returncode, denied.stdout) == (4, "")
    assert denied.stderr == (f"ssodeck: access denied while listing accounts in {emulated.ous['Root/Sandbox']}: "
                             "not authorized to perform organizations:ListAccountsForParent\n")
    emulated.emulator.configure(failures={"identitystore.DescribeGroup": {"status": 400, "shape": "AccessDeniedException", "count": 1, "message": "no"}})
    names_denied = run_cfn(cli, tmp_path, monkeypatch, config, "--lookup-names")
    assert (names_denied.returncode, names_denied.stdout) == (4, "")
    assert names_denied.stderr == f"ssodeck: access denied while looking up group {emulated.groups['Admins']}: no\n"
    assert not (tmp_path / "out").exists()
