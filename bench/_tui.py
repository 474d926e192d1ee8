"""Running the app for benchmarks: a warm home (a valid-looking token and a cached listing)
and ``ssodeck`` in a pseudo-terminal, read as a person's terminal would be."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import termios
import time
from datetime import timedelta

from _env import ROOT, as_installed, installed_command, isolate

START_URL = "https://bench.awsapps.com/start"
REGION = "us-east-1"
# the instance of warm_home's token and listing, with Identity Center's endpoints where nothing
# listens: the app's background check of the listing fails at once, and nothing leaves the machine
OFFLINE = {
    "AWS_DEFAULT_SSO_START_URL": START_URL,
    "AWS_DEFAULT_SSO_REGION": REGION,
    "AWS_ENDPOINT_URL_SSO": "http://127.0.0.1:9",
    "AWS_ENDPOINT_URL_SSO_OIDC": "http://127.0.0.1:9",
}


def listing(count: int):  # noqa: ANN201 - (accounts, roles)
    """``count`` roles over realistic account names: 7 permission sets per account."""
    from app.emulator import generate_org
    from app.emulator.generate import PERMISSION_SETS
    from app.models import Account, Role

    accounts = count // 7 + 1
    org = generate_org(accounts=accounts + accounts // 40 + 8, seed=3)
    names = [name for name, _, _ in PERMISSION_SETS][:7]
    found_accounts, roles = [], []
    for account in org.active_accounts():
        found_accounts.append(Account(account.account_id, account.name))
        for name in names:
            roles.append(Role(account.account_id, name, account.name))
            if len(roles) == count:
                return found_accounts, roles
    return found_accounts, roles


def warm_home(accounts, roles) -> None:  # noqa: ANN001 - models
    """A fresh HOME with a valid-looking token and a fresh cached listing."""
    from app.models import Instance, Token, utcnow
    from app.services import roles as listing_service
    from app.services import token_cache

    isolate()
    instance = Instance(START_URL, REGION)
    token_cache.save_token(instance, Token(START_URL, REGION, "bench-token", utcnow() + timedelta(hours=1)))
    listing_service.save_cached(instance, listing_service.Listing(tuple(accounts), tuple(roles), utcnow()))


def used_before() -> None:
    """Run the app once for a couple of seconds, as a person would have before: what it keeps
    for its next start (the parsed CSS, after its first frame) is then there."""
    app = AppInTerminal()
    app.wait_for(b"roles in")
    time.sleep(2)
    app.drain(0.1)
    app.quit()


class AppInTerminal:
    """``ssodeck`` (the app) in a 120x40 pseudo-terminal, run from byte-compiled sources as
    an install would be (``as_installed``); revalidation fails at once (nothing listens at
    the endpoints), so what is measured is the app over its caches."""

    def __init__(self, columns: int = 120, lines: int = 40, argv: list[str] | None = None) -> None:
        env = as_installed({**os.environ, "TERM": "xterm-256color", **OFFLINE})
        self.leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        self.started = time.perf_counter()
        self.process = subprocess.Popen(argv or installed_command(), stdin=follower, stdout=follower, stderr=follower, env=env, cwd=ROOT)
        os.close(follower)
        self.output = b""

    def wait_for(self, needle: bytes, seconds: float = 30) -> float:
        """Seconds from start until ``needle`` has been written to the terminal."""
        deadline = time.monotonic() + seconds
        while needle not in self.output:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{needle!r} never appeared")
            if select.select([self.leader], [], [], 0.02)[0]:
                self.output += os.read(self.leader, 65536)
        return time.perf_counter() - self.started

    def drain(self, quiet: float, most: float = 5.0) -> float | None:
        """Read until quiet for ``quiet`` seconds (or ``most`` seconds have passed, should the
        app never stop drawing); when the last byte came."""
        last = None
        until = time.monotonic() + most
        while time.monotonic() < until and select.select([self.leader], [], [], quiet)[0]:
            data = os.read(self.leader, 65536)
            if not data:
                break
            self.output += data
            last = time.perf_counter()
        return last

    def wait_to_end(self, seconds: float) -> int:
        """Read what the process writes until it ends by itself; its exit status."""
        deadline = time.monotonic() + seconds
        while self.process.poll() is None and time.monotonic() < deadline:
            try:
                if select.select([self.leader], [], [], 0.1)[0]:
                    self.output += os.read(self.leader, 65536)
            except OSError:  # the terminal's other end is closed: the process is ending
                break
        return self.process.wait(timeout=max(1.0, deadline - time.monotonic()))

    def send(self, keys: str) -> None:
        os.write(self.leader, keys.encode())

    def quit(self) -> int:
        self.send("\x11")  # ctrl+q
        try:
            return self.process.wait(timeout=15)
        finally:
            os.close(self.leader)
