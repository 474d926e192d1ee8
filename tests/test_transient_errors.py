"""Passing failures are not session expiry: refreshes and device polling ride out a 429/5xx,
a dead refresh token is tried once across processes, a forgotten registration is replaced."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest

from app.models import Instance, utcnow
from app.services import token_cache
from app.services.auth import get_token
from support import FAST, Browser, run_cli, write_config


def _session_profile(emu, aws_home) -> Instance:
    account, roles = emu.org.portal_view(emu.org.default_user)[0]
    write_config(
        aws_home,
        f"[sso-session corp]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\n"
        f"[profile p]\nsso_session = corp\nsso_account_id = {account.account_id}\nsso_role_name = {roles[0]}\n",
    )
    instance = Instance(emu.start_url, emu.region, "corp")
    get_token(instance, ui=Browser(), options=FAST, use_device_code=True)
    return instance


def _age(instance: Instance, minutes: float) -> bytes:
    token = token_cache.load_token(instance)
    token_cache.save_token(instance, token._replace(expires_at=utcnow() + timedelta(minutes=minutes)))
    return token_cache.token_path(instance).read_bytes()


@pytest.mark.parametrize("status", [500, 503, 429])
def test_one_passing_refresh_failure_is_retried(emu, aws_home, status):
    instance = _session_profile(emu, aws_home)
    _age(instance, -1)
    emu.reset_counters()
    emu.configure(failures={"CreateToken.refresh_token": {"status": status, "count": 1}})
    done = run_cli("credential-process", "--profile", "p")
    assert done.returncode == 0, done.stderr
    assert '"AccessKeyId"' in done.stdout
    assert emu.counts()["CreateToken.refresh_token"] == 2


def test_refresh_failing_for_good_exits_4_and_keeps_the_token(emu, aws_home):
    instance = _session_profile(emu, aws_home)
    before = _age(instance, -1)
    emu.configure(failures={"CreateToken.refresh_token": {"status": 500, "count": 100}})
    done = run_cli("credential-process", "--profile", "p")
    assert done.returncode == 4, done.stderr
    assert "HTTP 500" in done.stderr and "refresh" in done.stderr
    assert "ssodeck login" not in done.stderr  # signing in again would not help
    assert token_cache.token_path(instance).read_bytes() == before
    assert len(done.stderr.strip().splitlines()) == 1


def test_rejected_token_with_failing_refresh_is_kept_as_it_was(emu, aws_home):
    instance = _session_profile(emu, aws_home)
    before = token_cache.token_path(instance).read_bytes()
    emu.expire_now("access_token")  # Identity Center ends the access token early (401)
    emu.configure(failures={"CreateToken.refresh_token": {"status": 500, "count": 100}})
    done = run_cli("roles", "--refresh", "--sso-session", "corp")
    assert done.returncode == 4, done.stderr
    assert token_cache.token_path(instance).read_bytes() == before
    check = run_cli("check", "--sso-session", "corp")
    assert check.returncode != 201, check.stdout  # the cached session is not called expired
    emu.configure(failures={})
    again = run_cli("roles", "--refresh", "--sso-session", "corp")
    assert again.returncode == 0, again.stderr  # once the service is back, the refresh works


def test_device_polling_rides_out_a_server_error(emu):
    instance = Instance(emu.start_url, emu.region)
    emu.configure(pending_polls=2, failures={"CreateToken.device_code": {"status": 500, "count": 2}})
    browser = Browser()
    assert get_token(instance, ui=browser, options=FAST).how == "login"
    assert emu.counts()["StartDeviceAuthorization"] == 1
    assert len(browser.prompts) == 1  # one code shown; the person never starts over


def test_dead_refresh_token_is_tried_once_across_processes(emu, aws_home):
    instance = _session_profile(emu, aws_home)
    _age(instance, -1)
    emu.expire_now("refresh_token")
    emu.reset_counters()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "headless", "credential-process", "--profile", "p"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ),
        )
        for _ in range(30)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [1] * 30, results
    assert emu.counts()["CreateToken.refresh_token"] == 1
    assert all("ssodeck login --profile p" in err for _, err in results), results[0]
    later = run_cli("roles", "--sso-session", "corp", "--refresh")
    assert later.returncode == 1 and "ssodeck login --sso-session corp" in later.stderr
    assert emu.counts()["CreateToken.refresh_token"] == 1


def test_forgotten_registration_is_replaced_once(emu):
    instance = Instance(emu.start_url, emu.region)
    get_token(instance, ui=Browser(), options=FAST)
    emu.expire_now("registration")  # the service no longer knows the cached client
    result = get_token(instance, ui=Browser(), options=FAST, force_login=True)
    assert result.how == "login"
    assert emu.counts()["RegisterClient"] == 2
    assert emu.counts()["StartDeviceAuthorization"] == 3  # first login, the refused try, the retry


def test_a_forgotten_pkce_registration_is_replaced_before_the_browser_is_sent(emu):
    """The browser cannot report a client Identity Center has forgotten (its authorize page
    shows the person an error and never comes back), so the cached one is checked first."""
    instance = Instance(emu.start_url, emu.region, "corp")  # an sso-session: PKCE in the browser
    get_token(instance, ui=Browser(), options=FAST)
    emu.expire_now("registration")  # the service no longer knows the cached client
    browser = Browser()
    result = get_token(instance, ui=browser, options=FAST, force_login=True)
    assert result.how == "login"
    assert emu.counts()["RegisterClient"] == 2
    [visit] = browser.visited  # sent once, with the new client
    assert f"client_id={token_cache.load_registration(instance, None).client_id}" in visit
    assert get_token(instance, ui=Browser(), options=FAST, force_login=True).how == "login"
    assert emu.counts()["RegisterClient"] == 2  # a known client is kept
