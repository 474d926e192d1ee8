"""The assignment explorer against the emulator: opened from one of alice's roles (she
administers the management account), its three views, the filter, drill-down and back, why
and who, exports, a role that may not read Identity Center, and ``ssodeck admin``."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import stat

import pytest
from textual import events

from app.screens.explorer import ExplorerScreen
from app.screens.export import ExportScreen
from app.screens.roles import RolesScreen
from app.screens.why import WhyScreen
from app.services.admin.context import AdminSource
from app.services.admin.tables import ASSIGNMENT_COLUMNS, PATH_COLUMNS, VIA_COLUMNS
from app.tui import Seams, make_app
from app.widgets.link_table import LinkTable
from app.widgets.subject_list import SubjectList
from admin_support import ACCOUNTS, REGION, emulated  # noqa: F401 - a fixture
from support import run_cli
from app_support import SIZE, Outside, app_for, explore_as, explorer_ready, roles_ready, select_role, sign_in

ADMIN = ("Management", "AdministratorAccess")


@pytest.fixture(autouse=True)
def quick_admin_calls(monkeypatch):
    monkeypatch.setenv("SSODECK_MAX_RPS", "500")  # the limiter's pace is measured in bench/


@contextlib.asynccontextmanager
async def exploring(emu, outside: Outside | None = None):
    """The app, signed in, with the explorer open as alice's AdministratorAccess in Management."""
    sign_in(emu)
    app = app_for(outside or Outside())
    async with app.run_test(size=SIZE) as pilot:
        await explore_as(pilot, app, *ADMIN)
        yield pilot, app


def shown(app, selector: str = "#explorer-subjects") -> list[str]:
    return [subject.name for subject in app.screen.query_one(selector, SubjectList).subjects]


def table(app, selector: str = "#explorer-table") -> list[tuple[str, ...]]:
    grid = app.screen.query_one(selector, LinkTable)
    return [tuple(str(cell) for cell in grid.get_row_at(n)) for n in range(grid.row_count)]


def pick(app, name: str, selector: str = "#explorer-subjects") -> None:
    subjects = app.screen.query_one(selector, SubjectList)
    subjects.cursor = next(n for n, subject in enumerate(subjects.subjects) if subject.name == name)


def principal_name(org, kind: str, principal_id: str) -> str:
    return org.users[principal_id].user_name if kind == "USER" else org.groups[principal_id].display_name


def reaches(org, user_name: str) -> set[tuple[str, str, str, str]]:
    """(account, account ID, permission set, via group) for every way the user reaches an account."""
    user = org.user(user_name)
    found = set()
    for a in org.assignments:
        account, permission_set = org.accounts[a.account_id], org.permission_set(a.permission_set_arn).name
        if (a.principal_type, a.principal_id) == ("USER", user.user_id):
            found.add((account.name, account.account_id, permission_set, "(direct)"))
        elif a.principal_type == "GROUP" and user.user_id in org.memberships.get(a.principal_id, []):
            found.add((account.name, account.account_id, permission_set, org.groups[a.principal_id].display_name))
    return found


async def test_an_admin_role_opens_the_explorer_with_progress(emu):
    sign_in(emu)
    emu.configure(latency_ms=150)  # slow enough to watch the progress
    app = app_for(Outside())
    seen: list[tuple[str, float | None]] = []
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        select_role(app, *ADMIN)
        await pilot.press("a")
        for _ in range(400):
            await pilot.pause(0.02)
            screen = app.screen
            if isinstance(screen, ExplorerScreen):
                seen.append((str(screen.query_one("#explorer-status").render()), screen.query_one("#explorer-progress").total))
                if screen.loaded is not None:
                    break
        assert app.screen.loaded is not None, app.screen.problem
        assert "as AdministratorAccess in Management" in str(app.screen.query_one("#explorer-head").render())
        assert shown(app) == sorted((a.name for a in emu.org.accounts.values()), key=str.casefold)
        status = str(app.screen.query_one("#explorer-status").render())
    moving = [text for text, total in seen if text.startswith("Reading assignments: ") and total]
    assert len({text for text in moving}) >= 2, seen  # the progress moved while the walk ran
    assert status.startswith(f"{len(emu.org.accounts)} accounts · ") and f"{len(emu.org.assignments)} assignments" in status
    assert emu.counts()["GetRoleCredentials"] >= 1  # read with the role's own credentials


