"""Signing out: revoke at Identity Center, then forget the token, its role credentials and
the role listing that was read with it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.models import Instance
from app.services import credential_cache, portal, roles, token_cache
from app.services.awsconfig import load_config, profile_sso, text_value
from app.services.errors import ConfigError
from app.services.locks import exclusive
from app.services.targets import format_account_id


@dataclass(frozen=True)
class LogoutResult:
    """What signing out did. ``not_deleted`` names each file that had to go but could not
    (with the reason), so the face can say exactly what is left to do."""

    label: str
    had_token: bool
    revoked: bool
    credentials_removed: int
    not_deleted: tuple[str, ...] = ()


def logout(instance: Instance) -> LogoutResult:
    known = known_roles(instance)
    failed: list[str] = []
    with exclusive(token_cache.lock_name(instance)):
        token = token_cache.load_token(instance)
        revoked = bool(token) and not token.expired() and portal.server_logout(instance.start_url, instance.region, token.access_token)
        had = _delete(token_cache.token_path(instance), failed)
    removed = credential_cache.remove(instance, known, failed)
    roles.forget(instance, failed)
    return LogoutResult(instance.label(), had, revoked, removed, tuple(failed))


def _delete(path: Path, failed: list[str]) -> bool:
    """True if there was a file at ``path``; one that stays is added to ``failed``."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as error:
        failed.append(f"{path} ({error.strerror})")
    return True


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
    not_deleted: tuple[str, ...] = ()


def logout_all() -> LogoutAll:
    """Every cached token, as ``aws sso logout`` does, then every cached SSO role credential."""
    sessions = []
    for cached in token_cache.token_files():
        region = cached.data.get("region")
        failed: list[str] = []
        with exclusive(f"token:{cached.path}"):  # the name token_cache.lock_name gives it
            revoked = bool(region) and portal.server_logout(cached.data.get("startUrl", ""), region, cached.data["accessToken"])
            _delete(cached.path, failed)
        label = f"{cached.data.get('startUrl', cached.path.name)} ({region or 'region unknown'})"
        sessions.append(LogoutResult(label, True, revoked, 0, tuple(failed)))
    failed = []
    roles.forget_all(failed)
    removed = credential_cache.remove(None, failed=failed)
    return LogoutAll(sessions, removed, tuple(failed))
