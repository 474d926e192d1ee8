"""The console launcher against the emulator: every destination and action, remembered
choices, and config tokens checked as ``console launch-from-config`` checks them."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

from textual.widgets import Input, Select, Static, TextArea

from app.models import Instance
from app.screens.launcher import LauncherScreen
from app.screens.roles import RolesScreen
from app.services import config_token as tokens
from app.services import console_launch, settings
from app.services.console import federation_endpoint
from app.widgets.role_tree import RoleTree
from app_support import SIZE, SMALL, settle, signed_in_app


async def open_launcher(pilot, query: str = "") -> LauncherScreen:  # noqa: ANN001
    """From the roles view (O), with the cursor on the first role the filter finds."""
    await settle(pilot)
    roles = pilot.app.screen
    assert isinstance(roles, RolesScreen)
    roles.set_focus(roles.query_one(RoleTree))
    await pilot.press("O")
    await settle(pilot)
    launcher = pilot.app.screen
    assert isinstance(launcher, LauncherScreen)
    if query:
        await pilot.press(*query)
    await settle(pilot)
    return launcher


def landing(url: str) -> str:
    """Where the emulator's federation sends a browser with this sign-in URL."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003 - urllib's signature
            return None

    try:
        urllib.request.build_opener(NoRedirect).open(url, timeout=10)
    except urllib.error.HTTPError as error:
        assert error.code == 302
        return error.headers["Location"]
    raise AssertionError("the sign-in URL did not redirect")


async def launch(pilot, launcher: LauncherScreen, *, path: str | None = None, service: str | None = None,  # noqa: ANN001
                 region: str | None = None, duration: str | None = None, action: str = "show") -> None:  # fmt: skip
    if service is not None:
        launcher.query_one("#launch-service", Select).value = service
    if path is not None:
        launcher.query_one("#launch-path", Input).value = path
    if region is not None:
        launcher.query_one("#launch-region", Select).value = region
    if duration is not None:
        launcher.query_one("#launch-duration", Input).value = duration
    launcher.query_one("#launch-action", Select).value = action
    await settle(pilot)
    await pilot.press("ctrl+o")
    await settle(pilot)


def problem(launcher: LauncherScreen) -> str:
    return str(launcher.query_one("#launch-error", Static).render())


async def test_every_common_destination_lands_where_it_says(emu) -> None:
    app, _ = signed_in_app(emu)
    async with app.run_test(size=SIZE) as pilot:
        launcher = await open_launcher(pilot, "mgmt")
        role = launcher.query_one(RoleTree).current_role
        assert role is not None and role.account_name == "Management"
        for _, path in console_launch.COMMON_DESTINATIONS:
            await launch(pilot, launcher, service=path, region="eu-west-1")
            assert launcher.query_one("#launch-path", Input).value == path
            url = launcher.query_one("#launch-url-text", TextArea).text
            assert url.startswith(federation_endpoint("eu-west-1") + "?Action=login")
            assert landing(url) == f"https://eu-west-1.console.aws.amazon.com{path}?region=eu-west-1"
        label = str(launcher.query_one("#launch-url-label", Static).render())
        assert "a secret" in label and f"{role.role_name} in Management" in label


