"""The populate wizard, driven as a person would, against the emulator: what it writes is what
``ssodeck configure populate`` writes for the same choices; cancelling writes nothing."""

from __future__ import annotations

import shlex

import pytest
from click.testing import CliRunner
from textual.widgets import Button, Checkbox, Input, Select, SelectionList, Static, TextArea

from app.screens.populate_wizard import DIFF, DONE, INSTANCE, NAMING, PROFILES, REGIONS, PopulateWizardScreen
from app.screens.roles import RolesScreen
from app.services.populate_choices import PopulateChoices
from app.services.profile_names import NamingOptions
from app.widgets.name_preview import NamePreviewList
from app_support import SIZE, SMALL, settle, sign_in, signed_in_app, type_into, wizard_step
from support import run_cli, write_config

START = "# my settings\n[default]\nregion = eu-central-1\n\n[profile mine]\noutput = json  ; inline\n"


def next_enabled(wizard: PopulateWizardScreen) -> bool:
    return not wizard.query_one("#next", Button).disabled


async def test_the_wizard_writes_what_the_cli_writes(emu, aws_home) -> None:
    path = write_config(aws_home, START)
    app, recorder = signed_in_app(emu, start="wizard")
    async with app.run_test(size=SIZE) as pilot:
        wizard = await wizard_step(pilot, REGIONS)
        assert wizard.query_one(SelectionList).selected == ["eu-central-1"]  # the [default] profile's region first
        wizard.query_one(SelectionList).select("eu-west-1")
        await wizard_step(pilot, NAMING)
        await type_into(pilot, "#separator", "-")
        await type_into(pilot, "#trim-account", "^\\[Sandbox\\] \nProd$")
        wizard.query_one("#account-case", Select).value = "lower"
        await settle(pilot)
        assert next_enabled(wizard) and wizard.preview is not None
        await wizard_step(pilot, PROFILES)
        wizard.query_one("#existing", Select).value = "overwrite"
        wizard.query_one("#layout", Select).value = "session"
        await type_into(pilot, "#session-name", "demo-corp")
        wizard.query_one("#credential-process", Checkbox).value = False
        wizard.query_one("#prune", Checkbox).value = True
        await wizard_step(pilot, DIFF)
        summary = str(wizard.query_one("#diff-summary", Static).render())
        assert "added  ~0 changed  -0 removed" in summary and path.read_text() == START
        await wizard_step(pilot, DONE)
        written = path.read_bytes()
        command = wizard.query_one("#command", TextArea).text
        assert "Wrote ~/.aws/config" in str(wizard.query_one("#done-summary", Static).render())
        await pilot.press("c")
        assert recorder.copied == [command]
        await pilot.press("ctrl+n")
    assert app.return_value is not None and app.return_value.startswith("Wrote ~/.aws/config: ")
    assert (path.parent / "config.bak").read_text() == START
    assert "[sso-session demo-corp]" in written.decode() and "credential_process" not in written.decode()
    assert shlex.split(command)[3:] == [
        "--sso-start-url", emu.start_url, "--sso-region", emu.region, "--sso-session", "demo-corp",
        "--region", "eu-central-1", "--region", "eu-west-1", "--separator=-",
        "--trim-account-name", "^\\[Sandbox\\] ", "--trim-account-name", "Prod$", "--account-name-case", "lower",
        "--existing-config-action", "overwrite", "--no-credential-process", "--prune",
    ]  # fmt: skip
    path.write_text(START)
    sign_in(emu, "demo-corp")  # botocore keys tokens by session name: a new session is signed in to anew
    done = run_cli(*shlex.split(command)[1:])
    assert done.returncode == 0, done.stderr
    assert path.read_bytes() == written