async def test_by_account_shows_which_principals_hold_which_permission_sets(emu):
    org = emu.org
    async with exploring(emu) as (pilot, app):
        for account in org.accounts.values():
            pick(app, account.name)
            await pilot.pause()
            expected = {(org.permission_set(a.permission_set_arn).name, principal_name(org, a.principal_type, a.principal_id), a.principal_type.lower())
                        for a in org.assignments_where(account_id=account.account_id)}  # fmt: skip
            assert set(table(app)) == expected and len(table(app)) == len(expected), account.name
            assert str(app.screen.query_one("#explorer-detail-title").render()).startswith(f"{account.name} · {account.account_id} · ")


async def test_by_principal_shows_where_a_user_goes_directly_and_through_groups(emu):
    org = emu.org
    async with exploring(emu) as (pilot, app):
        await pilot.press("2")
        assert "Principals" in str(app.screen.query_one("#explorer-views").render())
        names = {u.user_name for u in org.users.values()} | {g.display_name for g in org.groups.values()}
        assert sorted(shown(app), key=str.casefold) == sorted(names, key=str.casefold)
        pick(app, "alice")
        await pilot.pause()
        rows = table(app)
        assert set(rows) == reaches(org, "alice") and len(rows) == len(reaches(org, "alice"))
        assert any(how != "(direct)" for *_, how in rows) and any(how == "(direct)" for *_, how in rows)
        group = org.groups_of("alice")[0]
        pick(app, group.display_name)
        await pilot.pause()
        expected = {(org.accounts[a.account_id].name, a.account_id, org.permission_set(a.permission_set_arn).name, "(direct)")
                    for a in org.assignments_where(principal=("GROUP", group.group_id))}  # fmt: skip
        assert set(table(app)) == expected


async def test_by_permission_set_shows_its_accounts_and_principals(emu):
    org = emu.org
    async with exploring(emu) as (pilot, app):
        await pilot.press("3")
        assert shown(app) == sorted((p.name for p in org.permission_sets.values()), key=str.casefold)
        pick(app, "AdministratorAccess")
        await pilot.pause()
        arn = org.permission_set("AdministratorAccess").arn
        expected = {(org.accounts[a.account_id].name, a.account_id, principal_name(org, a.principal_type, a.principal_id), a.principal_type.lower())
                    for a in org.assignments_where(permission_set_arn=arn)}  # fmt: skip
        assert set(table(app)) == expected


async def test_typing_filters_each_view_best_match_first(emu):
    async with exploring(emu) as (pilot, app):
        await pilot.press(*"mgmt")  # typed in the list: the filter takes it
        assert app.screen.query_one("#explorer-filter").value == "mgmt"
        assert shown(app) == ["Management"]
        await pilot.press("enter", "2")  # back to the list; another view has its own filter
        assert app.screen.query_one("#explorer-filter").value == "" and "alice" in shown(app)
        await pilot.press(*"plateng")
        assert shown(app)[0] == "Platform Engineers"
        assert all(set("plateng") <= set(name.lower()) for name in shown(app))
        await pilot.press(*"zzq")
        assert shown(app) == [] and "Nothing matches 'platengzzq'" in str(app.screen.query_one(SubjectList).empty)
        await pilot.press("escape", "1")
        assert app.screen.query_one("#explorer-filter").value == "mgmt"  # kept for its view


async def test_letters_typed_fast_in_the_list_all_reach_the_filter(emu):
    """A burst of keys typed in the list (w and e are keys of the explorer: why, export)
    all go to the filter, as in the roles view."""
    async with exploring(emu) as (pilot, app):
        assert app.screen.focused is app.screen.query_one(SubjectList)
        for letter in "mgmtwe":
            app.post_message(events.Key(letter, letter))
        await pilot.pause(0.3)
        assert app.screen.query_one("#explorer-filter").value == "mgmtwe"
        assert isinstance(app.screen, ExplorerScreen)  # neither the why view nor the export opened


