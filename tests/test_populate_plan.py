"""Planning ``configure populate`` / ``configure profile``: values, names, sessions, pruning."""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

import botocore.configloader
import pytest

from app.models import Instance, Role
from app.services.config_editor import apply_edit, read_config_text
from app.services.errors import ConfigError
from app.services.populate import parse_defaults, plan_populate, plan_profile, profile_values
from app.services.profile_names import NamingOptions

URL = "https://d-1234567890.awsapps.com/start"
INSTANCE = Instance(URL, "eu-west-1")
ROLES = [
    Role("111111111111", "AdministratorAccess", "Dev"),
    Role("111111111111", "ReadOnlyAccess", "Dev"),
    Role("222222222222", "ReadOnlyAccess", "[Sandbox] Team A"),
    Role("333333333333", "ReadOnlyAccess", ""),
]


def populate(text: str = "", roles=ROLES, **overrides):
    options = dict(
        instance=INSTANCE, regions=["us-east-1"], naming=NamingOptions(), defaults={}, existing_action="keep",
        credential_process=None, sso_session=None, prune=False,
    )  # fmt: skip
    options.update(overrides)
    return plan_populate(Path("/cfg/config"), text, roles, **options)


def read_back(text: str, tmp_path: Path) -> dict:
    path = tmp_path / "read-back"
    path.write_text(text)
    return botocore.configloader.build_profile_map(botocore.configloader.raw_config_parse(str(path)))


def test_legacy_values_in_aws_sso_util_order() -> None:
    values = profile_values(
        INSTANCE, "111111111111", "Dev Team", "Admin", "us-east-1", name="Dev Team.Admin", sso_session=None,
        defaults={"Output": "json", "cli_pager": ""}, credential_process="ssodeck credential-process",
    )  # fmt: skip
    assert values == [
        ("sso_start_url", URL),
        ("sso_region", "eu-west-1"),
        ("sso_account_name", "Dev Team"),
        ("sso_account_id", "111111111111"),
        ("sso_role_name", "Admin"),
        ("region", "us-east-1"),
        ("output", "json"),
        ("cli_pager", ""),
        ("credential_process", "ssodeck credential-process --profile 'Dev Team.Admin'"),
        ("sso_auto_populated", "true"),
    ]


def test_session_values_and_no_account_name_when_it_is_the_id() -> None:
    values = profile_values(
        INSTANCE, "111111111111", "111111111111", "Admin", "us-east-1", name="x", sso_session="corp",
        defaults={}, credential_process=None, auto_populated=False,
    )  # fmt: skip
    assert values == [("sso_session", "corp"), ("sso_account_id", "111111111111"), ("sso_role_name", "Admin"), ("region", "us-east-1")]


def test_defaults_cannot_override_generated_keys() -> None:
    with pytest.raises(ConfigError, match="-c region"):
        profile_values(INSTANCE, "1", "a", "r", "us-east-1", name="x", sso_session=None, defaults={"Region": "x"}, credential_process=None)


def test_populate_writes_sorted_profiles_that_botocore_reads(tmp_path: Path) -> None:
    edit = populate(regions=["us-east-1", "eu-west-1"], defaults={"output": "json"}, credential_process="ssodeck credential-process")
    names = [line[len("[profile ") : -1] for line in edit.after.splitlines() if line.startswith("[")]
    assert names == sorted(names) and len(names) == 8
    assert names[:3] == ["333333333333.ReadOnlyAccess", "333333333333.ReadOnlyAccess.euwe1", "Dev.AdministratorAccess"]
    profiles = read_back(edit.after, tmp_path)["profiles"]
    assert profiles["Sandbox-Team-A.ReadOnlyAccess.euwe1"] == {
        "sso_start_url": URL,
        "sso_region": "eu-west-1",
        "sso_account_name": "[Sandbox] Team A",
        "sso_account_id": "222222222222",
        "sso_role_name": "ReadOnlyAccess",
        "region": "eu-west-1",
        "output": "json",
        "credential_process": "ssodeck credential-process --profile Sandbox-Team-A.ReadOnlyAccess.euwe1",
        "sso_auto_populated": "true",
    }
    assert edit.summary() == {"add": 8, "change": 0, "remove": 0, "unchanged": 0}


