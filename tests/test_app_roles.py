"""The roles view against the emulator: listing, filtering, views, favourites, and every role
action, with the clipboard, shell and browser checked through the app's seams."""

from __future__ import annotations

import gc
import json
import os
import time
import tomllib
from datetime import timedelta
from pathlib import Path

from textual import events
from textual.widgets import Input

from app.models import Instance, Role, utcnow
from app.services import roles as listing_service
from app.services.search import rank_roles
from app.services.settings import settings_path
from app.screens.roles import RolesScreen
from app.widgets.filter_input import PAUSE
from app.widgets.role_tree import RoleTree
from app.widgets.session_bar import SessionBar
from app_support import SIZE, Outside, app_for, clock_before_expiry, roles_ready, sign_in
from support import follow, run_cli


def reachable(emu) -> list[Role]:
    return [Role(a.account_id, name, a.name) for a, names in emu.org.portal_view(emu.org.default_user) for name in names]


def shown_roles(app) -> list[Role]:
    tree = app.screen.query_one(RoleTree)
    return [tree.source.row(i).role for i in range(len(tree.source)) if tree.source.row(i).role is not None]


async def test_one_instance_opens_straight_on_its_roles(emu):
    sign_in(emu)
    app = app_for(Outside())
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        assert isinstance(app.screen, RolesScreen)
        assert set(shown_roles(app)) == set(reachable(emu))
        rows = app.screen.query_one(RoleTree).source.rows
        groups = [row.title for row in rows if row.kind == "group"]
        assert groups == sorted(groups, key=str.lower)  # accounts alphabetical


async def test_a_cached_listing_shows_at_once_with_its_age_and_is_revalidated(emu):
    sign_in(emu)
    assert run_cli("roles").returncode == 0  # caches the listing
    emu.reset_counters()
    emu.configure(latency_ms={"ListAccounts": 4000})  # Identity Center is slow to answer today
    app = app_for(Outside())
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(60):  # well before ListAccounts can answer
            await pilot.pause(0.05)
            if isinstance(app.screen, RolesScreen) and app.screen.roles:
                break
        assert len(app.screen.roles) == len(reachable(emu))
        status = str(app.screen.query_one("#status").render())
        assert "listing from just now; checking for changes" in status
        for _ in range(60):  # and asked again in the background, once the first frame is out
            if emu.counts()["ListAccounts"]:
                break
            await pilot.pause(0.05)
    assert emu.counts()["ListAccounts"] >= 1


async def _start_and_look(emu, clock) -> tuple[frozenset, str]:  # noqa: ANN001
    """Start the app, let its first frame be out a while (the parsed CSS is then saved), and
    return what it read back of the last start's CSS and how the screen looks."""
    app = app_for(Outside(), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        await pilot.pause(1.3)
        return app._styles_restored, app.export_screenshot()


async def test_the_css_parsed_at_one_start_is_read_back_at_the_next_and_looks_the_same(emu, aws_home):
    instance = Instance(emu.start_url, emu.region)
    sign_in(emu)
    assert run_cli("roles").returncode == 0  # both starts show the cached listing, then check it
    clock = clock_before_expiry(instance, timedelta(hours=2))
    restored, first = await _start_and_look(emu, clock)
    assert not restored  # nothing was kept yet
    assert list((aws_home / "ssodeck-cache" / "styles").glob("*.pickle"))
    restored, second = await _start_and_look(emu, clock)
    assert restored  # the second start parsed none of the CSS the first one did
    assert second == first


async def test_a_damaged_or_foreign_css_cache_is_ignored_and_replaced(emu, aws_home):
    instance = Instance(emu.start_url, emu.region)
    sign_in(emu)
    assert run_cli("roles").returncode == 0
    clock = clock_before_expiry(instance, timedelta(hours=2))
    _, good = await _start_and_look(emu, clock)
    [saved] = (aws_home / "ssodeck-cache" / "styles").glob("*.pickle")
    saved.write_bytes(b"\x80\x05not a pickle")
    restored, look = await _start_and_look(emu, clock)
    assert not restored and look == good
    restored, _ = await _start_and_look(emu, clock)  # written again after that start
    assert restored
    saved.chmod(0o666)  # anyone may write it now: it is not read
    restored, look = await _start_and_look(emu, clock)
    assert not restored and look == good


async def test_the_css_kept_for_other_themes_and_versions_is_let_go_but_the_last_used(emu, aws_home):
    instance = Instance(emu.start_url, emu.region)
    sign_in(emu)
    assert run_cli("roles").returncode == 0
    clock = clock_before_expiry(instance, timedelta(hours=2))
    await _start_and_look(emu, clock)
    folder = aws_home / "ssodeck-cache" / "styles"
    [current] = folder.glob("*.pickle")
    old = [folder / f"{'0' * 39}{n}.pickle" for n in range(6)]  # written by older versions, n days ago
    for n, path in enumerate(old):
        path.write_bytes(b"")
        os.utime(path, (time.time() - 86400 * (n + 1),) * 2)
    os.utime(current, (time.time() - 86400 * 30,) * 2)  # read at each start: so used now, at the next
    restored, _ = await _start_and_look(emu, clock)
    assert restored and sorted(folder.glob("*.pickle")) == sorted([current, *old[:3]])


async def test_typing_at_once_puts_off_the_check_of_the_cached_listing_until_a_pause(emu):

    sign_in(emu)
    assert run_cli("roles").returncode == 0
    emu.reset_counters()
    app = app_for(Outside())
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, RolesScreen) and screen.roles  # the cached listing, at once
        for letter in "prdadm" * 2:  # a key every 0.2 s, starting before the check would
            await pilot.press(letter)
            await pilot.pause(0.2)
        assert emu.counts()["ListAccounts"] == 0
        tree, search = screen._tree, screen.search
        for _ in range(100):  # a pause: the check runs, and finds the listing unchanged
            await pilot.pause(0.05)
            if "listed just now" in str(screen.query_one("#status").render()):
                break
        assert emu.counts()["ListAccounts"] == 1
        assert screen.search is search and screen._tree is tree  # nothing to make again
        assert shown_roles(app) == rank_roles(reachable(emu), "prdadmprdadm")


