"""Console federation sign-in (``/federation``): getSigninToken, then login.

The real endpoint answers failures with an undocumented plain 400, so this one does too;
the tool must treat any non-200 as failure without parsing it (protocols.md 5). Sign-in
tokens are single use and live 15 minutes, and only role credentials this emulator minted
(and that are still valid) can be exchanged for one.
"""

from __future__ import annotations

import json
import secrets
import time

from app.emulator.state import SigninToken, State
from app.emulator.wire import ApiError, Reply, Request, json_reply, redirect

SIGNIN_TOKEN_TTL = 15 * 60
_OPS = {"getsignintoken": "GetSigninToken", "login": "FederationLogin"}


def federation_op(request: Request) -> str | None:
    return _OPS.get(request.params().get("Action", "").lower())


def federation(state: State, request: Request) -> Reply:
    params = request.params()
    action = params.get("Action", "").lower()
    if action == "getsignintoken":
        return _get_signin_token(state, params)
    if action == "login":
        return _login(state, params)
    raise ApiError(400, None, "Unsupported Action")


def _get_signin_token(state: State, params: dict[str, str]) -> Reply:
    try:
        session = json.loads(params.get("Session", ""))
    except ValueError:
        session = None
    if not isinstance(session, dict) or not all(
        isinstance(session.get(key), str) for key in ("sessionId", "sessionKey", "sessionToken")
    ):
        raise ApiError(400, None, "Invalid credentials parameter")
    creds = state.live_role_creds(session["sessionId"])
    if creds is None or not (
        secrets.compare_digest(creds.secret_access_key, session["sessionKey"])
        and secrets.compare_digest(creds.session_token, session["sessionToken"])
    ):
        raise ApiError(400, None, "Invalid credentials parameter")
    if params.get("SessionDuration", "") != "":
        try:
            duration = int(params["SessionDuration"])
        except ValueError:
            duration = 0
        if not 900 <= duration <= 43200:
            raise ApiError(400, None, "SessionDuration must be between 900 and 43200 seconds")
    token = secrets.token_urlsafe(300)
    with state.lock:
        state.signin_tokens[token] = SigninToken(creds.access_key_id, time.time() + SIGNIN_TOKEN_TTL)
    return json_reply({"SigninToken": token})


def _login(state: State, params: dict[str, str]) -> Reply:
    destination = params.get("Destination", "")
    if not destination:
        raise ApiError(400, None, "Destination is required")
    with state.lock:
        record = state.signin_tokens.get(params.get("SigninToken", ""))
        if record is None or record.used or time.time() >= record.expires_at:
            raise ApiError(400, None, "Invalid or expired SigninToken")
        record.used = True
        state.destinations.append(destination)
    return redirect(destination)
