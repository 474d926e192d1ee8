"""The full-screen app: ``ssodeck`` with no arguments (and ``ssodeck --demo``), or the
assignment explorer alone (``ssodeck admin``).

A thin App over the same services as the CLI. It finds the Identity Center instance the way
every command does, asks which one when several are configured, and shows the roles view.
The few things that touch the outside world beyond the services (the clock, the clipboard,
running a shell, opening a URL) are seams set by ``make_app``, so tests drive the real app
against the emulator and check what would have been copied or run.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping
from contextlib import suppress
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Literal

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from app import style_cache
from app.commands import ScreenCommands
from app.models import Instance, Role, utcnow
from app.services import browser, clipboard
from app.services.awsconfig import load_config
from app.services.errors import ServiceError, SsodeckError
from app.heap import settle_heap
from app.services.instances import resolve, specifier_from

if TYPE_CHECKING:
    from app.services.admin.context import AdminContext
    from app.services.populate_choices import PopulateChoices
    from app.services.search import RoleSearch

Start = Literal["roles", "explorer", "wizard"]


def _run_shell(app: App, argv: list[str], env: Mapping[str, str], banner: str) -> int:
    """Hand the terminal to ``argv`` until it exits, then take it back."""
    with app.suspend():
        print(banner, flush=True)
        return subprocess.run(argv, env=dict(env), check=False).returncode


class Seams:
    """What the app does to the world outside the services; tests replace these (a plain
    class: a dataclass's is made at import, before the first frame, at ten times the cost)."""

    def __init__(
        self, *, clock: Callable[[], datetime] | None = None, copy: Callable[[str], str] | None = None,
        run_shell: Callable[[App, list[str], Mapping[str, str], str], int] | None = None,
        open_url: Callable[[str], bool] | None = None, shell: str | None = None,
    ) -> None:  # fmt: skip
        self.clock = clock or utcnow
        self.copy = copy or clipboard.copy  # returns where the text went; raises ServiceError
        self.run_shell = run_shell or _run_shell
        self.open_url = open_url or browser.open_page
        self.shell = shell or os.environ.get("SHELL") or "/bin/sh"


class SsodeckApp(App[str | None]):
    """AWS IAM Identity Center: every account and role, and what you do with them.

    ``start="wizard"`` (``configure populate --interactive``) shows only the populate wizard,
    from ``choices``, and exits with its outcome when it closes.
    """

    TITLE = "ssodeck"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {ScreenCommands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("question_mark,f1", "help", "Help", tooltip="Keys and what they do"),
    ]

    def __init__(
        self, *, instance: Instance | None = None, seams: Seams | None = None, notices: list[str] | None = None,
        start: Start = "roles", admin: AdminContext | None = None, choices: PopulateChoices | None = None,
    ) -> None:  # fmt: skip
        """``start="explorer"`` shows only the assignment explorer, reading with ``admin``."""
        super().__init__()
        self._styles_restored = style_cache.restore(self.stylesheet)  # the CSS parsed at the last start
        self._save_styles: Callable[[], None] | None = None  # and what to keep of this one's (see on_unmount)
        self.seams = seams or Seams()
        self.chosen = instance
        self.startup_notices = notices or []
        self.start = start
        self.admin = admin
        self.start_choices = choices
        self._discovered: tuple[list[Instance], str] | None = None  # what get_default_screen found, for on_mount
        self._roles_first = False  # the roles view is the bottom screen (get_default_screen)

    def on_mount(self) -> None:
        self.set_timer(1.0, self._first_frame_out)
        if not self.is_headless:
            self._end_on_hangup()
            _resume_only_after_a_stop()

        for notice in self.startup_notices:
            self.notify(notice, severity="information", timeout=8)
        if self.start == "explorer" and self.admin is not None:
            from app.screens.explorer import ExplorerScreen, credentials_access

            self.push_screen(ExplorerScreen(credentials_access(self.admin), closable=False))
            return
        if self._roles_first:  # the usual case: straight in (see get_default_screen)
            return
        if self.chosen is not None:
            self.open_instance(self.chosen)
            return
        found, problem = self._discovered if self._discovered is not None else _discover()
        if len(found) == 1:
            self.open_instance(found[0])
            return
        from app.screens.instance_picker import InstancePickerScreen, NoInstanceScreen

        if found:
            self.push_screen(InstancePickerScreen(found), self._picked)
        else:
            self.push_screen(NoInstanceScreen(problem))

    def _end_on_hangup(self) -> None:
        """A closed terminal (SIGHUP) or a plain kill (SIGTERM) ends the app as ctrl+q does,
        with the status a process killed by the signal has: what the app holds is let go
        (the demo's temporary home is removed) instead of the process dying where it stands."""
        loop = asyncio.get_running_loop()
        for name in ("SIGHUP", "SIGTERM"):
            number = getattr(signal, name, None)  # no SIGHUP on Windows
            if number is not None:
                with suppress(NotImplementedError):  # nor signal handlers in its event loop
                    loop.add_signal_handler(number, partial(self.exit, return_code=128 + number))

    def _first_frame_out(self) -> None:
        # what was made to show it is long-lived (and nearly none of it garbage); the CSS parsed
        # for it is kept for the next start
        settle_heap(collect=False)
        self._save_styles = style_cache.saver(self.stylesheet, self._styles_restored)

    def on_unmount(self) -> None:
        # Textual's driver resumes the app on SIGCONT (back from ctrl+z). The app is closing
        # now: a SIGCONT (a closing terminal sends one with its hangup) while it waits for a
        # request under way must not start reading the terminal again, which kept the
        # process alive for good, spinning on the closed terminal.
        for name in ("SIGCONT", "SIGTSTP"):
            number = getattr(signal, name, None)  # neither on Windows
            if number is not None:
                with suppress(ValueError):  # only the main thread sets handlers (the app runs there)
                    signal.signal(number, signal.SIG_DFL)
        # the CSS kept for the next start is written as the app closes: while it runs, the
        # pickling and the wait for the disk could land on a keystroke
        if self._save_styles is not None:
            self._save_styles()

    def get_default_screen(self) -> Screen:
        """The roles view itself when that is where the app starts and the instance is known
        before it does (one found as the CLI finds it, or one given): no blank screen is made,
        drawn and covered first. Otherwise Textual's own, with the picker (or the explorer,
        or the wizard) pushed over it in on_mount."""
        if self.start == "roles":
            instance = self.chosen
            if instance is None:
                self._discovered = _discover()
                found = self._discovered[0]
                instance = found[0] if len(found) == 1 else None
            if instance is not None:
                from app.screens.roles import RolesScreen

                self._roles_first = True
                return RolesScreen(instance)
        return super().get_default_screen()

    def _picked(self, instance: Instance | None) -> None:
        if instance is None:
            self.exit()
        else:
            self.open_instance(instance)

    def open_instance(self, instance: Instance) -> None:
        """Show the roles of ``instance`` (replacing any instance shown before)."""
        from app.screens.roles import RolesScreen

        while len(self.screen_stack) > 1:
            self.pop_screen()
        first = self.screen_stack[0]
        if self.start == "wizard":
            self.open_populate(instance, choices=self.start_choices, then=self.exit)
        elif not (isinstance(first, RolesScreen) and first.instance == instance):  # (the bottom screen: see get_default_screen)
            self.push_screen(RolesScreen(instance))

    def open_populate(self, instance: Instance, *, choices: PopulateChoices | None = None, then: Callable[[str | None], None] | None = None) -> None:
        """The populate wizard for ``instance`` (other configured instances can be chosen in it);
        ``then`` hears its outcome, by default shown as a notification."""
        from app.screens.populate_wizard import PopulateWizardScreen

        try:
            others = discover_instances(everything=True)
        except SsodeckError:
            others = []
        self.push_screen(PopulateWizardScreen(instance, choices=choices, instances=others), then or self._populated)

    def _populated(self, outcome: str | None) -> None:
        if outcome:
            self.notify(outcome, timeout=10)

    def open_launcher(self, instance: Instance, search: RoleSearch, role: Role | None = None) -> None:
        """The console launcher over the roles of ``search``, starting on ``role``."""
        from app.screens.launcher import LauncherScreen

        self.push_screen(LauncherScreen(instance, search, role))

    def switch_instance(self) -> None:
        from app.screens.instance_picker import InstancePickerScreen

        try:
            found = discover_instances(everything=True)
        except SsodeckError as error:
            self.notify(str(error), severity="error")
            return
        self.push_screen(InstancePickerScreen(found), lambda chosen: self.open_instance(chosen) if chosen else None)

    # -- the seams, worded for people ---------------------------------------------------

    def copy_text(self, text: str, what: str) -> None:
        """Copy ``text`` (often a secret: never shown) and say where ``what`` went."""
        try:
            where = self.seams.copy(text)
        except ServiceError:
            self.copy_to_clipboard(text)  # the terminal's clipboard (OSC 52)
            where = "the terminal clipboard"
        self.notify(f"Copied {what} to {where}.", timeout=4)

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        if not self.seams.open_url(url):
            self.notify("Could not open a web browser here; copy the URL instead (c).", severity="warning")

    def action_help(self) -> None:
        from app.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())


