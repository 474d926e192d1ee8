"""Demo mode: a throwaway home and a local Identity Center, so ``ssodeck --demo`` shows
everything without an AWS account and without touching the user's ``~/.aws``.

``enter()`` must run before botocore is imported (botocore reads HOME when it loads): it
points HOME, the AWS config and every cache at a fresh temporary directory, starts the
emulator in this process with a generated organisation, and exports its endpoints. Sign-ins
are approved by the emulator after a short delay, so the sign-in screen is seen working.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass

from app.emulator import Emulator, generate_org

DEMO_ACCOUNTS = 72
DEMO_SEED = 7
APPROVE_AFTER = 3.0  # seconds the sign-in screen is visible before the emulator approves


@dataclass
class Demo:
    home: str
    emulator: Emulator

    def close(self) -> None:
        self.emulator.stop()
        shutil.rmtree(self.home, ignore_errors=True)


def enter(*, accounts: int = DEMO_ACCOUNTS, approve_after: float = APPROVE_AFTER) -> Demo:
    home = tempfile.mkdtemp(prefix="ssodeck-demo-")
    for name in list(os.environ):
        if name.startswith(("AWS_", "SSODECK_")):
            del os.environ[name]
    os.environ.update(
        HOME=home,
        AWS_CONFIG_FILE=os.path.join(home, ".aws", "config"),
        AWS_SHARED_CREDENTIALS_FILE=os.path.join(home, ".aws", "credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        SSODECK_CACHE_DIR=os.path.join(home, "cache"),
        SSODECK_CONFIG_DIR=os.path.join(home, "settings"),
        AWS_SSO_DISABLE_BROWSER="1",  # the emulator approves by itself; no browser tab to close
        NO_PROXY="127.0.0.1,localhost",
    )
    emulator = Emulator(
        generate_org(accounts=accounts, seed=DEMO_SEED),
        approval="auto",
        approve_delay=approve_after,
        device_interval=1,
        latency_ms=40,
    )
    emulator.start()
    os.environ.update(emulator.env())
    return Demo(home, emulator)
