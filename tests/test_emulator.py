"""The emulator over real HTTP: boto3 clients and botocore's own providers against it, plus
urllib for the browser, federation and control routes, and the ``serve`` command.

``aws_home`` (a temp HOME with AWS_CONFIG_FILE inside it) and ``emu`` (an auto-approving
emulator with device_interval=0) come from tests/conftest.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import boto3
import botocore.credentials
import botocore.tokens
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ReadTimeoutError

from app.emulator import Emulator, Org, generate_org

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
# retries={"max_attempts": 1} would still allow one retry; count attempts exactly instead.
ONE_TRY = Config(retries={"total_max_attempts": 1})
REPO = Path(__file__).resolve().parents[1]


def oidc_client(emu: Emulator) -> Any:
    return boto3.client("sso-oidc", region_name="us-east-1", endpoint_url=emu.url, config=ONE_TRY)


def sso_client(emu: Emulator, config: Config = ONE_TRY) -> Any:
    return boto3.client("sso", region_name="us-east-1", endpoint_url=emu.url, config=config)


def register(emu: Emulator, **extra: Any) -> tuple[Any, dict[str, str]]:
    oidc = oidc_client(emu)
    reg = oidc.register_client(clientName="test", clientType="public", **extra)
    return oidc, {"clientId": reg["clientId"], "clientSecret": reg["clientSecret"]}


def start_device(emu: Emulator) -> tuple[Any, dict[str, str], dict[str, Any]]:
    oidc, client = register(emu)
    device = oidc.start_device_authorization(startUrl=emu.start_url, **client)
    return oidc, client, device


def poll(oidc: Any, client: dict[str, str], device: dict[str, Any]) -> dict[str, Any]:
    return oidc.create_token(grantType=DEVICE_GRANT, deviceCode=device["deviceCode"], **client)


def error_code(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    return caught.value.response["Error"]["Code"]


def sign_in(emu: Emulator) -> dict[str, Any]:
    """A full device-flow sign-in (the emulator must be in auto mode)."""
    oidc, client, device = start_device(emu)
    return {**poll(oidc, client, device), **client, "oidc": oidc}


def http(emu: Emulator, method: str, path: str, data: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, Any, bytes]:
    """One request that never follows redirects, so tests can read a 302's Location."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    request = urllib.request.Request(emu.url + path, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=5) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def post_json(emu: Emulator, path: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    status, _, body = http(emu, "POST", path, json.dumps(payload).encode(), {"Content-Type": "application/json"})
    return status, json.loads(body or b"{}")


def role_credentials(emu: Emulator, token: str) -> tuple[str, dict[str, Any]]:
    sso = sso_client(emu)
    account = sso.list_accounts(accessToken=token)["accountList"][0]["accountId"]
    role = sso.list_account_roles(accessToken=token, accountId=account)["roleList"][0]["roleName"]
    return account, sso.get_role_credentials(accessToken=token, accountId=account, roleName=role)["roleCredentials"]


# -- device flow -------------------------------------------------------------------------


def test_device_flow_pending_until_approved_then_consumed(emu: Emulator) -> None:
    emu.configure(approval="manual")
    oidc, client, device = start_device(emu)
    assert device["verificationUriComplete"] == f"{emu.url}/device?user_code={device['userCode']}"
    assert (device["expiresIn"], device["interval"]) == (600, 0)
    with pytest.raises(ClientError) as caught:
        poll(oidc, client, device)
    assert caught.value.response["Error"]["Code"] == "AuthorizationPendingException"
    assert caught.value.response["error"] == "authorization_pending"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    emu.approve(device["userCode"].lower())
    token = poll(oidc, client, device)
    assert token["tokenType"] == "Bearer" and token["expiresIn"] == 3600 and token["refreshToken"]
    assert error_code(poll, oidc, client, device) == "InvalidGrantException"
    assert emu.counts()["CreateToken.device_code"] == 3


