"""Planning for ``configure populate`` and ``configure profile``: roles in, a ConfigEdit out.

Nothing here writes; the face previews or applies the edit with
``app.services.config_editor.apply_edit``. Names are checked for collisions before any
section is planned, so two roles never silently share one profile.
"""

from __future__ import annotations

import dataclasses
import shlex
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from app.models import Instance, ProfilePlan, Role
from app.printable import has_unsafe, printable
from app.services import validation
from app.services.awsconfig import parse_config_text
from app.services.config_editor import ConfigEdit, SectionChange, plan_sections, writable_key
from app.services.errors import ConfigError
from app.services.instances import SESSION_SCOPES
from app.services.profile_names import NamingOptions, profile_names, validate_naming

REGISTRATION_SCOPES = ",".join(SESSION_SCOPES)
# Keys ssodeck writes into a profile itself, so ``-c`` may not set them (whatever the layout).
SSODECK_KEYS = frozenset(
    {"sso_session", "sso_start_url", "sso_region", "sso_account_name", "sso_account_id", "sso_role_name", "region", "sso_auto_populated"}
)


def parse_defaults(pairs: Iterable[str], *, credential_process: str | None) -> dict[str, str]:
    """``-c KEY=VALUE`` flags as profile keys (lower-cased), checked here so a bad one fails
    before any sign-in or listing rather than after."""
    defaults: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"-c {pair!r} is not KEY=VALUE")
        defaults[key.strip().lower()] = value.strip()
    check_defaults(defaults, credential_process=credential_process)
    return defaults


def check_defaults(defaults: dict[str, str], *, credential_process: str | None) -> None:
    """Refuse keys ssodeck sets itself (``credential_process`` only when it writes one) and
    keys or values an AWS config file cannot hold."""
    reserved = SSODECK_KEYS | ({"credential_process"} if credential_process else set())
    for key, value in defaults.items():
        key = key.strip().lower()
        if key in reserved:
            raise ConfigError(f"-c {key}=... cannot be used: ssodeck sets {key} itself")
        if not writable_key(key):
            raise ConfigError(f"-c {key!r}=... cannot be written as a key (empty, or with spaces, = : [ ] # ;)")
        if any(char in value for char in "\r\n"):
            raise ConfigError(f"-c {key}=...: the value cannot span lines")


def profile_values(
    instance: Instance,
    account_id: str,
    account_name: str,
    role_name: str,
    region: str | None,
    *,
    name: str,
    sso_session: str | None,
    defaults: dict[str, str],
    credential_process: str | None,
    auto_populated: bool = True,
) -> list[tuple[str, str]]:
    """The keys of one SSO profile in aws-sso-util's order (sso_session replaces the URL pair).

    ``credential_process`` is the command without ``--profile``; ``auto_populated`` marks
    profiles that ``populate --prune`` may remove later (``configure profile`` passes False).
    """
    if sso_session:
        values = [("sso_session", sso_session)]
    else:
        values = [("sso_start_url", instance.start_url), ("sso_region", instance.region)]
    if account_name and account_name != account_id:
        values.append(("sso_account_name", printable(account_name)))  # a line break cannot be a value
    values += [("sso_account_id", account_id), ("sso_role_name", role_name)]
    if region:
        values.append(("region", validation.region(region)))
    check_defaults(defaults, credential_process=credential_process)
    values += [(key.strip().lower(), value) for key, value in defaults.items()]
    if credential_process:
        values.append(("credential_process", f"{credential_process} --profile {shlex.quote(name)}"))
    if auto_populated:
        values.append(("sso_auto_populated", "true"))
    return values