async def test_open_copy_shortcut_and_a_free_path_with_a_duration(emu) -> None:
    app, recorder = signed_in_app(emu)
    async with app.run_test(size=SMALL) as pilot:
        launcher = await open_launcher(pilot, "mgmt")
        role = launcher.query_one(RoleTree).current_role
        await launch(pilot, launcher, path="/ec2/home#Instances:sort=desc", region="ap-south-1", duration="90", action="open")
        assert launcher.query_one("#launch-service", Select).is_blank()  # a free path
        (opened,) = recorder.opened
        assert landing(opened) == "https://ap-south-1.console.aws.amazon.com/ec2/home?region=ap-south-1#Instances:sort=desc"
        (exchange,) = [r for r in emu.requests() if r["path"] == "/federation" and r["query"].get("Action") == "getSigninToken"]
        assert exchange["query"]["SessionDuration"] == "5400"
        assert not launcher.query_one("#launch-url").display  # opened, so not shown
        await launch(pilot, launcher, service="/s3/home", region="eu-west-1", duration="", action="copy")
        assert landing(recorder.copied[-1]) == "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1"
        before = emu.counts()["GetRoleCredentials"]
        await launch(pilot, launcher, service="/iam/home", action="shortcut")
        shortcut = urlsplit(recorder.copied[-1])
        assert recorder.copied[-1].startswith(emu.start_url + "/#/console?")
        query = parse_qs(shortcut.fragment.split("?", 1)[1])
        assert (query["account_id"], query["role_name"]) == ([role.account_id], [role.role_name])
        assert emu.counts()["GetRoleCredentials"] == before  # a shortcut needs no credentials
        recorder.browser_works = False  # no browser: the URL is shown instead
        await launch(pilot, launcher, service="/s3/home", region="eu-west-1", action="open")
        assert launcher.query_one("#launch-url").display
        await pilot.press("ctrl+y")
        assert recorder.copied[-1] == launcher.query_one("#launch-url-text", TextArea).text


async def test_bad_values_are_refused_at_the_field_before_any_request(emu) -> None:
    app, _ = signed_in_app(emu)
    async with app.run_test(size=SIZE) as pilot:
        launcher = await open_launcher(pilot, "mgmt")
        emu.reset_counters()
        for field, value, message in (("#launch-duration", "5", "Duration: a console session lasts 15 to 720 minutes"),
                                      ("#launch-duration", "soon", "Duration: 'soon' is not a number"),
                                      ("#launch-path", "s3/home", "Path: a console path starts with /")):  # fmt: skip
            await launch(pilot, launcher, **{field.removeprefix("#launch-"): value})
            assert problem(launcher).startswith(message) and launcher.query_one(field).has_class("-field-error")
            launcher.query_one(field, Input).value = "" if field == "#launch-duration" else "/console/home"
        assert sum(emu.counts().values()) == 0


async def choose_for_mgmt(pilot) -> tuple[LauncherScreen, object]:  # noqa: ANN001
    """In the launcher, for the first role "mgmt" finds: Lambda in sa-east-1 for 45 minutes,
    shown; then leave it. Returns the launcher and the role."""
    launcher = await open_launcher(pilot, "mgmt")
    role = launcher.query_one(RoleTree).current_role
    await launch(pilot, launcher, service="/lambda/home", region="sa-east-1", duration="45", action="show")
    await pilot.press("escape")
    return launcher, role


async def test_choices_are_remembered_per_role(emu) -> None:
    app, _ = signed_in_app(emu)
    async with app.run_test(size=SIZE) as pilot:
        launcher, role = await choose_for_mgmt(pilot)
        assert not launcher.url  # the shown URL is forgotten with the screen
        launcher = await open_launcher(pilot)
        assert launcher.query_one("#launch-path", Input).value == "/console/home"  # another role: the defaults
        await pilot.press(*"mgmt")
        await settle(pilot)
        assert launcher.query_one(RoleTree).current_role == role
        assert launcher.query_one("#launch-path", Input).value == "/lambda/home"
        assert launcher.query_one("#launch-service", Select).value == "/lambda/home"
        assert launcher.query_one("#launch-region", Select).value == "sa-east-1"
        assert launcher.query_one("#launch-duration", Input).value == "45"
        assert launcher.query_one("#launch-action", Select).value == "show"
    remembered = settings.load(Instance(emu.start_url, emu.region)).console[(role.account_id, role.role_name)]
    assert remembered == {"destination": "/lambda/home", "region": "sa-east-1", "duration": 45, "action": "show"}