def test_auto_approval_after_slow_down_and_pending_polls(emu: Emulator) -> None:
    emu.configure(pending_polls=2, slow_down_first=1)
    oidc, client, device = start_device(emu)
    codes = [error_code(poll, oidc, client, device) for _ in range(3)]
    assert codes == ["SlowDownException", "AuthorizationPendingException", "AuthorizationPendingException"]
    assert poll(oidc, client, device)["accessToken"]


def test_auto_approval_waits_for_approve_delay(emu: Emulator) -> None:
    emu.configure(approve_delay=0.3)
    oidc, client, device = start_device(emu)
    assert error_code(poll, oidc, client, device) == "AuthorizationPendingException"
    time.sleep(0.35)
    assert poll(oidc, client, device)["accessToken"]


def test_denied_and_expired_device_codes(emu: Emulator) -> None:
    emu.configure(approval="deny")
    oidc, client, device = start_device(emu)
    assert error_code(poll, oidc, client, device) == "AccessDeniedException"
    emu.configure(approval="expire")
    oidc, client, device = start_device(emu)
    assert error_code(poll, oidc, client, device) == "ExpiredTokenException"
    emu.configure(approval="manual")
    oidc, client, device = start_device(emu)
    emu.deny(device["userCode"])
    assert error_code(poll, oidc, client, device) == "AccessDeniedException"
    oidc, client, device = start_device(emu)
    emu.expire_now("device_code")
    assert error_code(poll, oidc, client, device) == "ExpiredTokenException"


def test_device_page_approves_by_form_or_on_sight(emu: Emulator) -> None:
    emu.configure(approval="manual")
    oidc, client, device = start_device(emu)
    status, headers, page = http(emu, "GET", f"/device?user_code={device['userCode']}")
    assert status == 200 and "text/html" in headers["Content-Type"]
    assert "ssodeck emulator — approve sign-in" in page.decode() and device["userCode"] in page.decode()
    form = urlencode({"user_code": device["userCode"], "action": "approve"}).encode()
    assert http(emu, "POST", "/device", form, {"Content-Type": "application/x-www-form-urlencoded"})[0] == 200
    assert poll(oidc, client, device)["accessToken"]
    emu.configure(approval="auto")
    oidc, client, device = start_device(emu)
    assert http(emu, "GET", f"/device?user_code={device['userCode']}")[0] == 200
    assert poll(oidc, client, device)["accessToken"]
    assert http(emu, "GET", "/device?user_code=NOPE-NOPE")[0] == 400


def test_registration_and_client_checks(emu: Emulator) -> None:
    oidc = oidc_client(emu)
    assert error_code(oidc.register_client, clientName="x", clientType="confidential") == "InvalidClientMetadataException"
    with pytest.raises(ClientError) as caught:
        oidc.register_client(clientName="x", clientType="public", issuerUrl="https://other.awsapps.com/start")
    assert caught.value.response["Error"]["Code"] == "InvalidRequestException"
    assert emu.start_url in caught.value.response["Error"]["Message"]
    reg = oidc.register_client(clientName="x", clientType="public")
    assert reg["clientSecretExpiresAt"] - time.time() == pytest.approx(90 * 86400, abs=5)
    with pytest.raises(ClientError) as caught:
        oidc.start_device_authorization(clientId=reg["clientId"], clientSecret="wrong", startUrl=emu.start_url)
    assert caught.value.response["Error"]["Code"] == "InvalidClientException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 401
    client = {"clientId": reg["clientId"], "clientSecret": reg["clientSecret"]}
    assert error_code(oidc.start_device_authorization, startUrl="https://x.awsapps.com/start", **client) == (
        "InvalidRequestException"
    )
    emu.expire_now("registration")
    assert error_code(oidc.start_device_authorization, startUrl=emu.start_url, **client) == "InvalidClientException"


# -- authorization code + PKCE -----------------------------------------------------------


def pkce_client(emu: Emulator) -> tuple[Any, dict[str, str]]:
    return register(emu, grantTypes=["authorization_code", "refresh_token"],
                    redirectUris=["http://127.0.0.1/oauth/callback"], issuerUrl=emu.start_url)


