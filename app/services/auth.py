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
from app.services import oidc, token_cache
from app.services.errors import LoginRequired, ServiceError
from app.services.locks import exclusive


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
    use_device_code: bool | None = None,
    options: oidc.FlowOptions | None = None,
    profile: str | None = None,
) -> TokenResult:
    """A token with more than 15 minutes left when possible.

    Without a ``ui`` no sign-in is started and nothing waits for one: a still-valid token
    inside the refresh window is returned as is, otherwise LoginRequired names the command.
    """
    if not force_login:
        found = _cached_or_refreshed(instance)
        if found is not None:
            return found
    if ui is None:
        token = token_cache.load_token(instance)
        if token and not token.expired() and not force_login:
            return TokenResult(token, "cached")
        state = "has expired" if token else "has no cached token"
        raise LoginRequired(f"your Identity Center session for {instance.label()} {state}; run `{login_hint(instance, profile)}`")
    # One interactive sign-in at a time per token file; whoever waited reuses its result.
    with exclusive(token_cache.signin_lock_name(instance)):
        if not force_login:
            found = _cached_or_refreshed(instance)
            if found is not None:
                return found
        token = sign_in(instance, ui, use_device_code=use_device_code, options=options)
        with exclusive(token_cache.lock_name(instance)):
            token_cache.save_token(instance, token)
        return TokenResult(token, "login")


def _cached_or_refreshed(instance: Instance) -> TokenResult | None:
    """A fresh token from the cache, or one refreshed under the token lock; None otherwise."""
    token = token_cache.load_token(instance)
    if token is not None and token.fresh():
        return TokenResult(token, "cached")
    if token is None or not token.refreshable():
        return None
    with exclusive(token_cache.lock_name(instance)):
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
