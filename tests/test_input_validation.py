"""Bad regions, start URLs and hostile names: refused or made safe before anything is written
or sent, one line each."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app.emulator import Emulator, generate_org
from app.models import Instance
from app.services.auth import get_token
from support import FAST, Browser, run_cli, write_config


def _one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    "args",
    [
        ("configure", "populate", "--region", "eu west 1"),
        ("configure", "populate", "--region", "us-east-1 "),
        ("configure", "populate", "--region", "eu-west-1", "--region", "EU-WEST-1"),
        ("configure", "profile", "p", "-a", "123456789012", "-r", "Admin", "--region", "eu_west_1", "--non-interactive"),
        ("login", "https://ssodeck-demo.awsapps.com/start", "eu_west_1"),
        ("roles", "--sso-region", "useast1"),
        ("export", "-a", "123456789012", "-r", "Admin", "--region", "mars-1"),
        ("console", "launch", "-a", "123456789012", "-r", "Admin", "--region", "eu west 1", "--print"),
        ("console", "get-config-token", "--region", "x y"),
    ],
)
def test_malformed_regions_are_refused_before_anything_happens(emu, aws_home, args):
    config = Path(os.environ["AWS_CONFIG_FILE"])
    write_config(aws_home, "# mine\n")
    emu.reset_counters()
    done = run_cli(*args)
    assert done.returncode == 2, done.stderr
    assert "is not an AWS region name" in _one_line(done)
    assert config.read_text() == "# mine\n"
    assert sum(emu.counts().values()) == 0  # nothing was sent


@pytest.mark.parametrize(
    ("args", "env", "source"),
    [
        (("configure", "profile", "ok2", "-a", "abc", "-r", "AdministratorAccess", "--region", "us-east-1", "--non-interactive"), {}, "'abc' (--account-id)"),
        (("configure", "profile", "ok2", "-a", "1234567890123", "-r", "Admin", "--region", "us-east-1", "--non-interactive"), {}, "'1234567890123' (--account-id)"),
        (("credential-process", "--account-id", "abc", "--role-name", "X"), {}, "'abc' (--account-id)"),
        (("credential-process", "--role-name", "X"), {"AWS_SSO_ACCOUNT_ID": "1234 5678 9012"}, "'1234 5678 9012' (AWS_SSO_ACCOUNT_ID)"),
        (("run-as", "-a", "12345678901x", "-r", "X", "--", "true"), {}, "'12345678901x' (--account-id)"),
        (("export", "-a", "1234-5678-9012", "-r", "X"), {}, "'1234-5678-9012' (--account-id)"),
        (("console", "launch", "-a", "abc", "-r", "X", "--print"), {}, "'abc' (--account-id)"),
    ],
)
def test_malformed_account_ids_are_refused_before_anything_happens(emu, aws_home, args, env, source):
    get_token(Instance(emu.start_url, emu.region), ui=Browser(), options=FAST)  # signed in: only the ID stops it
    config = Path(os.environ["AWS_CONFIG_FILE"])
    write_config(aws_home, "# mine\n")
    emu.reset_counters()
    done = run_cli(*args, env=env)
    assert done.returncode == 2, done.stderr
    assert _one_line(done) == f"ssodeck: {source} is not an AWS account ID like 123456789012 (12 digits)"
    assert config.read_text() == "# mine\n" and done.stdout == ""
    assert sum(emu.counts().values()) == 0  # nothing was sent


def test_an_account_id_in_a_profile_is_checked_and_a_short_number_still_padded(emu, aws_home):
    get_token(Instance(emu.start_url, emu.region), ui=Browser(), options=FAST)
    write_config(aws_home, f"[profile bad]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\nsso_account_id = 12345678901O\nsso_role_name = X\n")
    emu.reset_counters()
    done = run_cli("credential-process", "--profile", "bad")
    assert done.returncode == 2 and _one_line(done) == "ssodeck: '12345678901O' (sso_account_id of profile bad) is not an AWS account ID like 123456789012 (12 digits)"
    assert sum(emu.counts().values()) == 0
    padded = run_cli("credential-process", "--account-id", "42", "--role-name", "X")  # 000000000042, as before
    assert padded.returncode == 4 and "account 000000000042" in padded.stderr


@pytest.mark.parametrize("url", ["https://", "https:// x", "ftp://example.com/start", "https://exa mple.com/start", "http://:80/"])
def test_malformed_start_urls_are_not_sent(emu, url):
    emu.reset_counters()
    done = run_cli("login", url, "us-east-1")
    assert done.returncode == 2, done.stderr
    assert "is not an Identity Center start URL" in _one_line(done)
    assert sum(emu.counts().values()) == 0


def test_real_region_shapes_are_accepted():
    from app.services.validation import region

    for name in ("us-east-1", "us-gov-west-1", "cn-northwest-1", "eusc-de-east-1", "us-isob-east-1", "ap-southeast-5", "il-central-1"):
        assert region(name) == name


HOSTILE = {
    "Evil\x1b[2J\x1b[31mRed": "Evil\\x1b[2J\\x1b[31mRed",
    "Line\r\nBreak": "Line\\r\\nBreak",
    "Bidi \u202egnp.exe": "Bidi \\u202egnp.exe",
}


@pytest.fixture
def hostile_emu(monkeypatch):
    org = generate_org(accounts=4)
    for index, name in enumerate(HOSTILE):
        account = org.add_account(name, account_id=f"99999999999{index}")
        org.assign(account, "ReadOnlyAccess", org.default_user)
    with Emulator(org=org, auto_approve=True, device_interval=0) as emulator:
        for key, value in emulator.env().items():
            monkeypatch.setenv(key, value)
        get_token(Instance(emulator.start_url, emulator.region), ui=Browser(), options=FAST)
        yield emulator


def test_roles_never_prints_control_characters_raw(hostile_emu):
    table = run_cli("roles", "--refresh")
    assert table.returncode == 0, table.stderr
    assert "\x1b" not in table.stdout and "\r" not in table.stdout and "\u202e" not in table.stdout
    for escaped in HOSTILE.values():
        assert escaped in table.stdout
    sep = run_cli("roles", "--sep", "|")
    assert "\x1b" not in sep.stdout and "Evil\\x1b[2J" in sep.stdout
    data = json.loads(run_cli("roles", "-o", "json").stdout)  # data keeps the exact names
    assert {row["account_name"] for row in data} >= set(HOSTILE)


def test_populate_keeps_every_other_account_when_one_name_has_a_line_break(hostile_emu, aws_home):
    for mode in ("--safe-account-names", "--raw-account-names"):
        done = run_cli("configure", "populate", "--region", "eu-west-1", mode)
        assert done.returncode == 0, done.stderr
        assert "note: account 999999999991 has control characters in its name (Line\\r\\nBreak)" in done.stderr
        assert "\x1b" not in done.stderr and "\r" not in done.stderr
    text = Path(os.environ["AWS_CONFIG_FILE"]).read_text()
    assert "\x1b" not in text and "\r" not in text and "\u202e" not in text
    assert "sso_account_name = Line\\r\\nBreak" in text
    reachable = sum(len(roles) for _, roles in hostile_emu.org.portal_view(hostile_emu.org.default_user))
    assert text.count("[profile ") >= reachable


def test_a_new_sso_session_without_a_terminal_names_a_login_that_works(emu, aws_home):
    write_config(aws_home, "")
    done = run_cli("configure", "populate", "--sso-session", "fresh", "--region", "eu-west-1")
    assert done.returncode == 1
    hint = f"ssodeck login --sso-session fresh {emu.start_url} {emu.region}"
    assert hint in done.stderr
    login = run_cli(*hint.split()[1:], "--headless")  # the suggested command really works
    assert login.returncode == 0, login.stderr
    assert "Signing in to sso-session fresh" in login.stderr
    again = run_cli("configure", "populate", "--sso-session", "fresh", "--region", "eu-west-1")
    assert again.returncode == 0, again.stderr
    assert "[sso-session fresh]" in Path(os.environ["AWS_CONFIG_FILE"]).read_text()


def test_commands_that_sign_in_by_themselves_say_so(emu, aws_home):
    done = run_cli("roles", env={"SSODECK_INTERACTIVE": "1"})
    assert done.returncode == 0, done.stderr
    assert f"Signing in to {emu.start_url} ({emu.region})" in done.stderr