def authorize_path(client: dict[str, str], verifier: str, redirect_uri: str) -> str:
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return "/authorize?" + urlencode({
        "response_type": "code", "client_id": client["clientId"], "redirect_uri": redirect_uri,
        "state": "st-1", "code_challenge_method": "S256", "scopes": "sso:account:access", "code_challenge": challenge,
    })


def test_pkce_authorize_redirect_and_code_exchange(emu: Emulator) -> None:
    oidc, client = pkce_client(emu)
    verifier, redirect_uri = "v" * 64, "http://127.0.0.1:54321/oauth/callback"
    status, headers, _ = http(emu, "GET", authorize_path(client, verifier, redirect_uri))
    assert status == 302
    location = urlsplit(headers["Location"])
    assert f"http://{location.netloc}{location.path}" == redirect_uri
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["state"] == "st-1"
    exchange = {"grantType": "authorization_code", "code": query["code"], **client}
    assert error_code(oidc.create_token, redirectUri=redirect_uri, codeVerifier="w" * 64, **exchange) == (
        "InvalidGrantException"
    )
    assert error_code(oidc.create_token, redirectUri="http://127.0.0.1:1/oauth/callback", codeVerifier=verifier,
                      **exchange) == "InvalidGrantException"
    token = oidc.create_token(redirectUri=redirect_uri, codeVerifier=verifier, **exchange)
    assert token["accessToken"] and token["refreshToken"]
    assert error_code(oidc.create_token, redirectUri=redirect_uri, codeVerifier=verifier, **exchange) == (
        "InvalidGrantException"
    )
    assert emu.counts()["Authorize"] == 1 and emu.counts()["CreateToken.authorization_code"] == 4


