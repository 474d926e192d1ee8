"""Test isolation: nothing may touch the real ~/.aws or leave 127.0.0.1.

HOME, every AWS variable and every endpoint are replaced here, at import time, before any test module
imports botocore (which expands ``~`` once, when it is imported).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

_SESSION_HOME = Path(tempfile.mkdtemp(prefix="ssodeck-test-home-"))
for _name in list(os.environ):
    if _name.startswith(("AWS_", "SSODECK_")):
        del os.environ[_name]
os.environ.update(
    HOME=str(_SESSION_HOME),
    AWS_CONFIG_FILE=str(_SESSION_HOME / ".aws" / "config"),
    AWS_SHARED_CREDENTIALS_FILE=str(_SESSION_HOME / ".aws" / "credentials"),
    AWS_EC2_METADATA_DISABLED="true",
    SSODECK_CACHE_DIR=str(_SESSION_HOME / "ssodeck-cache"),
    SSODECK_CONFIG_DIR=str(_SESSION_HOME / "ssodeck-config"),
    XDG_CACHE_HOME=str(_SESSION_HOME / ".cache"),
    XDG_CONFIG_HOME=str(_SESSION_HOME / ".config"),
    NO_PROXY="127.0.0.1,localhost",
    AWS_SSO_DISABLE_BROWSER="1",  # no real browser, ever; tests that play one set BROWSER
)
# Every endpoint defaults to a dead loopback port, so a test that forgets the emulator fails
# fast instead of reaching AWS; the emu fixture points them at the emulator.
DEAD_ENDPOINT = "http://127.0.0.1:9"
ENDPOINT_VARIABLES = ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC", "AWS_ENDPOINT_URL_STS")
os.environ.update(dict.fromkeys(ENDPOINT_VARIABLES, DEAD_ENDPOINT), SSODECK_FEDERATION_ENDPOINT=DEAD_ENDPOINT + "/federation")
for _proxy in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
    os.environ.pop(_proxy, None)

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def aws_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh HOME (with ~/.aws) for every test; returned so tests can look inside."""
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / ".aws" / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / ".aws" / "credentials"))
    monkeypatch.setenv("SSODECK_CACHE_DIR", str(home / "ssodeck-cache"))
    monkeypatch.setenv("SSODECK_CONFIG_DIR", str(home / "ssodeck-config"))
    return home


@pytest.fixture
def emu(monkeypatch: pytest.MonkeyPatch):
    """A running emulator with auto-approval, its endpoints exported to this process."""
    from app.emulator import Emulator, generate_org

    with Emulator(org=generate_org(accounts=6), auto_approve=True, device_interval=0) as emulator:
        for key, value in emulator.env().items():
            monkeypatch.setenv(key, value)
        yield emulator
