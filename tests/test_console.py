"""``ssodeck console``: federation sign-in against the emulator over real HTTP, plus the pure
region, destination and config-token rules.

The sign-in URL is a secret: every CLI test checks it never reaches stderr.
"""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from app.models import Instance
from app.services import clipboard as system_clipboard
from app.services import config_token as tokens
from app.services import console as federation
from app.services.auth import get_token
from app.services.errors import ConfigError, ServiceError
from headless import clipboard
from support import FAST, Browser, follow, run_cli, write_config

REFERENCE_TOKEN = (
    "eyJ2IjoiMSIsInNzb3VybCI6Imh0dHBzOi8vZXhhbXBsZS5hd3NhcHBzLmNvbS9zdGFydCIsInNzb3JlZyI6InVzLWVhc3QtMiIsInVybCI6"
    "Imh0dHBzOi8vc2lnbmluLmF3cy5hbWF6b24uY29tL2ZlZGVyYXRpb24iLCJkc3QiOiJodHRwczovL2NvbnNvbGUuYXdzLmFtYXpvbi5jb20vIn0="
)
NO_ENDPOINT_OVERRIDE: dict[str, str] = {}
# conftest points SSODECK_FEDERATION_ENDPOINT at a dead port; an empty value means "no override"
REAL_ENDPOINTS = {"SSODECK_FEDERATION_ENDPOINT": ""}


# -- helpers ------------------------------------------------------------------------------


def login(emu) -> None:
    get_token(Instance(emu.start_url, emu.region), ui=Browser(), options=FAST)


def assigned(emu) -> tuple[str, str]:
    account, roles = emu.org.portal_view(emu.user)[0]
    return account.account_id, roles[0]


def unassigned(emu) -> tuple[str, str]:
    account, roles = emu.org.portal_view(emu.user)[0]
    return account.account_id, "NoSuchRole" if "NoSuchRole" not in roles else "NoSuchRole2"


def signin_url(result: subprocess.CompletedProcess) -> str:
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stderr
    assert len(lines) == 1, result.stdout
    return lines[0]


