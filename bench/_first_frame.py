"""Run ``ssodeck`` (the app), the one-line Textual app, or only ``import textual.app``, and
end the process the moment the first frame with the roles is written to the terminal:
``tui_start.py --instructions`` counts the instructions up to there under valgrind.

    python bench/_first_frame.py ssodeck|one-line|import

Each starts as it would on its own: nothing is loaded here before it. The terminal driver's
``write`` is wrapped as Textual's driver module is loaded (a finder ahead of Python's own), so
ssodeck's launcher loads Textual itself, after it has turned the garbage collector off.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec, PathFinder
from types import ModuleType

NEEDLE = "roles in"  # the status line of both apps' first frame
DRIVER = "textual.drivers.linux_driver"


class _EndAtFirstFrame:
    """A finder for Textual's Linux driver only: it is loaded as usual, then its ``write``
    ends the process once the frame is out (nothing after it is counted)."""

    def find_spec(self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None) -> ModuleSpec | None:
        if name != DRIVER:
            return None
        sys.meta_path.remove(self)
        spec = PathFinder.find_spec(name, path)
        load = spec.loader.exec_module

        def load_then_wrap(module: ModuleType) -> None:
            load(module)
            write = module.LinuxDriver.write

            def write_then_end(driver: object, data: str) -> None:
                write(driver, data)
                if NEEDLE in data:
                    os._exit(0)

            module.LinuxDriver.write = write_then_end

        spec.loader.exec_module = load_then_wrap
        return spec


def main() -> None:
    kind = sys.argv[1]
    del sys.argv[1:]
    if kind == "import":
        import textual.app  # noqa: F401 - Textual's load alone, as a plain program does it

        os._exit(0)
    sys.meta_path.insert(0, _EndAtFirstFrame())
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
