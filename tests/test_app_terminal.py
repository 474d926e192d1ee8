"""``ssodeck --demo`` in a real terminal: a pseudo-terminal read through a terminal emulator
(pyte), as a person would see it: sign in, type a fuzzy query, see the role, quit."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time

import pyte
import pytest

from app.demo import DEMO_ACCOUNTS, DEMO_SEED
from app.emulator import generate_org
from app.models import Role
from app.services.search import rank_roles

COLUMNS, LINES = 120, 40


class Terminal:
    def __init__(self, args: list[str], env: dict[str, str] | None = None) -> None:
        self.leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(COLUMNS), "LINES": str(LINES), **(env or {})}
        self.process = subprocess.Popen([sys.executable, "-m", "headless", *args], stdin=follower, stdout=follower, stderr=follower, env=env, close_fds=True)
        os.close(follower)
        self.screen = pyte.Screen(COLUMNS, LINES)
        self.stream = pyte.ByteStream(self.screen)

    def read(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.leader], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self.leader, 65536)
            except OSError:
                return
            if not data:
                return
            self.stream.feed(data)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, needle: str, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.read(0.2)
            if needle in self.text():
                return
        raise AssertionError(f"{needle!r} never appeared; the screen shows:\n{self.text()}")

    def type(self, keys: str) -> None:
        os.write(self.leader, keys.encode())

    def close(self) -> int:
        try:
            return self.process.wait(timeout=15)
        finally:
            if self.process.poll() is None:  # a test that failed leaves no process behind
                self.process.kill()
                self.process.wait()
            os.close(self.leader)


def signed_in_with_a_cached_listing(emu) -> None:  # noqa: ANN001 - the fixture
    """A token and a cached listing for the emulator's instance: the app starts on its roles."""
    from app.models import Instance
    from app.services import roles as listing_service
    from app_support import sign_in

    listing_service.fetch_listing(Instance(emu.start_url, emu.region), sign_in(emu))


def copy_the_first_roles_exports(terminal: Terminal, wait: float) -> None:
    """From the roles view: to the list, down to the first account's first role, and `e`
    (its credentials are asked of Identity Center); then ``wait`` seconds."""
    terminal.type("\t")  # to the list: the cursor on the first account
    terminal.read(0.3)
    terminal.type("\x1b[B")  # down to its first role
    terminal.read(0.3)
    terminal.type("e")
    terminal.read(wait)


def test_demo_in_a_terminal_finds_a_role_by_typing_and_quits_cleanly():
    org = generate_org(accounts=DEMO_ACCOUNTS, seed=DEMO_SEED)
    roles = [Role(a.account_id, name, a.name) for a, names in org.portal_view(org.default_user) for name in names]
    best = rank_roles(roles, "prdadm")[0]
    terminal = Terminal(["--demo"])
    try:
        terminal.wait_for("Open this URL in a browser", 30)  # the sign-in screen, seen working
        terminal.wait_for(f"{len(roles)} roles in", 40)  # approved, listed
        terminal.type("prdadm")
        terminal.wait_for(best.account_id, 10)
        line = next(row for row in terminal.screen.display if best.account_id in row)
        assert best.role_name in line
        terminal.type("\x11")  # ctrl+q
        terminal.read(1.0)
    finally:
        code = terminal.close()
    assert code == 0


@pytest.mark.parametrize("number", [signal.SIGHUP, signal.SIGTERM], ids=["hangup", "terminate"])
def test_a_closed_terminal_or_a_kill_ends_the_demo_and_removes_its_home(tmp_path, number):
    def homes() -> list[str]:
        return [path.name for path in tmp_path.iterdir() if path.name.startswith("ssodeck-demo-")]

    terminal = Terminal(["--demo"], env={"TMPDIR": str(tmp_path)})
    try:
        terminal.wait_for("Open this URL in a browser", 30)
        assert len(homes()) == 1  # the demo's home, while it runs
        terminal.process.send_signal(number)
        terminal.read(1.0)
    finally:
        code = terminal.close()
    assert code == 128 + number
    assert homes() == []


def test_quitting_while_the_listing_is_checked_ends_the_app_without_finishing_the_listing(emu):
    """The cached listing's check lists every account at the rate Identity Center allows
    (here one request a second): ctrl+q must not wait for it, nor leave it running."""
    signed_in_with_a_cached_listing(emu)
    visible = len(emu.org.portal_view(emu.org.default_user))
    before = emu.counts()
    terminal = Terminal([], env={"SSODECK_MAX_RPS": "1"})
    try:
        terminal.wait_for("checking for changes", 30)
        deadline = time.monotonic() + 20
        while emu.counts()["ListAccounts"] == before["ListAccounts"]:  # the check has begun
            assert time.monotonic() < deadline, "the listing was never checked"
            terminal.read(0.1)
        terminal.type("\x11")  # ctrl+q
        terminal.read(0.5)
    finally:
        code = terminal.close()
    assert code == 0
    made = emu.counts()["ListAccountRoles"] - before["ListAccountRoles"]
    assert made < visible, f"{made} of {visible} accounts' roles were still listed after ctrl+q"


