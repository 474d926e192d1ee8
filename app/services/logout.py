"""Signing out: revoke at Identity Center, then forget the token, its role credentials and
the role listing that was read with it."""

from __future__ import annotations

from dataclasses import dataclass

from app.models import Instance
from app.services import credential_cache, portal, roles, token_cache
from app.services.awsconfig import load_config, profile_sso, text_value
from app.services.errors import ConfigError
from app.services.locks import exclusive
from app.services.targets import format_account_id


@dataclass(frozen=True)
class LogoutResult:
    label: str
    had_token: bool
    revoked: bool
    credentials_removed: int


def logout(instance: Instance) -> LogoutResult:
    known = known_roles(instance)
    with exclusive(token_cache.lock_name(instance)):
        token = token_cache.load_token(instance)
        revoked = bool(token) and not token.expired() and portal.server_logout(instance.start_url, instance.region, token.access_token)
        had = token_cache.delete_token(instance)
    removed = credential_cache.remove(instance, known)
    roles.forget(instance)
    return LogoutResult(instance.label(), had, revoked, removed)


def known_roles(instance: Instance) -> set[tuple[str, str]]:
    """Every (account, role) this instance may have cached credentials for: from the role
    listing and from the profiles that use the instance (the AWS CLI's files carry no tag)."""
    pairs: set[tuple[str, str]] = set()
    listing = roles.load_cached(instance)
    if listing is not None:
        pairs.update((r.account_id, r.role_name) for r in listing.roles)
    try:
        config = load_config()
    except ConfigError:
        return pairs
    wanted = (instance.start_url, instance.region, instance.session_name)  # what makes instances equal
    for name, section in config.profiles.items():
        account, role = text_value(section, "sso_account_id"), text_value(section, "sso_role_name")
        if not (account and role):
            continue
        try:
            if profile_sso(config, name) == wanted:
                pairs.add((format_account_id(account), role))
        except ConfigError:
            continue
    return pairs


@dataclass(frozen=True)
class LogoutAll:
    sessions: list[LogoutResult]
    credentials_removed: int


def logout_all() -> LogoutAll:
    """Every cached token, as ``aws sso logout`` does, then every cached SSO role credential."""
    sessions = []
    for cached in token_cache.token_files():
        region = cached.data.get("region")
        with exclusive(f"token:{cached.path}"):  # the name token_cache.lock_name gives it
            revoked = bool(region) and portal.server_logout(cached.data.get("startUrl", ""), region, cached.data["accessToken"])
            cached.path.unlink(missing_ok=True)
        label = f"{cached.data.get('startUrl', cached.path.name)} ({region or 'region unknown'})"
        sessions.append(LogoutResult(label, True, revoked, 0))
    roles.forget_all()
    return LogoutAll(sessions, credential_cache.remove(None))