async def test_typing_narrows_to_fuzzy_matches_best_first_with_highlights(emu):
    sign_in(emu)
    app = app_for(Outside())
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        await pilot.press(*"prdadm")
        expected = rank_roles(reachable(emu), "prdadm")
        assert expected and shown_roles(app) == expected
        row = app.screen.query_one(RoleTree).source.row(0)
        picked = "".join(row.role.account_name[i] for i in row.marks[0]) + "".join(row.role.role_name[i] for i in row.marks[2])
        assert picked.lower() == "prdadm"
        await pilot.press("escape")
        assert len(shown_roles(app)) == len(reachable(emu))


async def test_each_letter_typed_puts_the_cursor_on_the_best_match_and_enter_acts_on_it(emu):
    """The cursor follows the query's best match as it changes (it stayed on a role that
    still matched, far down, and Enter acted on it); emptied, the filter gives the tree back
    with the cursor on the role it was on."""
    sign_in(emu)
    outside = Outside()
    app = app_for(outside)
    roles = reachable(emu)
    query = next(q for q in ("rea", "adm", "dev", "prd") if rank_roles(roles, q[:-1])[0] != rank_roles(roles, q)[0])
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        tree = app.screen.query_one(RoleTree)
        for typed in range(1, len(query) + 1):
            await pilot.press(query[typed - 1])
            assert tree.current_role == rank_roles(roles, query[:typed])[0], query[:typed]
        best = tree.current_role
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert f"{best.role_name} in {best.account_name}" in str(app.screen.query_one("#menu-title").render())
        await pilot.press("escape", "escape")  # the menu, then the filter
        await pilot.pause(0.1)
        assert len(shown_roles(app)) == len(roles) and tree.current_role == best


