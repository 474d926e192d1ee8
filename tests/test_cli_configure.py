"""configure populate / profile over the emulator, and the clients that read the result."""

from __future__ import annotations

import os
import subprocess
import sys

from click.testing import CliRunner

from app.models import Instance
from app.services.auth import get_token
from support import FAST, Browser, run_cli, write_config

USER_CONFIG = "# keep me\n[default]\nregion = us-west-2\ns3 =\n  max_concurrent_requests = 20\n\n[profile mine]\noutput = json  ; inline\n"


def _login(emu, session: str | None = None) -> None:
    get_token(Instance(emu.start_url, emu.region, session), ui=Browser(), options=FAST)


def _visible(emu) -> int:
    return sum(len(roles) for _, roles in emu.org.portal_view(emu.org.default_user))


def test_dry_run_prints_a_diff_and_writes_nothing(emu, aws_home):
    path = write_config(aws_home, USER_CONFIG)
    _login(emu)
    done = run_cli("configure", "populate", "--region", "eu-west-1", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"--- {path}") and "+[profile " in done.stdout
    assert f"{_visible(emu)} added" in done.stderr
    assert path.read_text() == USER_CONFIG


def test_a_region_given_twice_counts_once_where_it_first_came(emu, aws_home):
    path = write_config(aws_home, USER_CONFIG)
    _login(emu)
    once = run_cli("configure", "populate", "-r", "us-east-1", "-r", "eu-west-1", "--dry-run")
    twice = run_cli("configure", "populate", "-r", "us-east-1", "-r", "eu-west-1", "-r", "us-east-1", "-r", "eu-west-1", "--dry-run")
    assert twice.returncode == once.returncode == 0, twice.stderr
    assert f"{2 * _visible(emu)} added" in twice.stderr
    assert twice.stdout == once.stdout  # us-east-1 the first region (names without it), eu-west-1 the second
    written = run_cli("configure", "populate", "-r", "eu-west-1", "-r", "eu-west-1")
    assert written.returncode == 0 and f"{_visible(emu)} added" in written.stderr
    assert path.read_text().count("[profile ") == _visible(emu) + 1  # and [profile mine]


def test_populate_keeps_user_lines_and_reruns_byte_identical(emu, aws_home):
    path = write_config(aws_home, USER_CONFIG)
    _login(emu)
    done = run_cli("configure", "populate", "--region", "eu-west-1", "--region", "us-east-1")
    assert done.returncode == 0, done.stderr
    text = path.read_text()
    assert text.startswith(USER_CONFIG)
    assert text.count("sso_auto_populated = true") == 2 * _visible(emu)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert (path.parent / "config.bak").read_text() == USER_CONFIG
    again = run_cli("configure", "populate", "--region", "eu-west-1", "--region", "us-east-1")
    assert again.returncode == 0 and "0 added, 0 changed, 0 removed" in again.stderr
    assert path.read_text() == text


