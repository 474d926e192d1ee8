"""Snapshots of each populate wizard step and of the console launcher.

The app runs over the emulator's fixed generated org (account IDs come from the seed), with a
frozen clock, the config path shown as ~/.aws/config and every worker finished before the
picture is taken, so the pictures never drift.
"""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox, Select, SelectionList

from app.screens.populate_wizard import DIFF, DONE, INSTANCE, NAMING, PROFILES, REGIONS
from app_support import SIZE, SMALL, settle, signed_in_app, still, type_into, wizard_step
from support import write_config

START = "# my settings\n[default]\nregion = eu-central-1\n\n[profile mine]\noutput = json\n"


@pytest.fixture
def emu(monkeypatch: pytest.MonkeyPatch):
    """Twelve accounts (seed 7): enough for accounts whose names clash once lower-cased."""
    from app.emulator import Emulator, generate_org

    with Emulator(org=generate_org(accounts=12, seed=7), auto_approve=True, device_interval=0) as emulator:
        for key, value in emulator.env().items():
            monkeypatch.setenv(key, value)
        yield emulator


def _wizard(emu, aws_home):  # noqa: ANN001, ANN202
    write_config(aws_home, START)
    return signed_in_app(emu, start="wizard")[0]


@pytest.mark.parametrize(
    ("step", "size"), [(INSTANCE, SIZE), (REGIONS, SIZE), (PROFILES, SIZE), (DIFF, SIZE), (NAMING, SMALL)],
    ids=["instance", "regions", "profiles", "diff", "naming-80x24"],
)
def test_wizard_steps(snap_compare, emu, aws_home, step: int, size: tuple[int, int]) -> None:
    async def run_before(pilot) -> None:  # noqa: ANN001
        wizard = await wizard_step(pilot, step)
        if step >= REGIONS:
            wizard.query_one(SelectionList).select("eu-west-1")
        await wizard_step(pilot, step)
        await still(pilot)

    assert snap_compare(_wizard(emu, aws_home), terminal_size=size, run_before=run_before)


def test_wizard_naming_with_a_live_preview(snap_compare, emu, aws_home) -> None:
    """Lower-case account names make [Sandbox] Team A and [Sandbox] team-a one name: told apart by ID (+)."""

    async def run_before(pilot) -> None:  # noqa: ANN001
        wizard = await wizard_step(pilot, NAMING)
        await type_into(pilot, "#separator", "-")
        await type_into(pilot, "#trim-role", "Access$")
        wizard.query_one("#account-case", Select).value = "lower"
        await still(pilot)

    assert snap_compare(_wizard(emu, aws_home), terminal_size=SIZE, run_before=run_before)


def test_wizard_naming_with_a_bad_regex(snap_compare, emu, aws_home) -> None:
    async def run_before(pilot) -> None:  # noqa: ANN001
        await wizard_step(pilot, NAMING)
        await type_into(pilot, "#trim-account", "([")
        await still(pilot)

    assert snap_compare(_wizard(emu, aws_home), terminal_size=SIZE, run_before=run_before)


def test_wizard_naming_with_shared_names(snap_compare, emu, aws_home) -> None:
    """Role names alone: roles of different accounts share them (!), and Next stays disabled."""

    async def run_before(pilot) -> None:  # noqa: ANN001
        await wizard_step(pilot, NAMING)
        await type_into(pilot, "#components", "role_name")
        await still(pilot)

    assert snap_compare(_wizard(emu, aws_home), terminal_size=SIZE, run_before=run_before)


def test_wizard_done(snap_compare, emu, aws_home) -> None:
    async def run_before(pilot) -> None:  # noqa: ANN001
        wizard = await wizard_step(pilot, PROFILES)
        wizard.query_one("#credential-process", Checkbox).value = False
        await wizard_step(pilot, DONE)
        await still(pilot)

    assert snap_compare(_wizard(emu, aws_home), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["120x40", "80x24"])
def test_launcher(snap_compare, emu, size: tuple[int, int]) -> None:
    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        pilot.app.set_focus(None)
        await pilot.press("O")
        await settle(pilot)
        await pilot.press(*"mgmt")
        launcher = pilot.app.screen
        launcher.query_one("#launch-service", Select).value = "/s3/home"
        launcher.query_one("#launch-region", Select).value = "eu-west-1"
        await type_into(pilot, "#launch-duration", "5")
        await pilot.press("ctrl+o")
        await still(pilot)

    assert snap_compare(signed_in_app(emu)[0], terminal_size=size, run_before=run_before)
