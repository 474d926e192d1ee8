"""Put text on the user's clipboard: the system clipboard when there is one, else the terminal's.

Over SSH or in a bare container pyperclip finds no clipboard program, but most modern
terminals accept an OSC 52 escape sequence that sets the clipboard of the machine the user
sits at. The text copied is often a secret (a sign-in URL), so no message here ever includes it.
"""

from __future__ import annotations

import base64
import subprocess

from app.services.errors import ServiceError

TTY = "/dev/tty"

SYSTEM = "the system clipboard"
TERMINAL = "the terminal clipboard (OSC 52)"


def copy(text: str) -> str:
    """Copy ``text``; returns where it went (SYSTEM or TERMINAL), for the face to tell the user.

    OSC 52 is fire-and-forget: a terminal that does not support it ignores the sequence, so
    TERMINAL means "sent", not "confirmed".
    """
    import pyperclip  # only commands that copy pay for the clipboard probe

    try:
        pyperclip.copy(text)
        return SYSTEM
    except (pyperclip.PyperclipException, OSError, subprocess.SubprocessError) as error:
        system_problem = _describe(error)
    try:
        _osc52(text)
        return TERMINAL
    except OSError as error:
        terminal_problem = f"no terminal to send OSC 52 to ({error.strerror or type(error).__name__})"
    raise ServiceError(f"no clipboard available: {system_problem}, and {terminal_problem}")


def _osc52(text: str) -> None:
    """Write the OSC 52 "set clipboard" sequence to the controlling terminal, not to stdout,
    so the text never lands in a pipe or a redirected file."""
    payload = base64.b64encode(text.encode("utf-8"))
    with open(TTY, "wb", buffering=0) as tty:
        tty.write(b"\x1b]52;c;" + payload + b"\x07")


def _describe(error: Exception) -> str:
    if isinstance(error, OSError):
        return f"the clipboard program failed ({error.strerror or type(error).__name__})"
    if isinstance(error, subprocess.SubprocessError) or type(error).__name__ != "PyperclipException":
        return f"the system clipboard failed ({type(error).__name__})"
    return "no system clipboard (install xclip, xsel or wl-clipboard, or run in a desktop session)"
