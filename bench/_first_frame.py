"""Run ``ssodeck`` (the app), the one-line Textual app, or only ``import textual.app``, and
end the process the moment the first frame with the roles is written to the terminal:
``tui_start.py --instructions`` counts the instructions up to there under valgrind.

    python bench/_first_frame.py ssodeck|one-line|import
"""

from __future__ import annotations

import os
import sys

import textual.app  # noqa: F401 - every kind starts by loading Textual, as the app does
from textual.drivers.linux_driver import LinuxDriver

NEEDLE = "roles in"  # the status line of both apps' first frame
_write = LinuxDriver.write


def _write_then_end(self: LinuxDriver, data: str) -> None:
    _write(self, data)
    if NEEDLE in data:
        os._exit(0)  # the frame is out: nothing after it is counted


def main() -> None:
    kind = sys.argv[1]
    del sys.argv[1:]
    if kind == "import":
        os._exit(0)
    LinuxDriver.write = _write_then_end
    if kind == "ssodeck":
        from headless.cli import main as ssodeck

        ssodeck([])
    elif kind == "one-line":
        import runpy

        runpy.run_path(os.path.join(os.path.dirname(__file__), "_one_line_app.py"), run_name="__main__")
    else:
        raise SystemExit(f"unknown kind {kind!r}")


if __name__ == "__main__":
    main()
