"""The garbage collector and the app's long-lived objects (no Textual here: screens and the
app itself use it)."""

from __future__ import annotations

import gc

_held = False  # typing is under way: collections wait for a pause (hold_collections)
_resume = True  # whether the collector runs again when the hold ends (it may have been off before)


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
    global _resume
    if collect:
        gc.unfreeze()
        gc.collect()
    gc.freeze()
    if _held:
        _resume = True  # on when the typing pauses
    else:
        gc.enable()  # the command line starts the app with it off (headless.cli)


def hold_collections() -> None:
    """A key is being typed into a filter over a big listing: no collector pass until the
    typing pauses (``release_collections``). Each key makes thousands of short-lived objects,
    so a pass of the young generations (1 to 5 ms over a big listing's leftovers) would land
    on every few keys, a third of a keystroke's time; nearly all of them are freed by
    reference counting anyway, so what waits for the pause is little."""
    global _held, _resume
    if not _held:
        _held, _resume = True, gc.isenabled()
        gc.disable()


def release_collections() -> None:
    """Typing has paused: collect the young generations now, in the pause, and let the
    collector run as it did before the hold (off still, at a start whose heap is not settled)."""
    global _held
    if _held:
        _held = False
        if _resume:
            gc.collect(1)
            gc.enable()
