"""Profile names for ``configure populate``, compatible with aws-sso-util's naming options.

The components, separator, region rules and short regions match aws-sso-util so people can
migrate without renaming profiles. Three things deliberately differ: trims run before the
case change (what its docs promise), safe account names replace every run of characters
outside ``A-Za-z0-9-._`` (what its help promises), and the naming process runs without a
shell and learns which Identity Center instance it is naming for.
"""

from __future__ import annotations

import functools
import os
import re
import shlex
import subprocess
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from app.models import Instance, Role
from app.printable import UNSAFE_CHARACTERS, has_unsafe
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
_CONTROL_RUN = re.compile(f"(?:{UNSAFE_CHARACTERS})+")
_PROCESS_TIMEOUT = 30.0
_PROCESS_WORKERS = 8  # naming processes run at once; bounded, like every pool here
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


class NamingError(ConfigError):
    """A naming option that cannot be used; ``option`` is its NamingOptions field, so a face
    can mark the field, and the message names it as the caller's ``labels`` do."""

    def __init__(self, message: str, *, option: str) -> None:
        super().__init__(message)
        self.option = option


# How the CLI names each option; the app passes its own field labels.
FLAGS: dict[str, str] = {
    name: "--" + name.replace("_", "-")
    for name in ("components", "separator", "include_region", "region_style", "trim_account_name", "trim_role_name",
                 "account_name_case", "role_name_case", "profile_name_process")
}  # fmt: skip


def validate_naming(options: NamingOptions, instance: Instance | None = None, *, labels: Mapping[str, str] = FLAGS) -> None:
    """Fail before any AWS call if the options cannot produce names (NamingError for one
    bad option, ConfigError when they name the sample role unusably).

    Like aws-sso-util, this really runs the naming process once, with dummy values.
    """
    if options.include_region not in ("default", "always"):
        raise NamingError(f"{labels['include_region']} must be 'default' or 'always', not {options.include_region!r}", option="include_region")
    if options.region_style not in ("short", "long"):
        raise NamingError(f"{labels['region_style']} must be 'short' or 'long', not {options.region_style!r}", option="region_style")
    for option in ("account_name_case", "role_name_case"):
        case = getattr(options, option)
        if case is not None and case not in CASES:
            raise NamingError(f"{labels[option]} must be one of {', '.join(CASES)}, not {case!r}", option=option)
    for option in ("trim_account_name", "trim_role_name"):
        try:
            compile_patterns(getattr(options, option), labels[option])
        except ConfigError as error:
            raise NamingError(str(error), option=option) from None
    if not options.components or any(not part for part in options.components):
        raise NamingError(f"{labels['components']} needs a comma-separated list of non-empty components", option="components")
    if any(char in options.separator for char in "\r\n"):
        raise NamingError(f"{labels['separator']} cannot contain a line break", option="separator")
    if not options.separator and options.profile_name_process is None:
        raise NamingError(f"{labels['separator']} cannot be empty (the parts of each name would run together)", option="separator")
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


def profile_names(options: NamingOptions, roles: Sequence[Role], regions: Sequence[str], *, instance: Instance | None = None) -> list[str | None]:
    """The names of every role in each of ``regions``, role by role: what ``profile_name``
    gives each, with the first region as the default one.

    Populate and the app's live preview name thousands of roles per change, so each
    account's and role name's part is worked out once, not once per role and region, and
    nothing the garbage collector tracks is made per role (a full collection over the app's
    heap costs more than the naming). A naming process still runs once per name, a few at
    a time.
    """
    if options.profile_name_process is not None:
        def one(item: tuple[Role, int, str]) -> str | None:
            role, index, region = item
            account_id, account_name, role_name = role.account_id, role.account_name, role.role_name
            return profile_name(
                options, account_id=account_id, account_name=account_name, role_name=role_name,
                region=region, region_index=index, num_regions=len(regions), instance=instance,
            )  # fmt: skip

        items = [(role, index, region) for role in roles for index, region in enumerate(regions)]
        if len(items) < 2:
            return [one(item) for item in items]
        with ThreadPoolExecutor(max_workers=_PROCESS_WORKERS, thread_name_prefix="profile-name") as pool:
            return list(pool.map(one, items))
    places = [(_template(options, index > 0), region, short_region(region)) for index, region in enumerate(regions)]
    accounts: dict[str, str] = {}  # keyed by ID and name in one string: no tuple per role
    role_parts: dict[str, str] = {}
    names: list[str | None] = []
    append = names.append
    for each in roles:
        account_id, account_name, role_name = each.account_id, each.account_name, each.role_name
        key = f"{account_id}\0{account_name}"
        account = accounts.get(key)
        if account is None:
            account = accounts[key] = _account_part(options, _clean_account(options, account_id, account_name))
        role = role_parts.get(role_name)
        if role is None:
            role = role_parts[role_name] = _role_part(options, role_name)
        for template, region, short in places:
            name = template.format(account, account_id, role, region, short)
            append(_usable(name, account_id, account_name, role_name, region, sample=False))
    return names


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
    account_name = _clean_account(options, account_id, account_name)
    if options.profile_name_process is not None:
        args = [account_name, account_id, role_name, region, short_region(region), str(region_index), str(num_regions)]
        where = f"while checking it with {_SAMPLE_VALUES}" if sample else f"for account {account_id} role {role_name}"
        name = _run_process(options.profile_name_process, args, instance, where)
    else:
        name = _template(options, region_index > 0).format(_account_part(options, account_name), account_id, _role_part(options, role_name), region, short_region(region))
    return _usable(name, account_id, account_name, role_name, region, sample=sample)


def _clean_account(options: NamingOptions, account_id: str, account_name: str) -> str:
    """The account name a name is made from: never empty, no control characters (no line
    break or ESC may reach a section header, even raw), and safe unless raw names are asked for."""
    account_name = account_name or account_id
    if has_unsafe(account_name):
        account_name = _CONTROL_RUN.sub("-", account_name).strip("-") or account_id
    if options.safe_account_names:
        account_name = safe_account_name(account_name) or account_id
    return account_name


def _usable(name: str, account_id: str, account_name: str, role_name: str, region: str, *, sample: bool) -> str | None:
    if name == SKIP:
        return None
    if not name or name.isspace() or "\n" in name or "\r" in name or "\0" in name:
        where = f"for the {_SAMPLE_VALUES}" if sample else f"for account {account_id} ({account_name}) role {role_name} in {region}"
        raise ConfigError(f"the naming options give the unusable profile name {name!r} {where}")
    return name


def _account_part(options: NamingOptions, account_name: str) -> str:
    return _recase(_trim(account_name, options.trim_account_name, "--trim-account-name"), options.account_name_case)


def _role_part(options: NamingOptions, role_name: str) -> str:
    return _recase(_trim(role_name, options.trim_role_name, "--trim-role-name"), options.role_name_case)


@functools.lru_cache(maxsize=32)
def _template(options: NamingOptions, later_region: bool) -> str:
    """The name as a ``str.format`` template over (account, account ID, role, region, short
    region); the region parts are left out of the first region's names unless always wanted."""
    fields = {"account_name": "{0}", "account_id": "{1}", "account_number": "{1}", "role_name": "{2}", "region": "{3}", "short_region": "{4}"}
    fields["default_style_region"] = fields["region" if options.region_style == "long" else "short_region"]
    with_region = options.include_region == "always" or later_region
    parts = [fields.get(part) or _literal(part) for part in options.components if with_region or part not in REGION_COMPONENTS]
    return _literal(options.separator).join(parts)


def _literal(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


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
