"""PopulateChoices: the one description of a populate run, and the command line it prints."""

from __future__ import annotations

import shlex

import pytest

from app.models import Instance
from app.services import roles as role_service
from app.services.auth import get_token
from app.services.awsconfig import load_config, read_config_text
from app.services.config_editor import apply_edit
from app.services.errors import ConfigError
from app.services.paths import aws_config_file
from app.services.populate_choices import PopulateChoices, suggested_regions
from app.services.profile_names import NamingOptions
from support import FAST, Browser, run_cli, write_config

START = "# mine\n[default]\nregion = eu-central-1\n\n[profile keep-me]\noutput = json\n"

CHOICES = [
    PopulateChoices(("us-east-1",)),
    PopulateChoices(
        ("eu-west-1", "us-west-2"),
        NamingOptions(components=("account_id", "role_name", "region"), separator="-", include_region="always", region_style="long",
                      trim_account_name=(r"^\[Sandbox\] ", "Prod$"), trim_role_name=("Access$",), account_name_case="lower",
                      role_name_case="upper", safe_account_names=False),
        existing_action="overwrite", credential_process=False, prune=True, config_defaults=("output=json", "cli_pager=-x"),
    ),  # fmt: skip
    PopulateChoices(("ap-south-1",), NamingOptions(separator="__", account_name_case="casefold"), sso_session="corp", on_duplicate="error"),
]


def _instance(emu) -> Instance:
    instance = Instance(emu.start_url, emu.region)
    get_token(instance, ui=Browser(), options=FAST)
    return instance


@pytest.mark.parametrize("choices", CHOICES, ids=["defaults", "every-option", "sso-session"])
def test_the_command_line_writes_what_the_choices_plan(emu, aws_home, choices: PopulateChoices) -> None:
    path = write_config(aws_home, START)
    instance = _instance(emu)
    if choices.sso_session:
        get_token(Instance(emu.start_url, emu.region, choices.sso_session, configured=False), ui=Browser(), options=FAST)
    listing = role_service.get_listing(instance, lambda: get_token(instance).token)
    choices.check(instance)
    edit = choices.plan(aws_config_file(), read_config_text(path), listing.roles, instance, checked=True)
    line = choices.command_line(instance)
    assert line.startswith(f"ssodeck configure populate --sso-start-url {emu.start_url} --sso-region {emu.region}")
    done = run_cli(*shlex.split(line)[1:])
    assert done.returncode == 0, done.stderr
    assert path.read_bytes() == edit.after.encode()
    path.write_text(START)
    assert apply_edit(edit) == path.with_name("config.bak")
    assert path.with_name("config.bak").read_text() == START


def test_only_options_away_from_their_defaults_are_named(monkeypatch) -> None:
    instance = Instance("https://x.awsapps.com/start", "eu-west-1")
    plain = PopulateChoices(("us-east-1",))
    assert plain.command_line(instance) == "ssodeck configure populate --sso-start-url https://x.awsapps.com/start --sso-region eu-west-1 --region us-east-1"
    odd = PopulateChoices(("us-east-1",), NamingOptions(separator="-", trim_role_name=("-Access$",)), config_defaults=("a=b c",))
    assert odd.command_line(instance).endswith("--separator=- '--trim-role-name=-Access$' --config-default 'a=b c'")
    monkeypatch.setenv("AWS_CONFIGURE_SSO_DISABLE_CREDENTIAL_PROCESS", "1")
    assert PopulateChoices(("us-east-1",), credential_process=True).command_line(instance).endswith(" --credential-process")


def test_starting_choices_follow_the_environment_and_the_config(aws_home, monkeypatch) -> None:
    write_config(aws_home, START)
    instance = Instance("https://x.awsapps.com/start", "eu-west-1", "corp")
    choices = PopulateChoices.starting(instance, load_config())
    assert (choices.regions, choices.sso_session, choices.credential_process, choices.naming.separator) == (("eu-central-1",), "corp", True, ".")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "sa-east-1")
    monkeypatch.setenv("AWS_CONFIGURE_SSO_DEFAULT_PROFILE_NAME_SEPARATOR", "_")
    monkeypatch.setenv("AWS_CONFIGURE_SSO_DISABLE_CREDENTIAL_PROCESS", "true")
    choices = PopulateChoices.starting(instance, load_config())
    assert (choices.regions, choices.credential_process, choices.naming.separator) == (("sa-east-1",), False, "_")
    write_config(aws_home, "")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    assert suggested_regions(load_config(), instance) == ["eu-west-1"]


def test_check_refuses_before_any_network(aws_home) -> None:
    instance = Instance("https://x.awsapps.com/start", "eu-west-1")
    for choices, message in (
        (PopulateChoices(()), "at least one region"),
        (PopulateChoices(("nowhere",)), "not an AWS region"),
        (PopulateChoices(("us-east-1",), NamingOptions(separator="")), "--separator cannot be empty"),
        (PopulateChoices(("us-east-1",), config_defaults=("region=x",)), "ssodeck sets region itself"),
    ):
        with pytest.raises(ConfigError, match=message):
            choices.check(instance)
