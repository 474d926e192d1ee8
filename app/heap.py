"""The garbage collector and the app's long-lived objects (no Textual here: screens and the
app itself use it)."""

from __future__ import annotations

import gc


def settle_heap() -> None:
    """Keep the garbage collector's full passes off keystrokes.

    A full pass walks every object the app holds (a hundred thousand and more with a big
    listing); one landing on a keystroke costs more than ranking 20,000 roles. When a large,
    long-lived structure has just been built (a listing, the wizard's names), this collects
    what is garbage now and freezes the rest (``gc.freeze``), so later passes skip it.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    gc.enable()  # the command line starts the app with it off (headless.cli)