def test_a_terminal_closing_while_the_app_closes_does_not_bring_it_back(emu):
    """A closing terminal sends SIGCONT with its hangup. Textual resumes an app on SIGCONT
    (after ctrl+z); one that arrives while the app is already closing, waiting for a
    request under way, must not start reading the terminal again: that kept the process
    alive for good, spinning on the closed terminal."""
    signed_in_with_a_cached_listing(emu)
    emu.configure(latency_ms={"GetRoleCredentials": 3000})  # the export's request is under way as the app closes
    terminal = Terminal([])
    try:
        terminal.wait_for("roles in", 30)
        copy_the_first_roles_exports(terminal, 0.3)
        terminal.type("\x11")  # ctrl+q while the answer is awaited
        terminal.read(0.5)
        terminal.process.send_signal(signal.SIGCONT)
        terminal.read(0.5)
    finally:
        code = terminal.close()
    assert code == 0


def test_quitting_on_the_sign_in_screen_ends_the_app_without_waiting_for_the_code(emu):
    """The device code waits up to ten minutes for someone to approve it: ctrl+q (or Esc)
    on the sign-in screen must not leave the process polling for it, its screen gone."""
    emu.configure(approval="manual")  # nobody approves
    before = emu.counts()["CreateToken.device_code"]
    terminal = Terminal([])
    try:
        terminal.wait_for("Open this URL in a browser", 30)
        terminal.read(0.5)
        terminal.type("\x11")  # ctrl+q
        terminal.read(0.5)
    finally:
        code = terminal.close()
    assert code == 0
    polls = emu.counts()["CreateToken.device_code"] - before
    time.sleep(1.5)
    assert emu.counts()["CreateToken.device_code"] - before == polls  # and nothing polls on


def test_quitting_while_a_role_action_retries_a_failing_request_ends_the_app_at_once(emu):
    """A request that fails with 503 is retried with backoff, eight times over half a minute:
    ctrl+q must not wait for the retries."""
    signed_in_with_a_cached_listing(emu)
    emu.configure(failures={"GetRoleCredentials": {"status": 503, "count": 100}})
    terminal = Terminal([])
    try:
        terminal.wait_for("roles in", 30)
        copy_the_first_roles_exports(terminal, 1.0)  # its credentials are asked for, and refused
        terminal.type("\x11")  # ctrl+q while the request is retried
        terminal.read(0.5)
    finally:
        code = terminal.close()
    assert code == 0
    tries = emu.counts()["GetRoleCredentials"]
    time.sleep(2)
    assert emu.counts()["GetRoleCredentials"] == tries < 8  # no retry after the app closed


def still_takes_keys_then_quits(terminal: Terminal) -> None:
    """Keys typed reach the filter (once each), then ctrl+q."""
    terminal.type("zzqx")
    terminal.wait_for("No role matches 'zzqx'", 10)
    terminal.type("\x11")  # ctrl+q
    terminal.read(0.5)


def test_a_continue_signal_while_the_app_runs_leaves_it_reading_the_terminal_once(emu):
    """Textual's driver resumes the app on SIGCONT, meant for a return from a stop. One that
    comes while the app runs (``kill -CONT``, a debugger letting go) started a second reader
    of the terminal, and ctrl+q then never ended the app."""
    signed_in_with_a_cached_listing(emu)
    terminal = Terminal([])
    try:
        terminal.wait_for("roles in", 30)
        terminal.process.send_signal(signal.SIGCONT)
        terminal.read(0.5)
        still_takes_keys_then_quits(terminal)
    finally:
        code = terminal.close()
    assert code == 0


def test_a_stopped_app_comes_back_when_continued(emu):
    """A stop (SIGTSTP, as from a shell's job control) puts the terminal back as it was and
    stops the process; the continue after it brings the app back, keys and all."""
    signed_in_with_a_cached_listing(emu)
    terminal = Terminal([])
    try:
        terminal.wait_for("roles in", 30)
        terminal.process.send_signal(signal.SIGTSTP)
        terminal.read(0.5)
        assert os.waitpid(terminal.process.pid, os.WUNTRACED | os.WNOHANG)[1] & 0xFF == 0x7F  # stopped
        terminal.process.send_signal(signal.SIGCONT)
        terminal.read(0.5)
        still_takes_keys_then_quits(terminal)
    finally:
        code = terminal.close()
    assert code == 0
