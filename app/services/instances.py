"""Which Identity Center instance a command means.

The rules follow aws-sso-util (flags, then command-specific environment variables, then the
generic ``AWS_DEFAULT_SSO_*`` pair, then the config file) and add what it lacks:
``[sso-session]`` sections and profiles that use ``sso_session``. An sso-session is its own
instance because botocore keys its token cache by the session name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import NamedTuple

from app.models import Instance
from app.services.awsconfig import AwsConfig, profile_sso, text_value
from app.services import validation
from app.services.errors import AmbiguousInstance, ConfigError, InstanceNotFound
from app.services.patterns import compile_patterns

GENERIC_ENV = ("AWS_DEFAULT_SSO_START_URL", "AWS_DEFAULT_SSO_REGION")
SESSION_SCOPES = ("sso:account:access",)  # what a new [sso-session] registers for
# Commands differ in how they take the instance: login has positional arguments, the rest flags.
_NAME_IT = (
    "give the start URL and region (START_URL REGION for login, --sso-start-url/--sso-region elsewhere), "
    "--profile or --sso-session"
)

# Command-specific variables, checked before the generic pair. The login names include the
# spelling aws-sso-util documents as well as the one its code reads.
COMMAND_ENV: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "default": ((), ()),
    "login": (
        ("AWS_SSO_LOGIN_DEFAULT_SSO_START_URL", "AWS_LOGIN_SSO_DEFAULT_SSO_START_URL"),
        ("AWS_SSO_LOGIN_DEFAULT_SSO_REGION", "AWS_LOGIN_DEFAULT_SSO_REGION"),
    ),
    "configure": (
        (
            "AWS_CONFIGURE_SSO_DEFAULT_SSO_START_URL",
            "AWS_SSO_CONFIGURE_DEFAULT_SSO_START_URL",
            "AWS_CONFIGURE_DEFAULT_SSO_START_URL",
        ),
        (
            "AWS_CONFIGURE_SSO_DEFAULT_SSO_REGION",
            "AWS_SSO_CONFIGURE_DEFAULT_SSO_REGION",
            "AWS_CONFIGURE_DEFAULT_SSO_REGION",
        ),
    ),
}


class Specifier(NamedTuple):
    """What the user asked for, and where each half came from (for `check` and errors)."""

    start_url: str | None = None
    region: str | None = None
    url_source: str = ""
    region_source: str = ""
    sso_session: str | None = None
    profile: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.start_url or self.region or self.sso_session or self.profile)

    def describe(self) -> str:
        if self.profile:
            return f"profile {self.profile}"
        if self.sso_session:
            return f"sso-session {self.sso_session}"
        return f"{self.start_url or '*'} [{self.region or '*'}]"


class Resolution(NamedTuple):
    specifier: Specifier
    instances: tuple[Instance, ...]
    known: tuple[Instance, ...]
    warnings: tuple[str, ...] = ()

    def one(self) -> Instance:
        """The single matching instance, or a clear error saying what to specify."""
        if len(self.instances) == 1:
            return self.instances[0]
        known = ", ".join(i.label() for i in self.known) or "none configured"
        if not self.instances:
            if self.specifier.empty:
                raise InstanceNotFound(
                    f"no Identity Center instance found: {_NAME_IT}, set AWS_DEFAULT_SSO_START_URL and "
                    "AWS_DEFAULT_SSO_REGION, or add an [sso-session] to your AWS config"
                )
            raise InstanceNotFound(f"no Identity Center instance matches {self.specifier.describe()} (known: {known})")
        names = ", ".join(i.label() for i in self.instances)
        raise AmbiguousInstance(f"found {len(self.instances)} Identity Center instances ({names}); to pick one, {_NAME_IT} (login also takes --all)")


def specifier_from(
    start_url: str | None,
    region: str | None,
    *,
    command: str = "default",
    sso_session: str | None = None,
    profile: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Specifier:
    """Build the specifier: flags win; env vars are read only if no flag named the instance."""
    env = os.environ if environ is None else environ
    if start_url or region or sso_session or profile:
        specifier = Specifier(start_url or None, region or None, "command line" if start_url else "", "command line" if region else "", sso_session, profile)
    else:
        url_names, region_names = COMMAND_ENV.get(command, ((), ()))
        url, url_source = _first(env, url_names)
        reg, reg_source = _first(env, region_names)
        if not url and not reg:
            url, url_source = _first(env, GENERIC_ENV[:1])
            reg, reg_source = _first(env, GENERIC_ENV[1:])
        specifier = Specifier(url, reg, url_source, reg_source)
    _check(specifier)
    return specifier


def _check(specifier: Specifier) -> None:
    """A start URL (not a pattern matching one) and a region must be well formed before any
    of them reaches the config, the token cache or the network."""
    if specifier.region:
        validation.region(specifier.region, f"Identity Center region from {specifier.region_source}")
    if specifier.start_url and validation.looks_like_url(specifier.start_url):
        validation.start_url(specifier.start_url, f"from {specifier.url_source}")


def _first(env: Mapping[str, str], names: tuple[str, ...]) -> tuple[str | None, str]:
    for name in names:
        value = env.get(name, "").strip()
        if value:
            return value, f"env var {name}"
    return None, ""


def session_instance(config: AwsConfig, name: str) -> Instance:
    section = config.sso_session(name)
    url, region = _text(section, "sso_start_url"), _text(section, "sso_region")
    if not url or not region:
        raise ConfigError(f"[sso-session {name}] in {config.path} needs both sso_start_url and sso_region")
    validation.region(region, f"sso_region of [sso-session {name}] in {config.path}")
    validation.start_url(url, f"sso_start_url of [sso-session {name}] in {config.path}")
    scopes = tuple(s.strip() for s in _text(section, "sso_registration_scopes").split(",") if s.strip())
    return Instance(url, region, name, source=f"[sso-session {name}] in {config.path}", registration_scopes=scopes)


def profile_instance(config: AwsConfig, name: str) -> Instance:
    """The instance a profile signs in with, checked the way botocore checks it."""
    url, region, session_name = profile_sso(config, name)
    if session_name:
        return session_instance(config, session_name)
    validation.region(region, f"sso_region of profile {name} in {config.path}")
    validation.start_url(url, f"sso_start_url of profile {name} in {config.path}")
    return Instance(url, region, None, source=f"profile {name} in {config.path}")


def session_or_new(config: AwsConfig, name: str, specifier: Specifier) -> Resolution:
    """The instance of ``[sso-session NAME]``; a name the config lacks is a new session.

    A new session takes its start URL and region from ``specifier`` (the flags and
    environment, without the session name), and is written by the caller's plan. An existing
    one is used as it is, so a start URL or region given on the command line must agree.
    """
    if name in config.sso_sessions:
        session = session_instance(config, name)
        url = specifier.start_url if specifier.url_source == "command line" and (specifier.start_url or "").startswith("http") else None
        region = specifier.region if specifier.region_source == "command line" else None
        if (url and url != session.start_url) or (region and region != session.region):
            raise ConfigError(
                f"[sso-session {name}] in {config.path} is for {session.start_url} ({session.region}), "
                f"not {url or session.start_url} ({region or session.region}); choose another --sso-session name"
            )
        return Resolution(specifier, (session,), ())
    base = resolve(config, specifier._replace(sso_session=None))
    places = {(i.start_url, i.region) for i in base.instances}
    if len(places) != 1:  # several sessions on one URL are still one place for a new session
        return base
    url, region = places.pop()
    new = Instance(url, region, name, source=f"new [sso-session {name}]", registration_scopes=SESSION_SCOPES, configured=False)
    return base._replace(instances=(new,))


def config_instances(config: AwsConfig) -> tuple[list[Instance], list[str]]:
    """Every instance the config names: legacy profiles (deduplicated by URL) and sso-sessions."""
    warnings: list[str] = []
    legacy: dict[str, Instance] = {}
    for name, section in config.profiles.items():
        if _text(section, "sso_session"):
            continue
        url, region = _text(section, "sso_start_url"), _text(section, "sso_region")
        if not (url and region):
            continue
        try:
            validation.region(region, f"sso_region of profile {name} in {config.path}")
            validation.start_url(url, f"sso_start_url of profile {name} in {config.path}")
        except ConfigError as error:
            warnings.append(str(error))
            continue
        seen = legacy.get(url)
        if seen is None:
            legacy[url] = Instance(url, region, None, source=f"profile {name} in {config.path}")
        elif seen.region != region:
            warnings.append(f"region mismatch in {config.path} for {url}: {region} (profile {name}), {seen.region} ({seen.source})")
    sessions = []
    for name in config.sso_sessions:
        try:
            sessions.append(session_instance(config, name))
        except ConfigError as error:
            warnings.append(str(error))
    found = sorted([*legacy.values(), *sessions], key=lambda i: (i.start_url, i.session_name or ""))
    return found, warnings


def resolve(config: AwsConfig, specifier: Specifier, *, include_all: bool = False) -> Resolution:
    """Apply the specifier to the config. ``include_all`` is ``login --all``."""
    known, warnings = config_instances(config)
    if specifier.profile:
        return Resolution(specifier, (profile_instance(config, specifier.profile),), tuple(known), tuple(warnings))
    if specifier.sso_session:
        return Resolution(specifier, (session_instance(config, specifier.sso_session),), tuple(known), tuple(warnings))
    url, region = specifier.start_url, specifier.region
    if url and region and url.startswith("http"):
        sessions = [i for i in known if i.is_session and i.start_url == url and i.region == region]
        direct = tuple(sessions) if sessions else (Instance(url, region, None, source=specifier.url_source),)
        matches = direct
    elif specifier.empty:
        matches = tuple(known)
    else:
        matches = tuple(_filter(known, url, region, warnings))
    if include_all:
        merged = list(matches)
        for instance in known:
            if instance not in merged:
                merged.append(instance)
        matches = tuple(merged)
    return Resolution(specifier, matches, tuple(known), tuple(warnings))


def _filter(known: list[Instance], url: str | None, region: str | None, warnings: list[str]) -> list[Instance]:
    pattern = compile_patterns((url,), "start URL pattern")[0] if url and not url.startswith("http") else None
    out = []
    for instance in known:
        if url:
            url_ok = pattern.search(instance.start_url) if pattern else instance.start_url == url
            if not url_ok:
                continue
        if region and instance.region != region:
            if url:
                warnings.append(f"{instance.label()} matches {url} but is in region {instance.region}, not {region}")
            continue
        out.append(instance)
    return out


_text = text_value
