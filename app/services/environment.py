"""Role credentials as environment variables: for a child process, or printed for a shell.

Environment credentials beat every profile in the SDKs, so a stale AWS_PROFILE or a
leftover session token would mix identities; both are cleared whenever credentials are set.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping

from app.models import RoleCredentials
from app.timefmt import to_z

CLEARED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION", "AWS_CREDENTIALS_EXPIRATION")
REGION_NAMES = ("AWS_REGION", "AWS_DEFAULT_REGION")
EXPORT_FORMATS = ("sh", "fish", "powershell", "json", "dotenv")


def credential_variables(credentials: RoleCredentials, region: str | None) -> dict[str, str]:
    variables = {
        "AWS_ACCESS_KEY_ID": credentials.access_key_id,
        "AWS_SECRET_ACCESS_KEY": credentials.secret_access_key,
        "AWS_SESSION_TOKEN": credentials.session_token,
        "AWS_CREDENTIALS_EXPIRATION": to_z(credentials.expiration),
    }
    if region:
        variables.update(dict.fromkeys(REGION_NAMES, region))
    return variables


def child_environment(base: Mapping[str, str], credentials: RoleCredentials, region: str | None) -> dict[str, str]:
    """``base`` without any other identity, plus the role's credentials (and region)."""
    env = {key: value for key, value in base.items() if key not in CLEARED}
    env.update(credential_variables(credentials, region))
    return env


def render_exports(credentials: RoleCredentials, region: str | None, fmt: str) -> str:
    """Text for ``eval`` (sh, fish, powershell), a ``.env`` file, or JSON.

    The shell formats also unset what would mix identities in the user's shell: every
    CLEARED name not being set, and, when no region is known, a region left by an earlier
    export. JSON and dotenv are data for other tools, so they hold only what is set.
    """
    variables = credential_variables(credentials, region)
    if fmt == "json":
        return json.dumps(variables, indent=2) + "\n"
    if fmt == "dotenv":
        return "".join(f"{key}={_dotenv(value)}\n" for key, value in variables.items())
    stale = [name for name in (*CLEARED, *REGION_NAMES) if name not in variables]
    if fmt == "fish":
        lines = [f"set -e {name};" for name in stale] + [f"set -gx {key} {shlex.quote(value)};" for key, value in variables.items()]
    elif fmt == "powershell":
        lines = [f"Remove-Item Env:{name} -ErrorAction SilentlyContinue" for name in stale]
        lines += [f"$Env:{key} = '{value.replace(chr(39), chr(39) * 2)}'" for key, value in variables.items()]
    elif fmt == "sh":
        lines = [f"unset {' '.join(stale)}"] + [f"export {key}={shlex.quote(value)}" for key, value in variables.items()]
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    return "\n".join(lines) + "\n"


def _dotenv(value: str) -> str:
    if all(ch.isalnum() or ch in "+/=-_.:" for ch in value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