def plan_populate(
    config_path: Path,
    config_text: str,
    roles: Iterable[Role],
    *,
    instance: Instance,
    regions: list[str],
    naming: NamingOptions,
    defaults: dict[str, str],
    existing_action: str,
    credential_process: str | None,
    sso_session: str | None,
    prune: bool,
    drop_keys: Iterable[str] = (),
    naming_validated: bool = False,
    on_duplicate: str = "disambiguate",
) -> ConfigEdit:
    """One profile per role and region, sorted by name, plus the sso-session section if used.

    ``drop_keys`` go from every written profile (``credential_process`` for
    ``--no-credential-process``). ``naming_validated`` says the caller already ran
    ``validate_naming`` (before its network calls), so a naming process is not run twice.
    Names shared by roles of different accounts (AWS lets two accounts have one name) get
    the account ID added to their account part (``on_duplicate="disambiguate"``), or are
    refused (``"error"``).
    """
    if not regions:
        raise ConfigError("populate needs at least one region (--region)")
    regions = validation.regions(list(dict.fromkeys(regions)))  # a region given twice counts once, where it first came
    if sso_session:
        instance = dataclasses.replace(instance, session_name=sso_session)
    if not naming_validated:
        validate_naming(naming, instance)
    drop_keys = tuple(drop_keys)
    parsed = parse_config_text(config_text, Path(config_path))
    roles = list(roles)
    first_names, names = name_profiles(naming, roles, regions, instance, on_duplicate)
    renamed = sorted((old, new) for old, new in zip(first_names, names) if new != old and old is not None and new is not None)
    origins = _origins(roles, regions, names)
    _refuse_duplicates(origins, multi_region=len(regions) > 1)
    upserts = []
    skipped = []
    if sso_session:
        upserts.append(_session_plan(config_path, parsed.sso_sessions.get(sso_session), instance, sso_session))
    for name in sorted(origins):
        role, region = origins[name][0]
        if existing_action == "keep" and _hand_written_other(parsed.profiles.get(name), role):
            skipped.append(SectionChange("skip", f"profile {name}"))
            continue
        existing = parsed.profiles.get(name)
        values = profile_values(
            instance, role.account_id, role.account_name, role.role_name, region,
            name=name, sso_session=sso_session, defaults=defaults, credential_process=credential_process,
            auto_populated=existing is None or _marked(existing) or existing_action != "keep",
        )  # fmt: skip
        origin = {"account_id": role.account_id, "account_name": role.account_name, "role_name": role.role_name, "region": region}
        upserts.append(ProfilePlan(name, tuple(values), drop_keys=drop_keys + _other_layout(values), **origin))
    removals = []
    if prune:
        removals = [
            f"profile {name}"
            for name, section in sorted(parsed.profiles.items())
            if name not in origins and _prunable(section, instance.start_url, sso_session)
        ]
    edit = plan_sections(Path(config_path), config_text, upserts, removals, existing_action, parsed=parsed)
    notes = tuple(
        f"account {account_id} has control characters in its name ({printable(name)}); its profile names show them as '-'"
        for account_id, name in sorted({(role.account_id, role.account_name) for role in roles if has_unsafe(role.account_name)})
    )
    return dataclasses.replace(edit, changes=edit.changes + tuple(skipped), renamed=tuple(renamed), notes=notes)


def _marked(section: dict[str, object]) -> bool:
    return str(section.get("sso_auto_populated", "")).strip().lower() == "true"


def _hand_written_other(section: dict[str, object] | None, role: Role) -> bool:
    """A profile the user wrote by hand (not marked populated) for another account or role:
    in keep mode populate must not take it over; --existing-config-action overwrite may."""
    if section is None or _marked(section):
        return False
    account, role_name = section.get("sso_account_id"), section.get("sso_role_name")
    return (account, role_name) != (role.account_id, role.role_name)


def plan_profile(
    config_path: Path,
    config_text: str,
    name: str,
    values: list[tuple[str, str]],
    existing_action: str,
    *,
    drop_keys: Iterable[str] = (),
    session: Instance | None = None,
) -> ConfigEdit:
    """``configure profile``: one section. ``drop_keys`` go whatever the action (e.g.
    ``credential_process`` for ``--no-credential-process``), and so do the keys of the other
    layout (``sso_session`` when writing ``sso_start_url``, and the reverse).

    ``session`` (an instance with a session name) also plans its ``[sso-session]`` section,
    as populate does: added when new, kept up to date when it exists for the same URL.
    """
    parsed = parse_config_text(config_text, Path(config_path))
    upserts = []
    if session is not None:
        if not session.session_name:
            raise ValueError("plan_profile(session=...) needs an instance with a session name")
        upserts.append(_session_plan(config_path, parsed.sso_sessions.get(session.session_name), session, session.session_name))
    upserts.append(ProfilePlan(name, tuple(values), drop_keys=tuple(drop_keys) + _other_layout(values)))
    return plan_sections(Path(config_path), config_text, upserts, [], existing_action, parsed=parsed)


def _other_layout(values: list[tuple[str, str]]) -> tuple[str, ...]:
    """Keys of the layout not chosen: a profile moves wholly to sso-session form or back."""
    keys = {key for key, _ in values}
    if "sso_session" in keys:
        return ("sso_start_url", "sso_region")
    return ("sso_session",) if "sso_start_url" in keys else ()


