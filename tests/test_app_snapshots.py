"""Snapshots of the main views at a fixed size, over the emulator's fixed generated org, with
the clock frozen relative to the session so every countdown reads the same."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.models import Instance
from app.services.errors import LoginExpired
from app.services.oidc import DevicePrompt
from app_support import Outside, app_for, clock_before_expiry, roles_ready, sign_in, steady

SIZE = (110, 32)


@pytest.fixture
def snapshot_app(emu):
    sign_in(emu)
    instance = Instance(emu.start_url, emu.region)
    return app_for(Outside(), clock=clock_before_expiry(instance, timedelta(minutes=59, seconds=30)))


def test_roles_by_account(snap_compare, snapshot_app):
    async def ready(pilot):
        await roles_ready(pilot, snapshot_app)

    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=ready)


def test_roles_filtered(snap_compare, snapshot_app):
    async def typed(pilot):
        await roles_ready(pilot, snapshot_app)
        await pilot.press(*"datadm")

    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=typed)


def test_roles_filtered_to_nothing(snap_compare, snapshot_app):
    async def typed(pilot):
        await roles_ready(pilot, snapshot_app)
        await pilot.press(*"zzq")

    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=typed)


def test_roles_by_role(snap_compare, snapshot_app):
    async def by_role(pilot):
        await roles_ready(pilot, snapshot_app)
        await pilot.press("tab", "v")

    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=by_role)


def test_action_menu(snap_compare, snapshot_app):
    async def menu(pilot):
        await roles_ready(pilot, snapshot_app)
        await pilot.press("down", "enter")

    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=menu)


def test_console_destination(snap_compare, snapshot_app):
    async def console(pilot):
        await roles_ready(pilot, snapshot_app)
        await pilot.press("down", "tab", "o")
        await pilot.pause(0.1)
        steady(snapshot_app)

    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=console)


def test_write_profile(snap_compare, snapshot_app, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # the diff names the file: a relative name reads the same in every run
    fixed = Path("home/.aws/config")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(fixed))

    async def profile(pilot):
        await roles_ready(pilot, snapshot_app)
        await pilot.press("down", "tab", "w")
        await pilot.pause(0.2)
        steady(snapshot_app)

    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=profile)
    assert not fixed.exists()  # shown, not written


def test_sign_in_screen(snap_compare, emu):
    """The device-code step as a person sees it, with a fixed code and URL (the emulator's are
    random): the screen runs a sign-in that shows one prompt and then waits."""
    import threading

    from app.screens.signin import SignInScreen

    expires = datetime(2030, 1, 1, 12, 0, tzinfo=timezone.utc)
    prompt = DevicePrompt("BCDF-GHJK", "https://device.sso.us-east-1.amazonaws.com/", "https://device.sso.us-east-1.amazonaws.com/?user_code=BCDF-GHJK", expires)
    released = threading.Event()

    def shows_a_code(instance, *, ui, **options):  # noqa: ANN001, ANN003 - get_token's signature
        ui.signing_in(instance)
        ui.show_device_code(prompt)
        released.wait(10)
        raise LoginExpired("the sign-in request expired before it was approved; run the login again")

    sign_in(emu)
    instance = Instance(emu.start_url, emu.region)
    app = app_for(Outside(), instance=instance, clock=clock_before_expiry(instance, timedelta(minutes=59, seconds=30)))

    async def shown(pilot):
        await roles_ready(pilot, app)
        screen = SignInScreen(Instance(emu.start_url, emu.region), sign_in=shows_a_code)
        app.push_screen(screen)
        for _ in range(100):
            await pilot.pause(0.05)
            if screen.url:
                break
        screen.expires_at = None  # no countdown and no spinner in a snapshot: they move
        screen.query_one("#signin-expiry").update("Waiting for approval…")
        screen.query_one("#signin-wait").display = False

    try:
        assert snap_compare(app, terminal_size=SIZE, run_before=shown)
    finally:
        released.set()