def test_accounts_sharing_a_name_are_told_apart_by_account_id() -> None:
    roles = [*ROLES, Role("444444444444", "ReadOnlyAccess", "Dev"), Role("555555555555", "ReadOnlyAccess", "Sandbox Team A")]
    edit = populate(roles=roles)
    headers = [line for line in edit.after.splitlines() if line.startswith("[")]
    assert headers == [
        "[profile 333333333333.ReadOnlyAccess]",
        "[profile Dev-111111111111.ReadOnlyAccess]",
        "[profile Dev-444444444444.ReadOnlyAccess]",
        "[profile Dev.AdministratorAccess]",  # no clash: left alone
        "[profile Sandbox-Team-A-222222222222.ReadOnlyAccess]",
        "[profile Sandbox-Team-A-555555555555.ReadOnlyAccess]",
    ]
    assert edit.renamed == (
        ("Dev.ReadOnlyAccess", "Dev-111111111111.ReadOnlyAccess"),
        ("Dev.ReadOnlyAccess", "Dev-444444444444.ReadOnlyAccess"),
        ("Sandbox-Team-A.ReadOnlyAccess", "Sandbox-Team-A-222222222222.ReadOnlyAccess"),
        ("Sandbox-Team-A.ReadOnlyAccess", "Sandbox-Team-A-555555555555.ReadOnlyAccess"),
    )
    assert populate(roles=list(reversed(roles))).after == edit.after  # stable whatever the listing order


def test_a_clash_within_one_account_is_still_refused() -> None:
    roles = [Role("111111111111", "ReadOnlyAccess", "Dev"), Role("111111111111", "ReadOnlyAccess-v2", "Dev")]
    with pytest.raises(ConfigError, match="would be shared"):
        populate(roles=roles, naming=NamingOptions(trim_role_name=("-v2$",)))


def test_duplicate_names_are_refused_with_their_sources() -> None:
    roles = [*ROLES, Role("444444444444", "ReadOnlyAccess", "Dev"), Role("555555555555", "ReadOnlyAccess", "Sandbox Team A")]
    with pytest.raises(ConfigError) as error:
        populate(roles=roles, on_duplicate="error")
    message = str(error.value)
    assert message.startswith("2 profile name(s) would be shared")
    assert "Dev.ReadOnlyAccess <- 111111111111 (Dev)/ReadOnlyAccess, 444444444444 (Dev)/ReadOnlyAccess" in message
    assert "Sandbox-Team-A.ReadOnlyAccess <- 222222222222 ([Sandbox] Team A)/ReadOnlyAccess, 555555555555 (Sandbox Team A)/ReadOnlyAccess" in message


def test_skipped_profiles_are_left_out() -> None:
    script = f"{shlex.quote(sys.executable)} -c " + shlex.quote(
        "import sys; print('SKIP' if sys.argv[3] == 'ReadOnlyAccess' else sys.argv[1] + '-' + sys.argv[3])"
    )
    edit = populate(naming=NamingOptions(profile_name_process=script))
    assert [line for line in edit.after.splitlines() if line.startswith("[")] == ["[profile Dev-AdministratorAccess]"]


def test_sso_session_layout(tmp_path: Path) -> None:
    edit = populate(roles=ROLES[:1], sso_session="corp")
    assert edit.after == (
        "[sso-session corp]\n"
        f"sso_start_url = {URL}\n"
        "sso_region = eu-west-1\n"
        "sso_registration_scopes = sso:account:access\n"
        "\n"
        "[profile Dev.AdministratorAccess]\n"
        "sso_session = corp\n"
        "sso_account_name = Dev\n"
        "sso_account_id = 111111111111\n"
        "sso_role_name = AdministratorAccess\n"
        "region = us-east-1\n"
        "sso_auto_populated = true\n"
    )
    parsed = read_back(edit.after, tmp_path)
    assert parsed["sso_sessions"]["corp"]["sso_start_url"] == URL


