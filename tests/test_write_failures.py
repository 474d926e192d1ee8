"""Files that cannot be written: caches never cost the answer, the config and logout say
exactly what happened (exit 73), and everything ssodeck creates is private."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from app.models import Instance
from app.services import token_cache
from app.services.auth import get_token
from support import FAST, Browser, run_cli, unwritable, write_config


def _profile(emu, aws_home) -> str:
    account, roles = emu.org.portal_view(emu.org.default_user)[0]
    write_config(
        aws_home,
        f"[profile p]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\nsso_account_id = {account.account_id}\nsso_role_name = {roles[0]}\n",
    )
    get_token(Instance(emu.start_url, emu.region), ui=Browser(), options=FAST)
    return "p"


def _warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "warning:" in line]


def test_credential_process_answers_when_the_credential_cache_is_read_only(emu, aws_home):
    _profile(emu, aws_home)
    with unwritable(aws_home / ".aws" / "cli" / "cache"):
        done = run_cli("credential-process", "--profile", "p")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["Version"] == 1
        warned = _warnings(done.stderr)
        assert len(warned) == 1 and str(aws_home / ".aws" / "cli" / "cache") in warned[0]
        assert ".tmp" not in done.stderr
        again = run_cli("credential-process", "--profile", "p")
        assert again.returncode == 0
    assert emu.counts()["GetRoleCredentials"] == 2  # nothing was cached, so it was fetched again


def test_roles_answers_when_ssodeck_cache_is_read_only(emu, aws_home):
    _profile(emu, aws_home)
    with unwritable(aws_home / "ssodeck-cache"):
        done = run_cli("roles", "--refresh", "-o", "json")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == sum(len(roles) for _, roles in emu.org.portal_view(emu.org.default_user))
    warned = _warnings(done.stderr)
    assert len(warned) == 1 and "role listing was not cached" in warned[0]


def test_populate_into_a_read_only_aws_dir_names_the_config_and_exits_73(emu, aws_home):
    config = Path(os.environ["AWS_CONFIG_FILE"])
    _profile(emu, aws_home)
    before = config.read_bytes()
    with unwritable(aws_home / ".aws"):
        done = run_cli("configure", "populate", "--region", "eu-west-1")
        profile = run_cli("configure", "profile", "q", "-a", "123456789012", "-r", "Admin", "--region", "eu-west-1", "--non-interactive")
    for result in (done, profile):
        assert result.returncode == 73, result.stderr
        lines = result.stderr.strip().splitlines()
        assert lines[-1].startswith(f"ssodeck: cannot write {config}:") and "not writable" in lines[-1]
        assert ".tmp" not in result.stderr
    assert config.read_bytes() == before
    assert not any(p.name.endswith(".tmp") for p in config.parent.iterdir())


def test_logout_with_a_read_only_token_cache_says_what_was_done(emu, aws_home):
    _profile(emu, aws_home)
    instance = Instance(emu.start_url, emu.region)
    token_file = token_cache.token_path(instance)
    with unwritable(token_file.parent):
        done = run_cli("logout", emu.start_url, emu.region)
    assert done.returncode == 73, done.stderr
    assert "revoked at Identity Center but not deleted" in done.stderr
    assert f"could not delete {token_file}" in done.stderr
    assert emu.counts()["Logout"] == 1
    assert token_file.exists()


def test_everything_ssodeck_creates_is_private(emu, aws_home):
    _profile(emu, aws_home)
    assert run_cli("roles", "--refresh").returncode == 0
    assert run_cli("credential-process", "--profile", "p").returncode == 0
    emu.configure(failures={"CreateToken.refresh_token": {"status": 500, "count": 100}})
    session = f"[sso-session s]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\n"
    write_config(aws_home, Path(os.environ["AWS_CONFIG_FILE"]).read_text() + session)
    get_token(Instance(emu.start_url, emu.region, "s"), ui=Browser(), options=FAST, use_device_code=True)
    _expire(Instance(emu.start_url, emu.region, "s"))
    assert run_cli("roles", "--sso-session", "s", "--refresh").returncode == 4  # leaves a failure marker
    created = [aws_home / "ssodeck-cache", aws_home / ".aws" / "sso", aws_home / ".aws" / "cli"]
    seen = 0
    for top in created:
        for path in [top, *top.rglob("*")]:
            mode = stat.S_IMODE(path.stat().st_mode)
            assert mode == (0o700 if path.is_dir() else 0o600), f"{path} is {oct(mode)}"
            seen += 1
    assert any(p.suffix == ".mark" for p in (aws_home / "ssodeck-cache").rglob("*"))
    assert seen > 8


def _expire(instance: Instance) -> None:
    from datetime import timedelta

    from app.models import utcnow

    token = token_cache.load_token(instance)
    token_cache.save_token(instance, token._replace(expires_at=utcnow() - timedelta(minutes=1)))
