"""One profile for one role: the plan behind ``configure profile`` and the app's "write a
profile for this role", so both write the same bytes for the same choices."""

from __future__ import annotations

import os
from dataclasses import dataclass

from app.models import Instance
from app.services import roles as listing_service
from app.services import validation
from app.services.awsconfig import AwsConfig, text_value
from app.services.errors import ConfigError
from app.services.instances import profile_instance
from app.services.targets import format_account_id
from app.services.config_editor import ConfigEdit, read_config_text
from app.services.paths import aws_config_file
from app.services.populate import plan_profile, profile_values
from app.services.profile_names import NamingOptions, profile_name

DEFAULT_PROCESS = "ssodeck credential-process"
DISABLE_PROCESS_ENV = "AWS_CONFIGURE_SSO_DISABLE_CREDENTIAL_PROCESS"


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def credential_process_command(enabled: bool | None = None) -> str | None:
    """The ``credential_process`` command profiles get, or None when turned off (by the
    caller, or by ``AWS_CONFIGURE_SSO_DISABLE_CREDENTIAL_PROCESS``)."""
    if enabled is None:
        enabled = not env_flag(DISABLE_PROCESS_ENV)
    return (os.environ.get("AWS_SSO_CREDENTIAL_PROCESS_NAME") or DEFAULT_PROCESS) if enabled else None


def configured_region() -> str | None:
    """The region ``configure`` defaults to: AWS_CONFIGURE_DEFAULT_REGION, AWS_DEFAULT_REGION."""
    return os.environ.get("AWS_CONFIGURE_DEFAULT_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None


def default_region(instance: Instance) -> str:
    """The region a new profile suggests: the configure defaults, else the instance's."""
    return configured_region() or instance.region


@dataclass(frozen=True)
class ProfileChoices:
    """What a profile for one role is made of, as far as it is known without asking anyone:
    the flags, then the existing profile of that name, then the environment."""

    instance: Instance | None  # the existing profile's, when no flag names one
    account_id: str | None
    role_name: str | None
    region: str | None

    @property
    def missing(self) -> list[str]:
        return [what for what, value in (("account", self.account_id), ("role", self.role_name), ("region", self.region)) if not value]


def profile_choices(config: AwsConfig, name: str, *, account_id: str | None, role_name: str | None, region: str | None, instance_named: bool) -> ProfileChoices:
    """Fill in what the flags leave out from profile ``name`` (if it exists) and the
    configure defaults; ``instance_named`` says a flag already chose the instance."""
    existing = config.profiles.get(name, {})
    instance = None
    if existing and not instance_named:
        try:
            instance = profile_instance(config, name)
        except ConfigError:
            instance = None
    region = region or text_value(existing, "region") or configured_region()
    if region:
        validation.region(region)
    if account_id:
        account_id = validation.account_id(format_account_id(account_id))
    return ProfileChoices(
        instance=instance,
        account_id=account_id or text_value(existing, "sso_account_id") or None,
        role_name=role_name or text_value(existing, "sso_role_name") or None,
        region=region,
    )


def suggested_name(instance: Instance, account_id: str, account_name: str, role_name: str, region: str) -> str:
    """The name ``configure populate`` would give this role with the default options."""
    name = profile_name(
        NamingOptions(), account_id=account_id, account_name=account_name, role_name=role_name,
        region=region, region_index=0, num_regions=1, instance=instance,
    )  # fmt: skip
    return name or f"{account_id}.{role_name}"


def account_name_of(instance: Instance, account_id: str) -> str:
    """The account's name from the cached listing, or its ID (no network)."""
    listing = listing_service.load_cached(instance)
    names = {a.account_id: a.name for a in listing.accounts} if listing else {}
    return names.get(account_id, account_id)


def plan_role_profile(
    instance: Instance,
    *,
    name: str,
    account_id: str,
    role_name: str,
    region: str | None,
    account_name: str | None = None,
    defaults: dict[str, str] | None = None,
    credential_process: str | None = None,
    existing_action: str = "keep",
) -> ConfigEdit:
    """The edit of ``~/.aws/config`` that writes profile ``name`` for the role.

    An sso-session instance writes ``sso_session`` (and its ``[sso-session]`` section when
    missing); a legacy one the start URL and region. Without ``credential_process`` an old
    ``credential_process`` line is dropped.
    """
    values = profile_values(
        instance, account_id, account_name or account_name_of(instance, account_id), role_name, region, name=name,
        sso_session=instance.session_name, defaults=defaults or {}, credential_process=credential_process, auto_populated=False,
    )  # fmt: skip
    path = aws_config_file()
    drop = ("credential_process",) if credential_process is None else ()
    session = instance if instance.session_name else None
    return plan_profile(path, read_config_text(path), name, values, existing_action, drop_keys=drop, session=session)
