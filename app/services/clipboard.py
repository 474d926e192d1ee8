"""Put text on the system clipboard through pyperclip.

The text copied is often a secret (a sign-in URL), so no message here ever includes it.
Falling back to the terminal's clipboard (OSC 52) is terminal output, so that belongs to the
faces: the headless CLI writes it to /dev/tty, the TUI has Textual's own.
"""

from __future__ import annotations

import subprocess

from app.services.errors import ServiceError

SYSTEM = "the system clipboard"


def copy(text: str) -> str:
    """Copy ``text`` to the system clipboard; returns SYSTEM, for the face to tell the user.

    Raises ServiceError saying why when there is no clipboard mechanism or it fails.
    """
    import pyperclip  # only commands that copy pay for the clipboard probe

    try:
        pyperclip.copy(text)
    except (pyperclip.PyperclipException, OSError, subprocess.SubprocessError) as error:
        raise ServiceError(_describe(error)) from None
    return SYSTEM


def _describe(error: Exception) -> str:
    if isinstance(error, OSError):
        return f"the clipboard program failed ({error.strerror or type(error).__name__})"
    if isinstance(error, subprocess.SubprocessError) or type(error).__name__ != "PyperclipException":
        return f"the system clipboard failed ({type(error).__name__})"
    return "no system clipboard (install xclip, xsel or wl-clipboard, or run in a desktop session)"
