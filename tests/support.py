"""Helpers shared by tests: a scripted browser, config writing and subprocess runs."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from app.services.oidc import DevicePrompt, FlowOptions

FAST = FlowOptions(slow_down_step=0.01, default_interval=0.01)


class Browser:
    """Plays the user's browser: follows the authorize redirect, or approves a device code."""

    def __init__(self, emulator=None, *, approve_device: bool = False) -> None:
        self.emulator = emulator
        self.approve_device = approve_device
        self.prompts: list[DevicePrompt] = []
        self.visited: list[str] = []
        self.said: list[str] = []

    browser_available = True

    def signing_in(self, instance) -> None:
        self.said.append(f"Signing in to {instance.label()}")

    def show_waiting(self, message: str) -> None:
        self.said.append(message)

    def show_device_code(self, prompt: DevicePrompt) -> None:
        self.prompts.append(prompt)
        if self.approve_device and self.emulator is not None:
            self.emulator.approve(prompt.user_code)

    def open_authorize_url(self, url: str) -> None:
        self.visited.append(url)
        with urllib.request.urlopen(url, timeout=10) as response:  # follows the 302 to the loopback
            response.read()


def write_config(home: Path, text: str) -> Path:
    path = Path(os.environ["AWS_CONFIG_FILE"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def run_cli(*args: str, env: dict | None = None, timeout: float = 60, input: str | None = None) -> subprocess.CompletedProcess:
    """Run ``ssodeck`` as a user would, in a child process with this test's environment."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "headless", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        input=input,
    )


def count_full_parses(monkeypatch, size: int) -> Callable[[], int]:
    """Count parses of a text of at least 90% of ``size`` characters, from now on: ssodeck's
    (``ini.scan``) and configparser's, which is what botocore parses with."""
    import configparser
    import io

    from app.services import ini

    seen: list[int] = []
    real_scan, real_read = ini.scan, configparser.RawConfigParser._read

    def scan(text: str) -> ini.Sections:
        seen.append(len(text))
        return real_scan(text)

    def read(parser: configparser.RawConfigParser, handle, source: str) -> None:
        text = handle.read()
        seen.append(len(text))
        return real_read(parser, io.StringIO(text), source)

    monkeypatch.setattr(ini, "scan", scan)
    monkeypatch.setattr(configparser.RawConfigParser, "_read", read)
    return lambda: sum(1 for length in seen if length >= size * 0.9)


@contextlib.contextmanager
def unwritable(directory: Path):
    """Make ``directory`` refuse new files for the duration, for root too (CI runs as root,
    whom mode bits do not stop: then the immutable attribute does)."""
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o500)
    immutable = _refuses_writes(directory) is False and _chattr("+i", directory)
    try:
        if not _refuses_writes(directory):
            raise AssertionError(f"cannot make {directory} unwritable here (neither mode bits nor chattr +i work)")
        yield directory
    finally:
        if immutable:
            _chattr("-i", directory)
        directory.chmod(0o700)


def _refuses_writes(directory: Path) -> bool:
    probe = directory / ".probe"
    try:
        probe.touch()
    except OSError:
        return True
    probe.unlink()
    return False


def _chattr(flag: str, path: Path) -> bool:
    return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003 - urllib's signature
        return None


def follow(url: str) -> tuple[int, str | None]:
    """GET the sign-in URL like a browser's first hop: status and Location, no redirect followed."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.headers.get("Location")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location")


def run_admin_cfn(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """``ssodeck admin cfn ARGS`` as a user runs it, in ``cwd`` (inputs and outputs are relative paths)."""
    return subprocess.run([sys.executable, "-m", "headless", "admin", "cfn", *args], capture_output=True, text=True,
                          env=dict(os.environ), cwd=cwd, timeout=timeout)
