"""Profile names for ``configure populate``, compatible with aws-sso-util's naming options.

The components, separator, region rules and short regions match aws-sso-util so people can
migrate without renaming profiles. Three things deliberately differ: trims run before the
case change (what its docs promise), safe account names replace every run of characters
outside ``A-Za-z0-9-._`` (what its help promises), and the naming process runs without a
shell and learns which Identity Center instance it is naming for.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from dataclasses import dataclass

from app.models import Instance
from app.printable import UNSAFE, has_unsafe
from app.services.errors import ConfigError
from app.services.patterns import compile_patterns

SKIP = "SKIP"
CASES = ("capitalize", "casefold", "lower", "title", "upper")
REGION_COMPONENTS = frozenset({"region", "short_region", "default_style_region"})
_FIELD_COMPONENTS = frozenset({"account_name", "account_id", "account_number", "role_name"}) | REGION_COMPONENTS
_DIRECTIONS = {
    "north": "no",
    "northeast": "ne",
    "east": "ea",
    "southeast": "se",
    "south": "so",
    "southwest": "sw",
    "west": "we",
    "northwest": "nw",
    "central": "ce",
}
# Letters and digits of any script stay (日本, Café); every run of anything else that is not
# -._ (spaces, brackets, quotes, slashes, colons, commas...) becomes one "-".
_UNSAFE_RUN = re.compile(r"[^\w\-.]+")
_CONTROL_RUN = re.compile(f"(?:{UNSAFE.pattern})+")
_PROCESS_TIMEOUT = 30.0
# validate_naming's dummy values, as aws-sso-util uses them: account name, ID, role, region
_SAMPLE = {"account_name": "foo", "account_id": "bar", "role_name": "baz", "region": "us-east-1"}
_SAMPLE_VALUES = "sample values (foo/bar/baz/us-east-1)"


@dataclass(frozen=True)
class NamingOptions:
    components: tuple[str, ...] = ("account_name", "role_name", "default_style_region")
    separator: str = "."
    include_region: str = "default"  # "default" | "always"
    region_style: str = "short"  # "short" | "long"
    trim_account_name: tuple[str, ...] = ()
    trim_role_name: tuple[str, ...] = ()
    account_name_case: str | None = None
    role_name_case: str | None = None
    profile_name_process: str | None = None
    safe_account_names: bool = True


def short_region(region: str) -> str:
    """``us-east-1`` -> ``usea1``; anything not shaped ``area-direction-number`` is kept."""
    parts = region.rsplit("-", 2)
    if len(parts) != 3:
        return region
    area, direction, number = parts
    if area == "us-gov":
        area = "gov"
    return f"{area}{_DIRECTIONS.get(direction, direction)}{number}"


def safe_account_name(name: str) -> str:
    """``[Sandbox] Team A`` -> ``Sandbox-Team-A``: names that need no quoting anywhere."""
    return _UNSAFE_RUN.sub("-", name).strip("-")


def validate_naming(options: NamingOptions, instance: Instance | None = None) -> None:
    """Fail before any AWS call if the options cannot produce names.

    Like aws-sso-util, this really runs the naming process once, with dummy values.
    """
    if options.include_region not in ("default", "always"):
        raise ConfigError(f"--include-region must be 'default' or 'always', not {options.include_region!r}")
    if options.region_style not in ("short", "long"):
        raise ConfigError(f"--region-style must be 'short' or 'long', not {options.region_style!r}")
    for flag, case in (("--account-name-case", options.account_name_case), ("--role-name-case", options.role_name_case)):
        if case is not None and case not in CASES:
            raise ConfigError(f"{flag} must be one of {', '.join(CASES)}, not {case!r}")
    compile_patterns(options.trim_account_name, "--trim-account-name")
    compile_patterns(options.trim_role_name, "--trim-role-name")
    if not options.components or any(not part for part in options.components):
        raise ConfigError("--components needs a comma-separated list of non-empty components")
    if any(char in options.separator for char in "\r\n"):
        raise ConfigError("--separator cannot contain a line break")
    if options.profile_name_process is not None:
        _process_argv(options.profile_name_process)
    _name(options, **_SAMPLE, region_index=0, num_regions=1, instance=instance, sample=True)
    if options.profile_name_process is None:
        _name(options, **_SAMPLE, region_index=1, num_regions=2, instance=instance, sample=True)


def profile_name(
    options: NamingOptions,
    *,
    account_id: str,
    account_name: str,
    role_name: str,
    region: str,
    region_index: int,
    num_regions: int,
    instance: Instance | None = None,
) -> str | None:
    """The profile name for one (account, role, region), or None when it is to be skipped."""
    return _name(
        options, account_id=account_id, account_name=account_name, role_name=role_name, region=region,
        region_index=region_index, num_regions=num_regions, instance=instance, sample=False,
    )  # fmt: skip


def _name(
    options: NamingOptions,
    *,
    account_id: str,
    account_name: str,
    role_name: str,
    region: str,
    region_index: int,
    num_regions: int,
    instance: Instance | None,
    sample: bool,
) -> str | None:
    """``profile_name``; ``sample`` says these are validate_naming's values, so errors say so."""
    account_name = account_name or account_id
    if has_unsafe(account_name):  # no line break or ESC may reach a section header, even raw
        account_name = _CONTROL_RUN.sub("-", account_name).strip("-") or account_id
    if options.safe_account_names:
        account_name = safe_account_name(account_name) or account_id
    if options.profile_name_process is not None:
        args = [account_name, account_id, role_name, region, short_region(region), str(region_index), str(num_regions)]
        where = f"while checking it with {_SAMPLE_VALUES}" if sample else f"for account {account_id} role {role_name}"
        name = _run_process(options.profile_name_process, args, instance, where)
    else:
        name = _format(options, account_id, account_name, role_name, region, region_index)
    if name == SKIP:
        return None
    if not name.strip() or any(char in name for char in "\r\n\0"):
        where = f"for the {_SAMPLE_VALUES}" if sample else f"for account {account_id} ({account_name}) role {role_name} in {region}"
        raise ConfigError(f"the naming options give the unusable profile name {name!r} {where}")
    return name