async def test_drill_down_follows_a_cell_and_escape_comes_back(emu):
    async with exploring(emu) as (pilot, app):
        pick(app, "Management")
        await pilot.press("enter")  # to the table
        assert isinstance(app.focused, LinkTable)
        grid = app.screen.query_one(LinkTable)
        row = next(n for n, cells in enumerate(table(app)) if cells[1] == "alice")
        grid.cursor_coordinate = (row, 0)
        await pilot.press("right", "enter")  # the Principal column: alice
        assert app.screen.pivot == "principal" and app.screen.query_one(SubjectList).current.name == "alice"
        await pilot.press("enter")
        grid.cursor_coordinate = (0, 2)  # a permission set
        target = table(app)[0][2]
        await pilot.press("enter")
        assert app.screen.pivot == "permission_set" and app.screen.query_one(SubjectList).current.name == target
        await pilot.press("escape")
        assert app.screen.pivot == "principal" and app.screen.query_one(SubjectList).current.name == "alice"
        await pilot.press("escape")
        assert app.screen.pivot == "account" and app.screen.query_one(SubjectList).current.name == "Management"
        await pilot.press("escape")
        assert isinstance(app.screen, RolesScreen)


async def test_why_and_who_list_every_path(emu):
    org = emu.org
    management = org.accounts[org.management_account.account_id]
    async with exploring(emu) as (pilot, app):
        pick(app, "Management")
        await pilot.press("w")
        assert isinstance(app.screen, WhyScreen)
        users = {u.user_name for u in org.users.values() if any(r[0] == "Management" for r in reaches(org, u.user_name))}
        answer = str(app.screen.query_one("#why-answer").render())
        assert answer.startswith(f"{len(users)} user{'s' if len(users) != 1 else ''} can reach Management ({management.account_id})")
        who = table(app, "#why-paths")
        assert {row[0] for row in who} == users and all(row[1] == "Management" for row in who)
        await pilot.press(*"alice")  # the user picker has the focus
        assert str(app.screen.query_one("#why-answer").render()).startswith(f"alice can reach Management ({management.account_id})")
        assert {row[1:] for row in table(app, "#why-paths")} == {row for row in reaches(org, "alice") if row[0] == "Management"}
        outsider = next((u.user_name for u in org.users.values() if u.user_name not in users), None)
        if outsider is not None:
            await pilot.press("escape", *outsider)
            assert "cannot reach Management" in str(app.screen.query_one("#why-answer").render())
        await pilot.press("escape", *"alice", "tab", "tab")  # the account picker's list
        app.screen.query_one("#why-accounts", SubjectList).cursor = 0  # (anywhere)
        await pilot.pause()
        assert {row[1:] for row in table(app, "#why-paths")} == reaches(org, "alice")
        app.screen.query_one("#why-paths", LinkTable).focus()
        await pilot.press("enter")  # the first cell: alice, in the explorer
        assert isinstance(app.screen, ExplorerScreen) and app.screen.pivot == "principal"
        assert app.screen.query_one(SubjectList).current.name == "alice"


