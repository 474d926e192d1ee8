"""How soon does ``ssodeck`` show your roles, from a warm cache of 1,000 accounts?

    python bench/tui_start.py [--accounts 1000] [--runs 5]

``ssodeck`` (the app) starts in a real pseudo-terminal, process start included, over a HOME
with a valid token and a cached listing of ``--accounts`` accounts (7 roles each). Timed from
the spawn until the terminal has received the first frame with the roles (the status line
"N roles in M accounts"). Baselines in the same run: ``python -c pass`` and a Python that
imports Textual's App, the floor any Textual app starts from.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from _tui import AppInTerminal, listing, warm_home

GOAL_S = 0.5


def python_start(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    accounts, roles = listing(args.accounts * 7)
    warm_home(accounts, roles)
    frames = []
    for _ in range(args.runs):
        app = AppInTerminal()
        frames.append(app.wait_for(b"roles in"))
        app.drain(0.3)
        app.quit()
    bare = statistics.median(python_start("pass") for _ in range(args.runs))
    textual = statistics.median(python_start("import textual.app") for _ in range(args.runs))
    first = statistics.median(frames)
    print(f"accounts, roles     {len(accounts)}, {len(roles)} (cached listing, valid token)")
    print("first frame (s)     " + " ".join(f"{f:.3f}" for f in frames))
    print(f"median              {first:.3f} s (goal <= {GOAL_S} s), ratio to goal {first / GOAL_S:.2f}")
    print(f"python -c pass      {bare:.3f} s; importing textual.app {textual:.3f} s; the app adds {first - textual:.3f} s to Textual's floor")


if __name__ == "__main__":
    main()