def _format(options: NamingOptions, account_id: str, account_name: str, role_name: str, region: str, region_index: int) -> str:
    account_name = _recase(_trim(account_name, options.trim_account_name, "--trim-account-name"), options.account_name_case)
    role_name = _recase(_trim(role_name, options.trim_role_name, "--trim-role-name"), options.role_name_case)
    long_style = options.region_style == "long"
    values = {
        "account_name": account_name,
        "account_id": account_id,
        "account_number": account_id,
        "role_name": role_name,
        "region": region,
        "short_region": short_region(region),
        "default_style_region": region if long_style else short_region(region),
    }
    with_region = options.include_region == "always" or region_index > 0
    parts = [
        values[part] if part in _FIELD_COMPONENTS else part
        for part in options.components
        if with_region or part not in REGION_COMPONENTS
    ]
    return options.separator.join(parts)


def _trim(value: str, patterns: tuple[str, ...], flag: str) -> str:
    for pattern in compile_patterns(patterns, flag):
        value = pattern.sub("", value)
    return value


def _recase(value: str, case: str | None) -> str:
    return getattr(value, case)() if case else value


def _process_argv(command: str) -> list[str]:
    try:
        argv = shlex.split(command)
    except ValueError as error:
        raise ConfigError(f"--profile-name-process {command!r} cannot be split into arguments: {error}") from None
    if not argv:
        raise ConfigError("--profile-name-process is empty")
    return argv


def _run_process(command: str, args: list[str], instance: Instance | None, where: str) -> str:
    """Run the user's naming command directly (no shell), once per name; ``where`` ends its errors."""
    env = dict(os.environ)
    for key in ("SSODECK_START_URL", "SSODECK_SSO_REGION", "SSODECK_SSO_SESSION"):
        env.pop(key, None)
    if instance is not None:
        env["SSODECK_START_URL"] = instance.start_url
        env["SSODECK_SSO_REGION"] = instance.region
        if instance.session_name:
            env["SSODECK_SSO_SESSION"] = instance.session_name
    argv = _process_argv(command) + args
    try:
        result = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=_PROCESS_TIMEOUT, check=False)
    except FileNotFoundError:
        raise ConfigError(f"--profile-name-process: command {argv[0]!r} not found") from None
    except PermissionError:
        raise ConfigError(f"--profile-name-process: command {argv[0]!r} is not executable") from None
    except subprocess.TimeoutExpired:
        raise ConfigError(f"--profile-name-process did not finish within {_PROCESS_TIMEOUT:.0f} s {where}") from None
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()[-1:] or [""]
        raise ConfigError(f"profile name process failed (exit {result.returncode}) {where}" + (f": {detail[0]}" if detail[0] else ""))
    return result.stdout.strip()