async def test_config_tokens(emu, monkeypatch) -> None:
    app, recorder = signed_in_app(emu)
    instance = Instance(emu.start_url, emu.region)
    async with app.run_test(size=SIZE) as pilot:
        launcher = await open_launcher(pilot, "mgmt")
        role = launcher.query_one(RoleTree).current_role
        box = launcher.query_one("#launch-token", Input)
        emu.reset_counters()

        async def paste(text: str) -> None:
            await pilot.press("ctrl+t")
            box.value = text
            await pilot.press("enter")
            await settle(pilot)

        await paste("%%%")
        assert problem(launcher).startswith("The config token is invalid") and box.has_class("-field-error")
        launcher.query_one("#launch-action", Select).value = "show"
        whole = console_launch.config_token_for(instance, account_id=role.account_id, role_name=role.role_name, region="eu-west-1", destination="/ec2/home")
        await paste(whole)
        assert not box.has_class("-field-error") and problem(launcher) == ""
        assert landing(launcher.query_one("#launch-url-text", TextArea).text) == "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1"
        assert "(from the config token)" in str(launcher.query_one("#launch-url-label", Static).render())
        launcher.query_one("#launch-filter", Input).value = ""
        await settle(pilot)
        launcher.query_one(RoleTree).action_jump(0)  # a group: no role to lend the token
        await settle(pilot)
        assert launcher.query_one(RoleTree).current_role is None
        await paste(console_launch.config_token_for(instance, region="eu-west-1"))
        assert problem(launcher) == "the config token does not name the account to sign in as: move to a role in the list, and its account is used"
        launcher.query_one("#launch-action", Select).value = "shortcut"
        await paste(whole)
        assert "choose open, show or copy" in problem(launcher)
        launcher.query_one("#launch-action", Select).value = "copy"
        await paste(_with_unknown_key(whole))
        assert any("unknown key 'colour'" in n.message for n in app._notifications) and len(recorder.copied) == 1
        monkeypatch.setenv("SSODECK_FEDERATION_ENDPOINT", "")  # the token's own endpoint decides: the emulator's is no AWS host
        await paste(whole)
        assert "not an AWS sign-in endpoint" in problem(launcher)
    exchanges = [r for r in emu.requests() if r["path"] == "/federation" and r["query"].get("Action") == "getSigninToken"]
    assert len(exchanges) == 2  # only the two good tokens got as far as a sign-in


def _with_unknown_key(token: str) -> str:
    import base64
    import json

    data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    return base64.urlsafe_b64encode(json.dumps({**data, "colour": "blue"}).encode()).decode()


async def test_the_palette_offers_the_launcher(emu) -> None:
    app, _ = signed_in_app(emu)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert ("Console launcher (any role, or a config token)", "key O", "launcher") in app.screen.palette_commands()
        launcher = await open_launcher(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, RolesScreen) and launcher is not app.screen


async def test_the_quick_console_keeps_the_launchers_duration_and_action(emu) -> None:
    """`o` in the roles view asks only for a service and a region: what it remembers leaves
    the role's other launcher choices (duration, action) as they were."""
    app, _ = signed_in_app(emu)
    async with app.run_test(size=SIZE) as pilot:
        _, role = await choose_for_mgmt(pilot)
        await settle(pilot)
        roles = app.screen
        assert isinstance(roles, RolesScreen)
        roles.query_one("#filter", Input).value = "mgmt"
        await settle(pilot)
        roles.set_focus(roles.query_one(RoleTree))
        assert roles.query_one(RoleTree).current_role == role
        await pilot.press("o")
        await settle(pilot)
        app.screen.query_one("#dest-region").value = "eu-west-1"
        await pilot.click("#open")
        await app.workers.wait_for_complete()
        await settle(pilot)
    remembered = settings.load(Instance(emu.start_url, emu.region)).console[(role.account_id, role.role_name)]
    assert remembered == {"destination": "/lambda/home", "region": "eu-west-1", "duration": 45, "action": "show"}


async def test_a_question_mark_in_the_role_filter_shows_the_keys(emu) -> None:
    from app.screens.help import HelpScreen

    app, _ = signed_in_app(emu)
    async with app.run_test(size=SIZE) as pilot:
        launcher = await open_launcher(pilot, "prd")
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)  # not typed: no role name has a ?
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is launcher and launcher.query_one("#launch-filter", Input).value == "prd"
