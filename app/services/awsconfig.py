"""Read ``~/.aws/config`` exactly as botocore does, without importing botocore.

botocore parses with ``configparser.RawConfigParser`` (strict: duplicate sections or keys are
errors), lower-cases option names, turns values that start on the next line into one level
of nested keys, and maps ``[profile NAME]`` (shlex-split into exactly two tokens),
``[default]``, ``[sso-session NAME]`` and ``[services NAME]``. Matching that here keeps the
credential-process fast path free of botocore while agreeing with it on every file.
"""

from __future__ import annotations

import ast
import configparser
import contextlib
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from app.services.errors import ConfigError
from app.services.paths import aws_config_file

Section = dict[str, object]


@dataclass(frozen=True)
class AwsConfig:
    path: Path
    profiles: dict[str, Section] = field(default_factory=dict)
    sso_sessions: dict[str, Section] = field(default_factory=dict)
    services: dict[str, Section] = field(default_factory=dict)

    def profile(self, name: str) -> Section:
        try:
            return self.profiles[name]
        except KeyError:
            known = ", ".join(sorted(self.profiles)) or "none"
            raise ConfigError(
                f"profile {name!r} is not in {self.path} (profiles there: {known})"
            ) from None

    def sso_session(self, name: str) -> Section:
        try:
            return self.sso_sessions[name]
        except KeyError:
            known = ", ".join(sorted(self.sso_sessions)) or "none"
            raise ConfigError(
                f"[sso-session {name}] is not in {self.path} (sessions there: {known})"
            ) from None


def load_config(path: Path | None = None) -> AwsConfig:
    """Parse the AWS config file (``AWS_CONFIG_FILE`` or ``~/.aws/config``); missing means empty."""
    path = Path(path) if path is not None else aws_config_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return AwsConfig(path)
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not valid UTF-8 ({error.reason})") from None
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from None
    return parse_config_text(text, path)


def parse_config_text(text: str, path: Path) -> AwsConfig:
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


def _nested(raw: str, path: Path, section: str) -> dict[str, str]:
    nested: dict[str, str] = {}
    for line in raw.splitlines():
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ConfigError(f"{path}: in [{section}], nested line {line.strip()!r} is not 'key = value'")
        nested[key.strip()] = value.strip()
    return nested


def describe_parse_error(error: configparser.Error, path: Path) -> str:
    """One line naming the file and line, the way a user can find and fix it."""
    if isinstance(error, configparser.DuplicateSectionError):
        return f"{path}, line {error.lineno}: section [{error.section}] appears twice (botocore refuses this file)"
    if isinstance(error, configparser.DuplicateOptionError):
        return f"{path}, line {error.lineno}: key {error.option!r} appears twice in [{error.section}] (botocore refuses this file)"
    if isinstance(error, configparser.MissingSectionHeaderError):
        return f"{path}, line {error.lineno}: {error.line.strip()!r} comes before any [section] header"
    if isinstance(error, configparser.ParsingError):
        lineno, line = error.errors[0]
        with contextlib.suppress(ValueError, SyntaxError):
            line = ast.literal_eval(line)  # configparser stores repr(line)
        return f"{path}, line {lineno}: cannot parse {str(line).strip()!r} (expected 'key = value')"
    return f"{path}: {error}"
