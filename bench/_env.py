"""Benchmarks run against the emulator with a throwaway HOME, never the user's ~/.aws."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def isolate() -> Path:
    """Point HOME, the AWS config and ssodeck's caches at a temp dir (before botocore loads)."""
    home = Path(tempfile.mkdtemp(prefix="ssodeck-bench-"))
    for name in list(os.environ):
        if name.startswith(("AWS_", "SSODECK_")):
            del os.environ[name]
    os.environ.update(
        HOME=str(home),
        AWS_CONFIG_FILE=str(home / ".aws" / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / ".aws" / "credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        SSODECK_CACHE_DIR=str(home / "ssodeck-cache"),
        NO_PROXY="127.0.0.1,localhost",
    )
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return home


def as_installed(env: dict[str, str]) -> dict[str, str]:
    """``env`` for a child Python that runs ssodeck as an install would: from byte-compiled
    sources (pip compiles them when it installs), even where PYTHONDONTWRITEBYTECODE is set.
    The bytecode goes to a cache under the bench's temp dir, filled here once, so the
    checkout is left as it was and every run starts alike."""
    prefix = Path(tempfile.gettempdir()) / "ssodeck-bench-pycache"
    child = {key: value for key, value in env.items() if key != "PYTHONDONTWRITEBYTECODE"}
    child["PYTHONPYCACHEPREFIX"] = str(prefix)
    import subprocess

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "app"), str(ROOT / "headless")], env=child, check=True)
    return child


def installed_command() -> list[str]:
    """``ssodeck`` as pip installs it (its launcher script, run by ``installed_python``)."""
    python = Path(installed_python())
    return [str(python), str(python.parent / "ssodeck")]


def installed_python() -> str:
    """A Python that loads ssodeck as a user's install does, for benches that time a start
(with the ``ssodeck`` command beside it, ``installed_command``).

    A development checkout is installed in editable mode, whose import hook is loaded at
    every interpreter start; no user's install has it. It doubles ``python -c pass`` here
    (about 50 ms against 23), though a start of the app shows no difference that alternated
    runs can tell: nearly all of its cost is modules Textual loads anyway. This is a plain
    virtual environment (made once, kept in the temp dir) whose site-packages names, in a
    .pth file, this environment's packages (ssodeck's dependencies) and the checkout, but
    not the editable hook."""
    import hashlib
    import shutil
    import subprocess
    import sysconfig

    packages = sysconfig.get_paths()["purelib"]
    base = getattr(sys, "_base_executable", sys.executable)
    key = hashlib.sha1(f"{base}|{packages}|{ROOT}|launcher".encode()).hexdigest()[:12]
    home = Path(tempfile.gettempdir()) / f"ssodeck-bench-python-{key}"
    python = home / "bin" / "python"
    if not python.exists():
        building = Path(tempfile.mkdtemp(prefix="ssodeck-bench-python-"))
        subprocess.run([base, "-m", "venv", "--clear", str(building)], check=True)  # with pip, as a user's
        site = subprocess.run(
            [str(building / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
        (Path(site) / "ssodeck-bench.pth").write_text(f"{packages}\n{ROOT}\n", encoding="utf-8")
        # the command as pip installs it: a script that imports re (for argv[0]) and calls the entry point
        launcher = building / "bin" / "ssodeck"
        launcher.write_text(
            f"#!{home / 'bin' / 'python'}\nimport re\nimport sys\nfrom headless.cli import main\n"
            "if __name__ == '__main__':\n    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n    sys.exit(main())\n",
            encoding="utf-8",
        )
        launcher.chmod(0o755)
        try:
            building.rename(home)
        except OSError:  # another bench made it meanwhile
            shutil.rmtree(building, ignore_errors=True)
    return str(python)


def silent_ui():
    """A sign-in UI that shows nothing and opens no browser (the emulator auto-approves)."""
    from app.services.login_ui import BrowserLoginUI

    class Silent(BrowserLoginUI):
        def say(self, text: str) -> None: ...
        def device_code(self, prompt, *, opened: bool) -> None: ...
        def authorize_url(self, url: str, *, opened: bool) -> None: ...

    return Silent(headless=True)


def python_speed() -> float:
    """Milliseconds this machine takes for a fixed piece of pure Python (a million-step
    generator summed): printed beside the figures, since a shared machine's speed moves a
    lot between runs (on the 2-core machine these figures come from, 47 to 88 ms)."""
    import time

    started = time.perf_counter()
    sum(i & 7 for i in range(1_000_000))
    return (time.perf_counter() - started) * 1000
