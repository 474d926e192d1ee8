"""login, logout and check as a user runs them: real processes, real files, real HTTP."""

from __future__ import annotations

import os
import subprocess
import sys

from app.models import Instance
from app.services import token_cache
from app.services.auth import get_token
from support import FAST, Browser, run_cli, write_config


def _login(emu) -> None:
    get_token(Instance(emu.start_url, emu.region), ui=Browser(), options=FAST)


def test_login_check_logout_round_trip(emu):
    done = run_cli("login", "--headless")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert "Signed in to " in done.stderr
    assert token_cache.load_token(Instance(emu.start_url, emu.region)).fresh()

    again = run_cli("login")
    assert again.returncode == 0 and "Already signed in" in again.stderr

    check = run_cli("check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "from env var AWS_DEFAULT_SSO_START_URL" in check.stdout
    assert "Token accepted by Identity Center" in check.stdout

    out = run_cli("logout")
    assert out.returncode == 0 and "revoked at Identity Center" in out.stderr
    assert emu.counts()["Logout"] == 1
    assert run_cli("check").returncode == 201


def test_headless_device_login_prints_url_with_code(emu):
    emu.configure(approval="manual", device_interval=1)
    proc = subprocess.Popen([sys.executable, "-m", "headless", "login", "--headless"], stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=dict(os.environ))
    shown = []
    for line in proc.stderr:
        shown.append(line)
        if "user_code=" in line:
            emu.approve(line.strip().split("user_code=")[1])  # the user confirms in the browser
            break
    out, err = proc.communicate(timeout=30)
    text = "".join(shown) + err
    assert proc.returncode == 0, text
    assert "open this URL in a browser" in text
    assert f"{emu.url}/device?user_code=" in text
    assert "Signed in to " in text


def test_login_errors_are_one_line(emu, aws_home):
    write_config(aws_home, "[sso-session a]\nsso_start_url = https://a/start\nsso_region = us-east-1\n[sso-session b]\nsso_start_url = https://b/start\nsso_region = us-east-1\n")
    done = run_cli("login", env={"AWS_DEFAULT_SSO_START_URL": "", "AWS_DEFAULT_SSO_REGION": ""})
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "found 2 Identity Center instances" in done.stderr
    assert "Traceback" not in done.stderr

    emu.configure(approval="deny")
    denied = run_cli("login", "--headless")
    assert denied.returncode == 3 and "denied" in denied.stderr and "Traceback" not in denied.stderr

    emu.configure(approval="expire")
    expired = run_cli("login", "--headless")
    assert expired.returncode == 2 and "expired" in expired.stderr


# A "browser" for webbrowser's BROWSER variable: it just follows the URL, as a user's would.
FETCHING_BROWSER = f"{sys.executable} -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1]).read()' %s"


def test_login_sso_session_uses_pkce_through_the_browser(emu, aws_home):
    write_config(aws_home, f"[sso-session corp]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\n")
    done = run_cli("login", "--sso-session", "corp", env={"BROWSER": FETCHING_BROWSER, "AWS_SSO_DISABLE_BROWSER": ""})
    assert done.returncode == 0, done.stderr
    assert "/authorize?" in done.stderr and "Signed in" in done.stderr
    assert emu.counts()["CreateToken.authorization_code"] == 1
    assert emu.counts()["CreateToken.device_code"] == 0


def test_headless_sso_session_login_falls_back_to_device_code(emu, aws_home):
    write_config(aws_home, f"[sso-session corp]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\n")
    done = run_cli("login", "--sso-session", "corp", "--headless")
    assert done.returncode == 0, done.stderr
    assert emu.counts()["CreateToken.device_code"] >= 1 and emu.counts()["CreateToken.authorization_code"] == 0
    token = token_cache.load_token(Instance(emu.start_url, emu.region, "corp"))
    assert token.refresh_token  # sso-session device logins still get a refresh token


def test_check_exit_codes(emu, aws_home):
    assert run_cli("check", env={"AWS_DEFAULT_SSO_START_URL": "", "AWS_DEFAULT_SSO_REGION": ""}).returncode == 101
    write_config(aws_home, "[profile x]\nsso_start_url = https://x/start\nsso_region = us-east-1\n[profile y]\nsso_start_url = https://y/start\nsso_region = us-east-1\n")
    none = {"AWS_DEFAULT_SSO_START_URL": "", "AWS_DEFAULT_SSO_REGION": ""}
    assert run_cli("check", env=none).returncode == 103
    assert run_cli("check", "-u", "zzz", env=none).returncode == 102
    assert run_cli("check", "-u", "x", "--skip-token-check", env=none).returncode == 0
    assert run_cli("check").returncode == 201

    _login(emu)
    account, roles = emu.org.portal_view(emu.org.default_user)[0]
    assert run_cli("check", "-a", account.account_id).returncode == 0
    assert run_cli("check", "-a", account.account_id, "-r", roles[0]).returncode == 0
    assert run_cli("check", "-a", account.name, "-r", roles[0]).returncode == 0
    assert run_cli("check", "-a", "999999999999").returncode == 202
    assert run_cli("check", "-r", "NoSuchRole").returncode == 203
    assert run_cli("check", "-a", account.account_id, "-r", "NoSuchRole").returncode == 204
    quiet = run_cli("check", "-q", "-r", "NoSuchRole")
    assert quiet.returncode == 203 and quiet.stdout == ""

    emu.expire_now("access_token")  # revoked server-side, still valid locally
    rejected = run_cli("check")
    assert rejected.returncode == 205 and "rejected" in rejected.stdout


def test_check_usage_errors_exit_2(emu):
    assert run_cli("check", "--check-profile", "p", "-a", "1").returncode == 2
    assert run_cli("check", "--skip-token-check", "-r", "x").returncode == 2


def test_logout_all_removes_every_session(emu, aws_home):
    write_config(aws_home, f"[sso-session corp]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\n")
    _login(emu)
    get_token(Instance(emu.start_url, emu.region, "corp"), ui=Browser(), options=FAST)
    done = run_cli("logout", "--all")
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("Signed out of") == 2
    assert not list((aws_home / ".aws" / "sso" / "cache").glob("*.json")) or all(
        "accessToken" not in p.read_text() for p in (aws_home / ".aws" / "sso" / "cache").glob("*.json")
    )


def test_aws_sso_util_command_lines_are_accepted(emu):
    assert run_cli("login", "--force", "-v", "--headless").returncode == 0
    assert run_cli("login", "--sso-start-url", emu.start_url, "--sso-region", emu.region).returncode == 0
    assert run_cli("check", "--sso-start-url", emu.start_url, "--sso-region", emu.region, "--account", "x", "-q").returncode == 202
    assert run_cli("logout", "-v").returncode == 0