def test_authorize_deny_manual_and_bad_parameters(emu: Emulator) -> None:
    _, client = pkce_client(emu)
    redirect_uri = "http://127.0.0.1:40000/oauth/callback"
    emu.configure(approval="deny")
    status, headers, _ = http(emu, "GET", authorize_path(client, "v" * 64, redirect_uri))
    assert status == 302 and "error=access_denied" in headers["Location"] and "state=st-1" in headers["Location"]
    emu.configure(approval="manual")
    status, _, page = http(emu, "GET", authorize_path(client, "v" * 64, redirect_uri))
    assert status == 200 and b"Approve" in page and b"Deny" in page
    form = dict(parse_qs(urlsplit(authorize_path(client, "v" * 64, redirect_uri)).query), action=["approve"])
    status, headers, _ = http(emu, "POST", "/authorize", urlencode(form, doseq=True).encode(),
                              {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 302 and "code=" in headers["Location"]
    for bad in ("http://localhost:1/oauth/callback", "http://127.0.0.1:1/elsewhere"):
        status, _, text = http(emu, "GET", authorize_path(client, "v" * 64, bad))
        assert status == 400 and b"redirect_uri" in text


# -- refresh -----------------------------------------------------------------------------


def test_refresh_rotates_and_old_token_stops_working(emu: Emulator) -> None:
    first = sign_in(emu)
    oidc, client = first["oidc"], {"clientId": first["clientId"], "clientSecret": first["clientSecret"]}
    second = oidc.create_token(grantType="refresh_token", refreshToken=first["refreshToken"], **client)
    assert second["refreshToken"] != first["refreshToken"] and second["accessToken"] != first["accessToken"]
    assert error_code(oidc.create_token, grantType="refresh_token", refreshToken=first["refreshToken"], **client) == (
        "InvalidGrantException"
    )
    assert sso_client(emu).list_accounts(accessToken=second["accessToken"])["accountList"]
    emu.configure(rotate_refresh_token=False)
    third = oidc.create_token(grantType="refresh_token", refreshToken=second["refreshToken"], **client)
    assert "refreshToken" not in third
    assert oidc.create_token(grantType="refresh_token", refreshToken=second["refreshToken"], **client)["accessToken"]
    emu.expire_now("refresh_token")
    assert error_code(oidc.create_token, grantType="refresh_token", refreshToken=second["refreshToken"], **client) == (
        "InvalidGrantException"
    )


# -- portal ------------------------------------------------------------------------------


def test_portal_pagination_matches_the_org() -> None:
    org = generate_org(accounts=30, seed=7)
    with Emulator(org=org, auto_approve=True, page_size_accounts=7, page_size_roles=1) as emu:
        token = sign_in(emu)["accessToken"]
        sso = sso_client(emu)
        pages = list(sso.get_paginator("list_accounts").paginate(accessToken=token))
        listed = [a["accountId"] for page in pages for a in page["accountList"]]
        view = org.portal_view("alice")
        assert listed == [account.account_id for account, _ in view]
        assert len(pages) == -(-len(view) // 7) and emu.counts()["ListAccounts"] == len(pages)
        account, roles = max(view, key=lambda item: len(item[1]))
        paginator = sso.get_paginator("list_account_roles")
        listed_roles = [r["roleName"] for p in paginator.paginate(accessToken=token, accountId=account.account_id)
                        for r in p["roleList"]]
        assert tuple(listed_roles) == roles and len(roles) > 1
        first = sso.list_accounts(accessToken=token, maxResults=3)
        assert len(first["accountList"]) == 3 and first["nextToken"]


def test_portal_errors_and_millisecond_expiration(emu: Emulator) -> None:
    token = sign_in(emu)["accessToken"]
    sso = sso_client(emu)
    assert error_code(sso.list_accounts, accessToken="nope") == "UnauthorizedException"
    account = sso.list_accounts(accessToken=token)["accountList"][0]["accountId"]
    assert error_code(sso.get_role_credentials, accessToken=token, accountId=account, roleName="Nope") == (
        "ForbiddenException"
    )
    assert error_code(sso.list_account_roles, accessToken=token, accountId="000000000000") == "ForbiddenException"
    status, headers, body = http(emu, "GET", "/assignment/roles", headers={"x-amz-sso_bearer_token": token})
    assert status == 400 and headers["x-amzn-ErrorType"] == "InvalidRequestException" and json.loads(body)["message"]
    _, creds = role_credentials(emu, token)
    assert creds["expiration"] / 1000 - time.time() == pytest.approx(3600, abs=5)
    assert re.fullmatch(r"ASIA[A-Z0-9]{16}", creds["accessKeyId"]) and len(creds["secretAccessKey"]) == 40
    emu.expire_now("access_token")
    assert error_code(sso.list_accounts, accessToken=token) == "UnauthorizedException"


def test_logout_revokes_access_and_refresh_tokens(emu: Emulator) -> None:
    signed = sign_in(emu)
    sso = sso_client(emu)
    sso.logout(accessToken=signed["accessToken"])
    assert error_code(sso.list_accounts, accessToken=signed["accessToken"]) == "UnauthorizedException"
    client = {"clientId": signed["clientId"], "clientSecret": signed["clientSecret"]}
    assert error_code(signed["oidc"].create_token, grantType="refresh_token", refreshToken=signed["refreshToken"],
                      **client) == "InvalidGrantException"
    assert emu.counts()["Logout"] == 1


def test_rate_limit_answers_429(emu: Emulator) -> None:
    token = sign_in(emu)["accessToken"]
    emu.configure(max_rps=2)
    sso = sso_client(emu)
    sso.list_accounts(accessToken=token)
    sso.list_accounts(accessToken=token)
    with pytest.raises(ClientError) as caught:
        sso.list_accounts(accessToken=token)
    assert caught.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert caught.value.response["Error"]["Message"] == "Rate exceeded"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    time.sleep(0.6)
    assert sso.list_accounts(accessToken=token)["accountList"]


def test_failure_injection_by_count_and_seeded_rate(emu: Emulator) -> None:
    token = sign_in(emu)["accessToken"]
    sso = sso_client(emu)
    emu.configure(failures={"ListAccounts": {"status": 500, "count": 2}, "RegisterClient": {"status": 400, "count": 1}})
    assert [error_code(sso.list_accounts, accessToken=token) for _ in range(2)] == ["InternalServerException"] * 2
    assert sso.list_accounts(accessToken=token)["accountList"]
    with pytest.raises(ClientError) as caught:
        oidc_client(emu).register_client(clientName="x", clientType="public")
    assert caught.value.response["Error"]["Code"] == "InvalidRequestException"
    assert caught.value.response["error"] == "invalid_request"

    def pattern() -> list[bool]:
        emu.configure(seed=42, failures={"ListAccounts": {"status": 429, "rate": 0.5}})
        outcomes = []
        for _ in range(20):
            try:
                sso.list_accounts(accessToken=token)
                outcomes.append(True)
            except ClientError as error:
                assert error.response["Error"]["Code"] == "TooManyRequestsException"
                outcomes.append(False)
        return outcomes

    first = pattern()
    assert first == pattern() and 0 < first.count(False) < 20


def test_latency_peak_in_flight_and_hang(emu: Emulator) -> None:
    token = sign_in(emu)["accessToken"]
    emu.configure(latency_ms={"ListAccounts": 300})
    emu.reset_counters()
    clients = [sso_client(emu) for _ in range(5)]  # boto3's default session is not thread-safe
    threads = [threading.Thread(target=client.list_accounts, kwargs={"accessToken": token}) for client in clients]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    assert 0.3 <= elapsed < 1.2 and emu.peak_in_flight == 5 and emu.counts() == {"ListAccounts": 5}
    emu.configure(latency_ms={"ListAccountRoles": "hang"})
    slow = sso_client(emu, Config(retries={"total_max_attempts": 1}, read_timeout=0.3))
    with pytest.raises(ReadTimeoutError):
        slow.list_account_roles(accessToken=token, accountId="111111111111")


# -- STS and federation ------------------------------------------------------------------


def test_sts_get_caller_identity_with_minted_credentials(emu: Emulator) -> None:
    account, creds = role_credentials(emu, sign_in(emu)["accessToken"])

    def sts(key: str = creds["accessKeyId"]) -> Any:
        return boto3.client("sts", region_name="us-east-1", endpoint_url=emu.url, config=ONE_TRY,
                            aws_access_key_id=key, aws_secret_access_key=creds["secretAccessKey"],
                            aws_session_token=creds["sessionToken"])

    identity = sts().get_caller_identity()
    assert identity["Account"] == account
    assert re.fullmatch(rf"arn:aws:sts::{account}:assumed-role/AWSReservedSSO_[\w+=,.@-]+_[0-9a-f]{{16}}/alice", identity["Arn"])
    assert identity["UserId"].startswith("AROA") and identity["UserId"].endswith(":alice")
    assert error_code(sts("ASIAAAAAAAAAAAAAAAAA").get_caller_identity) == "InvalidClientTokenId"
    assert error_code(sts().get_session_token) == "InvalidAction"
    emu.expire_now("role_credentials")
    assert error_code(sts().get_caller_identity) == "ExpiredToken"


def test_federation_signin_token_and_login_redirect(emu: Emulator) -> None:
    _, creds = role_credentials(emu, sign_in(emu)["accessToken"])
    session = json.dumps({"sessionId": creds["accessKeyId"], "sessionKey": creds["secretAccessKey"],
                          "sessionToken": creds["sessionToken"]})
    status, _, body = http(emu, "GET", "/federation?" + urlencode({"Action": "getSigninToken", "Session": session}))
    assert status == 200
    signin = json.loads(body)["SigninToken"]
    destination = "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"
    login = "/federation?" + urlencode({"Action": "login", "Issuer": "", "Destination": destination, "SigninToken": signin})
    status, headers, _ = http(emu, "GET", login)
    assert status == 302 and headers["Location"] == destination
    assert emu.console_destinations() == [destination]
    assert http(emu, "GET", login)[0] == 400
    form = urlencode({"Action": "getSigninToken", "Session": session, "SessionDuration": "60"}).encode()
    assert http(emu, "POST", "/federation", form, {"Content-Type": "application/x-www-form-urlencoded"})[0] == 400
    forged = session.replace(creds["secretAccessKey"], "x" * 40)
    assert http(emu, "GET", "/federation?Action=getSigninToken&Session=" + quote(forged))[0] == 400
    assert emu.counts()["GetSigninToken"] == 3 and emu.counts()["FederationLogin"] == 2


def test_botocore_sso_provider_refreshes_and_resolves_through_the_emulator(
    emu: Emulator, aws_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """botocore's own token and credential providers, pointed at the emulator by env vars only."""
    signed = sign_in(emu)
    account, roles = emu.org.portal_view("alice")[0]
    cache = aws_home / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True)
    for owner in (botocore.tokens.SSOTokenProvider, botocore.credentials.SSOProvider):
        monkeypatch.setattr(owner, "_SSO_TOKEN_CACHE_DIR", str(cache))
    soon = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 300))
    later = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 86400))
    (cache / (hashlib.sha1(b"emu").hexdigest() + ".json")).write_text(json.dumps({
        "startUrl": emu.start_url, "region": emu.region, "accessToken": signed["accessToken"], "expiresAt": soon,
        "clientId": signed["clientId"], "clientSecret": signed["clientSecret"], "registrationExpiresAt": later,
        "refreshToken": signed["refreshToken"],
    }))
    (aws_home / ".aws" / "config").write_text(
        f"[sso-session emu]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\n\n"
        f"[profile dev]\nsso_session = emu\nsso_account_id = {account.account_id}\nsso_role_name = {roles[0]}\n"
    )
    for name, value in emu.env().items():
        monkeypatch.setenv(name, value)
    emu.reset_counters()
    identity = boto3.Session(profile_name="dev", region_name="us-east-1").client("sts").get_caller_identity()
    assert identity["Account"] == account.account_id
    assert emu.counts() == {"CreateToken.refresh_token": 1, "GetRoleCredentials": 1, "GetCallerIdentity": 1}
    credential_request = next(r for r in emu.requests() if r["op"] == "GetRoleCredentials")
    assert "Authorization" not in credential_request["headers"]
    assert credential_request["headers"]["x-amz-sso_bearer_token"] != signed["accessToken"]


