"""Getting a usable token: cache, then refresh, then sign-in, one process at a time.

A refresh runs under a short cross-process lock named after the token file and re-reads the
cache once it holds it, so when twenty processes need a token at once the first refreshes
and the other nineteen find its result. An interactive sign-in holds a second, separate
lock: processes that could sign in too wait for it and reuse the result, while processes
that cannot (credential_process without --login) never wait on it.

Failures are remembered across processes so they are not repeated by every caller: a
refresh token Identity Center refused is not tried again, and after a passing failure
(429, 5xx) callers that still hold a valid token use it for a minute instead of retrying.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from app.models import Instance, Token
from app.services import best_effort, locks, oidc, token_cache
from app.services.errors import LoginRequired, ServiceError
from app.services.locks import exclusive
from app.services.login_ui import LoginUI
from app.services.paths import sha1_hex

REFRESH_BACKOFF = 60.0  # seconds: after a passing refresh failure, holders of a valid token wait this long
REFUSED_MEMORY = 24 * 3600.0  # seconds: a refused refresh token or access token is not trusted again this long

_rejected: set[str] = set()  # sha1 of access tokens Identity Center answered 401 to (also marked on disk)
_rejected_lock = threading.Lock()


@dataclass(frozen=True)
class TokenResult:
    token: Token
    how: str  # "cached" | "refreshed" | "login"


def reject(instance: Instance, access_token: str) -> None:
    """Identity Center refused ``access_token`` (401): no ssodeck process trusts it again.

    A refreshable token's file is left as it is, so that if the refresh that follows fails
    for a passing reason nothing is lost; a refresh that proves the session over marks it
    expired (``_cached_or_refreshed``). A token that cannot be refreshed is marked expired
    at once, so botocore, ``check`` and ``login`` all see that it is over.
    """
    key = sha1_hex(access_token)
    with _rejected_lock:
        _rejected.add(key)
    locks.mark(f"rejected:{key}")
    token = token_cache.load_token(instance)
    if token is not None and token.access_token == access_token and not token.refreshable():
        _record_over(instance, access_token)


def _is_rejected(token: Token) -> bool:
    key = sha1_hex(token.access_token)
    with _rejected_lock:
        if key in _rejected:
            return True
    return locks.marked_within(f"rejected:{key}", REFUSED_MEMORY)


def usable(token: Token) -> bool:
    """Not expired, and not refused by Identity Center in this process."""
    return not token.expired() and not _is_rejected(token)


def _fresh(token: Token) -> bool:
    return token.fresh() and not _is_rejected(token)


def get_token(
    instance: Instance,
    *,
    ui: LoginUI | None = None,
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
    sign-in is started and nothing waits for one: LoginRequired says what is wrong and
    carries the instance, so the face can say how to sign in.
    """
    if not force_login:
        found = _cached_or_refreshed(instance, wait=renew)
        if found is not None:
            return found
        token = token_cache.load_token(instance)
        if token is not None and usable(token) and (ui is None or not renew):
            return TokenResult(token, "cached")
    if ui is None:
        raise LoginRequired(f"your Identity Center session for {instance.label()} {_why_unusable(instance)}", instance=instance, profile=profile)
    seen = token_cache.load_token(instance)
    with exclusive(token_cache.signin_lock_name(instance), wait=False) as held:
        if held:
            return _sign_in_once(instance, ui, force_login, seen, use_device_code, options, renew)
    ui.show_waiting("another process is signing in to this instance; waiting for it")
    with exclusive(token_cache.signin_lock_name(instance)):
        return _sign_in_once(instance, ui, force_login, seen, use_device_code, options, renew)


def _why_unusable(instance: Instance) -> str:
    """The same words for a broken token file from every command (missing, corrupt, expired)."""
    try:
        token = token_cache.read_token(instance)
    except FileNotFoundError:
        return "has no cached token"
    except token_cache.TokenFileError as error:
        return f"cannot be used: {error}"
    if _is_rejected(token):
        return "was ended or revoked (Identity Center rejected its token)"
    if token.refreshable() and locks.marked_within(_refused_marker(token), REFUSED_MEMORY):
        return "has expired and Identity Center refused to refresh it"
    return "has expired"