def assert_clean_failure(result: subprocess.CompletedProcess, code: int) -> str:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def usage_error(result: subprocess.CompletedProcess) -> str:
    """Click's usage errors: exit 2, a usage hint, then one "Error: ..." line."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == "" and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def assert_no_secret(result: subprocess.CompletedProcess, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in result.stderr
    assert "SigninToken" not in result.stderr and "Action=login" not in result.stderr


def fake_program(directory: Path, name: str, body: str) -> Path:
    path = directory / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


# -- launch against the emulator ------------------------------------------------------------


def test_launch_print_gives_a_url_that_signs_in_to_the_console(emu) -> None:
    login(emu)
    account, role = assigned(emu)
    result = run_cli("console", "launch", "--print", "-a", account, "-r", role)
    url = signin_url(result)
    assert url.startswith(emu.url + "/federation?Action=login&")
    query = parse_qs(urlsplit(url).query)
    assert query["Destination"] == ["https://console.aws.amazon.com/"]
    assert query["Issuer"] == [emu.start_url]
    assert_no_secret(result, url, query["SigninToken"][0])
    assert follow(url) == (302, "https://console.aws.amazon.com/")
    assert emu.console_destinations() == ["https://console.aws.amazon.com/"]
    assert emu.counts()["GetSigninToken"] == 1
    sent = [r for r in emu.requests() if r["op"] == "GetSigninToken"][0]
    assert sent["method"] == "GET" and "SessionDuration" not in sent["query"]


def test_launch_region_destination_and_duration(emu) -> None:
    login(emu)
    account, role = assigned(emu)
    result = run_cli(
        "console", "launch", "-p", "-a", account, "-r", role, "--region", "eu-west-1",
        "--destination", "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#Instances:",
        "--override-region-in-destination", "--duration", "60",
    )
    url = signin_url(result)
    wanted = "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:"
    assert follow(url) == (302, wanted)
    assert emu.console_destinations() == [wanted]
    sent = [r for r in emu.requests() if r["op"] == "GetSigninToken"][0]
    assert sent["query"]["SessionDuration"] == "3600"
    assert_no_secret(result, url)


def test_launch_env_defaults_for_region_and_destination(emu) -> None:
    login(emu)
    account, role = assigned(emu)
    env = {"AWS_CONSOLE_DEFAULT_REGION": "ap-southeast-2", "AWS_CONSOLE_DEFAULT_DESTINATION": "/s3/home"}
    url = signin_url(run_cli("console", "launch", "--print", "-a", account, "-r", role, env=env))
    assert parse_qs(urlsplit(url).query)["Destination"] == ["https://ap-southeast-2.console.aws.amazon.com/s3/home?region=ap-southeast-2"]


def test_launch_with_profile_from_the_config_file(emu, aws_home: Path) -> None:
    login(emu)
    account, role = assigned(emu)
    write_config(aws_home, (
        f"[profile dev]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\n"
        f"sso_account_id = {account}\nsso_role_name = {role}\nregion = eu-central-1\n"
        "[profile static]\nregion = us-west-2\n"
    ))
    wanted = "https://eu-central-1.console.aws.amazon.com/?region=eu-central-1"
    for args, env in ((("--profile", "dev"), {}), ((), {"AWS_PROFILE": "dev"})):
        result = run_cli("console", "launch", "--print", *args, env=env)
        url = signin_url(result)
        assert parse_qs(urlsplit(url).query)["Destination"] == [wanted]
        assert follow(url) == (302, wanted)
    # an AWS_PROFILE that is not an Identity Center profile does not get in the way of -a/-r
    result = run_cli("console", "launch", "--print", "-a", account, "-r", role, env={"AWS_PROFILE": "static"})
    assert parse_qs(urlsplit(signin_url(result)).query)["Destination"] == ["https://console.aws.amazon.com/"]
    assert "ignoring AWS_PROFILE=static" in result.stderr


def test_launch_opens_the_browser_by_default(emu, tmp_path: Path) -> None:
    login(emu)
    account, role = assigned(emu)
    seen = tmp_path / "opened"
    browser = fake_program(tmp_path, "browser", f'echo "$1" >> "{seen}"')
    result = run_cli("console", "launch", "-a", account, "-r", role, "--logout-first", env={"BROWSER": str(browser)})
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    logout, url = seen.read_text().splitlines()
    assert logout == emu.url + "/oauth?Action=logout&redirect_uri=" + "https%3A%2F%2Faws.amazon.com%2Fpremiumsupport%2Fknowledge-center%2Fsign-out-account%2F"
    assert f"Opened the AWS console as role {role} in account {account}" in result.stderr
    assert_no_secret(result, url)
    assert follow(url)[0] == 302


def test_launch_without_a_browser_says_to_use_print(emu, tmp_path: Path) -> None:
    login(emu)
    account, role = assigned(emu)
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {"BROWSER": "", "PATH": str(empty), "DISPLAY": "", "WAYLAND_DISPLAY": ""}
    line = assert_clean_failure(run_cli("console", "launch", "-a", account, "-r", role, env=env), 1)
    assert "--print" in line
    assert emu.counts()["GetRoleCredentials"] == 0  # decided before any network call


def test_copy_puts_the_url_on_the_clipboard_only(emu, tmp_path: Path) -> None:
    login(emu)
    account, role = assigned(emu)
    clip = tmp_path / "clip"
    fake_program(tmp_path, "wl-copy", f'cat > "{clip}"')
    fake_program(tmp_path, "wl-paste", f'cat "{clip}"')
    env = {"WAYLAND_DISPLAY": "wayland-test", "PATH": f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = run_cli("console", "launch", "--copy", "-a", account, "-r", role, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    url = clip.read_text()
    assert url.startswith(emu.url + "/federation?Action=login&")
    assert "Copied the console sign-in URL" in result.stderr and "system clipboard" in result.stderr
    assert_no_secret(result, url)
    assert follow(url)[0] == 302


def test_unassigned_role_is_one_clear_line(emu) -> None:
    login(emu)
    account, role = unassigned(emu)
    line = assert_clean_failure(run_cli("console", "launch", "--print", "-a", account, "-r", role), 4)
    assert line.startswith("ssodeck: ") and role in line and account in line
    assert emu.counts()["GetSigninToken"] == 0


def test_federation_400_is_a_clean_error(emu) -> None:
    login(emu)
    account, role = assigned(emu)
    emu.configure(failures={"GetSigninToken": {"status": 400, "count": 5}})
    result = run_cli("console", "launch", "--print", "-a", account, "-r", role)
    line = assert_clean_failure(result, 4)
    assert "HTTP 400" in line and "127.0.0.1" in line
    assert "ASIA" not in line and "sessionKey" not in line
    assert emu.counts()["GetSigninToken"] == 1


def test_federation_400_with_a_duration_retries_once_without_it(emu) -> None:
    login(emu)
    account, role = assigned(emu)
    emu.configure(failures={"GetSigninToken": {"status": 400, "count": 1}})
    result = run_cli("console", "launch", "--print", "-a", account, "-r", role, "--duration", "720")
    url = signin_url(result)
    assert "refused a 720-minute session" in result.stderr
    sent = [r["query"] for r in emu.requests() if r["op"] == "GetSigninToken"]
    assert [q.get("SessionDuration") for q in sent] == ["43200", None]
    assert follow(url)[0] == 302
    assert_no_secret(result, url)


def test_get_signin_token_errors_name_no_secret(emu) -> None:
    from app.models import RoleCredentials, utcnow

    creds = RoleCredentials("ASIAEXAMPLEKEY000000", "secret-key-value", "session-token-value", utcnow())
    with pytest.raises(ServiceError) as caught:
        federation.get_signin_token(creds, emu.url + "/federation", 3600)
    message = str(caught.value)
    assert "HTTP 400" in message
    for secret in ("ASIAEXAMPLEKEY000000", "secret-key-value", "session-token-value", "Session="):
        assert secret not in message
    with pytest.raises(ServiceError, match="cannot reach the federation endpoint 127.0.0.1:9"):
        federation.get_signin_token(creds, "http://127.0.0.1:9/federation", None)


def test_logout_first_needs_open() -> None:
    assert "--logout-first needs --open" in usage_error(run_cli("console", "launch", "-p", "-l", "-a", "1", "-r", "R"))
    result = run_cli("console", "launch", "-p", "-a", "1", "-r", "R", env={"AWS_CONSOLE_LOGOUT_FIRST": "true"})
    assert "AWS_CONSOLE_LOGOUT_FIRST is set" in usage_error(result)
    instance = ("-u", "https://d-1.awsapps.com/start", "--sso-region", "us-east-1")
    assert run_cli("console", "launch", "-p", "--no-logout-first", *instance, "-a", "1", "-r", "R",
                   "--shortcut", env={"AWS_CONSOLE_LOGOUT_FIRST": "1"}).returncode == 0
    # a shortcut is printed, not opened, so the environment's logout preference does not apply
    shortcut = run_cli("console", "launch", "--shortcut", *instance, "-a", "1", "-r", "R", env={"AWS_CONSOLE_LOGOUT_FIRST": "1"})
    assert shortcut.stdout == "https://d-1.awsapps.com/start/#/console?account_id=000000000001&role_name=R\n"


def test_missing_account_or_role_is_a_usage_error() -> None:
    result = run_cli("console", "launch", "--print", "-a", "111111111111")
    assert "--role-name" in usage_error(result)


# -- shortcut -------------------------------------------------------------------------------


def test_shortcut_needs_no_credentials_and_no_network(emu) -> None:
    result = run_cli("console", "launch", "--shortcut", "-a", "123456789012", "-r", "ReadOnly")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{emu.start_url}/#/console?account_id=123456789012&role_name=ReadOnly\n"
    result = run_cli("console", "launch", "--shortcut", "-a", "123456789012", "-r", "ReadOnly",
                     "--region", "eu-west-1", "--destination", "/ec2/home")
    assert result.stdout.strip() == (
        f"{emu.start_url}/#/console?account_id=123456789012&role_name=ReadOnly"
        "&destination=https%3A%2F%2Feu-west-1.console.aws.amazon.com%2Fec2%2Fhome%3Fregion%3Deu-west-1"
    )
    assert sum(emu.counts().values()) == 0


def test_portal_shortcut_url_normalises_the_start_url() -> None:
    for start in ("https://d-1.awsapps.com/start", "https://d-1.awsapps.com/start/", "https://d-1.awsapps.com/start/#/"):
        assert federation.portal_shortcut_url(start, "012345678901", "Admin Role") == (
            "https://d-1.awsapps.com/start/#/console?account_id=012345678901&role_name=Admin%20Role"
        )


# -- config tokens --------------------------------------------------------------------------


def test_reference_config_token_decodes_and_reencodes() -> None:
    token = tokens.decode_config_token(REFERENCE_TOKEN)
    assert token.as_dict() == {
        "version": "1",
        "sso_start_url": "https://example.awsapps.com/start",
        "sso_region": "us-east-2",
        "federation_endpoint": "https://signin.aws.amazon.com/federation",
        "destination": "https://console.aws.amazon.com/",
    }
    assert token.warnings == ()
    assert tokens.encode_config_token(token) == REFERENCE_TOKEN
    built = tokens.ConfigToken(
        "https://example.awsapps.com/start", "us-east-2",
        federation.federation_endpoint(None, NO_ENDPOINT_OVERRIDE), federation.console_destination(None),
    )
    assert tokens.encode_config_token(built) == REFERENCE_TOKEN


def test_get_config_token_cli_reproduces_the_reference_example() -> None:
    result = run_cli("console", "get-config-token", "-u", "https://example.awsapps.com/start", "--sso-region", "us-east-2", env=REAL_ENDPOINTS)
    assert result.returncode == 0, result.stderr
    assert result.stdout == REFERENCE_TOKEN + "\n"


def test_get_config_token_reads_the_profile(aws_home: Path) -> None:
    write_config(aws_home, (
        "[profile dev]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = us-east-2\n"
        "sso_account_id = 12345\nsso_role_name = Admin\nregion = eu-west-1\n"
        "[profile bare]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = us-east-2\nregion =  \n"
    ))
    result = run_cli("console", "get-config-token", "--profile", "dev", env=REAL_ENDPOINTS)
    assert result.returncode == 0, result.stderr
    token = tokens.decode_config_token(result.stdout)
    assert (token.account_id, token.role_name, token.region) == ("000000012345", "Admin", "eu-west-1")
    assert token.federation_endpoint == "https://eu-west-1.signin.aws.amazon.com/federation"
    bare = tokens.decode_config_token(run_cli("console", "get-config-token", "--profile", "bare", env=REAL_ENDPOINTS).stdout)
    assert (bare.account_id, bare.role_name, bare.region) == (None, None, None)


def test_config_token_round_trip_with_every_field() -> None:
    token = tokens.ConfigToken(
        "https://d-1.awsapps.com/start", "eu-west-1", "https://eu-west-2.signin.aws.amazon.com/federation",
        "https://eu-west-2.console.aws.amazon.com/ec2/home?region=eu-west-2", "012345678901", "Admin",
        "eu-west-2", 90, "https://issuer.example/",
    )
    text = tokens.encode_config_token(token)
    assert "=" not in text.rstrip("=") and "+" not in text and "/" not in text
    assert json.loads(base64.urlsafe_b64decode(text))["dur"] == 90
    assert list(json.loads(base64.urlsafe_b64decode(text))) == ["v", "ssourl", "ssoreg", "url", "dst", "acc", "rol", "reg", "dur", "iss"]
    assert tokens.decode_config_token(text) == token


def test_config_token_long_names_unknown_keys_and_errors() -> None:
    def encode(data: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode()

    long_form = {"version": "1", "sso_start_url": "https://d-1.awsapps.com/start", "sso_region": "us-east-1",
                 "federation_endpoint": "https://signin.aws.amazon.com/federation",
                 "destination": "https://console.aws.amazon.com/", "role_name": "Admin", "colour": "blue"}
    token = tokens.decode_config_token(encode(long_form).rstrip("="))
    assert token.role_name == "Admin" and token.account_id is None
    assert token.warnings == ("the config token has an unknown key 'colour'; ignoring it",)
    with pytest.raises(ConfigError, match="unsupported config token version"):
        tokens.decode_config_token(encode({**long_form, "version": "2"}))
    with pytest.raises(ConfigError, match="unsupported config token version"):
        tokens.decode_config_token(encode({k: v for k, v in long_form.items() if k != "version"}))
    for bad in ("not a token!", base64.urlsafe_b64encode(b"{nope").decode(), encode([1, 2]),
                encode({**long_form, "duration": "60"}), encode({k: v for k, v in long_form.items() if k != "sso_region"})):
        with pytest.raises(ConfigError, match="^The config token is invalid: "):
            tokens.decode_config_token(bad)


def test_launch_from_config(emu) -> None:
    login(emu)
    account, role = assigned(emu)
    made = run_cli("console", "get-config-token", "-a", account, "--region", "eu-west-1", "--destination", "/ec2/home")
    assert made.returncode == 0, made.stderr
    token_text = made.stdout.strip()
    token = tokens.decode_config_token(token_text)
    assert (token.sso_start_url, token.federation_endpoint, token.role_name) == (emu.start_url, emu.url + "/federation", None)
    missing_role = run_cli("console", "launch-from-config", "-p", "-t", token_text)
    assert usage_error(missing_role) == "Error: Token does not specify role, please use --role-name"
    result = run_cli("console", "launch-from-config", "--print", "-t", token_text, "-r", role)
    url = signin_url(result)
    wanted = "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1"
    assert follow(url) == (302, wanted)
    assert emu.console_destinations() == [wanted]
    assert_no_secret(result, url)
    no_account = tokens.encode_config_token(tokens.ConfigToken(emu.start_url, emu.region, token.federation_endpoint, wanted))
    result = run_cli("console", "launch-from-config", "-p", "-t", no_account, "-r", role)
    assert usage_error(result) == "Error: Token does not specify account, please use --account-id"
    invalid = run_cli("console", "launch-from-config", "-p", "-t", "%%%")
    assert "The config token is invalid" in assert_clean_failure(invalid, 2)


def test_launch_from_config_refuses_a_foreign_federation_endpoint(emu) -> None:
    login(emu)
    account, role = assigned(emu)
    evil = tokens.ConfigToken(emu.start_url, emu.region, emu.url + "/federation", "https://console.aws.amazon.com/", account, role)
    result = run_cli("console", "launch-from-config", "-p", "-t", tokens.encode_config_token(evil),
                     env=REAL_ENDPOINTS)
    assert "not an AWS sign-in endpoint" in assert_clean_failure(result, 2)
    assert emu.counts()["GetRoleCredentials"] == 0


# -- pure region and destination rules --------------------------------------------------


@pytest.mark.parametrize(
    ("region", "partition", "endpoint", "console"),
    [
        (None, "aws", "https://signin.aws.amazon.com/federation", "https://console.aws.amazon.com/"),
        ("us-east-1", "aws", "https://signin.aws.amazon.com/federation", "https://us-east-1.console.aws.amazon.com/?region=us-east-1"),
        ("eu-west-1", "aws", "https://eu-west-1.signin.aws.amazon.com/federation", "https://eu-west-1.console.aws.amazon.com/?region=eu-west-1"),
        ("us-gov-west-1", "aws-us-gov", "https://signin.amazonaws-us-gov.com/federation", "https://console.amazonaws-us-gov.com/?region=us-gov-west-1"),
        ("us-gov-east-1", "aws-us-gov", "https://signin.amazonaws-us-gov.com/federation", "https://console.amazonaws-us-gov.com/?region=us-gov-east-1"),
        ("cn-north-1", "aws-cn", "https://signin.amazonaws.cn/federation", "https://console.amazonaws.cn/?region=cn-north-1"),
        ("cn-northwest-1", "aws-cn", "https://signin.amazonaws.cn/federation", "https://console.amazonaws.cn/?region=cn-northwest-1"),
    ],
)
def test_partition_endpoint_and_console(region: str | None, partition: str, endpoint: str, console: str) -> None:
    assert federation.partition_of(region) == partition
    assert federation.federation_endpoint(region, NO_ENDPOINT_OVERRIDE) == endpoint
    assert federation.console_destination(region) == console
    assert federation.is_aws_signin_endpoint(endpoint)


def test_endpoint_override_is_used_as_is() -> None:
    env = {"SSODECK_FEDERATION_ENDPOINT": "http://127.0.0.1:1234/x/federation"}
    assert federation.federation_endpoint("cn-north-1", env) == "http://127.0.0.1:1234/x/federation"
    assert federation.logout_url("http://127.0.0.1:1234/x/federation", "cn-north-1") == "http://127.0.0.1:1234/x/oauth?Action=logout"


def test_logout_urls() -> None:
    assert federation.logout_url("https://signin.amazonaws-us-gov.com/federation", "us-gov-west-1") == (
        "https://signin.amazonaws-us-gov.com/oauth?Action=logout"
    )
    assert federation.logout_url("https://signin.aws.amazon.com/federation").startswith(
        "https://signin.aws.amazon.com/oauth?Action=logout&redirect_uri=https%3A%2F%2Faws.amazon.com%2F"
    )


@pytest.mark.parametrize(
    ("region", "destination", "override", "expected"),
    [
        ("eu-west-1", "/ec2/home", False, "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1"),
        ("eu-west-1", "ec2/home#Instances:", False, "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:"),
        ("eu-west-1", "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1&x=1", False,
         "https://eu-west-1.console.aws.amazon.com/ec2/home?region=us-east-1&x=1"),
        ("eu-west-1", "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1&x=1#a", True,
         "https://eu-west-1.console.aws.amazon.com/ec2/home?x=1&region=eu-west-1#a"),
        (None, "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1", True,
         "https://console.aws.amazon.com/s3/home?region=eu-west-1"),
        ("us-gov-west-1", "/ec2/home", False, "https://console.amazonaws-us-gov.com/ec2/home?region=us-gov-west-1"),
        ("us-gov-east-1", "https://console.amazonaws-us-gov.com/s3/home?region=us-gov-west-1", True,
         "https://console.amazonaws-us-gov.com/s3/home?region=us-gov-east-1"),
        ("cn-northwest-1", "/ec2/home", False, "https://console.amazonaws.cn/ec2/home?region=cn-northwest-1"),
        ("cn-north-1", "/ec2/home?region=cn-northwest-1", False, "https://console.amazonaws.cn/ec2/home?region=cn-northwest-1"),
    ],
)
def test_console_destination_rules(region: str | None, destination: str, override: bool, expected: str) -> None:
    assert federation.console_destination(region, destination, override_region=override) == expected


def test_only_aws_signin_hosts_are_trusted_from_tokens() -> None:
    for good in ("https://signin.aws.amazon.com/federation", "https://ap-south-1.signin.aws.amazon.com/federation",
                 "https://signin.amazonaws.cn/federation"):
        assert federation.is_aws_signin_endpoint(good)
    for bad in ("http://signin.aws.amazon.com/federation", "https://signin.aws.amazon.com.evil.example/federation",
                "https://evilsignin.aws.amazon.com/federation", "https://user@signin.aws.amazon.com/federation",
                "https://signin.aws.amazon.com:8443/federation", "https://127.0.0.1/federation"):
        assert not federation.is_aws_signin_endpoint(bad)


# -- clipboard ----------------------------------------------------------------------------


def _no_system_clipboard(monkeypatch: pytest.MonkeyPatch) -> None:
    import pyperclip

    def no_clipboard(text: str) -> None:
        raise pyperclip.PyperclipException("no mechanism")

    monkeypatch.setattr(pyperclip, "copy", no_clipboard)


def test_clipboard_service_only_uses_pyperclip(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The service never writes to the terminal: no clipboard program is an error, with no secret."""
    _no_system_clipboard(monkeypatch)
    tty = tmp_path / "tty"
    tty.write_bytes(b"")
    monkeypatch.setattr(clipboard, "TTY", str(tty))
    with pytest.raises(ServiceError, match="^no system clipboard ") as caught:
        system_clipboard.copy("https://secret.example/?SigninToken=abc")
    assert "SigninToken" not in str(caught.value) and "secret.example" not in str(caught.value)
    assert tty.read_bytes() == b""