async def test_the_listings_age_in_the_status_line_keeps_up_with_the_clock(emu):
    sign_in(emu)
    now = [utcnow()]
    app = app_for(Outside(), clock=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        status = app.screen.query_one("#status")
        assert str(status.render()).endswith("listed just now")
        now[0] += timedelta(minutes=7, seconds=30)
        await pilot.pause(1.2)  # a tick of the session's countdown
        assert str(status.render()).endswith("listed 7 min ago")


async def test_a_query_that_matches_nothing_says_so_in_full_in_a_narrow_terminal(emu):
    sign_in(emu)
    app = app_for(Outside())
    async with app.run_test(size=(80, 24)) as pilot:
        await roles_ready(pilot, app)
        await pilot.press(*"zzqx")
        await pilot.pause(0.1)
        tree = app.screen.query_one(RoleTree)
        lines = [tree.render_line(y).text.strip() for y in range(4)]
    said = " ".join(line for line in lines if line)
    assert said == tree.empty and all(len(line) <= 78 for line in lines)  # wrapped at word ends, nothing cut


async def test_the_garbage_collector_waits_for_a_pause_in_typing(emu):
    """A collector pass over a big listing's leftovers costs a third of a keystroke: while
    keys come, none runs; at a pause, one does and the collector is back as it was."""
    sign_in(emu)
    app = app_for(Outside())
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        assert gc.isenabled()
        for letter in "prd":
            await pilot.press(letter)
            await pilot.pause(PAUSE / 5)
            assert not gc.isenabled()
        await pilot.pause(PAUSE + 0.3)
        assert gc.isenabled()
        await pilot.press("a")
        assert not gc.isenabled()
        await pilot.press("ctrl+q")  # typing, then gone at once: the collector is not left off
    assert gc.isenabled()


async def test_role_view_and_folding(emu):
    sign_in(emu)
    app = app_for(Outside())
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        await pilot.press("tab")  # into the list
        await pilot.press("v")
        tree = app.screen.query_one(RoleTree)
        groups = [row.title for row in tree.source.rows if row.kind == "group"]
        assert groups == sorted({role.role_name for role in reachable(emu)}, key=str.lower)
        before = len(tree.source)
        tree.cursor = 0
        await pilot.press("left")
        assert len(tree.source) < before and not tree.source.row(0).expanded
        await pilot.press("right")
        assert len(tree.source) == before


async def test_favourites_persist_in_the_settings_file_and_come_first(emu):
    sign_in(emu)
    app = app_for(Outside())
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        await pilot.press(*"shared")
        role = app.screen.query_one(RoleTree).current_role
        await pilot.press("enter", "f")  # the action menu's f
        await pilot.pause(0.1)
    data = tomllib.loads(settings_path().read_text())
    assert f"{role.account_id}/{role.role_name}" in data["instances"][emu.start_url]["favourites"]
    again = app_for(Outside())
    async with again.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, again)
        rows = again.screen.query_one(RoleTree).source.rows
        assert rows[0].title == "★ Favourites" and rows[1].role == role


async def test_a_session_turned_down_by_identity_center_shows_as_over_in_the_header(emu):
    """The token's own expiry is an hour away, but Identity Center has ended the session:
    the action that finds out says so, and the header stops counting down."""
    sign_in(emu)
    outside = Outside()
    app = app_for(outside)
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        assert "Session" in app.screen.query_one(SessionBar).render().plain
        for what in ("access_token", "refresh_token"):
            emu.expire_now(what)
        await pilot.press("down", "tab", "e")
        await app.workers.wait_for_complete()
        await pilot.pause(0.1)
        assert "not signed in — l signs in" in app.screen.query_one(SessionBar).render().plain
    assert any("Press l to sign in again" in note for note in outside.notes) and outside.copied == []


async def test_copy_env_and_json_put_the_role_credentials_on_the_clipboard(emu):
    sign_in(emu)
    outside = Outside()
    app = app_for(outside)
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        await pilot.press("down", "tab", "e")
        await app.workers.wait_for_complete()
        await pilot.press("J")
        await app.workers.wait_for_complete()
        await pilot.pause(0.1)
    exports, document = outside.copied
    assert "export AWS_ACCESS_KEY_ID=ASIA" in exports and "export AWS_SESSION_TOKEN=" in exports
    assert json.loads(document)["Version"] == 1
    assert any(note.startswith("Copied export lines for") for note in outside.notes)
    assert not any("ASIA" in note for note in outside.notes)  # a secret is never shown


async def test_console_opens_at_the_chosen_service_and_region(emu):
    sign_in(emu)
    outside = Outside()
    app = app_for(outside)
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        await pilot.press("down", "tab", "o")
        await pilot.pause(0.1)
        await pilot.press("down")  # S3
        app.screen.query_one("#dest-region").value = "eu-west-1"
        await pilot.click("#open")
        await app.workers.wait_for_complete()
        await pilot.pause(0.1)
    (url,) = outside.opened
    assert follow(url)[0] == 302  # what the browser would do
    assert emu.console_destinations()[-1].startswith("https://eu-west-1.console.aws.amazon.com/s3/home")