async def test_an_export_named_for_another_format_is_written_in_it(emu, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    async with exploring(emu) as (pilot, app):
        await pilot.press("e")
        app.screen.query_one("#export-path").value = "mine.json"  # CSV was chosen
        await pilot.pause()
        assert app.screen.query_one("#export-format").value == "json"
        await app.workers.wait_for_complete()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert len(json.loads((tmp_path / "mine.json").read_text())) == len(emu.org.assignments)


async def test_export_writes_the_view_as_filtered(emu, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    outside = Outside()
    org = emu.org
    async with exploring(emu, outside) as (pilot, app):
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        written = tmp_path / "ssodeck-assignments-by-account.csv"
        accounts = len({a.account_id for a in org.assignments})
        assert any(note == f"Wrote the assignments of {accounts} accounts to {written}" for note in outside.notes), outside.notes
        rows = list(csv.reader(io.StringIO(written.read_text())))
        assert tuple(rows[0]) == ASSIGNMENT_COLUMNS and len(rows) == 1 + len(org.assignments)
        assert stat.S_IMODE(written.stat().st_mode) == 0o600
        await pilot.press("2", *"alice", "enter", "e")
        app.screen.query_one("#export-format").value = "json"
        await pilot.pause()
        assert app.screen.query_one("#export-path").value == "ssodeck-assignments-by-principal.json"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        document = json.loads((tmp_path / "ssodeck-assignments-by-principal.json").read_text())
        assert {(r["target_name"], r["target_id"], r["permission_set_name"], r["via_group_name"] or "(direct)")
                for r in document} == reaches(org, "alice")  # fmt: skip
        assert {r["principal_name"] for r in document} == {"alice"} and set(VIA_COLUMNS) <= set(document[0])
        for _ in range(2):  # the same file twice: the second time it exists
            await pilot.press("e", "enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert "ssodeck-assignments-by-principal.csv already exists: Save again to replace it" in str(app.screen.query_one("#export-note").render())
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, ExportScreen)


async def test_export_as_code_shows_the_file_then_writes_it(emu, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    org = emu.org
    async with exploring(emu) as (pilot, app):
        await pilot.press("e")
        app.screen.query_one("#export-format").value = "tf"
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = str(app.screen.query_one("#export-text").render())
        assert 'resource "aws_ssoadmin_account_assignment"' in shown and "import {" in shown
        assert not (tmp_path / "ssodeck-assignments-by-account.tf").exists()  # shown, not yet written
        await pilot.press("ctrl+s")
        await pilot.pause()
        terraform = (tmp_path / "ssodeck-assignments-by-account.tf").read_text()
        assert terraform.count("import {") == len(set(org.assignments))
        await pilot.press("e")
        app.screen.query_one("#export-format").value = "yaml"
        await app.workers.wait_for_complete()
        await pilot.press("ctrl+s")
        await pilot.pause()
    config = tmp_path / "ssodeck-assignments-by-account.yaml"
    generated = run_cli("admin", "cfn", str(config), "--output-dir", str(tmp_path / "out"))
    assert generated.returncode == 0, generated.stderr
    assert f"{len(set(org.assignments))} assignments" in generated.stderr


async def test_why_paths_export(emu, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    async with exploring(emu) as (pilot, app):
        await pilot.press("2", *"alice", "enter", "w")
        assert isinstance(app.screen, WhyScreen)
        expected = len(table(app, "#why-paths"))
        await pilot.press("ctrl+s", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    rows = list(csv.reader(io.StringIO((tmp_path / "ssodeck-access-paths.csv").read_text())))
    assert tuple(rows[0]) == PATH_COLUMNS and len(rows) == 1 + expected and {row[0] for row in rows[1:]} == {"alice"}


async def test_a_role_without_admin_rights_is_told_which_role_to_try(emu):
    sign_in(emu)
    app = app_for(Outside())
    account, roles = next((a, names) for a, names in emu.org.portal_view(emu.org.default_user) if a.name != "Management")
    async with app.run_test(size=SIZE) as pilot:
        await explore_as(pilot, app, account.name, roles[0])
        problem = app.screen.problem
        assert problem.startswith(f"{roles[0]} in {account.name} cannot read Identity Center assignments; try an administrator role such as AdministratorAccess in the management account")
        assert app.screen.query_one("#explorer-body").display is False
        assert "r tries again · Esc goes back" in str(app.screen.query_one("#explorer-hint").render())
        offered = {binding.action for _, binding, enabled, _ in app.screen.active_bindings.values() if enabled}
        assert "back" in offered and not {"why", "export"} & offered  # nothing to ask why of, or export
        await pilot.press("escape")
        assert isinstance(app.screen, RolesScreen)


async def test_the_palette_the_action_menu_and_help_offer_the_explorer(emu):
    sign_in(emu)
    app = app_for(Outside())
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        select_role(app, *ADMIN)
        titles = [title for title, _, _ in app.screen.palette_commands()]
        assert "Explore assignments as this role — AdministratorAccess in Management" in titles
        await pilot.press("enter")  # the action menu
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ExplorerScreen)
        assert ("Why can a user reach an account / who can reach it", "key w", "why") in app.screen.palette_commands()
        await explorer_ready(pilot, app)
        await pilot.press("question_mark")
        text = "\n".join(str(widget.render()) for widget in app.screen.query("Static"))
        assert "Every assignment of the instance, by account (1)" in text and "Why/who — Why can a user reach an account" in text


async def test_ssodeck_admin_opens_the_explorer_alone_with_aws_credentials(emulated):
    app = make_app(start="explorer", admin=AdminSource(region=REGION).open(), seams=Seams())
    async with app.run_test(size=SIZE) as pilot:
        await explorer_ready(pilot, app)
        assert "with AWS credentials from the environment" in str(app.screen.query_one("#explorer-head").render())
        assert sorted(shown(app)) == sorted(name for name, _, _ in ACCOUNTS)
        await pilot.press("escape")
        assert isinstance(app.screen, ExplorerScreen)  # nothing under it to go back to

        def offered() -> set[str]:
            return {binding.action for _, binding, enabled, _ in app.screen.active_bindings.values() if enabled}

        assert "back" not in offered() and {"why", "export"} <= offered()  # so the footer does not offer Esc
        await pilot.press(*"mg")
        assert "back" in offered()  # Esc clears the filter
        await pilot.press("escape")
        assert "back" not in offered()




def in_terminal(args: list[str], *, until: str | None = None, keys: bytes = b"", timeout: float = 60) -> tuple[int, str]:
    """Run ssodeck on a 120x40 pseudo-terminal, as at a real prompt; once the screen shows
    ``until``, type ``keys``. Returns the exit code and the last screen, as text."""
    import fcntl
    import pty
    import select
    import struct
    import subprocess
    import sys
    import termios
    import time

    import pyte

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "headless", *args], stdin=follower, stdout=follower, stderr=follower,
                            env={**os.environ, "TERM": "xterm-256color"}, start_new_session=True)  # fmt: skip
    os.close(follower)
    screen = pyte.Screen(120, 40)
    stream = pyte.ByteStream(screen)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if select.select([leader], [], [], 0.2)[0]:
                try:
                    data = os.read(leader, 65536)
                except OSError:  # the child closed the terminal
                    break
                stream.feed(data)
            elif proc.poll() is not None:
                break
            if until is not None and any(until in line for line in screen.display):
                os.write(leader, keys)
                until = None
    finally:
        os.close(leader)
        if proc.poll() is None:
            proc.kill()
    return proc.wait(timeout=10), "\n".join(line.rstrip() for line in screen.display)


def test_ssodeck_admin_on_a_terminal_opens_the_explorer(emulated):
    code, shown_screen = in_terminal(["admin"], until=f"{len(ACCOUNTS)} accounts · ", keys=b"\x11")  # ctrl+q once loaded
    assert code == 0, shown_screen
    # (pyte draws the "u" of a keyboard-protocol query Textual sends over the first letter)
    assert "ssignments · with AWS credentials from the environment" in shown_screen
    assert "Management" in shown_screen and "Traceback" not in shown_screen


def test_ssodeck_admin_says_what_is_wrong_before_the_app_starts(emulated):
    code, shown_screen = in_terminal(["admin", "--profile", "nope"])
    assert code == 2 and "ssodeck: profile nope is not in the AWS config" in shown_screen, shown_screen
    done = run_cli("admin", "--profile", "nope", "lookup", "user", "alice")
    assert done.returncode == 2 and "--profile before lookup only applies to the explorer; give it after the command" in done.stderr


async def test_leaving_the_explorer_while_it_reads_stops_reading(emu, monkeypatch):
    """The walk runs at the rate Identity Center allows: leaving the explorer (or the app)
    mid-way must not leave it running, spending that rate on nothing."""
    from app.emulator.controls import ADMIN_OPS

    def admin_requests() -> int:
        return sum(count for op, count in emu.counts().items() if op in ADMIN_OPS)

    sign_in(emu)
    monkeypatch.setenv("SSODECK_MAX_RPS", "4")  # four requests a second: a walk of several seconds
    app = app_for(Outside())
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        select_role(app, *ADMIN)
        await pilot.press("a")
        for _ in range(400):
            await pilot.pause(0.02)
            if isinstance(app.screen, ExplorerScreen) and app.screen.query_one("#explorer-progress").total:
                break
        assert isinstance(app.screen, ExplorerScreen) and app.screen.loaded is None  # reading
        await pilot.press("escape")
        await pilot.pause(0.8)  # the requests under way end
        assert isinstance(app.screen, RolesScreen)
        after_leaving = admin_requests()
        await pilot.pause(1.5)
        assert admin_requests() == after_leaving
