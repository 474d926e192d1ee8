"""What ``configure populate`` is asked to do, as one value both faces build.

The CLI builds ``PopulateChoices`` from its flags, the app's wizard from its steps; both then
``check`` it before any network call and ``plan`` the edit with ``plan_populate``. The
wizard also shows ``command_line``: the flags that make the CLI plan the same edit, so what
was done by hand can be scripted.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from app.models import Instance, Role
from app.services import validation
from app.services.awsconfig import AwsConfig, text_value
from app.services.config_editor import ConfigEdit
from app.services.config_render import section_header
from app.services.errors import ConfigError
from app.services.instances import config_instances
from app.services.populate import parse_defaults, plan_populate
from app.services.profile_names import NamingOptions, validate_naming
from app.services.profile_setup import DISABLE_PROCESS_ENV, configured_region, credential_process_command, env_flag

SEPARATOR_ENV = "AWS_CONFIGURE_SSO_DEFAULT_PROFILE_NAME_SEPARATOR"
_NAMING = NamingOptions()  # the flags' defaults, left out of command lines


def suggested_regions(config: AwsConfig, instance: Instance) -> list[str]:
    """The region to start the wizard with: the configure default, the ``[default]``
    profile's region, or the instance's own."""
    default = text_value(config.profiles.get("default", {}), "region")
    usable = [region for region in (configured_region(), default) if region and validation.REGION.fullmatch(region)]
    return usable[:1] or [instance.region]


def legacy_layout_possible(config: AwsConfig, instance: Instance) -> bool:
    """Whether profiles may carry the start URL themselves (no sso-session) for ``instance``.

    Not when an [sso-session] already signs in to the same start URL and region: given that
    URL and region, every command (and the command line the wizard shows) means the session.
    """
    return instance.session_name is None and not any(
        known.is_session and (known.start_url, known.region) == (instance.start_url, instance.region) for known in config_instances(config)[0]
    )


def check_session_name(name: str) -> str:
    section_header("sso-session", name)
    return name


@dataclass(frozen=True)
class PopulateChoices:
    """``sso_session`` names the [sso-session] profiles use (None: the start URL and region
    in every profile); ``credential_process`` None follows the environment (on unless
    AWS_CONFIGURE_SSO_DISABLE_CREDENTIAL_PROCESS is set); ``config_defaults`` are
    ``KEY=VALUE`` pairs written into every profile."""

    regions: tuple[str, ...] = ()
    naming: NamingOptions = field(default_factory=NamingOptions)
    existing_action: str = "keep"
    sso_session: str | None = None
    credential_process: bool | None = None
    prune: bool = False
    config_defaults: tuple[str, ...] = ()
    on_duplicate: str = "disambiguate"

    @classmethod
    def starting(cls, instance: Instance, config: AwsConfig) -> PopulateChoices:
        """What the wizard starts from: the flags' defaults, read as the CLI reads them."""
        naming = NamingOptions(separator=os.environ.get(SEPARATOR_ENV) or _NAMING.separator)
        return cls(tuple(suggested_regions(config, instance)), naming, sso_session=instance.session_name, credential_process=credential_process_command() is not None)

    def process_command(self) -> str | None:
        return credential_process_command(self.credential_process)

    def defaults(self) -> dict[str, str]:
        return parse_defaults(self.config_defaults, credential_process=self.process_command())

    def check(self, instance: Instance) -> None:
        """Refuse what can be refused before any sign-in or listing."""
        if not self.regions:
            raise ConfigError("populate needs at least one region (--region)")
        validation.regions(list(self.regions))
        if self.sso_session is not None:
            check_session_name(self.sso_session)
        self.defaults()
        validate_naming(self.naming, instance)

    def plan(self, path: Path, text: str, roles: Iterable[Role], instance: Instance, *, checked: bool = False) -> ConfigEdit:
        """The edit of ``path`` (whose text is ``text``); ``checked`` says ``check`` ran, so
        a naming process is not run again on sample values."""
        process = self.process_command()
        return plan_populate(
            path, text, roles, instance=instance, regions=list(self.regions), naming=self.naming, defaults=self.defaults(),
            existing_action=self.existing_action, credential_process=process, sso_session=self.sso_session, prune=self.prune,
            drop_keys=("credential_process",) if process is None else (), naming_validated=checked, on_duplicate=self.on_duplicate,
        )  # fmt: skip

    def command_line(self, instance: Instance) -> str:
        """``ssodeck configure populate ...`` with the flags that plan this same edit. Options
        at their defaults are left out, except the instance and the regions, which are
        always named so the line means the same in any shell."""
        args = ["--sso-start-url", instance.start_url, "--sso-region", instance.region]
        if self.sso_session:
            args += ["--sso-session", self.sso_session]
        for region in self.regions:
            args += ["--region", region]
        args += _naming_flags(self.naming)
        if self.existing_action != "keep":
            args += ["--existing-config-action", self.existing_action]
        for pair in self.config_defaults:
            args += _option("--config-default", pair)
        if self.credential_process is False:
            args.append("--no-credential-process")
        elif self.credential_process and env_flag(DISABLE_PROCESS_ENV):
            args.append("--credential-process")
        if self.on_duplicate != "disambiguate":
            args += ["--on-duplicate", self.on_duplicate]
        if self.prune:
            args.append("--prune")
        return shlex.join(["ssodeck", "configure", "populate", *args])


def _naming_flags(naming: NamingOptions) -> list[str]:
    args: list[str] = []
    if naming.components != _NAMING.components:
        args += _option("--components", ",".join(naming.components))
    if naming.separator != _NAMING.separator:
        args += _option("--separator", naming.separator)
    if naming.include_region != _NAMING.include_region:
        args += _option("--include-region", naming.include_region)
    if naming.region_style != _NAMING.region_style:
        args += _option("--region-style", naming.region_style)
    for flag, patterns in (("--trim-account-name", naming.trim_account_name), ("--trim-role-name", naming.trim_role_name)):
        for pattern in patterns:
            args += _option(flag, pattern)
    for flag, case in (("--account-name-case", naming.account_name_case), ("--role-name-case", naming.role_name_case)):
        if case:
            args += _option(flag, case)
    if naming.profile_name_process:
        args += _option("--profile-name-process", naming.profile_name_process)
    if not naming.safe_account_names:
        args.append("--raw-account-names")
    return args


def _option(flag: str, value: str) -> list[str]:
    """``--flag value``, or ``--flag=value`` when the value could pass for a flag ("-")."""
    return [f"{flag}={value}"] if value.startswith("-") else [flag, value]
