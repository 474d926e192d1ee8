"""Pieces every command shares: instance resolution and the terminal sign-in UI (what the
CLI says on stderr is in ``headless.messages``)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

import click

from app.models import Instance, Token
from app.services import browser
from app.services.auth import get_token
from app.services.awsconfig import load_config
from app.services.instances import Resolution, resolve, specifier_from
from app.services.login_ui import BrowserLoginUI
from app.services.oidc import DevicePrompt
from app.timefmt import local_display
from headless.messages import note


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
