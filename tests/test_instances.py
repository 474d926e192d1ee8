"""Instance resolution: flags, env vars, config, sso-sessions (reference section 2.1)."""

from __future__ import annotations

import pytest

from app.services.awsconfig import load_config
from app.services.errors import AmbiguousInstance, ConfigError, InstanceNotFound
from app.services.instances import resolve, session_or_new, specifier_from
from app.services.paths import sha1_hex
from app.services.token_cache import registration_key, token_path
from app.models import Instance
from support import write_config

CONFIG = """\
# my config
[profile a]
sso_start_url = https://one.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111111111111
sso_role_name = Admin

[profile b]
sso_start_url = https://one.awsapps.com/start
sso_region = us-east-2

[sso-session corp]
sso_start_url = https://two.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile c]
sso_session = corp
sso_account_id = 222222222222
sso_role_name = Dev
"""


def _resolve(*args, environ=None, **kwargs):
    return resolve(load_config(), specifier_from(*args, environ=environ or {}, **{k: v for k, v in kwargs.items() if k != "include_all"}), include_all=kwargs.get("include_all", False))


def test_config_instances_dedupe_and_warn(aws_home):
    write_config(aws_home, CONFIG)
    resolution = _resolve(None, None)
    assert [i.label() for i in resolution.instances] == [
        "https://one.awsapps.com/start (us-east-1)",
        "sso-session corp (https://two.awsapps.com/start, eu-west-1)",
    ]
    assert any("region mismatch" in w for w in resolution.warnings)
    with pytest.raises(AmbiguousInstance):
        resolution.one()


def test_regex_specifier_and_region_filter(aws_home):
    write_config(aws_home, CONFIG)
    assert _resolve("two", None).one().session_name == "corp"
    assert _resolve("one", "us-east-1").one().start_url == "https://one.awsapps.com/start"
    with pytest.raises(InstanceNotFound):
        _resolve("one", "ap-south-1").one()
    with pytest.raises(ConfigError, match="not a valid regular expression"):
        _resolve("(", None)


def test_full_url_short_circuits_and_prefers_matching_session(aws_home):
    write_config(aws_home, CONFIG)
    fresh = _resolve("https://new.awsapps.com/start", "us-west-2").one()
    assert fresh == Instance("https://new.awsapps.com/start", "us-west-2")
    assert _resolve("https://two.awsapps.com/start", "eu-west-1").one().session_name == "corp"


def test_env_specifiers_follow_command_precedence(aws_home):
    write_config(aws_home, CONFIG)
    env = {"AWS_SSO_LOGIN_DEFAULT_SSO_START_URL": "two", "AWS_DEFAULT_SSO_START_URL": "one"}
    assert _resolve(None, None, command="login", environ=env).one().session_name == "corp"
    assert _resolve(None, None, command="default", environ=env).one().start_url.startswith("https://one")
    # a flag stops every environment lookup
    assert _resolve(None, "us-east-1", command="login", environ=env).one().start_url.startswith("https://one")


def test_profile_and_session_modes(aws_home):
    write_config(aws_home, CONFIG)
    assert _resolve(None, None, profile="c").one().session_name == "corp"
    assert _resolve(None, None, profile="a").one() == Instance("https://one.awsapps.com/start", "us-east-1")
    assert _resolve(None, None, sso_session="corp").one().registration_scopes == ("sso:account:access",)
    with pytest.raises(ConfigError, match="profile 'zzz' is not in"):
        _resolve(None, None, profile="zzz")
    with pytest.raises(ConfigError, match="sso-session nope"):
        _resolve(None, None, sso_session="nope")


def test_login_all_merges_specifier_and_config(aws_home):
    write_config(aws_home, CONFIG)
    resolution = _resolve("https://new.awsapps.com/start", "us-west-2", include_all=True)
    assert len(resolution.instances) == 3