async def test_console_url_and_shortcut_are_copied_when_asked(emu):
    sign_in(emu)
    outside = Outside(browser_works=False)
    app = app_for(outside)
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        await pilot.press("down", "tab")
        role = app.screen.query_one(RoleTree).current_role
        await pilot.press("u")
        await pilot.pause(0.1)
        assert str(app.screen.query_one("#dest-title").render()).startswith("Copy a console sign-in URL for")
        await pilot.press("enter")  # u asks for the URL: Enter copies it (the browser is a button away)
        await app.workers.wait_for_complete()
        assert outside.opened == []
        await pilot.press("s")
        await pilot.pause(0.1)
    url, shortcut = outside.copied
    assert "Action=login" in url and "SigninToken=" in url
    assert f"account_id={role.account_id}" in shortcut and f"role_name={role.role_name}" in shortcut


async def test_shell_runs_as_the_role_and_comes_back(emu):
    sign_in(emu)
    outside = Outside()
    app = app_for(outside)
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        await pilot.press("down", "tab")
        role = app.screen.query_one(RoleTree).current_role
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await pilot.pause(0.1)
        assert isinstance(app.screen, RolesScreen)  # back in the app
    ((argv, env),) = outside.shells
    assert argv == ["/bin/test-shell"]
    assert env["AWS_ACCESS_KEY_ID"].startswith("ASIA") and env["AWS_SESSION_TOKEN"]
    assert env["SSODECK_ROLE"] == f"{role.account_id}/{role.role_name}"
    assert "AWS_PROFILE" not in env
    assert any(note.startswith(f"Back from the shell as {role.role_name}") for note in outside.notes)


async def test_write_profile_shows_the_diff_and_writes_what_configure_profile_writes(emu, aws_home):
    sign_in(emu)
    app = app_for(Outside())
    config = Path(os.environ["AWS_CONFIG_FILE"])
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        await pilot.press("down", "tab")
        role = app.screen.query_one(RoleTree).current_role
        await pilot.press("w")
        await pilot.pause(0.2)
        diff = str(app.screen.query_one("#diff-text").render())
        name = app.screen.query_one("#profile-name").value
        assert f"+[profile {name}]" in diff and f"+sso_role_name = {role.role_name}" in diff
        await pilot.press("ctrl+s")
        await pilot.pause(0.1)
    written = config.read_bytes()
    config.unlink()
    cli = run_cli("configure", "profile", name, "-a", role.account_id, "-r", role.role_name, "--region", emu.region, "--non-interactive")
    assert cli.returncode == 0, cli.stderr
    assert config.read_bytes() == written


async def test_the_header_counts_down_and_warns_under_ten_minutes(emu):
    sign_in(emu)
    instance = Instance(emu.start_url, emu.region)
    app = app_for(Outside(), clock=clock_before_expiry(instance, timedelta(minutes=9, seconds=30)))
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        times = app.screen.query_one(SessionBar).render().plain
        assert "Session 9m 30s — l signs in again" in times


async def test_a_narrow_header_cuts_the_instance_short_and_keeps_the_countdown(emu):
    sign_in(emu)
    instance = Instance(emu.start_url, emu.region)
    app = app_for(Outside(), clock=clock_before_expiry(instance, timedelta(minutes=9, seconds=30)))
    async with app.run_test(size=(50, 24)) as pilot:
        await roles_ready(pilot, app)
        line = app.screen.query_one(SessionBar).render().plain
        assert line.endswith("Session 9m 30s — l signs in again")
        assert line.startswith(emu.start_url[:4]) and "…" in line
        assert len(line) == 48  # the bar's width less its padding: nothing wraps or spills


