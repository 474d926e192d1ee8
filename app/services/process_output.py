"""The JSON document botocore's credential_process provider reads (protocols.md section 4)."""

from __future__ import annotations

import json

from app.timefmt import from_z, is_z, to_z

TYPE_CHECKING = False  # see credential_cache: the fast path avoids typing and app.models
if TYPE_CHECKING:
    from app.models import RoleCredentials


def document(access_key_id: str, secret_access_key: str, session_token: str, expiration: str, account_id: str = "") -> str:
    """One compact line; ``expiration`` is normalised to the ``Z`` form botocore parses."""
    out = {
        "Version": 1,
        "AccessKeyId": access_key_id,
        "SecretAccessKey": secret_access_key,
        "SessionToken": session_token,
        "Expiration": expiration if is_z(expiration) else to_z(from_z(expiration)),
    }
    if account_id:
        out["AccountId"] = account_id
    return json.dumps(out, separators=(",", ":"))


def credential_json(credentials: RoleCredentials) -> str:
    return document(
        credentials.access_key_id,
        credentials.secret_access_key,
        credentials.session_token,
        to_z(credentials.expiration),
        credentials.account_id,
    )


def cached_json(creds: dict, account_id: str) -> str:
    """The same document from a cache file's ``Credentials`` object."""
    return document(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"], creds["Expiration"], creds.get("AccountId") or account_id)
