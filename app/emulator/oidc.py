"""sso-oidc: RegisterClient, StartDeviceAuthorization and CreateToken's three grants.

The rules are the service's as botocore and the AWS CLI observe them (protocols.md 2, 8):
InvalidClient is 401 and everything else 400; a device code yields tokens exactly once;
an authorization code is bound to its client, redirect URI and PKCE challenge; a refresh
token rotates (when configured) and the old one stops working.
"""

from __future__ import annotations

import base64
import hashlib
import time
from typing import Any

from app.emulator.state import State
from app.emulator.wire import ApiError, Reply, Request, json_reply

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
GRANT_OPS = {
    DEVICE_GRANT: "CreateToken.device_code",
    "authorization_code": "CreateToken.authorization_code",
    "refresh_token": "CreateToken.refresh_token",
}


def token_op(request: Request) -> str:
    """The counter name of a CreateToken call, which depends on its grant type."""
    try:
        grant = request.json().get("grantType")
    except ApiError:
        grant = None
    return GRANT_OPS.get(grant, "CreateToken") if isinstance(grant, str) else "CreateToken"


def _strings(body: dict[str, Any], name: str) -> list[str]:
    value = body.get(name) or []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ApiError(400, "InvalidRequestException", f"{name} must be a list of strings")
    return value


def _required(body: dict[str, Any], *names: str) -> list[str]:
    values = [body.get(name) for name in names]
    missing = [name for name, value in zip(names, values) if not isinstance(value, str) or not value]
    if missing:
        raise ApiError(400, "InvalidRequestException", f"Missing required parameter: {', '.join(missing)}")
    return values  # type: ignore[return-value]


def register_client(state: State, request: Request) -> Reply:
    body = request.json()
    name, client_type = _required(body, "clientName", "clientType")
    if client_type != "public":
        raise ApiError(400, "InvalidClientMetadataException", 'clientType must be "public"')
    issuer = body.get("issuerUrl")
    if issuer is not None and issuer != state.start_url:
        raise ApiError(400, "InvalidRequestException", f"issuerUrl must be the start URL {state.start_url}")
    client = state.register_client(
        name, _strings(body, "grantTypes"), _strings(body, "redirectUris"), _strings(body, "scopes")
    )
    return json_reply(
        {
            "clientId": client.client_id,
            "clientSecret": client.client_secret,
            "clientIdIssuedAt": int(client.issued_at),
            "clientSecretExpiresAt": int(client.expires_at),
            "authorizationEndpoint": f"{state.url}/authorize",
            "tokenEndpoint": f"{state.url}/token",
        }
    )


def start_device_authorization(state: State, request: Request) -> Reply:
    body = request.json()
    client = state.authenticate(body.get("clientId"), body.get("clientSecret"))
    (start_url,) = _required(body, "startUrl")
    if start_url != state.start_url:
        raise ApiError(400, "InvalidRequestException", f"startUrl must be the start URL {state.start_url}")
    record = state.start_device(client)
    return json_reply(
        {
            "deviceCode": record.device_code,
            "userCode": record.user_code,
            "verificationUri": f"{state.url}/device",
            "verificationUriComplete": f"{state.url}/device?user_code={record.user_code}",
            "expiresIn": state.controls.device_expires_in,
            "interval": state.controls.device_interval,
        }
    )


def create_token(state: State, request: Request) -> Reply:
    body = request.json()
    client = state.authenticate(body.get("clientId"), body.get("clientSecret"))
    grant = body.get("grantType")
    if grant == DEVICE_GRANT:
        return json_reply(_device_grant(state, client.client_id, body))
    if grant == "authorization_code":
        return json_reply(_code_grant(state, client.client_id, body))
    if grant == "refresh_token":
        return json_reply(_refresh_grant(state, client.client_id, body))
    if not grant:
        raise ApiError(400, "InvalidRequestException", "Missing required parameter: grantType")
    raise ApiError(400, "UnsupportedGrantTypeException", f"Unsupported grant type {grant!r}")


def _device_grant(state: State, client_id: str, body: dict[str, Any]) -> dict[str, Any]:
    (device_code,) = _required(body, "deviceCode")
    controls = state.controls
    with state.lock:
        record = state.device_codes.get(device_code)
        if record is None or record.client_id != client_id or record.status == "consumed":
            raise ApiError(400, "InvalidGrantException", "Invalid or already used device code")
        now = time.time()
        if now >= record.expires_at:
            raise ApiError(400, "ExpiredTokenException", "Device code has expired")
        record.polls += 1
        if record.polls <= controls.slow_down_first:
            raise ApiError(400, "SlowDownException", "Client is polling too quickly")
        if record.status == "pending":
            if controls.approval == "deny":
                record.status = "denied"
            elif controls.approval == "expire":
                record.expires_at = now
                raise ApiError(400, "ExpiredTokenException", "Device code has expired")
            elif controls.approval == "auto" and record.pending_answers >= controls.pending_polls and (
                now - record.created >= controls.approve_delay
            ):
                record.status, record.user = "approved", state.user
        if record.status == "denied":
            raise ApiError(400, "AccessDeniedException", "The user denied the sign-in request")
        if record.status == "pending":
            record.pending_answers += 1
            raise ApiError(400, "AuthorizationPendingException", "Authorization is still pending")
        record.status = "consumed"
        user = record.user or state.user
    return state.issue_tokens(client_id, user)


def pkce_challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii", "replace")).digest()).rstrip(b"=").decode()


def _code_grant(state: State, client_id: str, body: dict[str, Any]) -> dict[str, Any]:
    code, redirect_uri, verifier = _required(body, "code", "redirectUri", "codeVerifier")
    with state.lock:
        record = state.auth_codes.get(code)
        if record is None or record.client_id != client_id or record.used:
            raise ApiError(400, "InvalidGrantException", "Invalid or already used authorization code")
        if time.time() >= record.expires_at:
            raise ApiError(400, "ExpiredTokenException", "Authorization code has expired")
        if redirect_uri != record.redirect_uri:
            raise ApiError(400, "InvalidGrantException", "redirectUri does not match the authorization request")
        if pkce_challenge(verifier) != record.challenge:
            raise ApiError(400, "InvalidGrantException", "codeVerifier does not match the code challenge")
        record.used = True
    return state.issue_tokens(client_id, record.user)


def _refresh_grant(state: State, client_id: str, body: dict[str, Any]) -> dict[str, Any]:
    (token,) = _required(body, "refreshToken")
    with state.lock:
        record = state.refresh_tokens.get(token)
        if record is None or record.session.client_id != client_id or not record.usable(time.time()):
            raise ApiError(400, "InvalidGrantException", "Invalid, expired or revoked refresh token")
        rotate = state.controls.rotate_refresh_token
        if rotate:
            record.revoked = True
        return state.issue_tokens(client_id, record.session.user, record.session, refresh=rotate)
