"""What the CLI says on stderr: notes, the services' warnings, and errors with their fix.

Kept apart from ``headless.common`` (instance resolution, sign-in) so the entry point can
report any error without loading the sign-in code: every command starts faster for it.
"""

from __future__ import annotations

import logging

from app.printable import printable
from app.services.errors import LoginRequired, OutputExists, SsodeckError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from app.models import Instance


def note(message: str) -> None:
    """Progress and diagnostics go to stderr; stdout carries data only. Names in them (an
    account called "\\x1b[2J...") are shown escaped, line by line."""
    import click  # here: the app starts without click

    click.echo("\n".join(printable(line) for line in message.split("\n")), err=True)


class StderrWarnings(logging.Handler):
    """Prints the services' warnings (``ssodeck`` logger) on stderr, each message once."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message not in self.seen:
            self.seen.add(message)
            note(f"ssodeck: warning: {message}")


def show_warnings() -> None:
    logger = logging.getLogger("ssodeck")
    logger.propagate = False
    if not any(isinstance(handler, StderrWarnings) for handler in logger.handlers):
        logger.addHandler(StderrWarnings())


def login_command(instance: Instance, profile: str | None = None) -> str:
    """The command line that signs in to ``instance``, for error messages and hints."""
    import shlex  # only when there is something to say (the app starts without it)

    if profile:
        return f"ssodeck login --profile {shlex.quote(profile)}"
    if instance.session_name and instance.configured:
        return f"ssodeck login --sso-session {shlex.quote(instance.session_name)}"
    if instance.session_name:  # a session the config does not hold yet
        return f"ssodeck login --sso-session {shlex.quote(instance.session_name)} {shlex.quote(instance.start_url)} {instance.region}"
    return f"ssodeck login {shlex.quote(instance.start_url)} {instance.region}"


def describe_error(error: SsodeckError) -> str:
    """The one line the CLI prints for a service error, with the command that fixes it."""
    text = str(error)
    if isinstance(error, LoginRequired) and error.instance is not None:
        text += f"; run `{login_command(error.instance, error.profile)}`"
    if isinstance(error, OutputExists):
        text += " (--force replaces it)"
    return text