def test_populated_profiles_resolve_in_botocore_and_the_aws_cli(emu, aws_home):
    write_config(aws_home, USER_CONFIG)
    _login(emu)
    assert run_cli("configure", "populate", "--region", "us-east-1", "--components", "account_id,role_name").returncode == 0
    account, roles = emu.org.portal_view(emu.org.default_user)[0]
    legacy = f"{account.account_id}.{roles[0]}"
    _login(emu, "corp")
    assert run_cli("configure", "populate", "--region", "us-east-1", "--sso-session", "corp", "--components", "account_id,role_name,literal-s").returncode == 0
    session = f"{account.account_id}.{roles[0]}.literal-s"
    script = "import sys, boto3; print(boto3.Session(profile_name=sys.argv[1]).client('sts').get_caller_identity()['Account'])"
    for profile in (legacy, session):
        done = subprocess.run([sys.executable, "-c", script, profile], capture_output=True, text=True, env=dict(os.environ), timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == account.account_id


def test_bad_input_changes_nothing(emu, aws_home):
    path = write_config(aws_home, USER_CONFIG)
    _login(emu)
    bad_regex = run_cli("configure", "populate", "--region", "us-east-1", "--trim-account-name", "([")
    assert bad_regex.returncode == 2 and bad_regex.stderr.count("\n") == 1 and "--trim-account-name" in bad_regex.stderr
    no_region = run_cli("configure", "populate")
    assert no_region.returncode == 2 and "--region" in no_region.stderr
    duplicate = run_cli("configure", "populate", "--region", "us-east-1", "--components", "literal")
    assert duplicate.returncode == 2 and "would be shared by several roles" in duplicate.stderr
    assert path.read_text() == USER_CONFIG
    broken = USER_CONFIG + "[profile mine]\n"
    write_config(aws_home, broken)
    malformed = run_cli("configure", "populate", "--region", "us-east-1")
    assert malformed.returncode == 2 and "line 9" in malformed.stderr and "Traceback" not in malformed.stderr
    assert path.read_text() == broken


def test_prune_removes_only_unreachable_populated_profiles(emu, aws_home):
    path = write_config(aws_home, USER_CONFIG)
    _login(emu)
    assert run_cli("configure", "populate", "--region", "us-east-1").returncode == 0
    stale = f"\n[profile gone]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\nsso_account_id = 000000000000\nsso_role_name = Old\nsso_auto_populated = true\n"
    hand = f"\n[profile hand-made]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\nsso_account_id = 000000000000\nsso_role_name = Old\n"
    path.write_text(path.read_text() + stale + hand)
    done = run_cli("configure", "populate", "--region", "us-east-1", "--prune")
    assert done.returncode == 0 and "1 removed" in done.stderr
    text = path.read_text()
    assert "[profile gone]" not in text and "[profile hand-made]" in text


def test_configure_profile_non_interactive_and_missing_values(emu, aws_home):
    path = write_config(aws_home, USER_CONFIG)
    _login(emu)
    account, roles = emu.org.portal_view(emu.org.default_user)[0]
    done = run_cli("configure", "profile", "work", "-a", account.account_id, "-r", roles[0], "--region", "eu-central-1", "--non-interactive", "-c", "output=json")
    assert done.returncode == 0, done.stderr
    text = path.read_text()
    assert "[profile work]" in text and f"sso_account_id = {account.account_id}" in text and "output = json" in text
    assert "sso_auto_populated" not in text.split("[profile work]")[1]
    missing = run_cli("configure", "profile", "other", "--non-interactive")
    assert missing.returncode == 2 and "--account-id" in missing.stderr
    # re-pointing an existing profile keeps its other values
    again = run_cli("configure", "profile", "work", "-r", roles[-1], "--non-interactive")
    assert again.returncode == 0 and f"sso_role_name = {roles[-1]}" in path.read_text()


def test_configure_profile_pickers(emu, aws_home, monkeypatch):
    from headless.commands import configure as configure_module
    from headless.group import cli

    write_config(aws_home, USER_CONFIG)
    _login(emu)
    monkeypatch.setattr(configure_module, "stdin_is_terminal", lambda: True)
    accounts = sorted((a for a, _ in emu.org.portal_view(emu.org.default_user)), key=lambda a: a.name.lower())
    target = accounts[1]
    roles = sorted(emu.org.roles_for(emu.org.default_user, target.account_id), key=str.lower)
    # filter by typing part of the account ID, then pick the only match and the first role
    answers = f"{target.account_id[-6:]}\n1\n1\nap-south-1\n"
    result = CliRunner().invoke(cli, ["configure", "profile", "picked"], input=answers)
    assert result.exit_code == 0, result.output
    text = (aws_home / ".aws" / "config").read_text()
    section = text.split("[profile picked]")[1]
    assert f"sso_account_id = {target.account_id}" in section and f"sso_role_name = {roles[0]}" in section
    assert "region = ap-south-1" in section


def test_configure_profile_in_a_terminal_asks_only_for_what_is_missing(aws_home, monkeypatch):
    from app.services import roles as role_service
    from headless.commands import configure as configure_module
    from headless.group import cli

    def no_listing(*args, **kwargs):
        raise AssertionError("listed roles although account and role were given")

    monkeypatch.setattr(configure_module, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr(role_service, "get_listing", no_listing)
    instance = ["-u", "https://d-1234567890.awsapps.com/start", "--sso-region", "eu-west-1"]
    complete = CliRunner().invoke(cli, ["configure", "profile", "full", *instance, "-a", "111111111111", "-r", "Admin", "--region", "us-east-1"], input="")
    assert complete.exit_code == 0, complete.output
    assert "Default AWS region" not in complete.output and "region = us-east-1" in (aws_home / ".aws" / "config").read_text()
    # only the region is missing: one prompt (defaulting to the instance's region), still no listing
    region_only = CliRunner().invoke(cli, ["configure", "profile", "partial", *instance, "-a", "111111111111", "-r", "Admin"], input="\n")
    assert region_only.exit_code == 0, region_only.output
    assert region_only.output.count("Default AWS region") == 1
    assert "region = eu-west-1" in (aws_home / ".aws" / "config").read_text().split("[profile partial]")[1]


def test_configure_profile_with_a_new_sso_session(aws_home):
    path = write_config(aws_home, "")
    flags = ("-u", "https://d-1234567890.awsapps.com/start", "--sso-region", "eu-west-1", "--sso-session", "corp")
    done = run_cli("configure", "profile", "dev", *flags, "-a", "111111111111", "-r", "Admin", "--region", "us-east-1", "--non-interactive")
    assert done.returncode == 0, done.stderr
    assert "Also writing [sso-session corp]" in done.stderr
    text = path.read_text()
    assert text.startswith("[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\n")
    assert "[profile dev]\nsso_session = corp\n" in text
    again = run_cli("configure", "profile", "dev", "--sso-session", "corp", "--non-interactive")
    assert again.returncode == 0 and "Also writing" not in again.stderr and path.read_text() == text


def test_prune_never_trusts_a_cached_listing(emu, aws_home):
    write_config(aws_home, USER_CONFIG)
    _login(emu)
    assert run_cli("configure", "populate", "--region", "us-east-1").returncode == 0
    emu.reset_counters()
    cached = run_cli("configure", "populate", "--region", "us-east-1")
    assert cached.returncode == 0 and "(cached listing)" in cached.stderr and emu.counts()["ListAccounts"] == 0
    pruned = run_cli("configure", "populate", "--region", "us-east-1", "--prune")
    assert pruned.returncode == 0, pruned.stderr
    assert "(cached listing)" not in pruned.stderr and emu.counts()["ListAccounts"] >= 1


def test_naming_process_sample_runs_once_per_populate(emu, aws_home, tmp_path):
    write_config(aws_home, "")
    _login(emu)
    log = tmp_path / "names.log"
    script = f"import sys; open({str(log)!r}, 'a').write(' '.join(sys.argv[1:4]) + '\\n'); print(sys.argv[2] + '.' + sys.argv[3])"
    done = run_cli("configure", "populate", "--region", "us-east-1", "--profile-name-process", f"{sys.executable} -c \"{script}\"")
    assert done.returncode == 0, done.stderr
    lines = log.read_text().splitlines()
    assert lines.count("foo bar baz") == 1 and len(lines) == 1 + _visible(emu)


def test_bad_config_defaults_fail_before_any_network_call(emu, aws_home):
    path = write_config(aws_home, USER_CONFIG)
    for args in (
        ("populate", "--region", "us-east-1", "-c", "region=eu-west-1"),
        ("populate", "--region", "us-east-1", "-c", "output"),
        ("profile", "x", "-a", "111111111111", "-r", "Admin", "--region", "us-east-1", "-c", "nonsense", "--non-interactive"),
        ("profile", "x", "-a", "111111111111", "-r", "Admin", "--region", "us-east-1", "-c", "sso_role_name=Other", "--non-interactive"),
    ):
        done = run_cli("configure", *args)
        assert done.returncode == 2 and done.stderr.count("\n") == 1 and done.stderr.startswith("ssodeck: -c "), (args, done.stderr)
    assert not emu.counts() and path.read_text() == USER_CONFIG


def test_keep_mode_leaves_hand_written_profiles_with_generated_names(emu, aws_home):
    path = write_config(aws_home, USER_CONFIG)
    _login(emu)
    account, roles = emu.org.portal_view(emu.org.default_user)[0]
    generated = f"{account.account_id}.{roles[0]}"
    mine = f"\n[profile {generated}]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\nsso_account_id = 111111111111\nsso_role_name = MyOwnRole\noutput = yaml\n"
    path.write_text(USER_CONFIG + mine)
    done = run_cli("configure", "populate", "--region", "us-east-1", "--components", "account_id,role_name")
    assert done.returncode == 0, done.stderr
    assert "hand-written" in done.stderr and generated in done.stderr
    assert mine in path.read_text()
    forced = run_cli("configure", "populate", "--region", "us-east-1", "--components", "account_id,role_name", "--existing-config-action", "overwrite")
    assert forced.returncode == 0 and "sso_role_name = MyOwnRole" not in path.read_text()


def test_new_session_name_on_a_url_with_two_sessions(emu, aws_home):
    write_config(aws_home, f"[sso-session a]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\n\n[sso-session b]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\n")
    _login(emu, "fresh")
    done = run_cli("configure", "populate", "--sso-session", "fresh", "-u", emu.start_url, "--sso-region", emu.region, "--region", "us-east-1", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "+[sso-session fresh]" in done.stdout


def test_disabling_credential_process_by_env_or_flag_is_the_same(emu, aws_home):
    write_config(aws_home, USER_CONFIG)
    _login(emu)
    assert run_cli("configure", "populate", "--region", "us-east-1").returncode == 0
    by_flag = run_cli("configure", "populate", "--region", "us-east-1", "--no-credential-process", "--dry-run")
    by_env = run_cli("configure", "populate", "--region", "us-east-1", "--dry-run", env={"AWS_CONFIGURE_SSO_DISABLE_CREDENTIAL_PROCESS": "1"})
    assert by_flag.stdout == by_env.stdout and "-credential_process" in by_flag.stdout


def test_keep_mode_never_marks_a_hand_written_profile_as_populated(emu, aws_home):
    path = write_config(aws_home, USER_CONFIG)
    _login(emu)
    account, roles = emu.org.portal_view(emu.org.default_user)[0]
    name = f"{account.account_id}.{roles[0]}"
    mine = f"\n[profile {name}]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\nsso_account_id = {account.account_id}\nsso_role_name = {roles[0]}\n"
    path.write_text(USER_CONFIG + mine)
    assert run_cli("configure", "populate", "--region", "us-east-1", "--components", "account_id,role_name").returncode == 0
    section = path.read_text().split(f"[profile {name}]")[1].split("\n[")[0]
    assert "sso_auto_populated" not in section and "region = us-east-1" in section
