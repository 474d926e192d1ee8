"""Read ``~/.aws/config`` exactly as botocore does, without importing botocore.

botocore parses with ``configparser.RawConfigParser`` (strict: duplicate sections or keys are
errors), lower-cases option names, turns values that start on the next line into one level
of nested keys, and maps ``[profile NAME]`` (shlex-split into exactly two tokens),
``[default]``, ``[sso-session NAME]`` and ``[services NAME]``. Matching that here keeps the
credential-process fast path free of botocore while agreeing with it on every file.

Configs with tens of thousands of profiles exist, so the parse is ``ini``'s (configparser's
rules at a tenth of its cost), each command's parse is reused by everything in it, and
botocore's own clients are handed this parse instead of parsing the file again.
"""

from __future__ import annotations

import os
import re

from app.services import ini
from app.services.errors import ConfigError
from app.services.paths import aws_config_name

TYPE_CHECKING = False  # no typing/pathlib imports at run time: see credential_fast
if TYPE_CHECKING:
    import configparser
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
    return parse_config_text(read_config_text(path), path)


def read_config_text(path: str | PathLike[str]) -> str:
    """The file exactly as stored (CRLF kept, so an edit can keep it); a missing file reads as empty."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except FileNotFoundError:
        return ""
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not valid UTF-8 ({error.reason})") from None
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from None


_parsed: dict[str, tuple[str, AwsConfig]] = {}  # per path, the last text parsed and its result


def parse_config_text(text: str, path: str | PathLike[str]) -> AwsConfig:
    """The file's text as botocore reads it. The last result per path is kept: a command asks
    for the config in several places (instance, profile, plan), and a big file must still be
    parsed once. Callers treat the result as read-only."""
    key = os.path.normpath(os.fspath(path))  # the same file however the path is spelt
    last = _parsed.get(key)
    if last is not None and last[0] == text:
        return last[1]
    config = build_config(text, path)
    _parsed[key] = (text, config)
    return config


def build_config(text: str, path: str | PathLike[str]) -> AwsConfig:
    """Parse without the cache (``parse_config_text`` is the usual entry)."""
    config = AwsConfig(path)
    targets = {"profile": config.profiles, "sso-session": config.sso_sessions, "services": config.services}
    for header, values in raw_sections(text, path).items():
        found = section_identity(header)
        if found is not None:  # a later section wins over an earlier one of the same name
            targets[found[0]][found[1]] = values
    return config


def raw_sections(text: str, path: str | PathLike[str]) -> dict[str, Section]:
    """Every section by its header, values begun on the next line as one level of nested
    keys: botocore's ``raw_config_parse`` (which also reads the credentials file)."""
    try:
        sections = ini.read(text, str(path))
    except ini.Refused as refused:
        raise ConfigError(describe_parse_error(refused.error, path)) from None
    for header, values in sections.items():
        for key, raw in values.items():
            if raw.startswith("\n"):
                values[key] = _nested(raw, path, header)
    return sections


_SHLEX_WHITESPACE = re.compile(r"[ \t\r\n]+")


def section_identity(header: str) -> tuple[str, str] | None:
    """(kind, name) botocore gives a section header: ``profile`` (also for ``[default]``),
    ``sso-session`` or ``services``; None for a section it does not address by name."""
    if header.startswith("profile"):
        kind = "profile"
    elif header.startswith("sso-session"):
        kind = "sso-session"
    elif header.startswith("services"):
        kind = "services"
    else:
        return ("profile", "default") if header == "default" else None
    parts = _shlex_split(header)
    return (kind, parts[1]) if parts is not None and len(parts) == 2 else None


def _shlex_split(text: str) -> list[str] | None:
    """``shlex.split`` as botocore calls it, with a fast path for the usual unquoted header."""
    if '"' not in text and "'" not in text and "\\" not in text:
        return _SHLEX_WHITESPACE.split(text.strip(" \t\r\n"))
    import shlex

    try:
        return shlex.split(text)
    except ValueError:
        return None


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
    import configparser  # loaded only when a file has to be read by it (ini.read)

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
