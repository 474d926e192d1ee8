"""With a big ``~/.aws/config``, every command parses it once, and botocore never does.

A parse of a config with tens of thousands of profiles takes seconds, so parses are counted
here (never timed): ssodeck's parses through ``ini.scan``, and configparser's, which is what
botocore parses with (its data-plane clients used to, once per client).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.models import Instance
from app.services import awsconfig, clients
from app.services.auth import get_token
from headless.group import cli
from support import FAST, Browser, count_full_parses, write_config


@pytest.fixture
def big_config(emu, aws_home: Path) -> dict[str, str]:
    account, roles = emu.org.portal_view(emu.org.default_user)[0]
    profiles = "".join(f"[profile team-{n}.Admin]\nsso_session = other\nsso_account_id = {n:012d}\nsso_role_name = Admin\n\n" for n in range(2000))
    write_config(
        aws_home,
        f"[sso-session other]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = eu-west-1\n\n{profiles}"
        f"[sso-session corp]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\n\n"
        f"[profile dev]\nsso_session = corp\nsso_account_id = {account.account_id}\nsso_role_name = {roles[0]}\nregion = eu-west-1\n",
    )
    get_token(Instance(emu.start_url, emu.region, "corp"), ui=Browser(), options=FAST)
    return {"account": account.account_id, "role": roles[0]}


@pytest.fixture
def full_parses(monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """How many times the whole config has been parsed since the fixture started, by anyone."""
    count = count_full_parses(monkeypatch, os.path.getsize(os.environ["AWS_CONFIG_FILE"]))
    monkeypatch.setattr(awsconfig, "_parsed", {})  # nothing parsed yet in this process
    monkeypatch.setattr(clients, "_clients", {})  # clients are made anew, as in a new process
    return count


COMMANDS = {
    "roles": ["roles", "--sso-session", "corp"],
    "login": ["login", "--sso-session", "corp"],
    "check": ["check", "--sso-session", "corp"],
    "check --check-profile": ["check", "--check-profile", "dev"],
    "configure profile": ["configure", "profile", "new-one", "--sso-session", "corp", "-a", "{account}", "-r", "{role}", "--region", "us-east-1", "--non-interactive"],
    "configure populate --dry-run": ["configure", "populate", "--sso-session", "corp", "--region", "us-east-1", "--dry-run"],
    "configure populate": ["configure", "populate", "--sso-session", "corp", "--region", "us-east-1"],
    "run-as": ["run-as", "--profile", "dev", "--", sys.executable, "-c", "pass"],
    "export": ["export", "--profile", "dev"],
    "console launch --print": ["console", "launch", "--profile", "dev", "--print"],
    "credential-process": ["credential-process", "--profile", "dev"],
    "logout": ["logout", "--sso-session", "corp"],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_parses_the_config_once(command: str, big_config: dict[str, str], full_parses: Callable[[], int]) -> None:
    args = [arg.format(**big_config) for arg in COMMANDS[command]]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, (result.output, result.exception)
    assert full_parses() == 1