def test_existing_session_keeps_its_scopes_and_must_match_the_url() -> None:
    text = f"[sso-session corp]\nsso_start_url = {URL}\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access,codewhisperer:completions\n"
    edit = populate(text, roles=ROLES[:1], sso_session="corp")
    assert edit.after.startswith(text + "\n[profile Dev.AdministratorAccess]\n")
    with pytest.raises(ConfigError, match=r"\[sso-session corp\] in /cfg/config is for https://other.awsapps.com/start"):
        populate(text.replace(URL, "https://other.awsapps.com/start"), roles=ROLES[:1], sso_session="corp")


PRUNE_SEED = f"""\
# hand-written, keep
[profile mine]
sso_start_url = {URL}
sso_account_id = 999999999999
sso_role_name = Admin

[profile Gone.Admin]
sso_start_url = {URL}
sso_region = eu-west-1
sso_account_id = 999999999999
sso_role_name = Admin
sso_auto_populated = true

[profile other-instance]
sso_start_url = https://other.awsapps.com/start
sso_auto_populated = true

[profile session-gone]
sso_session = corp
sso_auto_populated = true

[profile Dev.AdministratorAccess]
sso_start_url = {URL}
sso_region = eu-west-1
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
region = us-east-1
sso_auto_populated = true
"""


def test_prune_removes_only_stale_auto_populated_profiles_of_this_instance() -> None:
    edit = populate(PRUNE_SEED, roles=ROLES[:1], prune=True)
    assert {c.section for c in edit.changes if c.kind == "remove"} == {"profile Gone.Admin"}
    assert "[profile mine]" in edit.after and "[profile other-instance]" in edit.after and "[profile session-gone]" in edit.after
    session = populate(PRUNE_SEED, roles=ROLES[:1], prune=True, sso_session="corp")
    assert {c.section for c in session.changes if c.kind == "remove"} == {"profile Gone.Admin", "profile session-gone"}
    assert populate(PRUNE_SEED, roles=ROLES[:1], prune=False).summary()["remove"] == 0


