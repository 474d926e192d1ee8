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


def test_services_do_not_import_textual_or_click():
    loaded = _modules_after("import app.services.auth, app.services.instances, app.services.check, app.models")
    assert "textual" not in loaded and "click" not in loaded


def test_help_of_every_command_loads_without_textual():
    code = "import sys\nfrom headless.group import cli\ntry:\n    cli.main(['--help'], standalone_mode=False)\nexcept SystemExit:\n    pass\nassert 'textual' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
