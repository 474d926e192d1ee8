"""Copy for the headless CLI: the system clipboard when there is one, else the terminal's.

Over SSH or in a bare container pyperclip finds no clipboard program, but most modern
terminals accept an OSC 52 escape sequence that sets the clipboard of the machine the user
sits at. Writing that sequence is terminal output, so it lives here and not in the service.
The text is often a secret (a sign-in URL): no message here ever includes it.
"""

from __future__ import annotations

import base64

from app.services import clipboard
from app.services.errors import ServiceError

TTY = "/dev/tty"

SYSTEM = clipboard.SYSTEM
TERMINAL = "the terminal clipboard (OSC 52)"


def copy(text: str) -> str:
    """Copy ``text``; returns where it went (SYSTEM or TERMINAL), for the command to say.

    OSC 52 is fire-and-forget: a terminal that does not support it ignores the sequence, so
    TERMINAL means "sent", not "confirmed".
    """
    try:
        return clipboard.copy(text)
    except ServiceError as error:
        system_problem = str(error)
    try:
        _osc52(text)
    except OSError as error:
        terminal_problem = f"no terminal to send OSC 52 to ({error.strerror or type(error).__name__})"
        raise ServiceError(f"no clipboard available: {system_problem}, and {terminal_problem}") from None
    return TERMINAL


def _osc52(text: str) -> None:
    """Write the OSC 52 "set clipboard" sequence to the controlling terminal, not to stdout,
    so the text never lands in a pipe or a redirected file."""
    payload = base64.b64encode(text.encode("utf-8"))
    with open(TTY, "wb", buffering=0) as tty:
        tty.write(b"\x1b]52;c;" + payload + b"\x07")
