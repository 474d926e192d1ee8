"""botocore itself reads the token cache ssodeck writes (and refreshes it through the emulator)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta

from app.models import Instance, utcnow
from app.services import token_cache
from app.services.auth import get_token
from support import FAST, Browser, write_config

# Runs in a clean interpreter: only HOME, the config file and the endpoint variables are set,
# the way a user's shell would have them after `ssodeck login`.
SCRIPT = """
import sys, boto3
session = boto3.Session(profile_name=sys.argv[1])
identity = session.client("sts", region_name="us-east-1").get_caller_identity()
print(identity["Account"], identity["Arn"])
"""


def _botocore(profile: str, emu, home) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "AWS_CONFIG_FILE": os.environ["AWS_CONFIG_FILE"],
        "AWS_SHARED_CREDENTIALS_FILE": os.environ["AWS_SHARED_CREDENTIALS_FILE"],
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL_SSO": emu.url,
        "AWS_ENDPOINT_URL_SSO_OIDC": emu.url,
        "AWS_ENDPOINT_URL_STS": emu.url,
    }
    return subprocess.run([sys.executable, "-c", SCRIPT, profile], capture_output=True, text=True, env=env, timeout=60)


def _first_role(emu) -> tuple[str, str]:
    account, roles = emu.org.portal_view(emu.org.default_user)[0]
    return account.account_id, roles[0]


def test_botocore_resolves_legacy_profile_from_our_cache(emu, aws_home):
    account, role = _first_role(emu)
    write_config(aws_home, f"[profile legacy]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\nsso_account_id = {account}\nsso_role_name = {role}\nregion = us-east-1\n")
    get_token(Instance(emu.start_url, emu.region), ui=Browser(), options=FAST)
    done = _botocore("legacy", emu, aws_home)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == account
    assert f"AWSReservedSSO_{role}_" in done.stdout


def test_botocore_resolves_and_refreshes_sso_session_profile(emu, aws_home):
    account, role = _first_role(emu)
    write_config(
        aws_home,
        f"[sso-session corp]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\nsso_registration_scopes = sso:account:access\n\n"
        f"[profile dev]\nsso_session = corp\nsso_account_id = {account}\nsso_role_name = {role}\nregion = us-east-1\n",
    )
    instance = Instance(emu.start_url, emu.region, "corp", registration_scopes=("sso:account:access",))
    token = get_token(instance, ui=Browser(), options=FAST).token
    done = _botocore("dev", emu, aws_home)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == account
    assert emu.counts().get("CreateToken.refresh_token", 0) == 0

    # Five minutes left: botocore must refresh through the emulator with our refresh token.
    token_cache.save_token(instance, token._replace(expires_at=utcnow() + timedelta(minutes=5)))
    done = _botocore("dev", emu, aws_home)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == account
    assert emu.counts()["CreateToken.refresh_token"] == 1
    rewritten = json.loads(token_cache.token_path(instance).read_text())
    assert rewritten["accessToken"] != token.access_token
    assert token_cache.load_token(instance).fresh()
