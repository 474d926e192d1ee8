"""SSO role credentials in the AWS CLI v2 cache (``~/.aws/cli/cache``), shared with the CLI.

File name: sha1 of the compact, sorted JSON of accountId, roleName and sessionName (or
startUrl for legacy instances). Content: ``{"ProviderType": "sso", "Credentials": {...}}``.
ssodeck adds one top-level key, ``ssodeckInstance``, which the CLI ignores, so that logging
out of one instance can remove exactly its credentials.
"""

from __future__ import annotations

import json
import os

from app.services.paths import cli_cache_dir, cli_cache_name, sha1_hex
from app.timefmt import REFRESH_SECONDS, from_z, is_z, to_z, z_in

# Imported for type checkers only: the credential-process fast path loads this module and
# must not pay for typing, pathlib or the dataclasses in app.models.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from app.models import Instance, RoleCredentials

INSTANCE_KEY = "ssodeckInstance"
FIELDS = ("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration")


def key_for(start_url: str, session_name: str | None, account_id: str, role_name: str) -> str:
    args = {"accountId": account_id, "roleName": role_name}
    if session_name:
        args["sessionName"] = session_name
    else:
        args["startUrl"] = start_url
    return sha1_hex(json.dumps(args, sort_keys=True, separators=(",", ":")))


def path_for(start_url: str, session_name: str | None, account_id: str, role_name: str) -> str:
    return os.path.join(cli_cache_name(), f"{key_for(start_url, session_name, account_id, role_name)}.json")


def credential_path(instance: Instance, account_id: str, role_name: str) -> Path:
    return cli_cache_dir() / f"{key_for(instance.start_url, instance.session_name, account_id, role_name)}.json"


def _credentials(data: object) -> dict | None:
    """The ``Credentials`` object of a cache file's content, if it is one: its four fields
    non-empty strings (and its AccountId, if any, a string). Anything else, whoever wrote it,
    is no entry, as invalid JSON is: fresh credentials are fetched rather than handed on."""
    creds = data.get("Credentials") if isinstance(data, dict) else None
    if not isinstance(creds, dict) or not all(isinstance(creds.get(key), str) and creds[key] for key in FIELDS):
        return None
    return creds if isinstance(creds.get("AccountId") or "", str) else None


def read_fresh(path: str | Path) -> dict | None:
    """The ``Credentials`` object of a cache file with more than 15 minutes left, else None."""
    try:
        with open(path, encoding="utf-8") as handle:
            creds = _credentials(json.load(handle))
        if creds is None:
            return None
        expiration = creds["Expiration"]
        deadline = z_in(REFRESH_SECONDS)
        fresh = expiration > deadline if is_z(expiration) else to_z(from_z(expiration)) > deadline
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
    return creds if fresh else None


def load(instance: Instance, account_id: str, role_name: str) -> RoleCredentials | None:
    from app.models import RoleCredentials

    try:
        creds = _credentials(json.loads(credential_path(instance, account_id, role_name).read_text(encoding="utf-8")))
        if creds is None:
            return None
        return RoleCredentials(
            access_key_id=creds["AccessKeyId"],
            secret_access_key=creds["SecretAccessKey"],
            session_token=creds["SessionToken"],
            expiration=from_z(creds["Expiration"]),
            account_id=creds.get("AccountId") or account_id,
        )
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None


def save(instance: Instance, account_id: str, role_name: str, credentials: RoleCredentials) -> None:
    data = {
        "ProviderType": "sso",
        "Credentials": {
            "AccessKeyId": credentials.access_key_id,
            "SecretAccessKey": credentials.secret_access_key,
            "SessionToken": credentials.session_token,
            "Expiration": to_z(credentials.expiration),
            "AccountId": credentials.account_id or account_id,
        },
        INSTANCE_KEY: instance.cache_key,
    }
    from app.services.atomic import atomic_write  # not needed on the read-only fast path

    atomic_write(credential_path(instance, account_id, role_name), json.dumps(data), mode=0o600)


def remove(instance: Instance | None, roles: set[tuple[str, str]] = frozenset(), failed: list[str] | None = None) -> int:
    """Delete cached SSO role credentials: one instance's (those tagged with it, and those of
    the given (account, role) pairs, which the AWS CLI writes untagged), or with None every
    SSO entry, as the AWS CLI's logout does. Files that cannot be deleted are named in
    ``failed`` (with the reason) instead of stopping the others."""
    directory = cli_cache_dir()
    if not directory.is_dir():
        return 0
    if instance is not None:
        wanted = {f"{key_for(instance.start_url, instance.session_name, a, r)}.json" for a, r in roles}
    removed = 0
    for path in directory.glob("*.json"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            continue
        if not isinstance(data, dict) or data.get("ProviderType") != "sso":
            continue
        if instance is not None and data.get(INSTANCE_KEY) != instance.cache_key and path.name not in wanted:
            continue
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:
            pass
        except OSError as error:
            if failed is not None:
                failed.append(f"{path} ({error.strerror})")
    return removed