def name_profiles(
    naming: NamingOptions, roles: Sequence[Role], regions: Sequence[str], instance: Instance, on_duplicate: str = "disambiguate"
) -> tuple[list[str | None], list[str | None]]:
    """The name of every role in each region (role by role, region by region; None: skipped)
    as the options make it, and as populate writes it: with ``on_duplicate="disambiguate"``,
    names that roles of several accounts share get the account ID. Duplicates that remain
    are the caller's to refuse (``plan_populate``) or show (the app's preview)."""
    if on_duplicate not in ("disambiguate", "error"):
        raise ConfigError(f"--on-duplicate must be disambiguate or error, not {on_duplicate!r}")
    names = profile_names(naming, roles, regions, instance=instance)
    final = _disambiguate(naming, roles, regions, names, instance) if on_duplicate == "disambiguate" else names
    return names, final


def _origins(roles: Sequence[Role], regions: Sequence[str], names: list[str | None]) -> dict[str, list[tuple[Role, str]]]:
    origins: dict[str, list[tuple[Role, str]]] = {}
    width = len(regions)
    for position, name in enumerate(names):
        if name is not None:
            origins.setdefault(name, []).append((roles[position // width], regions[position % width]))
    return origins


def _disambiguate(naming: NamingOptions, roles: Sequence[Role], regions: Sequence[str], names: list[str | None], instance: Instance) -> list[str | None]:
    """Rename every name that roles of more than one account share, by naming those roles
    again with the account ID added to the account name. Every member of a clash is renamed,
    so the result does not depend on listing order and stays the same from run to run.
    ``names`` are the roles' names region by region, role by role."""
    if naming.profile_name_process is None and "account_name" not in naming.components:
        return names  # the account name is not in the names: adding the ID to it changes nothing
    width = len(regions)
    repeated = {name for name, count in Counter(names).items() if count > 1 and name is not None}
    accounts: dict[str, set[str]] = {}
    for position, name in enumerate(names):
        if name in repeated:
            accounts.setdefault(name, set()).add(roles[position // width].account_id)
    clashing = {name for name, ids in accounts.items() if len(ids) > 1}
    if not clashing:
        return names
    touched = sorted({position // width for position, name in enumerate(names) if name in clashing})
    again = [roles[n]._replace(account_name=f"{roles[n].account_name or roles[n].account_id}-{roles[n].account_id}") for n in touched]
    out = list(names)
    for n, new_names in zip(touched, _rows(profile_names(naming, again, regions, instance=instance), width)):
        for offset, new in enumerate(new_names):
            position = n * width + offset
            if new is not None and out[position] in clashing:
                out[position] = new
    return out


def _rows(names: list[str | None], width: int) -> list[list[str | None]]:
    return [names[start : start + width] for start in range(0, len(names), width)]


def _refuse_duplicates(origins: dict[str, list[tuple[Role, str]]], *, multi_region: bool) -> None:
    duplicates = {name: sources for name, sources in origins.items() if len(sources) > 1}
    if not duplicates:
        return

    def source(role: Role, region: str) -> str:
        account = f"{role.account_id} ({role.account_name})" if role.account_name and role.account_name != role.account_id else role.account_id
        return f"{account}/{role.role_name}" + (f" in {region}" if multi_region else "")

    listing = "; ".join(f"{name} <- " + ", ".join(source(*item) for item in sources) for name, sources in sorted(duplicates.items()))
    raise ConfigError(
        f"{len(duplicates)} profile name(s) would be shared by several roles: {listing}. "
        "Change --components, --separator, the trims or the naming process so every name is unique"
        " (account names that clash are told apart by account ID unless --on-duplicate error)"
    )


def _session_plan(config_path: Path, current: dict[str, object] | None, instance: Instance, name: str) -> ProfilePlan:
    if current is not None and current.get("sso_start_url") not in (None, instance.start_url):
        raise ConfigError(
            f"[sso-session {name}] in {config_path} is for {current['sso_start_url']}, not {instance.start_url}; "
            "choose another --sso-session name"
        )
    values = [("sso_start_url", instance.start_url), ("sso_region", instance.region)]
    if current is None or "sso_registration_scopes" not in current:
        values.append(("sso_registration_scopes", REGISTRATION_SCOPES))
    return ProfilePlan(name, tuple(values), kind="sso-session")


def _prunable(section: dict[str, object], start_url: str, sso_session: str | None) -> bool:
    """Auto-populated by an earlier populate of this same instance, and nothing else."""
    if not _marked(section):
        return False
    return section.get("sso_start_url") == start_url or (sso_session is not None and section.get("sso_session") == sso_session)