# -- org model ---------------------------------------------------------------------------


def test_generated_org_is_deterministic_and_awkward() -> None:
    def fingerprint(org: Org) -> Any:
        return list(org.accounts.values()), list(org.users.values()), org.assignments, org.memberships

    org = generate_org(accounts=40, seed=3)
    assert fingerprint(org) == fingerprint(generate_org(accounts=40, seed=3))
    assert fingerprint(org) != fingerprint(generate_org(accounts=40, seed=4))
    names = [a.name for a in org.accounts.values()]
    assert len(org.accounts) == 40 and all(re.fullmatch(r"\d{12}", a) for a in org.accounts)
    assert any("[" in n for n in names) and any(not n.isascii() for n in names) and any(len(n) >= 60 for n in names)
    assert any(" " in n for n in names) and "日本 Prod" in names and "Café Ünïcode" in names
    folded = [re.sub(r"[^a-z0-9]", "", n.lower()) for n in names]
    assert len(set(folded)) < len(folded)
    assert sum(a.status == "SUSPENDED" for a in org.accounts.values()) >= 2
    assert 2 <= len(org.users) <= 6 and len(org.groups) >= 3
    assert {"AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess", "Billing", "DeveloperAccess",
            "SecurityAudit"} <= {ps.name for ps in org.permission_sets.values()}
    view = org.portal_view("alice")
    assert [a for a, _ in view] == org.active_accounts()
    assert all(1 <= len(roles) <= 4 for _, roles in view)
    alice = org.user("alice").user_id
    kinds = {(a.principal_type, a.principal_id == alice) for a in org.assignments}
    assert ("USER", True) in kinds and ("GROUP", False) in kinds
    small = generate_org(accounts=1, user="zoe")
    assert small.default_user.user_name == "zoe" and len(small.portal_view("zoe")) == 1


