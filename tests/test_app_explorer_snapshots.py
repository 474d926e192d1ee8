"""Snapshots of the assignment explorer, opened from alice's AdministratorAccess role in the
management account of the emulator's fixed generated org (its names and IDs are seeded)."""

from __future__ import annotations

import pytest

from app_support import explore_as
from test_app_snapshots import SIZE, snapshot_app  # noqa: F401 - a fixture

ADMIN = ("Management", "AdministratorAccess")


@pytest.fixture(autouse=True)
def quick_admin_calls(monkeypatch):
    monkeypatch.setenv("SSODECK_MAX_RPS", "500")


def test_explorer_by_account(snap_compare, snapshot_app):  # noqa: F811
    async def by_account(pilot):
        await explore_as(pilot, snapshot_app, *ADMIN)
        await pilot.press("down", "down", "down")  # Management

    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=by_account)


def test_explorer_by_principal(snap_compare, snapshot_app):  # noqa: F811
    async def alice(pilot):
        await explore_as(pilot, snapshot_app, *ADMIN)
        await pilot.press("2", *"alice", "enter")

    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=alice)


def test_explorer_by_principal_small(snap_compare, snapshot_app):  # noqa: F811
    async def alice(pilot):
        await explore_as(pilot, snapshot_app, *ADMIN)
        await pilot.press("2", *"alice", "enter")

    assert snap_compare(snapshot_app, terminal_size=(80, 24), run_before=alice)
