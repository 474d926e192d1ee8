"""Long listings: --max-rps is obeyed, progress shows in a terminal only, orgs with clashing
account names populate, and shell completion knows the names."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.emulator import Emulator, generate_org
from app.models import Instance
from app.services.auth import get_token
from support import FAST, Browser, run_cli, write_config


@pytest.fixture
def big_emu(monkeypatch):
    with Emulator(org=generate_org(accounts=24), auto_approve=True, device_interval=0) as emulator:
        for key, value in emulator.env().items():
            monkeypatch.setenv(key, value)
        get_token(Instance(emulator.start_url, emulator.region), ui=Browser(), options=FAST)
        yield emulator


def _portal_rate(emu) -> tuple[int, float]:
    times = sorted(r["time"] for r in emu.requests() if r["op"] in ("ListAccounts", "ListAccountRoles"))
    return len(times), (len(times) - 1) / (times[-1] - times[0])


@pytest.mark.parametrize("command", [("roles", "--refresh"), ("configure", "populate", "--region", "eu-west-1", "--refresh", "--dry-run")])
def test_max_rps_flag_sets_the_rate_the_service_sees(big_emu, command):
    big_emu.reset_counters()
    done = run_cli(*command, "--max-rps", "8")
    assert done.returncode == 0, done.stderr
    calls, rate = _portal_rate(big_emu)
    assert calls > 20
    assert rate <= 8 * 1.1, f"{calls} calls at {rate:.1f}/s"


def _run_in_pty(args: list[str], timeout: float = 60) -> tuple[int, str]:
    """Run ssodeck with stdout and stderr on a pseudo-terminal, as at a real prompt."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "headless", *args], stdin=follower, stdout=follower, stderr=follower, env=dict(os.environ))
    os.close(follower)
    chunks = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                data = os.read(leader, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(leader)
    return proc.wait(timeout=10), b"".join(chunks).decode("utf-8", "replace")


def test_listing_progress_shows_in_a_terminal_and_nowhere_else(big_emu):
    big_emu.configure(latency_ms=40)
    code, screen = _run_in_pty(["roles", "--refresh", "--max-rps", "10", "-o", "csv"])
    assert code == 0, screen
    visible = len(big_emu.org.portal_view(big_emu.org.default_user))
    assert "Listing roles: " in screen and f"/{visible} accounts" in screen
    drawn = [part for part in screen.split("\r") if part.startswith("Listing roles: ")]
    assert len(drawn) >= 3, drawn  # it moves while the listing runs
    assert f"\rListing roles: {visible}/{visible} accounts" in screen
    piped = run_cli("roles", "--refresh", "--max-rps", "10", "-o", "csv")
    assert piped.returncode == 0 and "Listing roles" not in piped.stderr and "\r" not in piped.stderr


def test_the_estimate_waits_for_the_total_and_a_few_accounts():
    from app.services.roles import ListingProgress
    from headless.progress import ListingLine

    assert ListingLine.text(ListingProgress(1, 100, False), 5.0) == "Listing roles: 1/100+ accounts"
    assert ListingLine.text(ListingProgress(2, 100, True), 5.0) == "Listing roles: 2/100 accounts"
    assert ListingLine.text(ListingProgress(20, 100, True), 5.0) == "Listing roles: 20/100 accounts, about 20 s left"


def test_populate_tells_apart_accounts_that_share_a_name(monkeypatch, aws_home):
    org = generate_org(accounts=3)
    for account_id in ("111111111111", "222222222222"):
        org.assign(org.add_account("Payments Prod", account_id=account_id), "ReadOnlyAccess", org.default_user)
    with Emulator(org=org, auto_approve=True, device_interval=0) as emu:
        for key, value in emu.env().items():
            monkeypatch.setenv(key, value)
        get_token(Instance(emu.start_url, emu.region), ui=Browser(), options=FAST)
        dry = run_cli("configure", "populate", "--region", "eu-west-1", "--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert "+[profile Payments-Prod-111111111111.ReadOnlyAccess]" in dry.stdout
        assert "+[profile Payments-Prod-222222222222.ReadOnlyAccess]" in dry.stdout
        assert "Payments-Prod.ReadOnlyAccess -> Payments-Prod-111111111111.ReadOnlyAccess" in dry.stderr
        strict = run_cli("configure", "populate", "--region", "eu-west-1", "--on-duplicate", "error")
        assert strict.returncode == 2 and "would be shared" in strict.stderr
        done = run_cli("configure", "populate", "--region", "eu-west-1")
        again = run_cli("configure", "populate", "--region", "eu-west-1")
        assert done.returncode == again.returncode == 0
        assert "0 added, 0 changed" in again.stderr  # the same names on every run


def _complete(words: str, env: dict | None = None) -> list[str]:
    args = words.split()
    current = len(args) if words.endswith(" ") else len(args) - 1
    done = subprocess.run(
        [sys.executable, "-m", "headless"],
        env={**os.environ, **(env or {}), "_SSODECK_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(current)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    return [line.split(",", 1)[1] for line in done.stdout.splitlines()]


def test_shell_completion_knows_profiles_sessions_and_accounts(emu, aws_home):
    write_config(aws_home, "[profile dev]\n[profile prod]\n[default]\n[sso-session corp]\n[sso-session other]\n")
    assert _complete("ssodeck run-as --profile ") == ["default", "dev", "prod"]
    assert _complete("ssodeck console launch --profile pr") == ["prod"]
    assert _complete("ssodeck login --sso-session c") == ["corp"]
    get_token(Instance(emu.start_url, emu.region), ui=Browser(), options=FAST)
    assert run_cli("roles").returncode == 0  # caches the listing the completion reads
    ids = {a.account_id for a, _ in emu.org.portal_view(emu.org.default_user)}
    assert set(_complete("ssodeck export -a ")) == ids
    script = subprocess.run([sys.executable, "-m", "headless"], env={**os.environ, "_SSODECK_COMPLETE": "zsh_source"}, capture_output=True, text=True)
    assert "compdef" in script.stdout


def test_export_accepts_bash_and_zsh(emu, aws_home):
    account, roles = emu.org.portal_view(emu.org.default_user)[0]
    get_token(Instance(emu.start_url, emu.region), ui=Browser(), options=FAST)
    outputs = {fmt: run_cli("export", "-a", account.account_id, "-r", roles[0], "-f", fmt) for fmt in ("sh", "bash", "zsh")}
    assert all(result.returncode == 0 for result in outputs.values())
    assert all(result.stdout.startswith("unset ") and "export AWS_ACCESS_KEY_ID=" in result.stdout for result in outputs.values())


def test_a_corrupt_token_file_gets_the_same_words_everywhere(emu, aws_home):
    from app.services import token_cache

    path = token_cache.token_path(Instance(emu.start_url, emu.region))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")
    problem = f"{path} is not valid JSON"
    credential_process = ("credential-process", "--account-id", "123456789012", "--role-name", "R", "--sso-start-url", emu.start_url, "--sso-region", emu.region)
    for args in (("roles",), ("check",), credential_process):
        done = run_cli(*args)
        assert done.returncode != 0
        assert problem in done.stdout + done.stderr, (args, done.stdout, done.stderr)


def test_login_says_one_thing(emu):
    first = run_cli("login", "--headless")
    again = run_cli("login", "--headless")
    assert first.returncode == again.returncode == 0
    assert "Signing in to" in first.stderr and "Signed in to" in first.stderr
    assert again.stderr.strip().splitlines() == [again.stderr.strip()]  # one line
    assert again.stderr.startswith("Already signed in to ") and "Signing in" not in again.stderr


def test_the_documented_control_endpoints_work_as_documented(emu):
    import json
    import urllib.request

    def post(path: str, body: dict) -> dict:
        request = urllib.request.Request(emu.url + path, data=json.dumps(body).encode(), method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    assert post("/_emu/config", {"latency_ms": 150, "max_rps": 20})["controls"]["max_rps"] == 20
    post("/_emu/config", {"failures": {"CreateToken.refresh_token": {"status": 500, "count": 1}}})
    assert post("/_emu/expire", {"what": "access_token"}) == {"expired": "access_token"}
    assert post("/_emu/reset", {}) == {}
    docs = Path(__file__).parent.parent.joinpath("docs", "emulator.md").read_text()
    for path in ("/_emu/state", "/_emu/requests", "/_emu/destinations", "/_emu/config", "/_emu/reset", "/_emu/approve", "/_emu/deny", "/_emu/expire"):
        assert f"`{'GET' if path in ('/_emu/state', '/_emu/requests', '/_emu/destinations') else 'POST'} {path}`" in docs
