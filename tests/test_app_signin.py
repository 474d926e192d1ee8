"""Choosing an instance and signing in, in the app, against the emulator."""

from __future__ import annotations

import stat
import sys
from datetime import timedelta

from app.models import Instance, utcnow
from app.screens.instance_picker import InstancePickerScreen, NoInstanceScreen
from app.screens.roles import RolesScreen
from app.screens.signin import SignInScreen
from app.services import token_cache
from app_support import SIZE, Outside, app_for, roles_ready, sign_in
from support import write_config


async def _until(pilot, condition, what: str) -> None:  # noqa: ANN001
    for _ in range(800):  # up to 40 s: CI machines can be slow
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never: {what}")


def _text(screen) -> str:  # noqa: ANN001
    return "\n".join(str(widget.render()) for widget in screen.query("Static"))


async def test_without_a_session_the_sign_in_screen_shows_the_code_then_the_roles(emu):
    emu.configure(approval="auto", approve_delay=1.0, device_interval=1)
    app = app_for(Outside())
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, SignInScreen) and app.screen.url, "the device code")
        text = _text(app.screen)
        assert "/device?user_code=" in text and "Waiting for approval" in text
        await pilot.press("c")  # the URL is copyable
        await roles_ready(pilot, app)
    assert token_cache.load_token(Instance(emu.start_url, emu.region)).fresh()


async def test_a_denied_sign_in_can_be_tried_again(emu):
    emu.configure(approval="deny")
    app = app_for(Outside())
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, SignInScreen) and app.screen.failed, "the denial")
        assert "Sign-in failed: the sign-in request was denied" in _text(app.screen)
        offered = {binding.action for _, binding, enabled, _ in app.screen.active_bindings.values() if enabled}
        assert "retry" in offered and not {"copy_url", "open_url"} & offered  # the denied code's URL is no use
        emu.configure(approval="auto")
        await pilot.press("r")
        await roles_ready(pilot, app)


async def test_sso_session_signs_in_with_pkce_in_the_browser(emu, aws_home, monkeypatch, tmp_path):
    write_config(aws_home, f"[sso-session corp]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\n")
    for name in ("AWS_DEFAULT_SSO_START_URL", "AWS_DEFAULT_SSO_REGION"):
        monkeypatch.delenv(name)
    browser = tmp_path / "browser"  # webbrowser runs $BROWSER with the URL: this one just follows it
    browser.write_text(f"#!{sys.executable}\nimport sys, urllib.request\nurllib.request.urlopen(sys.argv[1], timeout=10).read()\n")
    browser.chmod(browser.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("BROWSER", str(browser))
    monkeypatch.delenv("AWS_SSO_DISABLE_BROWSER")
    app = app_for(Outside())
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
    assert emu.counts()["CreateToken.authorization_code"] == 1
    assert token_cache.load_token(Instance(emu.start_url, emu.region, "corp")) is not None


async def test_a_refreshable_session_is_refreshed_without_asking(emu, aws_home):
    write_config(aws_home, f"[sso-session corp]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\n")
    instance = Instance(emu.start_url, emu.region, "corp")
    token = sign_in(emu, "corp")
    token_cache.save_token(instance, token._replace(expires_at=utcnow() + timedelta(minutes=5)))
    emu.reset_counters()
    app = app_for(Outside(), instance=instance)
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        assert not any(isinstance(screen, SignInScreen) for screen in app.screen_stack)
    assert emu.counts()["CreateToken.refresh_token"] == 1
    assert emu.counts().get("StartDeviceAuthorization", 0) == 0


async def test_several_instances_are_offered_and_can_be_switched(emu, aws_home, monkeypatch):
    write_config(
        aws_home,
        f"[sso-session corp]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\n"
        f"[sso-session other]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\n",
    )
    for name in ("AWS_DEFAULT_SSO_START_URL", "AWS_DEFAULT_SSO_REGION"):
        monkeypatch.delenv(name)
    sign_in(emu, "corp")
    sign_in(emu, "other")
    app = app_for(Outside())
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, InstancePickerScreen), "the picker")
        labels = [str(option.prompt) for option in app.screen.query_one("#picker-list").options]
        assert any("sso-session corp" in label for label in labels) and any("sso-session other" in label for label in labels)
        await pilot.press("enter")  # the first: corp
        await roles_ready(pilot, app)
        assert app.screen.instance.session_name == "corp"
        await pilot.press("tab", "i")
        await _until(pilot, lambda: isinstance(app.screen, InstancePickerScreen), "the picker again")
        await pilot.press("down", "enter")
        await roles_ready(pilot, app)
        assert isinstance(app.screen, RolesScreen) and app.screen.instance.session_name == "other"


async def test_one_instance_opens_straight_into_its_roles_and_another_replaces_it(emu, aws_home):
    """The one instance found at start has its roles view as the app's first screen (no
    picker, no blank screen under it); opening another instance (as the picker does) shows
    that one's roles over it, and opening the first again comes back to it."""
    write_config(aws_home, f"[sso-session corp]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\n")
    sign_in(emu, "corp")
    sign_in(emu, "other")
    app = app_for(Outside())
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        assert len(app.screen_stack) == 1
        first = app.screen.instance
        assert first.session_name == "corp"
        for instance, screens in ((Instance(emu.start_url, emu.region, "other"), 2), (first, 1)):
            app.open_instance(instance)
            await roles_ready(pilot, app)
            assert isinstance(app.screen, RolesScreen) and app.screen.instance == instance
            assert len(app.screen_stack) == screens
            assert "roles in" in str(app.screen.query_one("#status").render())


async def test_no_instance_says_how_to_get_one_and_doing_so_leads_to_the_sign_in(emu, monkeypatch):
    for name in ("AWS_DEFAULT_SSO_START_URL", "AWS_DEFAULT_SSO_REGION"):
        monkeypatch.delenv(name, raising=False)
    app = app_for(Outside())
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, NoInstanceScreen), "the explanation")
        text = _text(app.screen)
    assert "ssodeck --demo" in text
    section = [line.strip() for line in text.splitlines() if line.strip().startswith(("[sso-session ", "sso_start_url =", "sso_region ="))]
    assert len(section) == 3
    advice = "\n".join(section) + "\n"
    write_config(None, advice.replace("https://YOUR-ORG.awsapps.com/start", emu.start_url).replace("us-east-1", emu.region))
    app = app_for(Outside())
    async with app.run_test(size=SIZE) as pilot:  # as the advice says: run it again
        await _until(pilot, lambda: isinstance(app.screen, SignInScreen), "the sign-in")
        assert app.screen.instance == Instance(emu.start_url, emu.region, "my-org")
