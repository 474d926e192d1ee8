"""Profile names for populate: aws-sso-util's scheme, minus its doc≠code quirks."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from app.models import Instance
from app.services.errors import ConfigError
from app.services.profile_names import NamingOptions, profile_name, safe_account_name, short_region, validate_naming

INSTANCE = Instance("https://d-1234567890.awsapps.com/start", "eu-west-1", session_name="corp")


def name(options: NamingOptions = NamingOptions(), *, account_id="111111111111", account_name="Dev", role_name="Admin",
         region="us-east-1", region_index=0, num_regions=1, instance=None):  # fmt: skip
    return profile_name(
        options, account_id=account_id, account_name=account_name, role_name=role_name,
        region=region, region_index=region_index, num_regions=num_regions, instance=instance,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("region", "short"),
    [
        ("us-east-1", "usea1"), ("us-west-2", "uswe2"), ("ca-central-1", "cace1"), ("ca-west-1", "cawe1"),
        ("eu-north-1", "euno1"), ("eu-south-2", "euso2"), ("eu-central-2", "euce2"),
        ("ap-northeast-3", "apne3"), ("ap-southeast-4", "apse4"), ("ap-south-2", "apso2"), ("ap-east-1", "apea1"),
        ("sa-east-1", "saea1"), ("me-central-1", "mece1"), ("af-south-1", "afso1"), ("il-central-1", "ilce1"),
        ("mx-central-1", "mxce1"), ("cn-northwest-1", "cnnw1"),
        ("us-gov-west-1", "govwe1"), ("us-gov-east-1", "govea1"),
        ("us-iso-east-1", "us-isoea1"), ("us-isob-east-1", "us-isobea1"), ("eu-isoe-west-1", "eu-isoewe1"),
        ("local", "local"), ("ap-southwest-9", "apsw9"), ("xx-up-1", "xxup1"),
    ],
)  # fmt: skip
def test_short_region_matches_aws_sso_util(region: str, short: str) -> None:
    assert short_region(region) == short


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("[Sandbox] Team A", "Sandbox-Team-A"),
        ("Prod.Env_1-x", "Prod.Env_1-x"),
        ("a/b:c,d", "a-b-c-d"),  # aws-sso-util keeps / : , despite its help text
        ("  spaced   out  ", "spaced-out"),
        ("Café Ops", "Café-Ops"),
        ("日本 Prod", "日本-Prod"),
    ],
)
def test_safe_account_names_keep_letters_and_replace_every_other_run(raw: str, safe: str) -> None:
    assert safe_account_name(raw) == safe


def test_default_format_adds_the_short_region_after_the_first() -> None:
    assert name(region_index=0, num_regions=2) == "Dev.Admin"
    assert name(region="eu-west-1", region_index=1, num_regions=2) == "Dev.Admin.euwe1"


def test_include_region_always_and_long_style() -> None:
    options = NamingOptions(include_region="always", region_style="long", separator="_")
    assert name(options) == "Dev_Admin_us-east-1"


def test_components_ids_and_literals() -> None:
    options = NamingOptions(components=("sso", "account_number", "account_id", "role_name", "short_region", "{x}"), separator="-")
    assert name(options, region_index=1) == "sso-111111111111-111111111111-Admin-usea1-{x}"
    # the region format is dropped only for components that are regions
    assert name(options) == "sso-111111111111-111111111111-Admin-{x}"


def test_safe_names_are_the_default_and_can_be_turned_off() -> None:
    assert name(account_name="[Sandbox] Team A") == "Sandbox-Team-A.Admin"
    assert name(NamingOptions(safe_account_names=False), account_name="[Sandbox] Team A") == "[Sandbox] Team A.Admin"


def test_empty_account_name_falls_back_to_the_id() -> None:
    assert name(account_name="") == "111111111111.Admin"
    assert name(account_name="[]") == "111111111111.Admin"


def test_trims_apply_before_case() -> None:
    # aws-sso-util upper-cases first, so "-Sandbox" no longer matches and it leaves DEV-SANDBOX
    options = NamingOptions(trim_account_name=("-Sandbox",), account_name_case="upper")
    assert name(options, account_name="Dev-Sandbox") == "DEV.Admin"


def test_role_trims_in_order_then_case() -> None:
    options = NamingOptions(trim_role_name=("Access$", "^Aws"), role_name_case="lower")
    assert name(options, role_name="AwsAdministratorAccess") == "Dev.administrator"


@pytest.mark.parametrize("case", ["capitalize", "casefold", "lower", "title", "upper"])
def test_every_case_option(case: str) -> None:
    options = NamingOptions(account_name_case=case)
    assert name(options, account_name="dev ops") == getattr("dev-ops", case)() + ".Admin"


def test_skip_in_format_mode() -> None:
    assert name(NamingOptions(components=("SKIP",))) is None


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (NamingOptions(trim_account_name=("(unclosed",)), "--trim-account-name '(unclosed'"),
        (NamingOptions(trim_role_name=("[z-a]",)), "--trim-role-name '[z-a]'"),
        (NamingOptions(account_name_case="shout"), "--account-name-case"),
        (NamingOptions(role_name_case="Upper"), "--role-name-case"),
        (NamingOptions(include_region="never"), "--include-region"),
        (NamingOptions(region_style="medium"), "--region-style"),
        (NamingOptions(components=()), "--components"),
        (NamingOptions(components=("account_name", "")), "--components"),
        (NamingOptions(components=("region",)), "unusable profile name"),
        (NamingOptions(profile_name_process="'unterminated"), "--profile-name-process"),
        (NamingOptions(profile_name_process="/nonexistent/namer"), "not found"),
    ],
)
def test_validate_naming_rejects_bad_options(options: NamingOptions, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("(", r"\(")):
        validate_naming(options)


def test_valid_options_validate() -> None:
    validate_naming(NamingOptions())
    validate_naming(NamingOptions(trim_account_name=("^acme-",), role_name_case="lower", include_region="always"))


@pytest.fixture
def namer(tmp_path: Path) -> tuple[str, Path]:
    """A tiny naming process: logs its argv and env, answers from its arguments."""
    log = tmp_path / "calls.log"
    script = tmp_path / "namer.py"
    script.write_text(
        "import os, sys\n"
        f"with open({str(log)!r}, 'a') as log:\n"
        "    log.write(' '.join(sys.argv[1:]) + ' | ' + os.environ.get('SSODECK_START_URL', '-') + ' '\n"
        "              + os.environ.get('SSODECK_SSO_REGION', '-') + ' ' + os.environ.get('SSODECK_SSO_SESSION', '-') + '\\n')\n"
        "name, account_id, role, region, short, index, count = sys.argv[-7:]\n"
        "if role == 'Skipped': print('SKIP')\n"
        "elif role == 'Broken': print('no such role', file=sys.stderr); sys.exit(3)\n"
        "else: print(f'  {sys.argv[1]}:{name}@{role}/{short}#{index}of{count}  ')\n"
    )
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}", log


def test_process_gets_seven_arguments_without_a_shell(namer: tuple[str, Path]) -> None:
    command, log = namer
    options = NamingOptions(profile_name_process=f"{command} '$HOME;x'", trim_account_name=("Team",), account_name_case="upper")
    result = name(options, account_name="[Sandbox] Team A", region="eu-west-1", region_index=1, num_regions=2, instance=INSTANCE)
    # no shell: "$HOME;x" arrives literally; trims and case do not apply in process mode
    assert result == "$HOME;x:Sandbox-Team-A@Admin/euwe1#1of2"
    assert log.read_text().splitlines() == [
        "$HOME;x Sandbox-Team-A 111111111111 Admin eu-west-1 euwe1 1 2 | https://d-1234567890.awsapps.com/start eu-west-1 corp"
    ]


def test_process_skip_and_failure(namer: tuple[str, Path]) -> None:
    command, _ = namer
    options = NamingOptions(profile_name_process=command)
    assert name(options, role_name="Skipped") is None
    with pytest.raises(ConfigError, match=r"failed \(exit 3\) for account 111111111111 role Broken: no such role"):
        name(options, role_name="Broken")


def test_validation_runs_the_process_once_with_dummy_values(namer: tuple[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    command, log = namer
    monkeypatch.setenv("SSODECK_SSO_SESSION", "leaked-from-parent")
    validate_naming(NamingOptions(profile_name_process=command), Instance("https://x.awsapps.com/start", "us-east-2"))
    assert log.read_text().splitlines() == ["foo bar baz us-east-1 usea1 0 1 | https://x.awsapps.com/start us-east-2 -"]


def test_failing_process_fails_validation(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"profile name process failed \(exit 1\)"):
        validate_naming(NamingOptions(profile_name_process=f"{shlex.quote(sys.executable)} -c 'raise SystemExit(1)'"))


def test_validation_failures_name_the_sample_values(tmp_path: Path) -> None:
    failing = NamingOptions(profile_name_process=f"{shlex.quote(sys.executable)} -c 'raise SystemExit(1)'")
    with pytest.raises(ConfigError) as process:
        validate_naming(failing)
    assert str(process.value) == "profile name process failed (exit 1) while checking it with sample values (foo/bar/baz/us-east-1)"
    with pytest.raises(ConfigError, match=r"unusable profile name '' for the sample values \(foo/bar/baz/us-east-1\)$"):
        validate_naming(NamingOptions(components=("region",)))
