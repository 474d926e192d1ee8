"""Driving the full-screen app in tests: the real app over the emulator, with the clipboard,
the shell and the browser replaced by recorders, and a clock that can be frozen."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

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
    """Wait until the roles screen shows a complete listing, checked with Identity Center
    (with steady cursors)."""
    from app.screens.roles import RolesScreen

    for _ in range(800):  # up to 40 s: CI machines can be slow
        await pilot.pause(0.05)
        screen = app.screen
        if isinstance(screen, RolesScreen) and screen.roles and screen.settled and not screen.streaming and not _working(app):
            steady(app)
            await pilot.pause(0.05)
            return
    raise AssertionError(f"the roles screen never finished loading (on {type(app.screen).__name__})")


def _working(app: SsodeckApp) -> bool:
    return any(worker.group == "listing" and not worker.is_finished for worker in app.workers)


# -- the assignment explorer ------------------------------------------------------------


async def explorer_ready(pilot, app: SsodeckApp) -> None:
    """Wait until the explorer has read the instance, or said why it could not."""
    from app.screens.explorer import ExplorerScreen

    for _ in range(400):
        await pilot.pause(0.05)
        screen = app.screen
        if isinstance(screen, ExplorerScreen) and (screen.loaded is not None or screen.problem is not None):
            await pilot.pause()
            return
    raise AssertionError(f"the explorer never finished loading (on {type(app.screen).__name__})")


def select_role(app: SsodeckApp, account_name: str, role_name: str) -> None:
    """Put the roles view's cursor on one role (and the focus on the list)."""
    from app.widgets.role_tree import RoleTree

    tree = app.screen.query_one(RoleTree)
    rows = [tree.source.row(n).role for n in range(len(tree.source))]
    tree.cursor = next(n for n, role in enumerate(rows) if role and (role.account_name, role.role_name) == (account_name, role_name))
    tree.focus()


async def explore_as(pilot, app: SsodeckApp, account_name: str, role_name: str) -> None:
    """From the roles view, open the explorer as one of the user's own roles (key a)."""
    await roles_ready(pilot, app)
    select_role(app, account_name, role_name)
    await pilot.press("a")
    await explorer_ready(pilot, app)


# -- the populate wizard and the console launcher -----------------------------------------

SMALL = (80, 24)
FROZEN_NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def signed_in_app(emu, **options) -> tuple[SsodeckApp, Outside]:  # noqa: ANN001, ANN003
    """The app for the emulator's instance, signed in, with a frozen clock; ``options``
    (``start``, ``choices``) go to ``make_app``."""
    sign_in(emu)
    outside = Outside()
    seams = Seams(clock=lambda: FROZEN_NOW, copy=outside.copy, run_shell=outside.run_shell, open_url=outside.open_url, shell="/bin/test-shell")
    return make_app(instance=Instance(emu.start_url, emu.region), seams=seams, **options), outside


async def settle(pilot) -> None:  # noqa: ANN001 - textual's Pilot
    """Let every message be handled and every worker finish (no sleeps)."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def still(pilot) -> None:  # noqa: ANN001
    """Settle with nothing focused: a snapshot must not catch a text cursor mid-blink."""
    await settle(pilot)
    pilot.app.set_focus(None)
    await pilot.pause()


async def type_into(pilot, selector: str, text: str) -> None:  # noqa: ANN001
    """Focus a field of the screen, empty it, and type ``text`` (a line break is Enter)."""
    from textual.widgets import TextArea

    await settle(pilot)
    box = pilot.app.screen.query_one(selector)
    pilot.app.screen.set_focus(box)
    if isinstance(box, TextArea):
        box.clear()
    else:
        box.value = ""
    await pilot.press(*["enter" if char == "\n" else char for char in text])
    await settle(pilot)


async def wizard_step(pilot, to: int):  # noqa: ANN001, ANN201 - the wizard screen
    """Next in the populate wizard until step ``to``, each step's work done first."""
    from app.screens.populate_wizard import PopulateWizardScreen

    await settle(pilot)
    wizard = pilot.app.screen
    assert isinstance(wizard, PopulateWizardScreen)
    while wizard.step < to:
        step = wizard.step
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert wizard.step == step + 1, wizard.problem
    return wizard
