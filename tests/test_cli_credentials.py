"""credential-process, run-as and export, and the real clients that consume them."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from app.models import Instance, RoleCredentials, utcnow
from app.services.auth import get_token
from app.services.credential_cache import credential_path
from app.services.environment import render_exports
from support import FAST, Browser, run_cli, write_config


def _role(emu) -> tuple[str, str]:
    account, roles = emu.org.portal_view(emu.org.default_user)[0]
    return account.account_id, roles[0]


def _profiles(emu, aws_home, account: str, role: str) -> None:
    write_config(
        aws_home,
        f"[sso-session corp]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\n\n"
        f"[profile dev]\nsso_session = corp\nsso_account_id = {account}\nsso_role_name = {role}\nregion = eu-west-1\n\n"
        f"[profile legacy]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\nsso_account_id = {account}\nsso_role_name = {role}\nregion = us-east-1\n\n"
        f"[profile via-process]\ncredential_process = {sys.executable} -m headless credential-process --profile dev\nregion = eu-west-1\n",
    )


def _login_session(emu) -> None:
    get_token(Instance(emu.start_url, emu.region, "corp"), ui=Browser(), options=FAST)


def test_credential_process_prints_json_and_caches_like_the_cli(emu, aws_home):
    account, role = _role(emu)
    _profiles(emu, aws_home, account, role)
    _login_session(emu)
    first = run_cli("credential-process", "--profile", "dev")
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("\n") == 1
    doc = json.loads(first.stdout)
    assert doc["Version"] == 1 and doc["AccountId"] == account and doc["Expiration"].endswith("Z")
    cached = json.loads(credential_path(Instance(emu.start_url, emu.region, "corp"), account, role).read_text())
    assert cached["ProviderType"] == "sso" and cached["Credentials"]["AccessKeyId"] == doc["AccessKeyId"]
    assert emu.counts()["GetRoleCredentials"] == 1
    again = run_cli("credential-process", "--profile", "dev")
    assert json.loads(again.stdout) == doc and emu.counts()["GetRoleCredentials"] == 1


def test_warm_path_imports_no_botocore_and_matches_the_full_command(emu, aws_home):
    account, role = _role(emu)
    _profiles(emu, aws_home, account, role)
    _login_session(emu)
    full = run_cli("credential-process", "--profile", "dev", "--force-refresh")  # the click path
    code = (
        "import sys\nfrom headless.cli import main\nmain(['credential-process', '--profile', 'dev'])\n"
        "heavy = [m for m in ('botocore', 'boto3', 'textual', 'click', 'dataclasses', '_hashlib', 'datetime') if m in sys.modules]\n"
        "sys.stderr.write(repr(heavy))\n"
    )
    fast = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ))
    assert fast.returncode == 0, fast.stderr
    assert fast.stderr == "[]"
    assert fast.stdout == full.stdout


@pytest.mark.parametrize("bad", [
    {"AccessKeyId": 5, "SecretAccessKey": None, "SessionToken": "c", "Expiration": "2099-01-01T00:00:00Z"},
    {"AccessKeyId": 5, "SecretAccessKey": "b", "SessionToken": "c", "Expiration": "2099-01-01T00:00:00Z"},
    {"AccessKeyId": "a", "SecretAccessKey": ["b"], "SessionToken": "c", "Expiration": "2099-01-01T00:00:00Z"},
    {"AccessKeyId": "a", "SecretAccessKey": "b", "SessionToken": "", "Expiration": "2099-01-01T00:00:00Z"},
    {"AccessKeyId": "a", "SecretAccessKey": "b", "SessionToken": "c", "Expiration": "2099-01-01T00:00:00Z", "AccountId": 7},
])
def test_a_cached_entry_of_the_wrong_types_is_replaced_by_fresh_credentials(emu, aws_home, bad):
    account, role = _role(emu)
    _profiles(emu, aws_home, account, role)
    _login_session(emu)
    path = credential_path(Instance(emu.start_url, emu.region, "corp"), account, role)
    path.parent.mkdir(parents=True, exist_ok=True)
    runs = {
        "credential-process": ("credential-process", "--profile", "dev"),
        "credential-process flags": ("credential-process", "--profile", "dev", "--account-id", account),
        "export": ("export", "--profile", "dev"),
        "run-as": ("run-as", "--profile", "dev", "--", sys.executable, "-c", "import os; print(os.environ['AWS_ACCESS_KEY_ID'])"),
    }
    for name, args in runs.items():
        path.write_text(json.dumps({"ProviderType": "sso", "Credentials": bad}))
        done = run_cli(*args)
        assert done.returncode == 0 and done.stderr == "", (name, done.stderr)
        fresh = json.loads(path.read_text())["Credentials"]
        assert str(fresh["AccessKeyId"]).startswith("ASIA") and fresh["AccessKeyId"] in done.stdout, (name, done.stdout)
        if name.startswith("credential-process"):
            assert json.loads(done.stdout)["AccountId"] == account


def test_credential_process_without_session_says_how_to_log_in(emu, aws_home):
    account, role = _role(emu)
    _profiles(emu, aws_home, account, role)
    done = run_cli("credential-process", "--profile", "dev")
    assert done.returncode == 1 and done.stdout == ""
    assert "ssodeck login --profile dev" in done.stderr and done.stderr.count("\n") == 1


def test_credential_process_env_and_flag_precedence(emu, aws_home):
    account, role = _role(emu)
    _profiles(emu, aws_home, account, role)
    _login_session(emu)  # the start URL matches [sso-session corp], so that session's token serves
    env = {"AWS_SSO_START_URL": emu.start_url, "AWS_SSO_REGION": emu.region, "AWS_SSO_ACCOUNT_ID": account, "AWS_SSO_ROLE_NAME": role}
    done = run_cli("credential-process", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["AccountId"] == account
    forbidden = run_cli("credential-process", "--role-name", "NotAssigned", env=env)
    assert forbidden.returncode == 4 and "no access to role NotAssigned" in forbidden.stderr


def test_unknown_profile_and_malformed_config(emu, aws_home):
    write_config(aws_home, "[profile a]\nregion = x\n")
    unknown = run_cli("credential-process", "--profile", "nope")
    assert unknown.returncode == 2 and "profile 'nope' is not in" in unknown.stderr
    assert "(1 profile there)" in unknown.stderr
    write_config(aws_home, "".join(f"[profile team-{n}]\nregion = x\n" for n in range(2000)))
    typo = run_cli("credential-process", "--profile", "team-12x")
    assert typo.returncode == 2 and typo.stderr.count("\n") == 1
    assert "profile 'team-12x' is not in" in typo.stderr and "did you mean 'team-12'" in typo.stderr
    assert typo.stderr.count("'team-") == 1 + 5  # the name asked for and five close ones, not 2000
    far = run_cli("credential-process", "--profile", "zzzz")
    assert "(2000 profiles there)" in far.stderr
    write_config(aws_home, "[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = us-east-1\n"
                           "[profile p]\nsso_session = crop\nsso_account_id = 1\nsso_role_name = R\n")
    session = run_cli("credential-process", "--profile", "p")
    assert session.returncode == 2 and "[sso-session crop] is not in" in session.stderr and "did you mean 'corp'?" in session.stderr
    path = write_config(aws_home, "[profile a]\nregion = x\n[profile a]\n")
    before = path.read_bytes()
    bad = run_cli("credential-process", "--profile", "a")
    assert bad.returncode == 2 and "line 3" in bad.stderr and bad.stderr.count("\n") == 1
    assert path.read_bytes() == before


def test_missing_account_or_role_says_where_to_give_it(aws_home):
    write_config(aws_home, "[profile p]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = us-east-1\nsso_role_name = R\n")
    no_account = run_cli("credential-process", "--profile", "p")
    assert no_account.returncode == 2 and no_account.stdout == ""
    assert no_account.stderr.strip().endswith("no account given: use --account-id or set sso_account_id in profile p")
    no_role = run_cli("export", "-u", "https://d-1.awsapps.com/start", "--sso-region", "us-east-1", "-a", "1")
    assert no_role.returncode == 2
    assert no_role.stderr.strip().endswith("no role given: use --role-name or a profile with sso_role_name")


def test_botocore_process_provider_uses_credential_process(emu, aws_home):
    account, role = _role(emu)
    _profiles(emu, aws_home, account, role)
    _login_session(emu)
    script = "import boto3; print(boto3.Session(profile_name='via-process').client('sts', region_name='us-east-1').get_caller_identity()['Account'])"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=dict(os.environ), timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == account


@pytest.mark.parametrize("profile", ["dev", "legacy", "via-process"])
def test_aws_cli_get_caller_identity(emu, aws_home, profile):
    aws = shutil.which("aws", path=str(Path(sys.executable).parent)) or shutil.which("aws")
    assert aws, "the AWS CLI is part of the test extra"
    account, role = _role(emu)
    _profiles(emu, aws_home, account, role)
    _login_session(emu)
    get_token(Instance(emu.start_url, emu.region), ui=Browser(), options=FAST)
    done = subprocess.run([aws, "sts", "get-caller-identity", "--profile", profile, "--output", "json"], capture_output=True, text=True, env=dict(os.environ), timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["Account"] == account


def test_run_as_sets_environment_and_passes_exit_code(emu, aws_home):
    account, role = _role(emu)
    _profiles(emu, aws_home, account, role)
    _login_session(emu)
    probe = "import os, json, sys; print(json.dumps({k: os.environ.get(k) for k in ('AWS_ACCESS_KEY_ID','AWS_REGION','AWS_DEFAULT_REGION','AWS_PROFILE','AWS_CREDENTIALS_EXPIRATION')})); sys.exit(7)"
    done = run_cli("run-as", "--profile", "dev", "--", sys.executable, "-c", probe, env={"AWS_PROFILE": "stale"})
    assert done.returncode == 7, done.stderr
    seen = json.loads(done.stdout)
    assert seen["AWS_ACCESS_KEY_ID"].startswith("ASIA") and seen["AWS_PROFILE"] is None
    assert seen["AWS_REGION"] == seen["AWS_DEFAULT_REGION"] == "eu-west-1"
    by_flags = run_cli("run-as", "-a", account, "-r", role, "--sso-start-url", emu.start_url, "--sso-region", emu.region, "--", sys.executable, "-c", "print('ok')")
    assert by_flags.returncode == 0 and by_flags.stdout == "ok\n"
    missing = run_cli("run-as", "--profile", "dev", "--", "no-such-program-xyz")
    assert missing.returncode == 127 and "command not found" in missing.stderr


@pytest.mark.skipif(not hasattr(signal, "SIGRTMIN"), reason="real-time signals are POSIX (Linux) only")
def test_run_as_child_killed_by_a_signal_exits_128_plus_its_number(emu, aws_home):
    account, role = _role(emu)
    _profiles(emu, aws_home, account, role)
    _login_session(emu)
    for number in (int(signal.SIGTERM), int(signal.SIGRTMIN) + 2):  # signal.Signals() knows no real-time signal
        kill = f"import os; os.kill(os.getpid(), {number})"
        done = run_cli("run-as", "--profile", "dev", "--", sys.executable, "-c", kill)
        assert done.returncode == 128 + number, done.stderr
        assert "Traceback" not in done.stderr


@pytest.mark.parametrize("fmt", ["sh", "fish", "powershell", "json", "dotenv"])
def test_export_formats(emu, aws_home, fmt):
    account, role = _role(emu)
    _profiles(emu, aws_home, account, role)
    _login_session(emu)
    done = run_cli("export", "--profile", "dev", "--format", fmt)
    assert done.returncode == 0, done.stderr
    assert "AWS_SESSION_TOKEN" in done.stdout and "AWS_REGION" in done.stdout
    if fmt == "json":
        assert json.loads(done.stdout)["AWS_DEFAULT_REGION"] == "eu-west-1"
    if fmt == "sh":
        env = subprocess.run(["sh", "-c", done.stdout + "\nenv"], capture_output=True, text=True, env={"PATH": os.environ["PATH"], "AWS_PROFILE": "old"}).stdout
        assert "AWS_ACCESS_KEY_ID=ASIA" in env and "AWS_PROFILE" not in env


def test_export_without_a_region_unsets_a_stale_one(emu, aws_home):
    account, role = _role(emu)
    _login_session(emu)
    write_config(aws_home, f"[sso-session corp]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\n")
    flags = ("-u", emu.start_url, "--sso-region", emu.region, "-a", account, "-r", role)
    done = run_cli("export", *flags)
    assert done.returncode == 0, done.stderr
    stale = {"PATH": os.environ["PATH"], "AWS_REGION": "eu-north-1", "AWS_DEFAULT_REGION": "eu-north-1", "AWS_CREDENTIAL_EXPIRATION": "old"}
    env = subprocess.run(["sh", "-c", done.stdout + "\nenv"], capture_output=True, text=True, env=stale).stdout
    assert "AWS_ACCESS_KEY_ID=ASIA" in env and "AWS_CREDENTIALS_EXPIRATION=" in env
    assert "AWS_REGION" not in env and "AWS_DEFAULT_REGION" not in env and "AWS_CREDENTIAL_EXPIRATION=" not in env
    as_json = json.loads(run_cli("export", *flags, "-f", "json").stdout)
    assert "AWS_REGION" not in as_json and "AWS_CREDENTIAL_EXPIRATION" not in as_json


def test_render_exports_unsets_only_what_it_does_not_set():
    creds = RoleCredentials("ASIAKEY", "secret", "token", utcnow())
    unset = "AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SECURITY_TOKEN AWS_CREDENTIAL_EXPIRATION"
    assert render_exports(creds, None, "sh").splitlines()[0] == f"unset {unset} AWS_REGION AWS_DEFAULT_REGION"
    assert render_exports(creds, "eu-west-1", "sh").splitlines()[0] == f"unset {unset}"
    fish = render_exports(creds, None, "fish")
    assert "set -e AWS_REGION;" in fish and "set -e AWS_ACCESS_KEY_ID;" not in fish
    powershell = render_exports(creds, None, "powershell")
    assert "Remove-Item Env:AWS_DEFAULT_REGION -ErrorAction SilentlyContinue" in powershell
    assert "Remove-Item Env:AWS_CREDENTIAL_EXPIRATION" in powershell and "Remove-Item Env:AWS_SESSION_TOKEN" not in powershell
    for fmt in ("json", "dotenv"):
        assert "AWS_REGION" not in render_exports(creds, None, fmt)


def test_env_pointing_at_the_profiles_own_instance_keeps_the_profile(emu, aws_home):
    account, role = _role(emu)
    _profiles(emu, aws_home, account, role)
    _login_session(emu)
    done = run_cli("credential-process", "--profile", "dev", env={"AWS_SSO_REGION": emu.region, "AWS_SSO_START_URL": emu.start_url})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["AccountId"] == account
