"""Domain errors. Each carries the one line a user should read and the exit code to leave with.

Faces print ``str(error)`` and exit with ``error.exit_code``; messages must never contain
tokens, secret keys or sign-in URLs. What would fix an error is carried as fields, not words
(``LoginRequired.instance``), so each face says it its own way: the CLI names a command, the
app a key.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from app.models import Instance


class Cancelled(Exception):
    """Work given up because whoever asked for it no longer wants it (an app that is closing):
    not an error to report, only a way out of the work."""


CANCEL_CHECK = 0.1  # seconds between looks, while work that can be given up waits, at whether it still should


class SsodeckError(Exception):
    """Base for every error a face reports as one line on stderr."""

    exit_code = 1

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class ConfigError(SsodeckError):
    """A config file is malformed or lacks a needed value."""

    exit_code = 2


class BadValue(ConfigError):
    """A value the user typed is malformed (a region, a start URL): refused before use."""


class InstanceNotFound(SsodeckError):
    """No Identity Center instance matched (check exits 101 or 102)."""

    exit_code = 1


class AmbiguousInstance(SsodeckError):
    """More than one instance matched and the command needs one (check exits 103)."""

    exit_code = 1


class LoginRequired(SsodeckError):
    """No usable token: the user has to sign in again, to ``instance`` (through ``profile``
    when the user named one)."""

    exit_code = 1

    def __init__(self, message: str, *, instance: Instance | None = None, profile: str | None = None, exit_code: int | None = None) -> None:
        super().__init__(message, exit_code=exit_code)
        self.instance = instance
        self.profile = profile


class LoginExpired(SsodeckError):
    """The sign-in window (device code or browser authorization) ran out."""

    exit_code = 2


class LoginDenied(SsodeckError):
    """The user or the service refused the sign-in."""

    exit_code = 3


class ServiceError(SsodeckError):
    """Identity Center answered with an error we cannot recover from."""

    exit_code = 4


class AccessDenied(SsodeckError):
    """The portal refused an account or role (403 "No access")."""

    exit_code = 4


class WriteFailed(SsodeckError):
    """A file could not be written (read-only directory, full disk); nothing was changed.

    73 is sysexits' EX_CANTCREAT, so scripts can tell "could not write" from every other
    failure.
    """

    exit_code = 73


class InvalidInput(SsodeckError):
    """An input document (a cfn config file or template) breaks its schema.

    The message starts with ``file:line: key:`` so the user can go straight to it.
    """

    exit_code = 2


class LookupUnavailable(SsodeckError):
    """The command would need live AWS lookups (Organizations, identity store) it cannot make."""

    exit_code = 1


class OutputExists(WriteFailed):
    """The output file is there already and replacing it was not asked for; it was left as it was."""