def _sign_in_once(
    instance: Instance,
    ui: LoginUI,
    force_login: bool,
    seen: Token | None,
    use_device_code: bool | None,
    options: oidc.FlowOptions | None,
    must_save: bool,
) -> TokenResult:
    """Sign in while holding the sign-in lock, unless a sign-in that finished while we waited
    already left a fresh token (for a forced sign-in: a different token than we started with).

    ``must_save`` (``ssodeck login``, whose whole point is the cached token) makes a token
    file that cannot be written an error; other commands warn and use the token anyway."""
    token = token_cache.load_token(instance)
    if token is not None and _fresh(token):
        if not force_login:
            return TokenResult(token, "cached")
        if seen is None or token.access_token != seen.access_token:
            return TokenResult(token, "login")
    ui.signing_in(instance)
    token = sign_in(instance, ui, use_device_code=use_device_code, options=options)
    with exclusive(token_cache.lock_name(instance)):
        if must_save:
            token_cache.save_token(instance, token)
        else:
            best_effort.save(lambda: token_cache.save_token(instance, token), "you are signed in for this command only")
    return TokenResult(token, "login")


def _record_over(instance: Instance, access_token: str) -> None:
    best_effort.save(lambda: token_cache.mark_expired(instance, access_token), "the AWS CLI may still try the ended session")


def _refused_marker(token: Token) -> str:
    return f"refresh-refused:{sha1_hex(token.refresh_token or '')}"


def _failed_marker(instance: Instance) -> str:
    return f"refresh-failed:{token_cache.token_path(instance)}"


def _cached_or_refreshed(instance: Instance, *, wait: bool) -> TokenResult | None:
    """A fresh token from the cache, or one refreshed under the token lock; None otherwise.

    Only a token that can no longer be used (or ``wait``) makes a caller queue behind another
    process's refresh, and a refresh that fails while callers queue is not repeated by each
    of them. A refresh that fails for a passing reason keeps the file as it was; a caller
    without a usable token then gets the service error (exit 4), not "sign in".
    """
    token = token_cache.load_token(instance)
    if token is not None and _fresh(token):
        return TokenResult(token, "cached")
    if not _worth_refreshing(instance, token):
        return None
    queued_at = time.time()
    with exclusive(token_cache.lock_name(instance), wait=wait or not usable(token)) as held:
        if not held:
            return None  # another process is refreshing; the caller uses the valid token
        token = token_cache.load_token(instance)  # another process may have refreshed meanwhile
        if token is not None and _fresh(token):
            return TokenResult(token, "cached")
        if not _worth_refreshing(instance, token):
            return None
        failed = _failed_marker(instance)
        if locks.marked_after(failed, queued_at):  # it failed for whoever held the lock: don't repeat it
            raise ServiceError(locks.mark_note(failed) or f"refreshing the session for {instance.label()} failed just now; try again shortly")
        try:
            refreshed = oidc.refresh(instance, token)
        except oidc.RefreshRefused:
            locks.mark(_refused_marker(token))
            refused = token
        except ServiceError as error:
            locks.mark(_failed_marker(instance), str(error))
            if usable(token):
                return None  # the valid token serves meanwhile
            raise
        else:
            best_effort.save(lambda: token_cache.save_token(instance, refreshed), "the session was refreshed for this command only")
            return TokenResult(refreshed, "refreshed")
    if not usable(refused) and not refused.expired():
        _record_over(instance, refused.access_token)  # rejected and unrenewable: over
    return None  # the caller signs in, or is told to


def _worth_refreshing(instance: Instance, token: Token | None) -> bool:
    """Refreshable, not refused before, and (for a token still usable) not failed just now."""
    if token is None or not token.refreshable():
        return False
    if locks.marked_within(_refused_marker(token), REFUSED_MEMORY):
        return False
    return not (usable(token) and locks.marked_within(_failed_marker(instance), REFRESH_BACKOFF))


def sign_in(
    instance: Instance,
    ui: LoginUI,
    *,
    use_device_code: bool | None = None,
    options: oidc.FlowOptions | None = None,
) -> Token:
    """PKCE for sso-session instances and device code for legacy ones, as the AWS CLI v2 does.

    Without a local browser (headless, SSH) PKCE cannot complete, so the device code is used.
    """
    if use_device_code is None:
        use_device_code = not instance.is_session or not ui.browser_available
    flow = oidc.device_login if use_device_code else oidc.pkce_login
    return flow(instance, ui, options)