async def test_an_unchanged_file_is_not_written(emu, aws_home) -> None:
    path = write_config(aws_home, START)
    app, _ = signed_in_app(emu, start="wizard")
    async with app.run_test(size=SIZE) as pilot:
        wizard = await wizard_step(pilot, DONE)
    first = path.read_bytes()
    app, _ = signed_in_app(emu, start="wizard")
    async with app.run_test(size=SIZE) as pilot:
        wizard = await wizard_step(pilot, DIFF)
        assert "Nothing to write" in str(wizard.query_one("#diff-summary", Static).render())
        await wizard_step(pilot, DONE)
        await pilot.press("ctrl+n")
    assert app.return_value.startswith("No changes to ~/.aws/config")
    assert path.read_bytes() == first


@pytest.mark.parametrize("step", [INSTANCE, REGIONS, NAMING, PROFILES, DIFF])
async def test_cancel_at_any_step_leaves_the_file_as_it_was(emu, aws_home, step: int) -> None:
    path = write_config(aws_home, START)
    app, _ = signed_in_app(emu, start="wizard")
    async with app.run_test(size=SIZE) as pilot:
        await wizard_step(pilot, step)
        await pilot.press("escape")
        await settle(pilot)
    assert app.return_value is None
    assert path.read_bytes() == START.encode() and not (path.parent / "config.bak").exists()


async def test_invalid_input_keeps_next_disabled_until_fixed(emu, aws_home) -> None:
    write_config(aws_home, START)
    app, _ = signed_in_app(emu, start="wizard")
    async with app.run_test(size=SIZE) as pilot:
        wizard = await wizard_step(pilot, REGIONS)
        wizard.query_one(SelectionList).deselect_all()
        await settle(pilot)
        assert not next_enabled(wizard) and wizard.problem == "Tick at least one region."
        await type_into(pilot, "#add-region", "mars-1\n")
        assert wizard.query_one("#add-region").has_class("-field-error") and "not an AWS region" in wizard.problem
        await type_into(pilot, "#add-region", "me-central-1\n")
        assert wizard.query_one(SelectionList).selected == ["me-central-1"] and next_enabled(wizard)
        await wizard_step(pilot, NAMING)
        for selector, text, message in (
            ("#trim-account", "([", "The account name trim '([' is not a valid regular expression"),
            ("#separator", "", "The separator cannot be empty"),
            ("#components", ",", "Components needs"),
        ):
            original = wizard.query_one(selector)
            before = original.text if isinstance(original, TextArea) else original.value
            await type_into(pilot, selector, text)
            assert not next_enabled(wizard) and wizard.query_one(selector).has_class("-field-error")
            assert str(wizard.query_one("#naming-error", Static).render()).startswith(message)
            await pilot.press("ctrl+n")
            assert wizard.step == NAMING
            await type_into(pilot, selector, before)
            assert next_enabled(wizard) and not wizard.query_one(selector).has_class("-field-error")
        await type_into(pilot, "#components", "role_name")  # several accounts share role names
        assert not next_enabled(wizard) and "marked !" in wizard.problem
        shown = wizard.query_one(NamePreviewList)
        preview = shown.preview
        assert preview is not None and preview.shared == len({r.role_name for r in preview.roles if sum(o.role_name == r.role_name for o in preview.roles) > 1})
        assert preview.row(preview.first_shared()).shared and shown.scroll_offset.y <= preview.first_shared()
        await type_into(pilot, "#components", "account_id,role_name")
        assert next_enabled(wizard)
        await wizard_step(pilot, PROFILES)
        wizard.query_one("#layout", Select).value = "session"
        await type_into(pilot, "#session-name", "")
        assert not next_enabled(wizard) and wizard.query_one("#session-name").has_class("-field-error")
        await type_into(pilot, "#session-name", "ok")
        assert next_enabled(wizard)


