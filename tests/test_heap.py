"""The garbage collector around typing: held while keys come, and back as it was after."""

from __future__ import annotations

import gc

from app.heap import hold_collections, release_collections, settle_heap


def test_a_hold_ends_with_the_collector_as_it_was_unless_the_heap_was_settled_meanwhile():
    was = gc.isenabled()
    try:
        gc.disable()  # as the command line starts the app, until its first frame is out
        hold_collections()
        release_collections()
        assert not gc.isenabled()  # a key typed that early does not turn the collector on
        hold_collections()
        settle_heap(collect=False)  # the first frame is out while typing
        assert not gc.isenabled()  # not on a keystroke
        release_collections()
        assert gc.isenabled()  # at the pause
        hold_collections()
        hold_collections()  # a second key: still one hold
        release_collections()
        assert gc.isenabled()
    finally:
        gc.unfreeze()
        (gc.enable if was else gc.disable)()