async def test_a_question_mark_typed_in_the_filter_shows_the_keys(emu):
    from app.screens.help import HelpScreen

    sign_in(emu)
    app = app_for(Outside())
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        await pilot.press("p", "r", "d", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one("#filter", Input).value == "prd"


async def test_esc_clears_the_filter_and_the_next_letters_start_a_new_query(emu):
    # `p` (populate), `x` (shell) and `e` (copy env) act in the list: a query typed after Esc
    # must not reach it
    sign_in(emu)
    app = app_for(Outside())
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        screen, filter_box = app.screen, app.screen.query_one("#filter", Input)
        await pilot.press(*"dev", "escape", *"prd")
        await pilot.pause()
        assert app.screen is screen and filter_box.has_focus and filter_box.value == "prd"
        assert shown_roles(app) == rank_roles(reachable(emu), "prd")
        await pilot.press("escape", "escape")  # the second, on an empty filter, goes to the list
        await pilot.pause()
        assert filter_box.value == "" and app.screen.query_one(RoleTree).has_focus
        assert len(shown_roles(app)) == len(reachable(emu))

async def test_an_ended_session_says_which_key_signs_in(emu):
    sign_in(emu)
    outside = Outside()
    app = app_for(outside)
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        emu.expire_now("access_token")
        emu.expire_now("refresh_token")
        await pilot.press("down", "tab", "e")
        await app.workers.wait_for_complete()
        await pilot.pause(0.1)
    assert any("Press l to sign in again" in note for note in outside.notes), outside.notes
    assert not any("ssodeck login" in note for note in outside.notes)


async def test_help_lists_the_keys(emu):
    sign_in(emu)
    app = app_for(Outside())
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        await pilot.press("tab", "question_mark")
        await pilot.pause(0.1)
        text = "\n".join(str(widget.render()) for widget in app.screen.query("Static"))
        for words in ("Copy export lines", "Open $SHELL", "Write a profile", "Quit"):
            assert words in text


async def test_palette_offers_the_role_actions(emu):
    sign_in(emu)
    app = app_for(Outside())
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        await pilot.press("down")
        titles = [title for title, _, _ in app.screen.palette_commands()]
    assert any(title.startswith("Open the AWS console") for title in titles)
    assert "Switch Identity Center instance" in titles


def test_listing_cache_is_the_one_the_cli_writes(emu):
    sign_in(emu)
    assert run_cli("roles").returncode == 0
    assert listing_service.load_cached(Instance(emu.start_url, emu.region)) is not None


async def test_an_unexpected_failure_in_the_background_is_said_not_hidden(emu, monkeypatch):
    sign_in(emu)
    outside = Outside()
    app = app_for(outside)
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)

        def broken(*args, **kwargs):  # noqa: ANN002, ANN003 - a bug, wherever it is
            raise KeyError("boom")

        monkeypatch.setattr("app.services.credentials.get_role_credentials", broken)
        await pilot.press("down", "tab", "e")
        await app.workers.wait_for_complete()
        await pilot.pause(0.1)
        assert isinstance(app.screen, RolesScreen)
    assert any("Something unexpected went wrong (KeyError)" in note for note in outside.notes), outside.notes


async def test_letters_typed_fast_in_the_list_all_reach_the_filter(emu):
    """A burst of keys (a paste, a fast typist) reaches the list before the first letter has
    moved the focus to the filter: the rest, bound keys included, are still typed there."""
    sign_in(emu)
    app = app_for(Outside())
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        await pilot.press("tab")  # into the list
        assert app.screen.query_one(RoleTree).has_focus
        for letter in "chkprd":  # p and r are keys of the list (populate, refresh)
            app.post_message(events.Key(letter, letter))
        await pilot.pause(0.3)
        assert app.screen.query_one("#filter", Input).value == "chkprd"
        assert isinstance(app.screen, RolesScreen)  # the populate wizard did not open


async def test_roles_stay_in_view_while_a_cached_listing_is_checked(emu):
    """Revalidating a cached listing streams nothing half-done into view: the cached roles
    stay until the complete new listing replaces them."""
    sign_in(emu)
    assert run_cli("roles").returncode == 0  # caches the listing
    emu.configure(latency_ms={"ListAccountRoles": 400})  # a slow check, one account at a time
    app = app_for(Outside())
    counts = []
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            await pilot.pause(0.05)
            screen = app.screen
            if isinstance(screen, RolesScreen) and screen.roles:
                counts.append(len(screen.roles))
                if screen.settled and not any(w.group == "listing" and not w.is_finished for w in app.workers):
                    break
    assert counts and set(counts) == {len(reachable(emu))}


async def test_a_listing_that_streams_in_shows_progress_and_hides_it_when_complete(emu):
    """The progress bar is made only when a listing streams in (a start from the cache never
    loads it), shows how far it is, and goes away when the listing is complete."""
    from app.services.roles import ListingProgress

    sign_in(emu)
    assert run_cli("roles").returncode == 0  # a cached listing: the start shows it at once
    app = app_for(Outside())
    async with app.run_test(size=SIZE) as pilot:
        await roles_ready(pilot, app)
        screen = app.screen
        assert not screen.query("#progress")
        accounts, roles = list(screen.accounts), list(screen.roles)
        screen.post_message(RolesScreen.ListingChanged(accounts[:3], roles[:5], done=False, progress=ListingProgress(2, len(accounts), True)))
        await pilot.pause(0.2)
        bar = screen.query_one("#progress")
        assert bar.display and bar.total == len(accounts) and bar.progress == 2
        assert "Listing roles: 2/3 accounts" in str(screen.query_one("#status").render())
        screen.post_message(RolesScreen.ListingChanged(accounts, roles, done=True, fetched_at=utcnow()))
        await pilot.pause(0.2)
        assert not screen.query_one("#progress").display
        assert "roles in" in str(screen.query_one("#status").render())


