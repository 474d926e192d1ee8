"""The two pages a person's browser visits during sign-in: ``/authorize`` (PKCE) and
``/device`` (device code).

In auto mode they approve at once, so a test "browser" is one urllib GET. In manual mode
they render a small form so a person running ``ssodeck emulator serve`` can click Approve
or Deny, which is the point of the demo.
"""

from __future__ import annotations

import html
import secrets
import time
from urllib.parse import urlencode, urlsplit

from app.emulator.state import AuthCode, State
from app.emulator.wire import ApiError, Reply, Request, redirect, text_reply

AUTH_CODE_TTL = 600
_STYLE = "body{font-family:sans-serif;max-width:32em;margin:3em auto}code{font-size:2em}button{margin:.3em}"
_AUTHORIZE_FIELDS = ("response_type", "client_id", "redirect_uri", "state", "code_challenge_method",
                     "code_challenge", "scopes")


def _page(body: str, status: int = 200) -> Reply:
    return text_reply(
        status,
        "<!doctype html><html><head><meta charset='utf-8'><title>ssodeck emulator — approve sign-in</title>"
        f"<style>{_STYLE}</style></head><body><h1>ssodeck emulator</h1>{body}</body></html>\n",
        "text/html; charset=utf-8",
    )


def _buttons(hidden: dict[str, str], action: str) -> str:
    fields = "".join(
        f"<input type='hidden' name='{html.escape(k)}' value='{html.escape(v, quote=True)}'>" for k, v in hidden.items()
    )
    return (
        f"<form method='post' action='{action}'>{fields}"
        "<button name='action' value='approve'>Approve</button>"
        "<button name='action' value='deny'>Deny</button></form>"
    )


def _validated_authorize(state: State, params: dict[str, str]) -> None:
    """Refuse anything the real authorize endpoint would; the 400 text says what was wrong."""
    if params.get("response_type") != "code":
        raise ApiError(400, None, "response_type must be 'code'")
    client = state.clients.get(params.get("client_id", ""))
    if client is None or time.time() >= client.expires_at:
        raise ApiError(400, None, "client_id is not a registered, unexpired client")
    if "authorization_code" not in client.grant_types:
        raise ApiError(400, None, "the client was not registered with the authorization_code grant type")
    target = urlsplit(params.get("redirect_uri", ""))
    if target.scheme != "http" or target.hostname != "127.0.0.1" or target.path != "/oauth/callback":
        raise ApiError(400, None, "redirect_uri must be http://127.0.0.1:<port>/oauth/callback")
    registered = {(u.scheme, u.hostname, u.path) for u in map(urlsplit, client.redirect_uris)}
    if (target.scheme, target.hostname, target.path) not in registered:
        raise ApiError(400, None, "redirect_uri was not registered by the client (the port may differ)")
    if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
        raise ApiError(400, None, "a code_challenge with code_challenge_method=S256 is required")


def _back_to_client(params: dict[str, str], values: dict[str, str]) -> Reply:
    if "state" in params:
        values["state"] = params["state"]
    uri = params["redirect_uri"]
    return redirect(uri + ("&" if "?" in uri else "?") + urlencode(values))


def _grant_code(state: State, params: dict[str, str], expired: bool = False) -> Reply:
    now = time.time()
    record = AuthCode(
        code=secrets.token_urlsafe(48),
        client_id=params["client_id"],
        redirect_uri=params["redirect_uri"],
        challenge=params["code_challenge"],
        user=state.user,
        expires_at=now - 1 if expired else now + AUTH_CODE_TTL,
    )
    with state.lock:
        state.auth_codes[record.code] = record
    return _back_to_client(params, {"code": record.code})


def authorize(state: State, request: Request) -> Reply:
    """GET shows or short-cuts the consent step; POST is the consent form's answer."""
    params = request.params()
    with state.lock:
        _validated_authorize(state, params)
        mode = state.controls.approval
    if request.method == "POST":
        mode = "auto" if params.get("action") == "approve" else "deny"
    if mode == "deny":
        return _back_to_client(params, {"error": "access_denied", "error_description": "The user denied access"})
    if mode in ("auto", "expire"):
        return _grant_code(state, params, expired=mode == "expire")
    hidden = {name: params[name] for name in _AUTHORIZE_FIELDS if name in params}
    return _page(
        f"<p>Allow <b>{html.escape(state.clients[params['client_id']].name)}</b> to sign in as "
        f"<b>{html.escape(state.user)}</b>?</p>" + _buttons(hidden, "/authorize")
    )


def device(state: State, request: Request) -> Reply:
    """GET with a code shows it (or approves it in auto mode); POST approves or denies it."""
    params = request.params()
    user_code = params.get("user_code", "").strip()
    if not user_code:
        return _page(
            "<form method='get' action='/device'><label>Code <input name='user_code' autofocus></label>"
            "<button>Continue</button></form>"
        )
    record = state.device_by_user_code(user_code)
    if record is None or record.status == "consumed":
        return _page(f"<p>No pending sign-in has the code <code>{html.escape(user_code)}</code>.</p>", 400)
    if time.time() >= record.expires_at:
        return _page("<p>This sign-in request has expired. Start again from your terminal.</p>", 400)
    action = params.get("action") if request.method == "POST" else None
    if action is None and state.controls.approval == "auto":
        action = "approve"
    if action in ("approve", "deny"):
        try:
            state.decide(record.user_code, approve=action == "approve")
        except LookupError as error:
            return _page(f"<p>{html.escape(str(error))}</p>", 400)
        verdict = "approved; you can return to your terminal" if action == "approve" else "denied"
        return _page(f"<p>Sign-in request <code>{record.user_code}</code> {verdict}.</p>")
    return _page(
        f"<p>Confirm that this code matches the one in your terminal:</p><p><code>{record.user_code}</code></p>"
        f"<p>Signing in as <b>{html.escape(state.user)}</b>.</p>" + _buttons({"user_code": record.user_code}, "/device")
    )