def test_hand_built_org_merges_direct_and_group_roles() -> None:
    org = Org()
    dev = org.add_account("Dev", "111111111111")
    gone = org.add_account("Old", "222222222222", status="SUSPENDED")
    org.add_account("Hidden", "333333333333")
    alice, bob = org.add_user("alice"), org.add_user("bob")
    admins = org.add_group("Admins", members=[alice])
    admin = org.add_permission_set("AdministratorAccess")
    org.add_permission_set("ReadOnlyAccess")
    assert re.fullmatch(r"arn:aws:sso:::permissionSet/ssoins-[0-9a-f]{16}/ps-[0-9a-f]{16}", admin.arn)
    org.assign(dev, admin, alice)
    org.assign(dev, "AdministratorAccess", admins)
    org.assign("Dev", "ReadOnlyAccess", "Admins")
    org.assign(gone, admin, alice)
    org.assign("333333333333", admin, bob)
    assert org.portal_view("alice") == [(dev, ("AdministratorAccess", "ReadOnlyAccess"))]
    assert org.roles_for("alice", "333333333333") is None and org.default_user == alice


# -- control routes, logging and the serve command ---------------------------------------


def test_http_controls(emu: Emulator, capfd: pytest.CaptureFixture[str]) -> None:
    status, body = post_json(emu, "/_emu/config", {"approval": "manual", "max_rps": 50, "latency_ms": {"Logout": 5}})
    assert status == 200 and body["controls"]["max_rps"] == 50 and emu.controls.approval == "manual"
    assert post_json(emu, "/_emu/config", {"approval": "sometimes"})[0] == 400
    assert post_json(emu, "/_emu/config", {"no_such_knob": 1})[0] == 400
    oidc, client, device = start_device(emu)
    assert post_json(emu, "/_emu/approve", {"userCode": device["userCode"]}) == (
        200, {"userCode": device["userCode"], "status": "approved"})
    token = poll(oidc, client, device)["accessToken"]
    assert post_json(emu, "/_emu/deny", {"userCode": "ZZZZ-ZZZZ"})[0] == 404
    sso_client(emu).list_accounts(accessToken=token)
    state = json.loads(http(emu, "GET", "/_emu/state")[2])
    assert state["counts"]["ListAccounts"] == 1 and state["peak_in_flight"] >= 1
    assert state["controls"]["approval"] == "manual" and state["url"] == emu.url
    logged = json.loads(http(emu, "GET", "/_emu/requests")[2])["requests"]
    listing = [r for r in logged if r["op"] == "ListAccounts"][0]
    assert listing["headers"]["x-amz-sso_bearer_token"] == token and "Authorization" not in listing["headers"]
    assert post_json(emu, "/_emu/expire", {"what": "access_token"})[0] == 200
    assert error_code(sso_client(emu).list_accounts, accessToken=token) == "UnauthorizedException"
    assert post_json(emu, "/_emu/expire", {"what": "everything"})[0] == 400
    assert post_json(emu, "/_emu/reset", {})[0] == 200 and emu.counts() == {} and emu.requests() == []
    captured = capfd.readouterr()
    assert token not in captured.err and "GET" not in captured.err


