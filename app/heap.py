"""The garbage collector and the app's long-lived objects (no Textual here: screens and the
app itself use it)."""

from __future__ import annotations

import gc


def settle_heap(*, collect: bool = True) -> None:
    """Keep the garbage collector's full passes off keystrokes.

    A full pass walks every object the app holds (a hundred thousand and more with a big
    listing); one landing on a keystroke costs more than ranking 20,000 roles. When a large,
    long-lived structure has just been built (a listing, the wizard's names), this freezes
    what exists (``gc.freeze``), so later passes skip it. With ``collect`` it first makes one
    full pass itself (tens of milliseconds with a big listing: call it when nothing else is
    going on), so garbage from before is not frozen with the rest; without, it costs nothing
    (as at start, when what exists is nearly all alive).
    """
    if collect:
        gc.unfreeze()
        gc.collect()
    gc.freeze()
    gc.enable()  # the command line starts the app with it off (headless.cli)