def test_keep_re_run_is_a_no_op_and_apply_round_trips(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text(PRUNE_SEED)
    kwargs = dict(instance=INSTANCE, regions=["us-east-1"], naming=NamingOptions(), defaults={"output": "json"}, existing_action="keep",
                  credential_process="ssodeck credential-process", sso_session=None, prune=True)  # fmt: skip
    apply_edit(plan_populate(config, read_config_text(config), ROLES, **kwargs))
    written = config.read_bytes()
    again = plan_populate(config, read_config_text(config), ROLES, **kwargs)
    assert not again.changed and again.summary() == {"add": 0, "change": 0, "remove": 0, "unchanged": 4}
    apply_edit(again)
    assert config.read_bytes() == written


def test_plan_profile_for_configure_profile() -> None:
    text = "[profile dev]\nregion = eu-west-1\ncredential_process = old --profile dev\n"
    values = [("sso_start_url", URL), ("sso_region", "eu-west-1"), ("sso_account_id", "1"), ("sso_role_name", "Admin"), ("region", "eu-west-1")]
    edit = plan_profile(Path("/cfg/config"), text, "dev", values, "keep", drop_keys=["credential_process"])
    assert edit.after == (
        f"[profile dev]\nregion = eu-west-1\nsso_start_url = {URL}\nsso_region = eu-west-1\nsso_account_id = 1\nsso_role_name = Admin\n"
    )
    assert edit.changes[0].kind == "change"


def test_populate_needs_a_region() -> None:
    with pytest.raises(ConfigError, match="at least one region"):
        populate(regions=[])


def test_switching_layout_moves_a_profile_wholly(tmp_path: Path) -> None:
    legacy = populate(roles=ROLES[:1]).after
    session = populate(legacy, roles=ROLES[:1], sso_session="corp", existing_action="keep").after
    profile = read_back(session, tmp_path)["profiles"]["Dev.AdministratorAccess"]
    assert profile["sso_session"] == "corp" and "sso_start_url" not in profile and "sso_region" not in profile
    back = populate(session, roles=ROLES[:1], existing_action="keep").after
    profile = read_back(back, tmp_path)["profiles"]["Dev.AdministratorAccess"]
    assert profile["sso_start_url"] == URL and "sso_session" not in profile


def test_plan_profile_plans_its_session_like_populate() -> None:
    session = Instance(URL, "eu-west-1", "corp")
    values = [("sso_session", "corp"), ("sso_account_id", "1"), ("sso_role_name", "Admin"), ("region", "eu-west-1")]
    edit = plan_profile(Path("/cfg/config"), "", "dev", values, "keep", session=session)
    assert edit.after == (
        f"[sso-session corp]\nsso_start_url = {URL}\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n\n"
        "[profile dev]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = Admin\nregion = eu-west-1\n"
    )
    # an existing session keeps its scopes and stays as it is; one for another URL is refused
    again = plan_profile(Path("/cfg/config"), edit.after, "dev", values, "keep", session=session)
    assert not again.changed
    other = edit.after.replace(URL, "https://other.awsapps.com/start")
    with pytest.raises(ConfigError, match=r"\[sso-session corp\] in /cfg/config is for https://other.awsapps.com/start"):
        plan_profile(Path("/cfg/config"), other, "dev", values, "keep", session=session)


def test_populate_runs_no_sample_when_the_caller_validated(tmp_path: Path) -> None:
    log = tmp_path / "calls"
    script = f"{shlex.quote(sys.executable)} -c " + shlex.quote(
        f"import sys; open({str(log)!r}, 'a').write(sys.argv[3] + '\\n'); print(sys.argv[2] + '-' + sys.argv[3])"
    )
    populate(roles=ROLES[:1], naming=NamingOptions(profile_name_process=script), naming_validated=True)
    assert log.read_text().splitlines() == ["AdministratorAccess"]
    populate(roles=ROLES[:1], naming=NamingOptions(profile_name_process=script))  # alone, it validates first
    assert log.read_text().splitlines() == ["AdministratorAccess", "baz", "AdministratorAccess"]


def test_populate_drop_keys_remove_credential_process_from_written_profiles() -> None:
    seeded = populate(roles=ROLES[:1], credential_process="aws-sso-util credential-process").after
    assert "credential_process = aws-sso-util" in seeded
    migrated = populate(seeded, roles=ROLES[:1], credential_process="ssodeck credential-process").after
    assert "credential_process = ssodeck credential-process --profile Dev.AdministratorAccess" in migrated
    dropped = populate(migrated, roles=ROLES[:1], drop_keys=("credential_process",)).after
    assert "credential_process" not in dropped


@pytest.mark.parametrize(
    ("pairs", "process", "message"),
    [
        (["output"], None, "-c 'output' is not KEY=VALUE"),
        (["=json"], None, "-c '=json' is not KEY=VALUE"),
        (["Region=x"], None, "-c region=... cannot be used: ssodeck sets region itself"),
        (["sso_account_name=x"], None, "ssodeck sets sso_account_name itself"),
        (["credential_process=x"], "ssodeck credential-process", "ssodeck sets credential_process itself"),
        (["my key=x"], None, "-c 'my key'=... cannot be written as a key"),
    ],
)
def test_defaults_are_checked_up_front(pairs: list[str], process: str | None, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        parse_defaults(pairs, credential_process=process)


def test_defaults_parse_to_lower_case_keys() -> None:
    assert parse_defaults([" Output = json", "cli_pager=", "credential_process=mine"], credential_process=None) == {
        "output": "json", "cli_pager": "", "credential_process": "mine",
    }  # fmt: skip