def test_serve_command_prints_url_and_exports(aws_home: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-m", "headless", "emulator", "serve", "--port", "0", "--accounts", "4", "--auto-approve"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=aws_home,
    )
    try:
        assert process.stdout is not None
        header = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+", header)
        assert url and "https://ssodeck-demo.awsapps.com/start" in header and "us-east-1" in header
        assert "4 accounts" in header and "alice" in header
        lines = [process.stdout.readline() for _ in range(13)]
        exports = dict(re.findall(r"^export (\w+)=(\S+)$", "".join(lines), re.M))
        assert exports["AWS_ENDPOINT_URL_SSO_OIDC"] == url.group(0)
        assert exports["SSODECK_FEDERATION_ENDPOINT"] == url.group(0) + "/federation"
        assert exports["AWS_ENDPOINT_URL_SSO_ADMIN"] == exports["AWS_ENDPOINT_URL_ORGANIZATIONS"] == url.group(0)
        assert exports["AWS_ACCESS_KEY_ID"] and "ssodeck admin" in lines[9] and lines[9].startswith("#")
        assert "ssodeck login" in lines[12]
        with urllib.request.urlopen(url.group(0) + "/_emu/state", timeout=5) as response:
            assert json.load(response)["controls"]["approval"] == "auto"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        assert process.stderr is not None and process.stderr.read() == ""
    finally:
        process.kill()
        process.wait()
