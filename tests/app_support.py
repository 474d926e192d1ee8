"""Driving the full-screen app in tests: the real app over the emulator, with the clipboard,
the shell and the browser replaced by recorders, and a clock that can be frozen."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.models import Instance, Token
from app.services import token_cache
from app.services.auth import get_token
from app.tui import Seams, SsodeckApp, make_app
from support import FAST, Browser

SIZE = (120, 40)


@dataclass
class Outside:
    """What the app did to the world: copied texts, shells run, URLs opened."""

    copied: list[str] = field(default_factory=list)
    shells: list[tuple[list[str], dict[str, str]]] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    browser_works: bool = True

    def copy(self, text: str) -> str:
        self.copied.append(text)
        return "the test clipboard"

    def run_shell(self, app, argv: list[str], env: Mapping[str, str], banner: str) -> int:  # noqa: ANN001 - the app
        self.shells.append((argv, dict(env)))
        return 0

    def open_url(self, url: str) -> bool:
        self.opened.append(url)
        return self.browser_works


def sign_in(emu, session: str | None = None) -> Token:
    return get_token(Instance(emu.start_url, emu.region, session), ui=Browser(), options=FAST, use_device_code=True).token


def app_for(outside: Outside, *, clock=None, instance: Instance | None = None) -> SsodeckApp:  # noqa: ANN001
    seams = Seams(copy=outside.copy, run_shell=outside.run_shell, open_url=outside.open_url, shell="/bin/test-shell")
    if clock is not None:
        seams.clock = clock
    app = make_app(instance=instance, seams=seams)
    shown = app.notify

    def notify(message, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003 - App.notify's signature
        outside.notes.append(str(message))
        return shown(message, *args, **kwargs)

    app.notify = notify  # every notification the app shows, as text
    return app


def clock_before_expiry(instance: Instance, left: timedelta) -> callable:
    """A frozen clock that makes the cached session show ``left`` remaining, whatever the
    real time: the token's own expiry minus ``left``."""
    expires_at = token_cache.load_token(instance).expires_at
    frozen: datetime = expires_at - left
    return lambda: frozen


def steady(app: SsodeckApp) -> None:
    """No blinking cursors: a snapshot must not depend on when it is taken."""
    from textual.widgets import Input

    for screen in app.screen_stack:
        for box in screen.query(Input):
            box.cursor_blink = False


async def roles_ready(pilot, app: SsodeckApp) -> None:
    """Wait until the roles screen shows a complete listing (with steady cursors)."""
    from app.screens.roles import RolesScreen

    for _ in range(800):  # up to 40 s: CI machines can be slow
        await pilot.pause(0.05)
        screen = app.screen
        if isinstance(screen, RolesScreen) and screen.roles and not screen.streaming and not _working(app):
            steady(app)
            await pilot.pause(0.05)
            return
    raise AssertionError(f"the roles screen never finished loading (on {type(app.screen).__name__})")


def _working(app: SsodeckApp) -> bool:
    return any(worker.group == "listing" and not worker.is_finished for worker in app.workers)