async def test_a_narrow_view_cuts_account_names_short_to_show_whole_role_names(emu):
    from textual.geometry import Region

    sign_in(emu)
    app = app_for(Outside())
    async with app.run_test(size=(80, 24)) as pilot:
        await roles_ready(pilot, app)
        roles = reachable(emu)
        assert max(len(r.account_name) for r in roles) > 40  # the account column would take 44 cells
        role = max((r for r in roles if len(r.account_name) > 40), key=lambda r: len(r.role_name))
        await pilot.press(*role.account_id)
        await pilot.pause(0.2)
        tree = app.screen.query_one(RoleTree)
        lines = [strip.text for strip in tree.render_lines(Region(0, 0, tree.size.width, tree.size.height))]
        line = next(text for text in lines if role.account_id in text and role.role_name in text)
        assert "…" in line.split(role.account_id)[0]  # the account name, cut short


def test_a_name_cut_short_fills_its_column_in_cells_and_marks_only_the_letters_shown():
    from rich.cells import cell_len
    from rich.style import Style

    from app.widgets.cursor_list import marked

    plain, hit = Style(), Style(bold=True)
    shown = marked("Payments Production", (0, 9, 10, 17), plain, hit, width=12)
    assert [(s.text, s.style == hit) for s in shown] == [("P", True), ("ayments ", False), ("Pr", True), ("…", False)]
    for width in (5, 8, 9, 10, 16):  # two cells a character: the column stays as wide, the ellipsis unmarked
        shown = marked("本番環境アカウント管理", (0, 1, 8, 9), plain, hit, width=width)
        assert cell_len("".join(s.text for s in shown)) == width
        assert shown[-1].text.endswith("…") and shown[-1].style == plain
        assert [s.text for s in shown if s.style == hit] == ["本番"]


async def test_a_narrow_filter_box_shows_its_hints_whole_and_drops_the_last_ones(emu):
    sign_in(emu)
    app = app_for(Outside())
    async with app.run_test(size=(80, 24)) as pilot:
        await roles_ready(pilot, app)
        box = app.screen.query_one("#filter", Input)
        assert box.placeholder == "letters in order (prdadm) · ↑↓ · Enter acts"  # not "... · Tab to the lis"
        await pilot.resize_terminal(130, 30)
        await pilot.pause(0.1)
        assert box.placeholder.endswith("Tab to the list · Esc clears")
        await pilot.resize_terminal(30, 24)
        await pilot.pause(0.1)
        assert box.placeholder == "letters in order (prdadm)"  # the first always


async def test_the_scrollbar_follows_the_rows_as_the_filter_narrows_and_clears(emu):
    """A new row count moves the scrollbar without a layout of the whole screen; one that
    makes the scrollbar come or go still lays the list out again, to its new width."""
    sign_in(emu)
    app = app_for(Outside())
    async with app.run_test(size=(80, 14)) as pilot:
        await roles_ready(pilot, app)
        tree = app.screen.query_one(RoleTree)
        assert tree.show_vertical_scrollbar and tree.virtual_size.height == len(tree.source)
        wide = tree.scrollable_content_region.width
        counts: dict[str, int] = {}
        for role in app.screen.roles:
            counts[role.account_id] = counts.get(role.account_id, 0) + 1
        await pilot.press(*min(counts, key=counts.get))  # the account ID with the fewest roles
        await pilot.pause(0.2)
        assert 0 < len(tree.source) < tree.size.height and not tree.show_vertical_scrollbar
        assert tree.scrollable_content_region.width > wide  # the rows take the scrollbar's place
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert tree.show_vertical_scrollbar and tree.virtual_size.height == len(tree.source)
        assert tree.scrollable_content_region.width == wide
        await pilot.press(*"zzqx")
        await pilot.pause(0.2)
        assert len(tree.source) == 0 and tree.virtual_size.height == 0 and not tree.show_vertical_scrollbar
