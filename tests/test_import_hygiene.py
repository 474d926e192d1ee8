"""The headless face never drags in the TUI."""

from __future__ import annotations

import subprocess
import sys


def _modules_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint('\\n'.join(sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_headless_cli_does_not_import_textual():
    assert "textual" not in _modules_after("import headless.cli")


def test_no_service_module_imports_textual_rich_or_click():
    """Every module under app/services (and the shared models), imported one by one in a
    fresh interpreter; the first that loads a face's library is named."""
    code = """
import importlib, pkgutil, sys
import app.services
names = ["app.models", "app.admin_models", "app.timefmt", "app.printable", "app.api", "app.demo"]
names += [m.name for m in pkgutil.walk_packages(app.services.__path__, "app.services.")]
for name in names:
    importlib.import_module(name)
    leaked = [lib for lib in ("textual", "rich", "click") if lib in sys.modules]
    if leaked:
        raise SystemExit(f"{name} imports {leaked}")
print(len(names))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert int(done.stdout) > 40  # it really walked the service modules


def test_help_of_every_command_loads_without_textual():
    code = "import sys\nfrom headless.group import cli\ntry:\n    cli.main(['--help'], standalone_mode=False)\nexcept SystemExit:\n    pass\nassert 'textual' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
