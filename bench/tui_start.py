"""How soon does ``ssodeck`` show your roles, from a warm cache of 1,000 accounts?

    python bench/tui_start.py [--accounts 1000] [--runs 9]

``ssodeck`` (the app) starts in a real pseudo-terminal, process start included, over a HOME
with a valid token and a cached listing of ``--accounts`` accounts (7 roles each), where the
app has run once before (it keeps the CSS it parsed for its next start). Timed from
the spawn until the terminal has received the first frame with the roles (the status line
"N roles in M accounts"). Baselines in the same run: ``python -c pass``, a Python that
imports Textual's App, and a Textual app that shows one line (``_one_line_app.py``), timed
the same way in runs taken in turn with the app's: the floor any Textual app starts from on
this machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _env import as_installed, installed_python, python_speed
from _tui import AppInTerminal, listing, used_before, warm_home

GOAL_S = 0.5


def python_start(code: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([installed_python(), "-c", code], check=True, env=env)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=9, help="starts of each kind; the median is reported (a shared machine's speed moves from run to run)")
    parser.add_argument("--instructions", action="store_true", help="count instructions to the first frame under valgrind instead of timing starts")
    args = parser.parse_args()
    accounts, roles = listing(args.accounts * 7)
    warm_home(accounts, roles)
    used_before()
    if args.instructions:
        count_instructions(len(accounts), len(roles))
        return
    frames, floors, speeds = [], [], []
    for _ in range(args.runs):
        speeds.append(python_speed())
        app = AppInTerminal()
        frames.append(app.wait_for(b"roles in"))
        app.drain(0.3)
        app.quit()
        floor = AppInTerminal(argv=[installed_python(), str(Path(__file__).with_name("_one_line_app.py"))])
        floors.append(floor.wait_for(b"roles in"))
        floor.drain(0.3)
        floor.quit()
    env = as_installed(dict(os.environ))  # as the app's runs: the same bytecode
    # os._exit: the time to the end of the import, not of the interpreter's clean-up after it
    bare = statistics.median(python_start("import os; os._exit(0)", env) for _ in range(args.runs))
    textual = statistics.median(python_start("import os, textual.app; os._exit(0)", env) for _ in range(args.runs))
    first = statistics.median(frames)
    print(f"accounts, roles     {len(accounts)}, {len(roles)} (cached listing, valid token)")
    print("first frame (s)     " + " ".join(f"{f:.3f}" for f in frames))
    print(f"median              {first:.3f} s (goal <= {GOAL_S} s), ratio to goal {first / GOAL_S:.2f}")
    floor = statistics.median(floors)
    print("one-line app (s)    " + " ".join(f"{f:.3f}" for f in floors))
    print(f"median              {floor:.3f} s: the app takes {first / floor:.2f}x a one-line Textual app, {first - floor:.3f} s more")
    pairs = statistics.median(f - g for f, g in zip(frames, floors))
    print(f"paired              each run against the one-line app's run beside it: {pairs:.3f} s more (median)")
    print(f"python -c pass      {bare:.3f} s; importing textual.app {textual:.3f} s")
    print(f"machine             a fixed Python loop took {statistics.median(speeds):.0f} ms (median; {min(speeds):.0f} to {max(speeds):.0f}) during the runs")
    if first <= GOAL_S:
        verdict = "met"
    elif floor > GOAL_S:
        verdict = "missed; the one-line Textual app misses it too, so at this machine's speed no Textual app meets it"
    else:
        verdict = f"missed by {first - GOAL_S:.3f} s"
    print(f"goal                {verdict}")


def count_instructions(accounts: int, roles: int) -> None:
    if shutil.which("valgrind") is None:
        sys.exit("tui_start.py: --instructions needs valgrind (apt-get install valgrind)")
    counts = {}
    for kind in ("ssodeck", "one-line", "import"):
        with tempfile.TemporaryDirectory(prefix="ssodeck-callgrind-") as out:
            report = os.path.join(out, "callgrind.out")
            argv = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={report}", installed_python(), str(Path(__file__).with_name("_first_frame.py")), kind]
            app = AppInTerminal(argv=argv)
            try:
                status = app.wait_to_end(600)  # it ends at its first frame
            finally:
                os.close(app.leader)
            if status != 0:
                sys.exit(f"tui_start.py: {kind} under valgrind ended with status {status}")
            with open(report, encoding="utf-8") as lines:
                counts[kind] = next(int(line.split()[1]) for line in lines if line.startswith("totals:"))
    ours, floor, textual = counts["ssodeck"], counts["one-line"], counts["import"]
    print(f"accounts, roles     {accounts}, {roles} (cached listing, valid token)")
    print("instructions to the first frame (millions, callgrind)")
    print(f"  ssodeck           {ours / 1e6:8.1f}")
    print(f"  one-line app      {floor / 1e6:8.1f}   ssodeck runs {ours / floor:.3f}x as many, {(ours - floor) / 1e6:.1f} M more")
    print(f"  import textual.app{textual / 1e6:8.1f}   (Python's start included); after it ssodeck runs {(ours - textual) / 1e6:.1f} M, the one-line app {(floor - textual) / 1e6:.1f} M")


if __name__ == "__main__":
    main()
