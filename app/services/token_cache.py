"""The SSO token cache in ``~/.aws/sso/cache``, byte-compatible with the AWS CLI v2 and botocore.

Token files are named ``sha1(session name)`` for sso-session instances and
``sha1(start URL)`` for legacy ones, hold the same keys the CLI writes, use ``Z``
timestamps, and are written atomically with mode 0600. Client registrations sit beside them
under the CLI's registration key, so the CLI and ssodeck reuse each other's.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import NamedTuple

from app.models import ClientRegistration, Instance, Token
from app.services.atomic import atomic_write
from app.services.paths import sha1_hex, sso_cache_dir
from app.timefmt import from_z, to_z


class TokenFileError(Exception):
    """A token file exists but cannot be used; the message says why (never its contents)."""


def token_path(instance: Instance) -> Path:
    return sso_cache_dir() / f"{sha1_hex(instance.cache_key)}.json"


def registration_key(instance: Instance, scopes: tuple[str, ...] | None) -> str:
    """The AWS CLI v2 registration cache key (default json separators, sorted keys)."""
    args = {
        "tool": "botocore",
        "startUrl": instance.start_url,
        "region": instance.region,
        "scopes": list(scopes) if scopes else None,
        "session_name": instance.session_name,
    }
    return sha1_hex(json.dumps(args, sort_keys=True))


def registration_path(instance: Instance, scopes: tuple[str, ...] | None) -> Path:
    return sso_cache_dir() / f"{registration_key(instance, scopes)}.json"


def read_token(instance: Instance) -> Token:
    """Load the cached token; raises FileNotFoundError or TokenFileError with the reason."""
    path = token_path(instance)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except PermissionError:
        raise TokenFileError(f"cannot read {path}: permission denied ({_owner(path)})") from None
    except (ValueError, UnicodeDecodeError):
        raise TokenFileError(f"{path} is not valid JSON") from None
    if not isinstance(data, dict) or not data.get("accessToken") or not data.get("expiresAt"):
        raise TokenFileError(f"{path} has no accessToken or expiresAt")
    try:
        return token_from_json(data, instance)
    except (ValueError, TypeError):
        raise TokenFileError(f"{path} has an unreadable timestamp") from None


def load_token(instance: Instance) -> Token | None:
    """The cached token, or None when there is none usable (missing, unreadable or malformed)."""
    try:
        return read_token(instance)
    except (FileNotFoundError, TokenFileError):
        return None


def token_from_json(data: dict, instance: Instance) -> Token:
    registration = data.get("registrationExpiresAt")
    return Token(
        start_url=data.get("startUrl") or instance.start_url,
        region=data.get("region") or instance.region,
        access_token=data["accessToken"],
        expires_at=from_z(data["expiresAt"]),
        refresh_token=data.get("refreshToken") or None,
        client_id=data.get("clientId") or None,
        client_secret=data.get("clientSecret") or None,
        registration_expires_at=from_z(registration) if registration else None,
    )


def token_to_json(token: Token) -> dict:
    """The key set and order the AWS CLI v2 writes; optional keys only when present."""
    data = {
        "startUrl": token.start_url,
        "region": token.region,
        "accessToken": token.access_token,
        "expiresAt": to_z(token.expires_at),
    }
    if token.client_id and token.client_secret:
        data["clientId"] = token.client_id
        data["clientSecret"] = token.client_secret
    if token.registration_expires_at:
        data["registrationExpiresAt"] = to_z(token.registration_expires_at)
    if token.refresh_token:
        data["refreshToken"] = token.refresh_token
    return data


def save_token(instance: Instance, token: Token) -> Path:
    path = token_path(instance)
    atomic_write(path, json.dumps(token_to_json(token)), mode=0o600)
    return path


def lock_name(instance: Instance) -> str:
    """The cross-process lock that guards reading-then-writing this instance's token file."""
    return f"token:{token_path(instance)}"  # logout_all builds the same name from the path


def signin_lock_name(instance: Instance) -> str:
    """Held for a whole interactive sign-in, so concurrent sign-ins collapse into one."""
    return f"signin:{token_path(instance)}"


def mark_expired(instance: Instance, access_token: str) -> None:
    """The session of this token is over: record it as expired (keeping its refresh token),
    so botocore and the next command refresh or sign in instead of trusting its expiry."""
    from app.models import utcnow
    from app.services.locks import exclusive

    with exclusive(lock_name(instance)):
        token = load_token(instance)
        if token is not None and token.access_token == access_token and not token.expired():
            save_token(instance, token._replace(expires_at=utcnow().replace(microsecond=0) - timedelta(seconds=1)))


class CachedFile(NamedTuple):
    path: Path
    data: dict


def token_files() -> list[CachedFile]:
    """Every token in the cache (files holding an accessToken), as ``aws sso logout`` sees them."""
    out = []
    directory = sso_cache_dir()
    if not directory.is_dir():
        return out
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            continue
        if isinstance(data, dict) and data.get("accessToken"):
            out.append(CachedFile(path, data))
    return out


def load_registration(instance: Instance, scopes: tuple[str, ...] | None) -> ClientRegistration | None:
    try:
        data = json.loads(registration_path(instance, scopes).read_text(encoding="utf-8"))
        return ClientRegistration(
            client_id=data["clientId"],
            client_secret=data["clientSecret"],
            expires_at=from_z(data["expiresAt"]),
            scopes=tuple(data.get("scopes") or ()),
            grant_types=tuple(data.get("grantTypes") or ()),
        )
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None


def save_registration(instance: Instance, scopes: tuple[str, ...] | None, registration: ClientRegistration) -> None:
    data: dict = {
        "clientId": registration.client_id,
        "clientSecret": registration.client_secret,
        "expiresAt": to_z(registration.expires_at),
    }
    if registration.scopes:
        data["scopes"] = list(registration.scopes)
    if registration.grant_types:
        data["grantTypes"] = list(registration.grant_types)
    atomic_write(registration_path(instance, scopes), json.dumps(data), mode=0o600)


def _owner(path: Path) -> str:
    try:
        import pwd

        owner = pwd.getpwuid(path.stat().st_uid).pw_name
    except (ImportError, KeyError, OSError):
        return "owner unknown"
    return f"owned by {owner}"
