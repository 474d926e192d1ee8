"""The data-plane clients: botocore's endpoint resolution over ssodeck's parse of the files.

Each case builds the same client twice, once through ``app.services.clients`` and once
through a plain botocore Session that reads the files itself, and the endpoints must agree.
Ours must never let botocore parse a file: it would cost seconds for a big config.
"""

from __future__ import annotations

import os
from pathlib import Path

import botocore.configloader
import botocore.session
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.configprovider import ConstantProvider

from app.models import Instance
from app.services import clients, portal
from app.services.auth import get_token
from app.services.errors import ConfigError
from support import FAST, Browser, write_config

ENDPOINT_VARIABLES = ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC")


def botocore_endpoint(service: str, region: str) -> str:
    session = botocore.session.Session()
    session.get_component("config_store").set_config_provider("profile", ConstantProvider(None))
    made = session.create_client(service, region_name=region, config=Config(signature_version=UNSIGNED))
    return made.meta.endpoint_url


@pytest.fixture
def no_parsing_by_botocore(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fresh client cache; botocore's own file parsers fail the test if they are called."""
    monkeypatch.setattr(clients, "_clients", {})
    for name in ENDPOINT_VARIABLES:
        monkeypatch.delenv(name, raising=False)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("botocore parsed a config or credentials file itself")

    monkeypatch.setattr(botocore.configloader, "load_config", refuse)
    monkeypatch.setattr(botocore.configloader, "raw_config_parse", refuse)


def ours(service: str, region: str = "eu-west-1") -> str:
    return clients.client(service, region).meta.endpoint_url


CASES = {
    "services section": ("[default]\nservices = local\n[services local]\nsso =\n  endpoint_url = http://127.0.0.1:7001\nsso_oidc =\n  endpoint_url = http://127.0.0.1:7002/oidc\n", "", {}),
    "default endpoint_url": ("[profile default]\nendpoint_url = http://127.0.0.1:7003\n", "", {}),
    "credentials file default": ("[default]\nregion = us-east-1\n", "[default]\nendpoint_url = http://127.0.0.1:7004\n", {}),
    "variable beats file": ("[default]\nendpoint_url = http://127.0.0.1:7005\n", "", {"AWS_ENDPOINT_URL_SSO_OIDC": "http://127.0.0.1:7006", "AWS_ENDPOINT_URL": "http://127.0.0.1:7007"}),
    "ignored by variable": ("[default]\nendpoint_url = http://127.0.0.1:7008\n", "", {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}),
    "ignored by file": ("[default]\nendpoint_url = http://127.0.0.1:7009\nignore_configured_endpoint_urls = true\n", "", {}),
    "missing AWS_PROFILE ignored": ("[default]\nendpoint_url = http://127.0.0.1:7010\n[profile other]\nendpoint_url = http://127.0.0.1:7011\n", "", {"AWS_PROFILE": "nope"}),
    "no files": (None, None, {}),
}


@pytest.mark.parametrize("case", CASES)
def test_endpoints_resolve_as_botocore_resolves_them(case: str, aws_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config, credentials, env = CASES[case]
    for name in ENDPOINT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if config is not None:
        write_config(aws_home, config)
    if credentials is not None:
        Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"]).write_text(credentials)
    expected = {service: botocore_endpoint(service, "eu-west-1") for service in ("sso", "sso-oidc")}
    monkeypatch.setattr(clients, "_clients", {})
    monkeypatch.setattr(botocore.configloader, "load_config", None)  # calling it would fail
    monkeypatch.setattr(botocore.configloader, "raw_config_parse", None)
    assert {service: ours(service) for service in ("sso", "sso-oidc")} == expected


def test_sign_in_and_listing_reach_the_emulator_through_a_services_section(emu, aws_home, no_parsing_by_botocore) -> None:
    write_config(aws_home, f"[default]\nservices = emu\n\n[services emu]\nsso =\n  endpoint_url = {emu.url}\nsso_oidc =\n  endpoint_url = {emu.url}\n")
    instance = Instance(emu.start_url, emu.region, "corp")
    token = get_token(instance, ui=Browser(), options=FAST).token
    assert [account.account_id for account in portal.iter_accounts(instance, token)]
    counts = emu.counts()
    assert counts["CreateToken.authorization_code"] == 1 and counts["ListAccounts"] >= 1


def test_a_malformed_credentials_file_is_named_with_its_line(aws_home, no_parsing_by_botocore) -> None:
    path = Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"])
    path.write_text("[default]\naws_access_key_id = x\nnot a setting\n")
    with pytest.raises(ConfigError, match=rf"^{path}, line 3: "):
        clients.client("sso", "eu-west-1")
