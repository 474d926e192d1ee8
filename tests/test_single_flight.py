"""Twenty processes needing a refreshable token at once cause exactly one refresh."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

from app.models import Instance, utcnow
from app.services import token_cache
from app.services.auth import get_token
from support import FAST, Browser, write_config


def test_twenty_processes_one_refresh(emu, aws_home):
    write_config(aws_home, f"[sso-session corp]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\n")
    instance = Instance(emu.start_url, emu.region, "corp")
    token = get_token(instance, ui=Browser(), options=FAST).token
    token_cache.save_token(instance, token._replace(expires_at=utcnow() + timedelta(minutes=3)))
    emu.reset_counters()
    emu.configure(latency_ms={"CreateToken.refresh_token": 300})  # widen the race window
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "headless", "login", "--sso-session", "corp", "--headless"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ),
        )
        for _ in range(20)
    ]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert [code for code, _ in results] == [0] * 20, results
    assert emu.counts()["CreateToken.refresh_token"] == 1
    assert emu.counts().get("CreateToken.device_code", 0) + emu.counts().get("CreateToken.authorization_code", 0) == 0
    messages = [err for _, err in results]
    assert sum("Refreshed the session for" in m for m in messages) == 1
    assert sum("Already signed in" in m for m in messages) == 19


def test_credential_process_login_is_single_flight(emu, aws_home):
    account, roles = emu.org.portal_view(emu.org.default_user)[0]
    write_config(
        aws_home,
        f"[profile p]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\nsso_account_id = {account.account_id}\nsso_role_name = {roles[0]}\n",
    )
    emu.configure(approve_delay=1.0, device_interval=1)  # the first sign-in is still pending when the others start
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "headless", "credential-process", "--profile", "p", "--login"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "SSODECK_INTERACTIVE": "1"},  # as if run from a terminal
        )
        for _ in range(10)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 10, outputs
    assert len({out for out, _ in outputs}) == 1  # everyone got the same credentials
    assert emu.counts()["StartDeviceAuthorization"] == 1
    assert emu.counts()["GetRoleCredentials"] == 1
