"""How long does one keystroke in the filter take with 20,000 roles, ranking and redraw included?

    python bench/tui_filter.py [--roles 20000] [--query prdadmin] [--rounds 3]

Two measurements, both in one run:

1. The app's own work per keystroke, in process (Textual's headless driver): the filter's
   new value is ranked against every role (what its change runs,
   ``RolesScreen._filter_changed``: search, rows, cursor) and the visible rows are drawn (``RoleTree.render_lines`` for the whole 120x40 view).
   This is the part ssodeck controls; the goal is 16 ms. Each round is a fresh app started
   as a person starts it, over a valid token and a cached listing of the roles; typing
   begins once the start's background work is over (the listing made searchable, and its
   check with Identity Center, which fails at once here: nothing listens at the endpoints).
2. End to end in a real terminal: ``ssodeck`` runs in a pseudo-terminal over a warm cache of
   the same listing; each key is written and timed until the terminal output for it ends.
   This adds Textual's event dispatch, its frame pacing (it draws at most 60 frames a
   second) and writing to the terminal. Baseline: the same measurement with a one-role
   listing, in the same run, so the ratio shows what the 20,000 roles add.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time

from _env import isolate, python_speed
from _tui import OFFLINE, REGION, START_URL, AppInTerminal, listing, warm_home

GOAL_MS = 16.0


async def in_process(count: int, query: str) -> list[float]:
    from textual.geometry import Region
    from textual.widgets import Input

    from app.models import Instance
    from app.screens.roles import RolesScreen
    from app.tui import Seams, make_app
    from app.widgets.role_tree import RoleTree

    warm_home(*listing(count))
    os.environ.update(OFFLINE)
    app = make_app(instance=Instance(START_URL, REGION), seams=Seams())
    times = []
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, RolesScreen) and len(screen.roles) == count
        status = screen.query_one("#status")
        for _ in range(600):  # the check of the listing, started in the background, has failed
            if "could not refresh" in str(status.render()):
                break
            await pilot.pause(0.05)
        else:
            raise TimeoutError("the background check of the listing never ended")
        await app.workers.wait_for_complete()  # and the listing is searchable
        await pilot.pause(0.2)
        box = screen.query_one("#filter", Input)
        tree = screen.query_one(RoleTree)
        view = Region(0, 0, tree.size.width, tree.size.height)
        typed = [query[: n + 1] for n in range(len(query))]
        for value in [*typed, *reversed(typed[:-1]), ""]:
            started = time.perf_counter()
            with box.prevent(Input.Changed):
                box.value = value
            screen._filter_changed()
            tree.render_lines(view)
            times.append((time.perf_counter() - started) * 1000)
            await pilot.pause(0)
    return times


def in_terminal(count: int, query: str) -> list[float]:
    warm_home(*listing(count))
    app = AppInTerminal()
    app.wait_for(b"roles in")
    app.drain(0.5)
    times = []
    for key in list(query) + ["\x7f"] * len(query):
        started = time.perf_counter()
        app.send(key)
        last = app.drain(0.15)
        times.append(((last or started) - started) * 1000)
    app.quit()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--roles", type=int, default=20_000)
    parser.add_argument("--query", default="prdadmin")
    parser.add_argument("--rounds", type=int, default=3, help="in-process rounds, each in a fresh app (default 3)")
    args = parser.parse_args()
    isolate()
    rounds, speeds = [], []
    for _ in range(args.rounds):
        speeds.append(python_speed())
        rounds.append(asyncio.run(in_process(args.roles, args.query)))
    work = [value for keys in rounds for value in keys]
    terminal = in_terminal(args.roles, args.query)
    baseline = in_terminal(1, args.query)
    print(f"roles                 {args.roles}, query {args.query!r} typed then erased one key at a time")
    for number, keys in enumerate(rounds, 1):
        print(f"app work per key (ms) round {number}: " + " ".join(f"{v:.1f}" for v in keys) + f"  (max {max(keys):.1f})")
    print(f"                      all rounds: median {statistics.median(work):.1f}, max {max(work):.1f}  (goal <= {GOAL_MS:.0f} ms)  ratio max/goal {max(work) / GOAL_MS:.2f}")
    print("in a terminal (ms)    " + " ".join(f"{v:.0f}" for v in terminal))
    print(f"                      median {statistics.median(terminal):.1f}, max {max(terminal):.1f}")
    print(f"same, 1 role (ms)     median {statistics.median(baseline):.1f}, max {max(baseline):.1f}  "
          f"-> {args.roles:,} roles add {statistics.median(terminal) - statistics.median(baseline):.1f} ms per key (median)")  # fmt: skip
    print(f"machine               a fixed Python loop took {statistics.median(speeds):.0f} ms (median; {min(speeds):.0f} to {max(speeds):.0f}) before the rounds")
    print(json.dumps({"work_max_ms": round(max(work), 2), "terminal_median_ms": round(statistics.median(terminal), 2)}))


if __name__ == "__main__":
    main()
