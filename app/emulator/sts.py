"""STS GetCallerIdentity for the role credentials the portal minted.

This closes the loop a user cares about ("am I really in account X as role Y?") without a
moto server: the access key id in the SigV4 ``Authorization`` header identifies the minted
credentials, and the answer is the ``assumed-role/AWSReservedSSO_<Role>_<hex>`` identity AWS
would report. The signature itself is not verified.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from app.emulator.state import State, stable_hex
from app.emulator.wire import STS_NS, ApiError, Reply, Request, parse_params, xml_reply


def sts_op(request: Request) -> str | None:
    return "GetCallerIdentity" if _action(request) == "GetCallerIdentity" else None


def _action(request: Request) -> str:
    return parse_params(request.body.decode("utf-8", errors="replace")).get("Action", "")


def reserved_role_name(account_id: str, role_name: str) -> str:
    """The IAM role Identity Center provisions for a permission set, stable per account and role."""
    return f"AWSReservedSSO_{role_name}_{stable_hex(account_id + '/' + role_name)}"


def sts(state: State, request: Request) -> Reply:
    action = _action(request)
    if action != "GetCallerIdentity":
        raise ApiError(400, "InvalidAction", f"Could not find operation {action or '(none)'} for version 2011-06-15")
    signer = request.signer()
    if signer is None:
        raise ApiError(403, "MissingAuthenticationToken", "Request is missing Authentication Token")
    with state.lock:
        creds = state.role_creds.get(signer[0])
    session_token = request.header("x-amz-security-token")
    if creds is None or (session_token is not None and session_token != creds.session_token):
        raise ApiError(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
    if state.live_role_creds(creds.access_key_id) is None:
        raise ApiError(403, "ExpiredToken", "The security token included in the request is expired")
    role = reserved_role_name(creds.account_id, creds.role_name)
    role_id = "AROA" + stable_hex("role-id/" + role + creds.account_id, 17).upper()
    user = escape(creds.user)
    return xml_reply(
        f'<GetCallerIdentityResponse xmlns="{STS_NS}"><GetCallerIdentityResult>'
        f"<Arn>arn:aws:sts::{creds.account_id}:assumed-role/{escape(role)}/{user}</Arn>"
        f"<UserId>{role_id}:{user}</UserId><Account>{creds.account_id}</Account>"
        f"</GetCallerIdentityResult><ResponseMetadata><RequestId>{request.request_id}</RequestId>"
        "</ResponseMetadata></GetCallerIdentityResponse>"
    )
