"""ssodeck's own settings file: favourite and recently used roles, and remembered choices.

A TOML file in the platform's config directory (``SSODECK_CONFIG_DIR`` overrides it), read
with the standard library and changed with tomlkit, so a person's comments and layout in it
survive every write. Roles are kept per Identity Center instance, as ``ACCOUNT/ROLE``::

    [instances."https://my-org.awsapps.com/start"]
    favourites = ["111111111111/AdministratorAccess"]
    recent = ["222222222222/ReadOnlyAccess"]

    [console."111111111111/AdministratorAccess"]
    destination = "/s3/home"
    region = "eu-west-1"

A file that cannot be read is reported, never overwritten.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from app.models import Instance
from app.services.atomic import atomic_write
from app.services.errors import ConfigError
from app.services.locks import exclusive

RECENT_LIMIT = 10
RoleKey = tuple[str, str]  # (account ID, role name)


def settings_path() -> Path:
    override = os.environ.get("SSODECK_CONFIG_DIR")
    if override:
        return Path(os.path.expanduser(override)) / "settings.toml"
    import platformdirs

    return Path(platformdirs.user_config_dir("ssodeck", appauthor=False)) / "settings.toml"


class Settings(NamedTuple):
    """One instance's favourites and recently used roles, and every role's remembered console
    choices, as read (a named tuple, as app.models explains: it is read before the first frame)."""

    favourites: frozenset[RoleKey]
    recent: tuple[RoleKey, ...]  # most recent first
    console: dict[RoleKey, dict[str, Any]]


def _role_key(text: str) -> RoleKey | None:
    account, sep, role = str(text).partition("/")
    return (account, role) if sep and account and role else None


def _text(key: RoleKey) -> str:
    return f"{key[0]}/{key[1]}"


def _read() -> str:
    path = settings_path()
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read {path}: {getattr(error, 'strerror', None) or error}") from None


def _parse(text: str) -> dict[str, Any]:
    if not text.strip():
        return {}  # no settings yet (the app starts without loading a TOML parser)
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{settings_path()} is not valid TOML ({error}); fix or remove it") from None


def load(instance: Instance) -> Settings:
    data = _parse(_read())
    mine = data.get("instances", {}).get(instance.cache_key, {})
    favourites = frozenset(k for k in map(_role_key, mine.get("favourites", [])) if k)
    recent = tuple(k for k in map(_role_key, mine.get("recent", [])) if k)
    console = {key: dict(value) for name, value in data.get("console", {}).items() if (key := _role_key(name)) and isinstance(value, dict)}
    return Settings(favourites, recent, console)


def _change(edit: Callable[[Any], None]) -> None:
    """Read, edit (a tomlkit document) and write back atomically, one writer at a time."""
    import tomlkit

    path = settings_path()
    with exclusive(f"settings:{path}"):
        text = _read()
        _parse(text)  # a broken file is reported, not replaced
        document = tomlkit.parse(text)
        edit(document)
        atomic_write(path, tomlkit.dumps(document), mode=0o600)


def _instance_table(document: Any, instance: Instance) -> Any:
    import tomlkit

    instances = document.setdefault("instances", tomlkit.table(is_super_table=True))
    if instance.cache_key not in instances:
        instances[instance.cache_key] = tomlkit.table()
    return instances[instance.cache_key]


def toggle_favourite(instance: Instance, role: RoleKey) -> bool:
    """Mark or unmark a favourite; returns whether it is one now."""
    state = {}

    def edit(document: Any) -> None:
        table = _instance_table(document, instance)
        names = [str(n) for n in table.get("favourites", [])]
        state["on"] = _text(role) not in names
        table["favourites"] = sorted({*names, _text(role)}) if state["on"] else [n for n in names if n != _text(role)]

    _change(edit)
    return state["on"]


def record_recent(instance: Instance, role: RoleKey) -> None:
    def edit(document: Any) -> None:
        table = _instance_table(document, instance)
        names = [str(n) for n in table.get("recent", []) if str(n) != _text(role)]
        table["recent"] = [_text(role), *names][:RECENT_LIMIT]

    _change(edit)


def remember_console(role: RoleKey, choices: dict[str, Any]) -> None:
    """The console launcher's last choices for a role (destination, region, duration,
    action). Only the choices named change: ``o`` in the roles view, which asks for a service
    and a region, keeps the duration and action chosen in the launcher; a choice given as
    None (the launcher's default duration) is forgotten."""
    import tomlkit

    def edit(document: Any) -> None:
        console = document.setdefault("console", tomlkit.table(is_super_table=True))
        table = console.get(_text(role))
        if not isinstance(table, dict):
            table = console[_text(role)] = tomlkit.table()
        for name, value in choices.items():
            if value is None:
                table.pop(name, None)
            else:
                table[name] = value

    _change(edit)
