"""Getting a usable token: cache, then refresh, then sign-in, one process at a time.

Every path that may write the token runs under a cross-process lock named after the token
file, and re-reads the cache once it holds the lock. So when twenty processes need a token
at once, the first refreshes (or signs in) and the other nineteen find its result.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from app.models import Instance, Token
from app.services import oidc, token_cache
from app.services.errors import LoginRequired
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


def _lock_name(instance: Instance) -> str:
    return f"token:{token_cache.token_path(instance)}"


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

    Without a ``ui`` no sign-in is started: a still-valid token inside the refresh window is
    returned as is, otherwise LoginRequired names the command to run.
    """
    with exclusive(_lock_name(instance)):
        token = token_cache.load_token(instance)
        if token and not force_login:
            if token.fresh():
                return TokenResult(token, "cached")
            if token.refreshable():
                try:
                    refreshed = oidc.refresh(instance, token)
                except LoginRequired:
                    pass
                else:
                    token_cache.save_token(instance, refreshed)
                    return TokenResult(refreshed, "refreshed")
        if ui is None:
            if token and not token.expired() and not force_login:
                return TokenResult(token, "cached")
            state = "has expired" if token else "has no cached token"
            raise LoginRequired(f"your Identity Center session for {instance.label()} {state}; run `{login_hint(instance, profile)}`")
        token = sign_in(instance, ui, use_device_code=use_device_code, options=options)
        token_cache.save_token(instance, token)
        return TokenResult(token, "login")


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