def _resume_only_after_a_stop() -> None:
    """Textual's terminal driver resumes the app on every SIGCONT, meant for the return from a
    stop (SIGTSTP): it starts reading the terminal again. One that comes while the app runs
    (``kill -CONT``, a debugger letting go, a stop and continue it never saw) started a second
    reader, and ctrl+q then never ended the app. SIGCONT is passed on only after a stop."""
    stop_signal, continue_signal = getattr(signal, "SIGTSTP", None), getattr(signal, "SIGCONT", None)
    if stop_signal is None or continue_signal is None:  # Windows
        return
    on_stop, on_continue = signal.getsignal(stop_signal), signal.getsignal(continue_signal)
    if not (callable(on_stop) and callable(on_continue)):  # not a driver that suspends
        return
    stopped = False

    def stop(number: int, frame: object) -> None:
        nonlocal stopped
        stopped = True  # before the driver's handler, which stops the process in it
        on_stop(number, frame)

    def resume(number: int, frame: object) -> None:
        nonlocal stopped
        if stopped:
            stopped = False
            on_continue(number, frame)

    signal.signal(stop_signal, stop)
    signal.signal(continue_signal, resume)


def _discover() -> tuple[list[Instance], str]:
    """The instances found at start, and the problem that stopped the search (or "")."""
    try:
        return discover_instances(), ""
    except SsodeckError as error:
        return [], str(error)


