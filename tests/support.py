"""Helpers shared by tests: a scripted browser, config writing and subprocess runs."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
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


def run_admin_cfn(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """``ssodeck admin cfn ARGS`` as a user runs it.

    Until the ``admin`` group is merged, the command runs on its own through the entry
    point's error handling; afterwards this becomes ``run_cli("admin", "cfn", *args)``.
    """
    code = (
        "import sys\nfrom headless.cli import run_command\nfrom headless.commands.admin_cfn import cfn\n"
        "run_command(cfn, sys.argv[1:], prog_name='ssodeck admin cfn')\n"
    )
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=dict(os.environ), cwd=cwd, timeout=timeout)