def test_inconsistent_profile_and_session_is_an_error(aws_home):
    write_config(aws_home, CONFIG + "\n[profile d]\nsso_session = corp\nsso_start_url = https://other/start\n")
    with pytest.raises(ConfigError, match="inconsistent"):
        _resolve(None, None, profile="d")


def test_cache_keys_match_the_aws_cli(aws_home):
    # Values from protocols.md sections 1.1 and 1.4.
    assert sha1_hex("my-sso") == "0ad374308c5a4e22f723adf10145eafad7c4031c"
    assert token_path(Instance("https://x/start", "us-east-1", "my-sso")).name == "0ad374308c5a4e22f723adf10145eafad7c4031c.json"
    assert token_path(Instance("https://legacy.awsapps.com/start", "us-east-1")).name == "79e435d7a515078e81c9dffc35f38d5687ebd3a7.json"
    instance = Instance("https://d-1234567890.awsapps.com/start", "us-east-1", "my-sso")
    assert registration_key(instance, ("sso:account:access",)) == "a8343d65418848d0bc13a5f25cbb32508ceec5d1"


def test_malformed_config_names_file_and_line(aws_home):
    path = write_config(aws_home, "[profile a]\nregion = x\n[profile a]\n")
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert str(path) in str(caught.value) and "line 3" in str(caught.value)


def test_role_credential_cache_key_matches_the_aws_cli():
    from app.services.credential_cache import credential_path

    path = credential_path(Instance("https://x/start", "us-east-1", "my-sso"), "111111111111", "Admin")
    assert path.name == "4d591a7ab0da2e15379d89377621ae9cda619cc3.json"


def test_not_found_and_ambiguous_messages_fit_every_command(aws_home):
    write_config(aws_home, "")
    with pytest.raises(InstanceNotFound) as missing:
        _resolve(None, None).one()
    write_config(aws_home, CONFIG)
    with pytest.raises(AmbiguousInstance) as ambiguous:
        _resolve(None, None).one()
    for message in (str(missing.value), str(ambiguous.value)):
        assert "START_URL REGION for login, --sso-start-url/--sso-region elsewhere" in message and "\n" not in message


def test_session_or_new(aws_home):
    write_config(aws_home, CONFIG)
    config = load_config()
    # an existing session is itself, whatever the other flags say
    assert session_or_new(config, "corp", specifier_from("one", None, environ={})).one().start_url == "https://two.awsapps.com/start"
    # a new name takes the instance the other flags or the environment name
    new = session_or_new(config, "fresh", specifier_from("https://new.awsapps.com/start", "us-west-2", environ={})).one()
    assert (new.start_url, new.region, new.session_name, new.registration_scopes) == ("https://new.awsapps.com/start", "us-west-2", "fresh", ("sso:account:access",))
    env = {"AWS_DEFAULT_SSO_START_URL": "two"}
    assert session_or_new(config, "fresh", specifier_from(None, None, environ=env)).one().start_url == "https://two.awsapps.com/start"
    with pytest.raises(AmbiguousInstance):
        session_or_new(config, "fresh", specifier_from(None, None, environ={})).one()
    # flags that name another instance than the existing session are refused, not ignored
    with pytest.raises(ConfigError, match=r"\[sso-session corp\] .* is for https://two.awsapps.com/start \(eu-west-1\), not https://one.awsapps.com/start \(eu-west-1\)"):
        session_or_new(config, "corp", specifier_from("https://one.awsapps.com/start", None, environ={}))
    with pytest.raises(ConfigError, match=r"not https://two.awsapps.com/start \(us-east-1\)"):
        session_or_new(config, "corp", specifier_from(None, "us-east-1", environ={}))
    env_url = specifier_from(None, None, environ={"AWS_DEFAULT_SSO_START_URL": "https://one.awsapps.com/start"})
    assert session_or_new(config, "corp", env_url).one().session_name == "corp"  # the environment is only a default
