"""Pieces every command shares: stderr notes, instance resolution, the terminal sign-in UI."""

from __future__ import annotations

import logging
import os
import shlex
import sys
from collections.abc import Callable

import click

from app.models import Instance, Token
from app.printable import printable
from app.services.auth import get_token
from app.services.awsconfig import load_config
from app.services.errors import LoginRequired, OutputExists, SsodeckError
from app.services.instances import Resolution, resolve, specifier_from
from app.services import browser
from app.services.login_ui import BrowserLoginUI
from app.services.oidc import DevicePrompt
from app.timefmt import local_display


def note(message: str) -> None:
    """Progress and diagnostics go to stderr; stdout carries data only. Names in them (an
    account called "\x1b[2J...") are shown escaped, line by line."""
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


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def resolve_instances(
    start_url: str | None,
    region: str | None,
    *,
    command: str = "default",
    sso_session: str | None = None,
    profile: str | None = None,
    include_all: bool = False,
) -> Resolution:
    specifier = specifier_from(start_url, region, command=command, sso_session=sso_session, profile=profile)
    resolution = resolve(load_config(), specifier, include_all=include_all)
    for warning in resolution.warnings:
        note(f"warning: {warning}")
    return resolution


def browser_available() -> bool:
    return browser.available()


def login_command(instance: Instance, profile: str | None = None) -> str:
    """The command line that signs in to ``instance``, for error messages and hints."""
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


class TerminalLoginUI(BrowserLoginUI):
    """Shows the sign-in step on stderr (the browser opens unless told not to)."""

    def say(self, text: str) -> None:
        note(text)

    def device_code(self, prompt: DevicePrompt, *, opened: bool) -> None:
        lead = "Your browser has been opened to sign in." if opened else "To sign in, open this URL in a browser:"
        note(
            f"{lead}\n\n    {prompt.verification_uri_complete}\n\n"
            f"and check that it shows the code {prompt.user_code} "
            f"(or go to {prompt.verification_uri} and enter it).\n"
            f"Waiting until {local_display(prompt.expires_at)} for approval..."
        )

    def authorize_url(self, url: str, *, opened: bool) -> None:
        lead = "Your browser has been opened to sign in; if it did not open, visit:" if opened else "To sign in, open this URL in a browser on this machine:"
        note(
            f"{lead}\n\n    {url}\n\nWaiting for the browser to finish... "
            "(browser on another machine? Ctrl-C and use --use-device-code)"
        )


def token_source(instance: Instance, *, force_login: bool = False, profile: str | None = None, interactive: bool = True) -> Callable[[], Token]:
    """The token getter every command hands to the services: cached, refreshed or signed in.

    ``interactive=False`` never starts a sign-in (LoginRequired names the command instead).
    """
    ui = TerminalLoginUI(headless=False) if interactive and can_sign_in() else None
    return lambda: get_token(instance, ui=ui, force_login=force_login and ui is not None, profile=profile).token


def can_sign_in() -> bool:
    """Whether a sign-in started now could be completed by a person.

    It can when stderr is a terminal (the code or URL is seen) or a browser can be opened.
    Otherwise (a script, an SDK running credential_process with no browser) waiting up to
    ten minutes for nobody helps no one, so commands fail at once with the login command to
    run. SSODECK_INTERACTIVE=1 or 0 overrides the guess.
    """
    forced = os.environ.get("SSODECK_INTERACTIVE", "").strip()
    if forced in ("0", "1"):
        return forced == "1"
    return sys.stderr.isatty() or (not browser.disabled_by_env() and browser.available())
