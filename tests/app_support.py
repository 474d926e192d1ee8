"""Helpers for the app's Pilot and snapshot tests: the real app over the emulator, with the
clipboard, the browser and the shell recorded instead of used, and a frozen clock."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone

from textual.widgets import TextArea

from app.models import Instance
from app.services.auth import get_token
from app.tui import Seams, SsodeckApp, make_app
from support import FAST, Browser

FROZEN_NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
SIZE = (120, 40)
SMALL = (80, 24)


@dataclass
class Recorder:
    """What the app would have copied, opened in a browser, or run as a shell."""

    copied: list[str] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)
    shells: list[tuple[list[str], dict[str, str]]] = field(default_factory=list)
    browser: bool = True  # whether "opening" a URL works

    def seams(self, clock: datetime = FROZEN_NOW) -> Seams:
        def copy(text: str) -> str:
            self.copied.append(text)
            return "the clipboard"

        def open_url(url: str) -> bool:
            if self.browser:
                self.opened.append(url)
            return self.browser

        def run_shell(argv: list[str], env: Mapping[str, str]) -> int:
            self.shells.append((argv, dict(env)))
            return 0

        return Seams(clock=lambda: clock, copy=copy, run_shell=run_shell, open_url=open_url, shell="/bin/sh")


def sign_in(emu, session: str | None = None) -> Instance:  # noqa: ANN001 - the emulator
    """An instance of the emulator with a cached token (the app signs in silently)."""
    instance = Instance(emu.start_url, emu.region, session, configured=session is None)
    get_token(instance, ui=Browser(), options=FAST)
    return instance


def test_app(emu, *, recorder: Recorder | None = None, **options) -> tuple[SsodeckApp, Recorder]:  # noqa: ANN001, ANN003
    """The app for the emulator's instance, signed in; ``options`` go to ``make_app``."""
    recorder = recorder or Recorder()
    instance = options.pop("instance", None) or sign_in(emu)
    assert os.environ["AWS_ENDPOINT_URL_SSO"] == emu.url  # the emu fixture exported its endpoints
    return make_app(instance=instance, seams=recorder.seams(), **options), recorder


test_app.__test__ = False  # a helper, not a test


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