def discover_instances(*, everything: bool = False) -> list[Instance]:
    """The instances the app can show, found as the CLI finds them: the default instance
    from the environment if one is set, else every configured one; ``everything`` adds all
    the configured ones to the default (to switch between them)."""
    return list(resolve(load_config(), specifier_from(None, None), include_all=everything).instances)


def make_app(
    *, instance: Instance | None = None, seams: Seams | None = None, notices: list[str] | None = None,
    start: Start = "roles", admin: AdminContext | None = None, choices: PopulateChoices | None = None,
) -> SsodeckApp:  # fmt: skip
    return SsodeckApp(instance=instance, seams=seams, notices=notices, start=start, admin=admin, choices=choices)


def run(
    *, demo: bool = False, start: Start = "roles", admin: AdminContext | None = None,
    instance: Instance | None = None, choices: PopulateChoices | None = None,
) -> str | None:  # fmt: skip
    """Start the app (``ssodeck``), or the demo with its own emulator and home (``--demo``);
    ``start="explorer"`` opens the assignment explorer alone, reading with ``admin``, and
    ``start="wizard"`` the populate wizard alone. Returns what the app exits with (the
    wizard's one-line outcome)."""
    notices: list[str] = []
    session = None
    if demo:
        from app import demo as demo_mode

        session = demo_mode.enter()
        notices.append("Demo mode: a local Identity Center with a generated organisation; your ~/.aws is not touched.")
    app = make_app(notices=notices, start=start, instance=instance, admin=admin, choices=choices)
    try:
        outcome = app.run()
    finally:
        if session is not None:
            session.close()
    if app.return_code:  # ended by a signal (see _end_on_hangup), or by an error Textual has shown
        sys.exit(app.return_code)
    return outcome
