"""The app's screens. Each screen's rules live in the ``.tcss`` file beside its module."""

from __future__ import annotations

from pathlib import Path


def rules_beside(module_file: str) -> str:
    """The rules in the ``.tcss`` file beside a screen's module (``roles.py``: ``roles.tcss``),
    given to the screen as its ``DEFAULT_CSS``.

    Not ``CSS_PATH``: Textual reads that when the screen is first shown, and then parses every
    stylesheet of the app again and restyles every widget on every screen (tens of
    milliseconds; for the roles view, a fifth of the time to its first frame). Default rules
    are parsed once, on their own, when the screen is first made. Every selector in them
    starts with the screen's type, so they apply to that screen alone, as before.
    """
    return Path(module_file).with_suffix(".tcss").read_text(encoding="utf-8")
