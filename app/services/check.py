"""Diagnostics behind ``ssodeck check``: is there an instance, a token, and access?

Results are data; the exit codes are aws-sso-util's (101-103 instance, 201 token, 202-204
access) plus 205 for a token that looks valid locally but that Identity Center rejects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.models import Instance, Role, Token
from app.services import portal, token_cache
from app.services.errors import LoginRequired

NO_INSTANCE, NO_MATCH, AMBIGUOUS = 101, 102, 103
TOKEN_MISSING, ACCOUNT_MISSING, ROLE_MISSING_ANYWHERE, ROLE_MISSING_IN_ACCOUNT, TOKEN_REJECTED = 201, 202, 203, 204, 205


@dataclass(frozen=True)
class TokenCheck:
    ok: bool
    problem: str = ""
    token: Token | None = None
    cached_at: datetime | None = None


def check_token(instance: Instance) -> TokenCheck:
    path = token_cache.token_path(instance)
    try:
        token = token_cache.read_token(instance)
    except FileNotFoundError:
        return TokenCheck(False, f"no cached token ({path} does not exist)")
    except token_cache.TokenFileError as error:
        return TokenCheck(False, str(error))
    cached_at = datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    if token.expired():
        return TokenCheck(False, "the cached token has expired", token, cached_at)
    return TokenCheck(True, "", token, cached_at)


REJECTED = "Identity Center rejected the cached token (it was revoked or the session ended)"


def verify_token(instance: Instance, token: Token) -> str:
    """Prove the token works with one ListAccounts page; '' when it does, else REJECTED.

    Other failures (unreachable portal, throttling) are not a verdict on the token and
    propagate as the service errors they are.
    """
    try:
        next(portal.iter_accounts(instance, token), None)
    except LoginRequired:
        return REJECTED
    return ""


@dataclass(frozen=True)
class AccessCheck:
    code: int
    found: list[Role] = field(default_factory=list)
    account_label: str = ""


def check_access(instance: Instance, token: Token, account: str | None, role: str | None) -> AccessCheck:
    """Look for ``role`` anywhere, in ``account`` (an ID or exact name), or both."""
    if account:
        match = next((a for a in portal.iter_accounts(instance, token) if account in (a.account_id, a.name)), None)
        if match is None:
            return AccessCheck(ACCOUNT_MISSING, account_label=account)
        label = f"{match.name} ({match.account_id})"
        roles = list(portal.iter_roles(instance, token, match.account_id, match.name))
        if not roles:
            return AccessCheck(ACCOUNT_MISSING, account_label=label)
        if role:
            hits = [r for r in roles if r.role_name == role]
            return AccessCheck(0 if hits else ROLE_MISSING_IN_ACCOUNT, hits, label)
        return AccessCheck(0, roles, label)
    hits = [
        r
        for a in portal.iter_accounts(instance, token)
        for r in portal.iter_roles(instance, token, a.account_id, a.name)
        if r.role_name == role
    ]
    return AccessCheck(0 if hits else ROLE_MISSING_ANYWHERE, hits)
