"""SSO role credentials in the AWS CLI v2 cache (``~/.aws/cli/cache``), shared with the CLI.

File name: sha1 of the compact, sorted JSON of accountId, roleName and sessionName (or
startUrl for legacy instances). Content: ``{"ProviderType": "sso", "Credentials": {...}}``.
ssodeck adds one top-level key, ``ssodeckInstance``, which the CLI ignores, so that logging
out of one instance can remove exactly its credentials.
"""

from __future__ import annotations

import json
from pathlib import Path

from app.models import Instance, RoleCredentials
from app.services.atomic import atomic_write
from app.services.paths import cli_cache_dir, sha1_hex
from app.services.timefmt import from_z, to_z

INSTANCE_KEY = "ssodeckInstance"


def cache_key(instance: Instance, account_id: str, role_name: str) -> str:
    args = {"accountId": account_id, "roleName": role_name}
    if instance.session_name:
        args["sessionName"] = instance.session_name
    else:
        args["startUrl"] = instance.start_url
    return sha1_hex(json.dumps(args, sort_keys=True, separators=(",", ":")))


def credential_path(instance: Instance, account_id: str, role_name: str) -> Path:
    return cli_cache_dir() / f"{cache_key(instance, account_id, role_name)}.json"


def load(instance: Instance, account_id: str, role_name: str) -> RoleCredentials | None:
    try:
        data = json.loads(credential_path(instance, account_id, role_name).read_text(encoding="utf-8"))
        creds = data["Credentials"]
        return RoleCredentials(
            access_key_id=creds["AccessKeyId"],
            secret_access_key=creds["SecretAccessKey"],
            session_token=creds["SessionToken"],
            expiration=from_z(creds["Expiration"]),
            account_id=creds.get("AccountId", account_id),
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
    atomic_write(credential_path(instance, account_id, role_name), json.dumps(data), mode=0o600)


def remove(instance: Instance | None) -> int:
    """Delete cached SSO role credentials: one instance's, or (None) every SSO entry as the CLI does."""
    directory = cli_cache_dir()
    if not directory.is_dir():
        return 0
    removed = 0
    for path in directory.glob("*.json"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            continue
        if not isinstance(data, dict) or data.get("ProviderType") != "sso":
            continue
        if instance is not None and data.get(INSTANCE_KEY) != instance.cache_key:
            continue
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:
            pass
    return removed
