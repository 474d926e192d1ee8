"""Read ``~/.aws/config`` exactly as botocore does, without importing botocore.

botocore parses with ``configparser.RawConfigParser`` (strict: duplicate sections or keys are
errors), lower-cases option names, turns values that start on the next line into one level
of nested keys, and maps ``[profile NAME]`` (shlex-split into exactly two tokens),
``[default]``, ``[sso-session NAME]`` and ``[services NAME]``. Matching that here keeps the
credential-process fast path free of botocore while agreeing with it on every file.
"""

from __future__ import annotations

import configparser
import shlex

from app.services.errors import ConfigError
from app.services.paths import aws_config_name

TYPE_CHECKING = False  # no typing/pathlib imports at run time: see credential_fast
if TYPE_CHECKING:
    from os import PathLike

Section = dict[str, object]


class AwsConfig:
    """The parsed file. A plain class, not a dataclass: credential-process's fast path reads
    config and must not pay for importing dataclasses."""

    __slots__ = ("path", "profiles", "sso_sessions", "services")

    def __init__(self, path: str | PathLike[str]) -> None:
        self.path = path
        self.profiles: dict[str, Section] = {}
        self.sso_sessions: dict[str, Section] = {}
        self.services: dict[str, Section] = {}

    def __repr__(self) -> str:
        return f"AwsConfig({str(self.path)!r}, profiles={sorted(self.profiles)}, sso_sessions={sorted(self.sso_sessions)})"

    def profile(self, name: str) -> Section:
        try:
            return self.profiles[name]
        except KeyError:
            hint = _near(name, self.profiles, "profiles")
            raise ConfigError(f"profile {name!r} is not in {self.path} ({hint})") from None

    def sso_session(self, name: str) -> Section:
        try:
            return self.sso_sessions[name]
        except KeyError:
            hint = _near(name, self.sso_sessions, "sso-sessions")
            raise ConfigError(f"[sso-session {name}] is not in {self.path} ({hint})") from None


MAX_SUGGESTIONS = 5


def _near(name: str, known: dict[str, Section], kind: str) -> str:
    """Up to MAX_SUGGESTIONS close names, else a count: a config populated with thousands of
    profiles must not turn one typo into a wall of text."""
    import difflib  # only on this error path: the credential-process fast path reads config

    close = difflib.get_close_matches(name, list(known), n=MAX_SUGGESTIONS)
    if close:
        return "did you mean " + ", ".join(repr(match) for match in close) + "?"
    count = len(known)
    return f"{count} {kind} there" if count != 1 else f"1 {kind[:-1]} there"


def load_config(path: str | PathLike[str] | None = None) -> AwsConfig:
    """Parse the AWS config file (``AWS_CONFIG_FILE`` or ``~/.aws/config``); missing means empty."""
    path = path if path is not None else aws_config_name()
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return AwsConfig(path)
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not valid UTF-8 ({error.reason})") from None
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from None
    return parse_config_text(text, path)


def parse_config_text(text: str, path: str | PathLike[str]) -> AwsConfig:
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text, source=str(path))
    except configparser.Error as error:
        raise ConfigError(describe_parse_error(error, path)) from None
    config = AwsConfig(path)
    for section in parser.sections():
        values: Section = {}
        for option in parser.options(section):
            raw = parser.get(section, option)
            values[option] = _nested(raw, path, section) if raw.startswith("\n") else raw
        _place(config, section, values)
    return config


def _place(config: AwsConfig, section: str, values: Section) -> None:
    for prefix, target in (("profile", config.profiles), ("sso-session", config.sso_sessions), ("services", config.services)):
        if section.startswith(prefix):
            try:
                parts = shlex.split(section)
            except ValueError:
                return
            if len(parts) == 2:
                target[parts[1]] = values
            return
    if section == "default":
        config.profiles["default"] = values


def _nested(raw: str, path: str | PathLike[str], section: str) -> dict[str, str]:
    nested: dict[str, str] = {}
    for line in raw.splitlines():
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ConfigError(f"{path}: in [{section}], nested line {line.strip()!r} is not 'key = value'")
        nested[key.strip()] = value.strip()
    return nested


def describe_parse_error(error: configparser.Error, path: str | PathLike[str]) -> str:
    """One line naming the file and line, the way a user can find and fix it."""
    if isinstance(error, configparser.DuplicateSectionError):
        return f"{path}, line {error.lineno}: section [{error.section}] appears twice (botocore refuses this file)"
    if isinstance(error, configparser.DuplicateOptionError):
        return f"{path}, line {error.lineno}: key {error.option!r} appears twice in [{error.section}] (botocore refuses this file)"
    if isinstance(error, configparser.MissingSectionHeaderError):
        return f"{path}, line {error.lineno}: {error.line.strip()!r} comes before any [section] header"
    if isinstance(error, configparser.ParsingError):
        lineno, line = error.errors[0]
        import ast

        try:
            line = ast.literal_eval(line)  # configparser stores repr(line)
        except (ValueError, SyntaxError):
            pass
        return f"{path}, line {lineno}: cannot parse {str(line).strip()!r} (expected 'key = value')"
    return f"{path}: {error}"


def text_value(section: Section, key: str) -> str:
    """A plain (non-nested) value, stripped; '' when absent."""
    value = section.get(key, "")
    return value.strip() if isinstance(value, str) else ""


def profile_sso(config: AwsConfig, name: str) -> tuple[str, str, str | None]:
    """(start URL, SSO region, sso-session name or None) of a profile, checked as botocore does.

    Shared by instance resolution and credential-process's fast path, so both read a
    profile the same way.
    """
    section = config.profile(name)
    session_name = text_value(section, "sso_session")
    url, region = text_value(section, "sso_start_url"), text_value(section, "sso_region")
    if session_name:
        session = config.sso_session(session_name)
        session_url, session_region = text_value(session, "sso_start_url"), text_value(session, "sso_region")
        if not session_url or not session_region:
            raise ConfigError(f"[sso-session {session_name}] in {config.path} needs both sso_start_url and sso_region")
        for key, mine, theirs in (("sso_start_url", url, session_url), ("sso_region", region, session_region)):
            if mine and mine != theirs:
                raise ConfigError(f"profile {name}: {key} is inconsistent between the profile and [sso-session {session_name}] in {config.path}")
        return session_url, session_region, session_name
    if url and region:
        return url, region, None
    raise ConfigError(f"profile {name} in {config.path} has no Identity Center settings (sso_session, or sso_start_url and sso_region)")
