"""Signing out: revoke at Identity Center, then forget the token and its role credentials."""

from __future__ import annotations

from dataclasses import dataclass

from app.models import Instance
from app.services import credential_cache, portal, token_cache


@dataclass(frozen=True)
class LogoutResult:
    label: str
    had_token: bool
    revoked: bool
    credentials_removed: int


def logout(instance: Instance) -> LogoutResult:
    token = token_cache.load_token(instance)
    revoked = bool(token) and not token.expired() and portal.server_logout(instance.start_url, instance.region, token.access_token)
    had = token_cache.delete_token(instance)
    removed = credential_cache.remove(instance)
    return LogoutResult(instance.label(), had, revoked, removed)


@dataclass(frozen=True)
class LogoutAll:
    sessions: list[LogoutResult]
    credentials_removed: int


def logout_all() -> LogoutAll:
    """Every cached token, as ``aws sso logout`` does, then every cached SSO role credential."""
    sessions = []
    for cached in token_cache.token_files():
        region = cached.data.get("region")
        revoked = bool(region) and portal.server_logout(cached.data.get("startUrl", ""), region, cached.data["accessToken"])
        try:
            cached.path.unlink()
        except FileNotFoundError:
            pass
        label = f"{cached.data.get('startUrl', cached.path.name)} ({region or 'region unknown'})"
        sessions.append(LogoutResult(label, True, revoked, 0))
    return LogoutAll(sessions, credential_cache.remove(None))
