"""The warm path of ``ssodeck credential-process``: cached credentials out, nothing else in.

SDKs run credential_process every time their credentials near expiry, so its start-up time
is paid again and again. This path handles the common form, ``--profile NAME`` with no
AWS_SSO_* overrides: it reads the profile and its sso-session (only those sections, however
big the config: ``config_lookup``) and the credential cache with the same functions the
full command uses, and prints. It imports neither click, botocore nor dataclasses.
Whenever it cannot answer (other flags, cache miss, credentials within 15 minutes of
expiry, a config it cannot read with certainty, any error) it returns False and the full
command takes over.
"""

from __future__ import annotations

import os
import sys

OVERRIDES = ("AWS_SSO_START_URL", "AWS_SSO_REGION", "AWS_SSO_ACCOUNT_ID", "AWS_SSO_ROLE_NAME")


def profile_argument(args: list[str]) -> str | None:
    if len(args) == 2 and args[0] == "--profile":
        return args[1]
    if len(args) == 1 and args[0].startswith("--profile="):
        return args[0].partition("=")[2]
    return None


def serve_from_cache(args: list[str]) -> bool:
    profile = profile_argument(args)
    if not profile or any(os.environ.get(name) for name in OVERRIDES):
        return False
    try:
        from app.services.awsconfig import profile_sso, text_value
        from app.services.config_lookup import find_profile
        from app.services.credential_cache import path_for, read_fresh
        from app.services.paths import aws_config_name
        from app.services.process_output import cached_json

        config = find_profile(aws_config_name(), profile)
        if config is None:
            return False
        start_url, _region, session_name = profile_sso(config, profile)
        section = config.profile(profile)
        account_id, role_name = text_value(section, "sso_account_id"), text_value(section, "sso_role_name")
        if not (account_id.isascii() and account_id.isdigit() and len(account_id) == 12 and role_name):
            return False
        creds = read_fresh(path_for(start_url, session_name, account_id, role_name))
        if creds is None:
            return False
        line = cached_json(creds, account_id)
    except Exception:  # the full command reports every error properly
        return False
    try:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
    except (OSError, AttributeError):  # closed or full stdout: the full command reports it
        return False
    return True