def test_clipboard_falls_back_to_osc52_then_fails_cleanly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _no_system_clipboard(monkeypatch)
    tty = tmp_path / "tty"
    tty.write_bytes(b"")
    monkeypatch.setattr(clipboard, "TTY", str(tty))
    assert clipboard.copy("https://secret.example/?SigninToken=abc") == clipboard.TERMINAL
    assert tty.read_bytes() == b"\x1b]52;c;" + base64.b64encode(b"https://secret.example/?SigninToken=abc") + b"\x07"
    monkeypatch.setattr(clipboard, "TTY", str(tmp_path / "missing" / "tty"))
    with pytest.raises(ServiceError, match="^no clipboard available: no system clipboard .*, and no terminal to send OSC 52 to ") as caught:
        clipboard.copy("https://secret.example/?SigninToken=abc")
    assert "SigninToken" not in str(caught.value) and "secret.example" not in str(caught.value)


def test_clipboard_uses_pyperclip_when_it_works(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import pyperclip

    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    tty = tmp_path / "tty"
    tty.write_bytes(b"")
    monkeypatch.setattr(clipboard, "TTY", str(tty))
    assert clipboard.copy("hello") == clipboard.SYSTEM == system_clipboard.copy("hello")
    assert copied == ["hello", "hello"]
    assert tty.read_bytes() == b""
