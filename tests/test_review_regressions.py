"""Behaviour a user relies on when things go wrong: revoked sessions, broken cache files,
logouts, and waiting for another process's sign-in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from app.models import Instance
from app.services import token_cache
from app.services.auth import get_token
from app.services.credential_cache import credential_path, key_for
from app.services.roles import cache_path
from support import FAST, Browser, run_cli, write_config


def _role(emu) -> tuple[str, str]:
    account, roles = emu.org.portal_view(emu.org.default_user)[0]
    return account.account_id, roles[0]


def _legacy_profile(emu, aws_home) -> tuple[str, str]:
    account, role = _role(emu)
    write_config(aws_home, f"[profile p]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\nsso_account_id = {account}\nsso_role_name = {role}\nregion = us-east-1\n")
    return account, role


def test_revoked_token_then_login_recovers_without_force(emu):
    get_token(Instance(emu.start_url, emu.region), ui=Browser(), options=FAST)
    emu.expire_now("access_token")  # Identity Center no longer accepts it; the file still says valid
    rejected = run_cli("check")
    assert rejected.returncode == 205 and "ssodeck login" in rejected.stdout
    login = run_cli("login", "--headless")
    assert login.returncode == 0, login.stderr
    assert "Already signed in" not in login.stderr
    assert run_cli("check").returncode == 0


def test_garbage_expiry_in_token_file_is_a_missing_token(emu):
    instance = Instance(emu.start_url, emu.region)
    get_token(instance, ui=Browser(), options=FAST)
    path = token_cache.token_path(instance)
    data = json.loads(path.read_text())
    data["expiresAt"] = 1767225600
    path.write_text(json.dumps(data))
    check = run_cli("check")
    assert check.returncode == 201 and "Traceback" not in check.stderr and "unexpected" not in check.stderr
    login = run_cli("login", "--headless")
    assert login.returncode == 0 and "Signed in" in login.stderr


def test_logout_forgets_listing_and_cli_written_credentials(emu, aws_home):
    account, role = _legacy_profile(emu, aws_home)
    instance = Instance(emu.start_url, emu.region)
    get_token(instance, ui=Browser(), options=FAST)
    assert run_cli("roles").returncode == 0 and cache_path(instance).exists()
    assert run_cli("credential-process", "--profile", "p").returncode == 0
    # the AWS CLI v2 writes the same file without ssodeck's tag
    path = credential_path(instance, account, role)
    data = json.loads(path.read_text())
    del data["ssodeckInstance"]
    path.write_text(json.dumps(data))
    assert path.name == f"{key_for(emu.start_url, None, account, role)}.json"
    done = run_cli("logout")
    assert done.returncode == 0, done.stderr
    assert not path.exists() and not cache_path(instance).exists()
    listed = run_cli("roles")  # no terminal here, so no sign-in: the cached listing is gone
    assert listed.returncode == 1 and "ssodeck login" in listed.stderr
    assert run_cli("credential-process", "--profile", "p").returncode == 1


def test_non_interactive_caller_does_not_wait_for_another_sign_in(emu, aws_home):
    _legacy_profile(emu, aws_home)
    emu.configure(approval="manual")
    signing_in = subprocess.Popen([sys.executable, "-m", "headless", "login", "--profile", "p", "--headless"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=dict(os.environ))
    try:
        for line in signing_in.stderr:  # wait until the sign-in is pending
            if "user_code=" in line:
                code = line.strip().split("user_code=")[1]
                break
        started = time.monotonic()
        waiting = run_cli("credential-process", "--profile", "p", timeout=20)
        assert time.monotonic() - started < 10
        assert waiting.returncode == 1 and "ssodeck login --profile p" in waiting.stderr
        emu.approve(code)
        assert signing_in.wait(timeout=30) == 0
    finally:
        signing_in.kill()
        signing_in.stderr.close()
    assert run_cli("credential-process", "--profile", "p").returncode == 0


def test_login_exit_codes_for_unknown_names_and_empty_all(emu, aws_home):
    write_config(aws_home, "[profile x]\nregion = us-east-1\n")
    assert run_cli("login", "--profile", "nope").returncode == 1
    assert run_cli("login", "--sso-session", "nope").returncode == 1
    empty = run_cli("login", "--all", env={"AWS_DEFAULT_SSO_START_URL": "", "AWS_DEFAULT_SSO_REGION": ""})
    assert empty.returncode == 1 and "no Identity Center instances" in empty.stderr


def test_expired_session_for_run_as_and_export_signs_in_again(emu, aws_home):
    _legacy_profile(emu, aws_home)
    instance = Instance(emu.start_url, emu.region)
    get_token(instance, ui=Browser(), options=FAST)
    emu.expire_now("refresh_token")
    token = token_cache.load_token(instance)
    token_cache.save_token(instance, token._replace(expires_at=token.expires_at.replace(year=2020)))
    emu.configure(approval="deny")  # the new sign-in is refused: a clear line, nothing on stdout
    for args in (("run-as", "--profile", "p", "--", sys.executable, "-c", "print('ran')"), ("export", "--profile", "p")):
        done = run_cli(*args, env={"SSODECK_INTERACTIVE": "1"})
        assert done.returncode == 3, done.stderr
        assert done.stdout == "" and "denied" in done.stderr.splitlines()[-1] and "Traceback" not in done.stderr
    no_terminal = run_cli("export", "--profile", "p")  # nobody could finish a sign-in: fail at once
    assert no_terminal.returncode == 1 and "ssodeck login --profile p" in no_terminal.stderr
    emu.configure(approval="auto")
    ran = run_cli("run-as", "--profile", "p", "--", sys.executable, "-c", "print('ran')", env={"SSODECK_INTERACTIVE": "1"})
    assert ran.stdout == "ran\n"


def test_no_secret_reaches_stderr(emu, aws_home):
    account, role = _legacy_profile(emu, aws_home)
    instance = Instance(emu.start_url, emu.region)
    get_token(instance, ui=Browser(), options=FAST)
    assert run_cli("credential-process", "--profile", "p").returncode == 0
    token = json.loads(token_cache.token_path(instance).read_text())
    creds = json.loads(credential_path(instance, account, role).read_text())["Credentials"]
    secrets = [token["accessToken"], token["refreshToken"], token["clientSecret"], creds["SecretAccessKey"], creds["SessionToken"]]
    emu.expire_now("access_token")
    emu.expire_now("refresh_token")
    runs = [
        run_cli("check"),
        run_cli("roles", "--refresh"),
        run_cli("credential-process", "--profile", "p", "--force-refresh"),
        run_cli("run-as", "--profile", "p", "--force-refresh", "--", "true"),
        run_cli("console", "launch", "--profile", "p", "--print", "--force-refresh"),
        run_cli("login", "--headless", "-v"),
        run_cli("logout", "-v"),
    ]
    for done in runs:
        for secret in secrets:
            assert secret not in done.stderr


def test_check_verdicts_on_rejected_token_and_unreachable_portal(emu, aws_home):
    account, role = _legacy_profile(emu, aws_home)
    get_token(Instance(emu.start_url, emu.region), ui=Browser(), options=FAST)
    unreachable = run_cli("check", env={"AWS_ENDPOINT_URL_SSO": "http://127.0.0.1:9"})
    assert unreachable.returncode == 4 and "cannot reach the Identity Center portal" in unreachable.stderr
    emu.expire_now("access_token")
    rejected = run_cli("check", "-a", account, "-r", role)
    assert rejected.returncode == 205 and "rejected" in rejected.stdout


def test_logout_uses_the_login_variables(emu, aws_home):
    get_token(Instance(emu.start_url, emu.region), ui=Browser(), options=FAST)
    env = {"AWS_DEFAULT_SSO_START_URL": "", "AWS_DEFAULT_SSO_REGION": "", "AWS_SSO_LOGIN_DEFAULT_SSO_START_URL": emu.start_url, "AWS_SSO_LOGIN_DEFAULT_SSO_REGION": emu.region}
    done = run_cli("logout", env=env)
    assert done.returncode == 0 and f"Signed out of {emu.start_url}" in done.stderr


def _with_reader_gone(args: list[str], *, unbuffered: str, read: int) -> tuple[int, str]:
    """Run ``ssodeck ARGS`` into a pipe whose reader takes ``read`` bytes and goes away (``| head -c``;
    with 0, a reader that closed before the command wrote anything)."""
    env = {**os.environ, "PYTHONUNBUFFERED": unbuffered}  # "" is unset; a user's "1" leaves stdout unbuffered
    if read:
        child = subprocess.Popen([sys.executable, "-m", "headless", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        assert len(child.stdout.read(read)) == read
        child.stdout.close()
    else:
        reader, writer = os.pipe()
        os.close(reader)
        child = subprocess.Popen([sys.executable, "-m", "headless", *args], stdout=writer, stderr=subprocess.PIPE, env=env)
        os.close(writer)
    stderr = child.stderr.read().decode()
    return child.wait(timeout=60), stderr


@pytest.mark.parametrize("unbuffered", ["", "1"])
def test_a_reader_that_goes_away_early_ends_every_command_with_141_and_no_message(emu, aws_home, unbuffered):
    account, role = _legacy_profile(emu, aws_home)
    get_token(Instance(emu.start_url, emu.region), ui=Browser(), options=FAST)
    # a diff well over a pipe's 64 KiB, so the reader leaves while it is being written
    regions = [f"--region=eu-west-{n}" for n in range(1, 25)]
    runs = {"populate --dry-run": _with_reader_gone(["configure", "populate", *regions, "--dry-run"], unbuffered=unbuffered, read=100)}
    for args in (["--help"], ["roles"], ["roles", "-o", "json"], ["check"], ["credential-process", "--account-id", account, "--role-name", role],
                 ["console", "launch", "--print", "--profile", "p"], ["export", "--profile", "p"]):
        runs[" ".join(args)] = _with_reader_gone(args, unbuffered=unbuffered, read=0)
    for command, (code, stderr) in runs.items():
        assert code == 141, (command, code, stderr)
        assert not any(word in stderr for word in ("Traceback", "Exception", "ssodeck:", "rror")), (command, stderr)