async def test_the_name_preview_shows_each_names_role_in_a_small_terminal(emu, aws_home) -> None:
    write_config(aws_home, START)
    app, _ = signed_in_app(emu, start="wizard")
    async with app.run_test(size=SMALL) as pilot:
        wizard = await wizard_step(pilot, NAMING)
        await settle(pilot)
        shown = wizard.query_one(NamePreviewList)
        assert shown.preview is not None and shown.size.height > 0
        for y in range(min(shown.size.height, len(shown.preview))):
            row = shown.preview.row(shown.scroll_offset.y + y)
            line = shown.render_line(y).text.rstrip()
            assert f"  {row.role.role_name[:12]}" in line, line  # what each name is for starts with its role where the account would not fit


async def test_back_and_forward_keep_every_choice(emu, aws_home) -> None:
    write_config(aws_home, START)
    app, _ = signed_in_app(emu, start="wizard")
    async with app.run_test(size=SMALL) as pilot:
        wizard = await wizard_step(pilot, REGIONS)
        wizard.query_one(SelectionList).select("ap-south-1")
        await wizard_step(pilot, NAMING)
        await type_into(pilot, "#separator", "__")
        await type_into(pilot, "#trim-role", "Access$")
        wizard.query_one("#region-style", Select).value = "long"
        wizard.query_one("#account-names", Select).value = "raw"
        await wizard_step(pilot, PROFILES)
        wizard.query_one("#prune", Checkbox).value = True
        await settle(pilot)
        chosen = wizard.choices
        for _ in range(3):
            await pilot.press("ctrl+b")
            await settle(pilot)
        assert wizard.step == INSTANCE
        await wizard_step(pilot, DIFF)
        assert wizard.choices == chosen
        assert wizard.query_one(SelectionList).selected == ["eu-central-1", "ap-south-1"]
        assert wizard.query_one("#separator", Input).value == "__" and wizard.query_one("#trim-role", TextArea).text == "Access$"
        assert wizard.query_one("#prune", Checkbox).value
        assert chosen.naming == NamingOptions(separator="__", trim_role_name=("Access$",), region_style="long", safe_account_names=False)
        assert wizard.edit is not None and "__ap-south-1]" in wizard.edit.after
        assert wizard.edit.after == chosen.plan(wizard.edit.path, START, wizard.roles, wizard.instance).after


async def test_the_roles_view_opens_the_wizard_and_gets_its_outcome(emu, aws_home) -> None:
    write_config(aws_home, START)
    app, _ = signed_in_app(emu)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        roles = app.screen
        assert isinstance(roles, RolesScreen)
        assert ("Populate ~/.aws/config with every role (wizard)", "key p", "populate") in roles.palette_commands()
        app.set_focus(None)
        await pilot.press("p")
        wizard = await wizard_step(pilot, DONE)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert app.screen is roles
        assert any(n.message.startswith("Wrote ~/.aws/config") for n in app._notifications)


def test_interactive_populate_starts_the_wizard_from_the_flags(monkeypatch, capsys) -> None:
    import app.tui
    from headless.group import cli

    started = []
    monkeypatch.setattr(app.tui, "run", lambda **options: started.append(options) or "Wrote ~/.aws/config: 1 added")
    result = CliRunner().invoke(cli, ["configure", "populate", "--interactive", "-r", "eu-west-1", "--sep", "_", "--prune"])
    assert result.exit_code == 0, result.output
    assert started == [{"start": "wizard", "instance": None, "choices": PopulateChoices(("eu-west-1",), NamingOptions(separator="_"), prune=True)}]
    assert "Wrote ~/.aws/config: 1 added" in result.stderr
    monkeypatch.setattr(app.tui, "run", lambda **options: None)  # cancelled: nothing written
    from headless.cli import main

    with pytest.raises(SystemExit) as ended:
        main(["configure", "populate", "--interactive"])
    assert ended.value.code == 130 and capsys.readouterr().err == "ssodeck: aborted\n"
    refused = CliRunner().invoke(cli, ["configure", "populate", "--interactive", "--dry-run"])
    assert refused.exit_code == 2 and "--dry-run and --interactive cannot be combined" in refused.stderr
