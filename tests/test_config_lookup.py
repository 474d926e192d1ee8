"""credential-process's warm path reads one profile (and its sso-session) without parsing the
whole config, and whatever it reads is what the full parse (and so botocore) reads."""

from __future__ import annotations

import configparser
import os
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.models import Instance, RoleCredentials, utcnow
from app.services import credential_cache, ini
from app.services.awsconfig import build_config
from app.services.config_lookup import find_profile
from app.services.errors import ConfigError
from headless.commands.credential_fast import serve_from_cache
from support import write_config
from test_config_parsing import TEXT
from test_config_properties import PROFILE_NAMES, configs, render

NAMES = [*PROFILE_NAMES, "a b", "x.y", "d'q"]


def check_against_full_parse(text: str, name: str, tmp_path: Path, *, must_find: bool) -> None:
    path = tmp_path / "config"
    path.write_bytes(text.encode())
    found = find_profile(str(path), name)
    try:
        full = build_config(text, path)
    except ConfigError:
        return  # botocore refuses the whole file; the warm path does not check other sections
    if found is None:
        assert not (must_find and name in full.profiles), f"profile {name!r} not found"
        return
    assert found.profiles == {name: full.profiles[name]}
    for session, values in found.sso_sessions.items():
        assert full.sso_sessions[session] == values
    session = full.profiles[name].get("sso_session")
    if must_find and isinstance(session, str) and session.strip() in full.sso_sessions:
        assert found.sso_sessions == {session.strip(): full.sso_sessions[session.strip()]}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=TEXT, name=st.sampled_from(NAMES))
def test_any_text_gives_the_full_parse_or_nothing(text: str, name: str, tmp_path: Path) -> None:
    check_against_full_parse(text, name, tmp_path, must_find=False)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(config=configs(), name=st.sampled_from(NAMES))
def test_well_formed_configs_always_answer_from_the_sections_alone(config, name: str, tmp_path: Path) -> None:
    check_against_full_parse(render(*config), name, tmp_path, must_find=True)


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("[profile dev]\nregion = a\n[profile \"dev\"]\nregion = b\n", {"region": "b"}),  # the later one wins
        ("[profile dev]\nregion = a\n  [profile dev]\noutput = b\n", {"region": "a\n[profile dev]", "output": "b"}),  # a continuation, not a header
        ("[profile x]\n  [profile dev]\nregion = b\n", {"region": "b"}),  # an indented header right after a header is one
        ("[profile dev]\nregion = a\n[profile other]\nx = 1\n[profile dev]\nregion = b\n", None),  # botocore refuses the repeat
        ("[DEFAULT]\nregion = a\n[profile dev]\noutput = json\n", None),
        ("[profile d\\ev]\nregion = a\n", {"region": "a"}),
        ("[profile dev]\r\nregion = a\r\n", {"region": "a"}),
        ("[profile dev]\nregion = a\nbad line\n", None),
    ],
)
def test_awkward_headers(text: str, answer: dict | None, tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_bytes(text.encode())
    found = find_profile(str(path), "dev")
    assert (found.profiles["dev"] if found else None) == answer


def test_warm_credential_process_reads_only_its_sections(aws_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    start_url = "https://d-1234567890.awsapps.com/start"
    profiles = "".join(
        f"[profile team-{n}.Admin]\nsso_session = corp\nsso_account_id = {n:012d}\nsso_role_name = Admin\nregion = eu-west-1\n\n" for n in range(1, 3001)
    )
    text = f"# generated\n[sso-session corp]\nsso_start_url = {start_url}\nsso_region = us-east-1\n\n{profiles}"
    write_config(aws_home, text)
    credentials = RoleCredentials("ASIAEXAMPLE", "secret", "token", utcnow() + timedelta(hours=1), "000000001234")
    credential_cache.save(Instance(start_url, "us-east-1", "corp"), "000000001234", "Admin", credentials)
    scanned: list[int] = []
    real_scan = ini.scan

    def counting_scan(chunk: str) -> ini.Sections:
        scanned.append(len(chunk))
        return real_scan(chunk)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("configparser read the config")

    monkeypatch.setattr(ini, "scan", counting_scan)
    monkeypatch.setattr(configparser.RawConfigParser, "read_string", refuse)
    assert serve_from_cache(["--profile", "team-1234.Admin"])
    assert '"AccessKeyId":"ASIAEXAMPLE"' in capsys.readouterr().out
    assert len(scanned) == 2 and sum(scanned) < 300 < len(text) // 1000  # the profile's chunk and the session's
    assert os.path.getsize(os.environ["AWS_CONFIG_FILE"]) == len(text)
