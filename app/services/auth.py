"""Getting a usable token: cache, then refresh, then sign-in, one process at a time.

A refresh runs under a short cross-process lock named after the token file and re-reads the
cache once it holds it, so when twenty processes need a token at once the first refreshes
and the other nineteen find its result. An interactive sign-in holds a second, separate
lock: processes that could sign in too wait for it and reuse the result, while processes
that cannot (credential_process without --login) never wait on it.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from app.models import Instance, Token
from app.services import locks, oidc, token_cache
from app.services.errors import LoginRequired, ServiceError
from app.services.locks import exclusive


REFRESH_BACKOFF = 60.0  # seconds: after a failed refresh, others keep the old token that long


@dataclass(frozen=True)
class TokenResult:
    token: Token
    how: str  # "cached" | "refreshed" | "login"


def login_hint(instance: Instance, profile: str | None = None) -> str:
    """The command that signs in to ``instance``, for error messages."""
    if profile:
        return f"ssodeck login --profile {shlex.quote(profile)}"
    if instance.session_name:
        return f"ssodeck login --sso-session {shlex.quote(instance.session_name)}"
    return f"ssodeck login {shlex.quote(instance.start_url)} {instance.region}"


def get_token(
    instance: Instance,
    *,
    ui: oidc.LoginUI | None = None,
    force_login: bool = False,
    renew: bool = False,
    use_device_code: bool | None = None,
    options: oidc.FlowOptions | None = None,
    profile: str | None = None,
) -> TokenResult:
    """A token with more than 15 minutes left when possible.

    A token inside the refresh window that cannot be refreshed right now (another process is
    refreshing it, or a refresh just failed) is still returned while it is valid, as botocore
    does, unless ``renew`` (``ssodeck login``) asks for a new session. Without a ``ui`` no
    sign-in is started and nothing waits for one: LoginRequired names the command instead.
    """
    if not force_login:
        found = _cached_or_refreshed(instance, wait=renew)
        if found is not None:
            return found
        token = token_cache.load_token(instance)
        if token is not None and not token.expired() and (ui is None or not renew):
            return TokenResult(token, "cached")
    if ui is None:
        state = "has expired" if token_cache.load_token(instance) else "has no cached token"
        raise LoginRequired(f"your Identity Center session for {instance.label()} {state}; run `{login_hint(instance, profile)}`")
    seen = token_cache.load_token(instance)
    with exclusive(token_cache.signin_lock_name(instance), wait=False) as held:
        if held:
            return _sign_in_once(instance, ui, force_login, seen, use_device_code, options)
    waiting = getattr(ui, "show_waiting", None)
    if waiting is not None:
        waiting("another process is signing in to this instance; waiting for it")
    with exclusive(token_cache.signin_lock_name(instance)):
        return _sign_in_once(instance, ui, force_login, seen, use_device_code, options)


def _sign_in_once(
    instance: Instance, ui: oidc.LoginUI, force_login: bool, seen: Token | None, use_device_code: bool | None, options: oidc.FlowOptions | None
) -> TokenResult:
    """Sign in while holding the sign-in lock, unless a sign-in that finished while we waited
    already left a fresh token (for a forced sign-in: a different token than we started with)."""
    token = token_cache.load_token(instance)
    if token is not None and token.fresh():
        if not force_login:
            return TokenResult(token, "cached")
        if seen is None or token.access_token != seen.access_token:
            return TokenResult(token, "login")
    token = sign_in(instance, ui, use_device_code=use_device_code, options=options)
    with exclusive(token_cache.lock_name(instance)):
        token_cache.save_token(instance, token)
    return TokenResult(token, "login")


def _cached_or_refreshed(instance: Instance, *, wait: bool) -> TokenResult | None:
    """A fresh token from the cache, or one refreshed under the token lock; None otherwise.

    Only an expired token (or ``wait``) makes a caller queue behind another process's
    refresh; and after a refresh fails, others do not retry it for a minute.
    """
    token = token_cache.load_token(instance)
    if token is not None and token.fresh():
        return TokenResult(token, "cached")
    if token is None or not token.refreshable():
        return None
    failure = f"refresh-failed:{token_cache.token_path(instance)}"
    if locks.marked_within(failure, REFRESH_BACKOFF) and not token.expired():
        return None
    with exclusive(token_cache.lock_name(instance), wait=wait or token.expired()) as held:
        if not held:
            return None  # another process is refreshing; the caller uses the valid token
        token = token_cache.load_token(instance)  # another process may have refreshed meanwhile
        if token is None:
            return None
        if token.fresh():
            return TokenResult(token, "cached")
        if not token.refreshable():
            return None
        try:
            refreshed = oidc.refresh(instance, token)
        except (LoginRequired, ServiceError):
            locks.mark(failure)
            return None  # the caller falls back to the old token or to signing in
        token_cache.save_token(instance, refreshed)
        return TokenResult(refreshed, "refreshed")


def sign_in(
    instance: Instance,
    ui: oidc.LoginUI,
    *,
    use_device_code: bool | None = None,
    options: oidc.FlowOptions | None = None,
) -> Token:
    """PKCE for sso-session instances and device code for legacy ones, as the AWS CLI v2 does.

    Without a local browser (headless, SSH) PKCE cannot complete, so the device code is used.
    """
    if use_device_code is None:
        use_device_code = not instance.is_session or not getattr(ui, "browser_available", True)
    flow = oidc.device_login if use_device_code else oidc.pkce_login
    return flow(instance, ui, options)
