"""Which instance, account and role a credentials command means.

Commands name a role either through a profile (``--profile P``, whose ``sso_*`` keys or
``sso_session`` say everything) or through flags. For ``credential-process`` the reference
order is flag, then environment variable (``AWS_SSO_START_URL`` ...), then profile.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from app.models import Instance
from app.services.awsconfig import AwsConfig, Section, profile_sso, text_value
from app.services import validation
from app.services.errors import ConfigError
from app.services.instances import profile_instance, resolve, specifier_from


@dataclass(frozen=True)
class Target:
    instance: Instance
    account_id: str
    role_name: str
    region: str | None = None
    profile: str | None = None


def format_account_id(value: str) -> str:
    """Account IDs are 12 digits; a number written without its leading zeros is padded."""
    text = value.strip()
    if text.isascii() and text.isdigit() and len(text) < 12:
        return text.zfill(12)
    return text


def resolve_target(
    config: AwsConfig,
    *,
    profile: str | None = None,
    start_url: str | None = None,
    sso_region: str | None = None,
    account_id: str | None = None,
    role_name: str | None = None,
    region: str | None = None,
    environ: Mapping[str, str] | None = None,
    read_env: bool = False,
    command: str = "default",
) -> Target:
    """Combine flags, (optionally) the AWS_SSO_* variables and a profile into one target."""
    env = os.environ if environ is None else environ
    region_flag, account_flag = region, account_id
    if read_env:
        start_url = start_url or env.get("AWS_SSO_START_URL") or None
        sso_region = sso_region or env.get("AWS_SSO_REGION") or None
        account_id = account_id or env.get("AWS_SSO_ACCOUNT_ID") or None
        role_name = role_name or env.get("AWS_SSO_ROLE_NAME") or None
    section: Section = config.profile(profile) if profile else {}
    account = account_id or text_value(section, "sso_account_id")
    role = role_name or text_value(section, "sso_role_name")
    instance = _instance(config, profile, start_url, sso_region, command, env)
    _require(account, "account", "--account-id", "sso_account_id", profile)
    _require(role, "role", "--role-name", "sso_role_name", profile)
    account_source = "--account-id" if account_flag else "AWS_SSO_ACCOUNT_ID" if account_id else f"sso_account_id of profile {profile}"
    account = validation.account_id(format_account_id(account), account_source)
    region = region or text_value(section, "region") or None
    if region:
        validation.region(region, "--region" if region_flag else f"region of profile {profile}")
    return Target(instance, account, role, region, profile)


def _instance(config: AwsConfig, profile: str | None, start_url: str | None, sso_region: str | None, command: str, env: Mapping[str, str]) -> Instance:
    """The profile's instance, unless flags or variables name another; each half of the
    start URL / region pair falls back to the profile's own value separately."""
    if profile:
        try:
            own_url, own_region, _ = profile_sso(config, profile)
        except ConfigError:
            if not (start_url or sso_region):
                raise
        else:
            start_url, sso_region = start_url or own_url, sso_region or own_region
            if (start_url, sso_region) == (own_url, own_region):
                return profile_instance(config, profile)
    return resolve(config, specifier_from(start_url, sso_region, command=command, environ=env)).one()


def _require(value: str, what: str, flag: str, key: str, profile: str | None) -> None:
    if not value:
        where = f"or set {key} in profile {profile}" if profile else f"or a profile with {key}"
        raise ConfigError(f"no {what} given: use {flag} {where}")
