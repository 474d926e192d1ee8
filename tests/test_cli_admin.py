"""``ssodeck admin lookup`` and ``admin assignments`` as a user runs them, against the
emulator and moto in server mode: aws-sso-util's output formats (with its bugs fixed),
CSV quoting, JSON, and bad input as one line with the right exit code.

Most runs go through the console script's own entry point in this process (``main``, with
stdout and stderr captured), which is what a subprocess would run minus the interpreter
start; a few run ``ssodeck`` in a child process end to end.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import subprocess

import pytest

from admin_support import Backend, backend, emulated, moto_url  # noqa: F401 (fixtures)
from app.models import Instance
from app.services.auth import get_token
from app.services.credentials import get_role_credentials
from headless.admin_options import ProgressLine
from headless.cli import main
from headless.commands.admin import ADMIN_COMMANDS
from support import FAST, Browser, run_cli, write_config

REFERENCE_HEADER = "instance_arn,principal_type,principal_id,principal_name,permission_set_arn,permission_set_name,target_type,target_id,target_name"


class Cli:
    """``ssodeck admin ARGS`` through the console script's entry point, in this process."""

    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self.capsys, self.monkeypatch = capsys, monkeypatch

    def run(self, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        self.capsys.readouterr()
        with self.monkeypatch.context() as patch:
            for key, value in (env or {}).items():
                patch.setenv(key, value)
            try:
                main(["admin", *args])
                code = 0
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else 1
        captured = self.capsys.readouterr()
        return subprocess.CompletedProcess(["ssodeck", "admin", *args], code, captured.out, captured.err)

    def ok(self, *args: str, env: dict | None = None) -> str:
        done = self.run(*args, env=env)
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""  # no progress lines when stderr is not a terminal
        return done.stdout

    def fails(self, *args: str, code: int, env: dict | None = None) -> str:
        done = self.run(*args, env=env)
        assert done.returncode == code, (done.stdout, done.stderr)
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
        return done.stderr

    def usage(self, *args: str) -> str:
        """A mistyped command line: click's short usage message, exit 2."""
        done = self.run(*args)
        assert done.returncode == 2 and done.stdout == "" and "Traceback" not in done.stderr
        return done.stderr.splitlines()[-1]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(capsys, monkeypatch)


def test_group_lists_only_installed_subcommands(aws_home) -> None:
    shown = run_cli("admin")
    assert shown.returncode == 0 and "Usage: ssodeck admin" in shown.stdout
    for name, target in ADMIN_COMMANDS.items():
        installed = importlib.util.find_spec(target.split(":")[0]) is not None
        assert (f"  {name} " in shown.stdout) == installed
    assert "  admin " in run_cli("--help").stdout


def test_lookup_formats(backend: Backend, cli: Cli) -> None:
    alice, bob = backend.users["alice"], backend.users["bob"]
    width = len("nobody")
    assert cli.ok("lookup", "user", "alice", "bob", "nobody") == (
        f"{'Name':<{width}} Id\n{'alice':<{width}} {alice}\n{'bob':<{width}} {bob}\nnobody NOT_FOUND\n")
    assert cli.ok("lookup", "users", "alice", "--sep", ",", "--header") == f"Name,Id\nalice,{alice}\n"
    assert cli.ok("lookup", "user", alice, "--sep", ",", "--no-header") == f"alice,{alice}\n"
    assert json.loads(cli.ok("lookup", "group", "Admins", "-o", "json")) == [{"name": "Admins", "id": backend.groups["Admins"]}]
    assert cli.ok("lookup", "instance") == backend.instance_arn + "\n"
    assert cli.ok("lookup", "identity-store") == backend.identity_store_id + "\n"
    arn = backend.permission_sets["Billing,Finance"]
    assert cli.ok("lookup", "permission-set", "Billing,Finance", "Nope", "-o", "csv") == f'Name,ARN\n"Billing,Finance",{arn}\nNope,UNKNOWN\n'
    # aws-sso-util crashed (IndexError) on a name not found with the id style
    assert cli.ok("lookup", "permission-set", "Nope", "ReadOnlyAccess", "--permission-set-style", "id", "--sep", " ") == (
        f"Name ID\nNope UNKNOWN\nReadOnlyAccess {backend.permission_sets['ReadOnlyAccess'].rsplit('/', 1)[1]}\n")
    listed = list(csv.reader(io.StringIO(cli.ok("lookup", "permission-sets", ":all", "-o", "csv", "--no-header"))))
    assert {tuple(row) for row in listed} == {(name, arn) for name, arn in backend.permission_sets.items()}
    assert cli.ok("lookup", "account", "Dev", "--sep", ",", "--no-header") == f"Dev,{backend.accounts['Dev']}\n"


def test_lookup_error_if_not_found(backend: Backend, cli: Cli) -> None:
    done = cli.run("lookup", "group", "Admins", "Nobody", "Auditors", "-e", "--sep", ",")
    assert done.returncode == 1
    assert done.stdout == f"Name,Id\nAdmins,{backend.groups['Admins']}\n"
    assert done.stderr == "ssodeck: Group Nobody not found\n"
    assert cli.usage("lookup", "user") == "Error: user lookup needs at least one VALUE (or :all)"
    assert "not a permission set ARN or ID" in cli.fails("lookup", "permission-set", "arn:aws:sso:::permissionSet/x", code=2)


def test_assignments_csv_is_the_reference_format_quoted(backend: Backend, cli: Cli) -> None:
    out = cli.ok("assignments")
    assert out.splitlines()[0] == REFERENCE_HEADER
    parsed = list(csv.DictReader(io.StringIO(out)))
    assert {(r["target_id"], r["permission_set_name"], r["principal_type"], r["principal_name"], "") for r in parsed} == backend.expected()
    assert {r["target_name"] for r in parsed} == {backend.account_names[a] for a in backend.accounts.values()}
    assert '"Prod, Inc."' in out and '"Billing,Finance"' in out  # aws-sso-util left these unquoted
    assert {r["instance_arn"] for r in parsed} == {backend.instance_arn}
    assert cli.ok("assignments", "--no-header", "-u", "carol") == (
        f"{backend.instance_arn},USER,{backend.users['carol']},carol,{backend.permission_sets['ReadOnlyAccess']},ReadOnlyAccess,"
        f"AWS_ACCOUNT,{backend.accounts['Old Prod']},Old Prod\n")


def test_assignments_styles_and_formats(backend: Backend, cli: Cli) -> None:
    by_id = list(csv.reader(io.StringIO(cli.ok("assignments", "--arn-style", "id", "-p", "ReadOnly"))))
    assert by_id[0][0] == "instance_id" and by_id[0][4] == "permission_set_id"
    assert {row[0] for row in by_id[1:]} == {backend.instance_arn.split("/", 1)[1]}
    assert {row[4] for row in by_id[1:]} == {backend.permission_sets["ReadOnlyAccess"].split("/", 1)[1]}
    assert cli.ok("assignments", "-p", "ReadOnly", env={"AWS_SSO_UTIL_ASSIGNMENTS_ARN_STYLE": "id"}) == cli.ok("assignments", "--arn-style", "id", "-p", "ReadOnly")
    rows = json.loads(cli.ok("assignments", "-o", "json", "-u", "alice", "--expand-groups"))
    assert list(rows[0]) == REFERENCE_HEADER.split(",") + ["via_group_id", "via_group_name"]
    expected = {row for row in backend.expected(expand=True) if row[3] == "alice"}
    assert {(r["target_id"], r["permission_set_name"], r["principal_type"], r["principal_name"], r["via_group_name"]) for r in rows} == expected
    assert {r["via_group_id"] for r in rows if r["via_group_name"]} == {backend.groups["Admins"]}
    semi = cli.ok("assignments", "--sep", ";", "-g", "Admins", "--no-header")
    assert all(line.count(";") >= 8 for line in semi.splitlines()) and "Billing,Finance" in semi
    table = cli.ok("assignments", "-o", "table", "--sep", " | ", "-u", "bob", "--no-lookup-names")
    assert all(len(line.split(" | ")) == 9 and line.split(" | ")[3] == "" for line in table.splitlines()[1:])
    aligned = cli.ok("assignments", "-o", "table", "-g", "Auditors").splitlines()
    assert aligned[0].split() == REFERENCE_HEADER.split(",") and len(aligned) == 2


def test_assignments_bad_input_is_one_line(backend: Backend, cli: Cli) -> None:
    assert "no user name matches 'nobody'" in cli.fails("assignments", "-u", "nobody", code=1)
    assert "no group with ID" in cli.fails("assignments", "-g", "00000000-0000-0000-0000-000000000000", code=1)
    assert "not a permission set ARN or ID" in cli.fails("assignments", "-p", "arn:aws:sso:::permissionSet/ssoins-1234", code=2)
    assert "--user '[' is not a valid regular expression" in cli.fails("assignments", "-u", "[", code=2)
    assert "account names cannot be combined with --ou" in cli.fails("assignments", "--account-name", "Dev", "--ou", backend.ous["Root"], code=2)
    assert "--separator must be one character" in cli.usage("assignments", "--sep", "::")
    assert "not an Identity Center instance ARN" in cli.fails("assignments", "--ins", "arn:aws:sso:::instance/x", code=2)
    assert "is not visible to these credentials" in cli.fails("assignments", "--ins", "ssoins-0000000000000000", code=1)
    # aws-sso-util crashed here: a name regex with --no-lookup-names
    assert cli.ok("assignments", "-u", "^carol$", "--no-lookup-names", "--no-header").count("\n") == 1


def test_credentials_problems_are_one_line(backend: Backend, cli: Cli) -> None:
    unset = {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}
    assert "no AWS credentials for the admin APIs" in cli.fails("lookup", "user", "alice", code=1, env=unset)
    assert "profile nowhere is not in the AWS config" in cli.fails("lookup", "user", "alice", "--profile", "nowhere", code=2)
    assert "no region for the admin APIs" in cli.fails("assignments", code=2, env={"AWS_DEFAULT_REGION": ""})


def test_missing_permissions_and_no_instance_with_a_member_accounts_role(emulated: Backend, aws_home, cli: Cli) -> None:
    emu = emulated.emulator
    instance = Instance(emu.start_url, emu.region)
    get_token(instance, ui=Browser(), options=FAST)
    creds = get_role_credentials(instance, emulated.accounts["Sandbox"], "AdministratorAccess", token_source=lambda: get_token(instance).token)
    env = {"AWS_ACCESS_KEY_ID": creds.access_key_id, "AWS_SECRET_ACCESS_KEY": creds.secret_access_key, "AWS_SESSION_TOKEN": creds.session_token}
    assert "no Identity Center instance visible to these credentials in region us-east-1" in cli.fails("assignments", code=1, env=env)
    denied = cli.fails("assignments", "--ins", emulated.instance_arn, "--id-store", emulated.identity_store_id, code=4, env=env)
    assert denied.startswith("ssodeck: access denied while listing accounts: User: arn:aws:sts::")
    assert creds.secret_access_key not in denied and creds.session_token not in denied


def test_an_sso_profile_of_the_users_own_admin_role_works(emulated: Backend, aws_home) -> None:
    """botocore's SSO provider gets the role's credentials from the portal (emulated too)."""
    emu = emulated.emulator
    instance = Instance(emu.start_url, emu.region)
    get_token(instance, ui=Browser(), options=FAST)
    write_config(aws_home, f"[profile org-admin]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\n"
                           f"sso_account_id = {emulated.accounts['Management']}\nsso_role_name = AdministratorAccess\nregion = {emu.region}\n")
    env = {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}
    done = run_cli("admin", "lookup", "user", "alice", "--profile", "org-admin", "--sep", ",", "--no-header", env=env)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"alice,{emulated.users['alice']}\n", "")
    assert emu.counts()["GetRoleCredentials"] == 1


def test_show_id_and_progress_go_to_stderr(backend: Backend, cli: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    shown = cli.run("assignments", "--show-id", "-u", "carol", "--no-header")
    instance_id = backend.instance_arn.rsplit("/", 1)[1]
    assert shown.stderr == f"Using Identity Center instance {instance_id} and identity store {backend.identity_store_id}\n"
    assert shown.stdout.count("\n") == 1 and shown.returncode == 0
    drawn = ProgressLine("Listing assignments")
    drawn.enabled = True  # as on a terminal
    drawn(1, 3)
    drawn(3, 3)
    drawn.clear()
    line = "Listing assignments: 3/3 requests"
    assert capsys.readouterr().err == f"\rListing assignments: 1/3 requests\r{line}\r{' ' * len(line)}\r"
    quiet = ProgressLine("Listing assignments")  # stderr is not a terminal here
    quiet(1, 1)
    quiet.clear()
    assert capsys.readouterr().err == ""
