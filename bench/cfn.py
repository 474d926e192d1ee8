"""How long does ``ssodeck admin cfn`` take for 10,000 and 100,000 assignments, process start included?

    python bench/cfn.py [--runs 3] [--lint] [--lint-workers 2]

Each size is one config file (groups x permission sets x accounts) generated with
``--max-assignments-allocation N``, run as ``python -m headless admin cfn`` in a child process and timed from spawn to exit
(median of ``--runs``), next to ``python -c pass`` timed the same way in the same run.
Goals: 10,000 in at most 1.5 s, 100,000 in at most 15 s. ``--lint`` then runs cfn-lint over
every template written (slow: about 20 ms per resource) and counts what it finds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import yaml
from _env import as_installed, installed_command, installed_python, isolate

SIZES = {10_000: (10, 10, 100, 1.5), 100_000: (20, 25, 200, 15.0)}  # groups, permission sets, accounts, goal (s)


def write_config(path: Path, groups: int, permission_sets: int, accounts: int) -> None:
    lines = ["Instance: arn:aws:sso:::instance/ssoins-69e2ecd0b249f0cd", "Groups:"]
    lines += [f"  - {n:08x}-0000-4000-8000-000000000000" for n in range(groups)]
    lines += ["PermissionSets:"] + [f"  - ps-{n:016x}" for n in range(permission_sets)]
    lines += ["Accounts:"] + [f"  - '{100000000000 + n:012d}'" for n in range(accounts)]
    path.write_text("\n".join(lines) + "\n")


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def lint(path: Path) -> tuple[int, list[str]]:
    import cfnlint.api

    matches = cfnlint.api.lint_file(path, config=cfnlint.api.ManualArgs(regions=["us-east-1"]))
    resources = len(yaml.load(path.read_text(), Loader=yaml.CSafeLoader)["Resources"])
    return resources, [f"{path.name}:{m.linenumber} {m.rule.id} {m.message}" for m in matches if m.rule.id != "W3002"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lint", action="store_true", help="also run cfn-lint over every template written")
    parser.add_argument("--lint-workers", type=int, default=2)
    args = parser.parse_args()
    home = isolate()
    env = as_installed(dict(os.environ))  # ssodeck and its baseline run as pip installs them (see _env.installed_python)
    baseline = statistics.median(timed([installed_python(), "-c", "pass"], home, env) for _ in range(max(args.runs, 5)))
    print(f"python -c pass: {baseline * 1000:.0f} ms (median of {max(args.runs, 5)})")
    print("| assignments | templates | largest template | wall time (median) | goal | ratio to python -c pass |")
    print("|---|---|---|---|---|---|")
    outputs = {}
    for total, (groups, permission_sets, accounts, goal) in SIZES.items():
        work = home / f"cfn-{total}"
        work.mkdir()
        write_config(work / "assignments.yaml", groups, permission_sets, accounts)
        argv = [*installed_command(), "admin", "cfn", "assignments.yaml", "--max-assignments-allocation", str(total)]
        wall = statistics.median(timed(argv, work, env) for _ in range(args.runs))
        templates = sorted((work / "templates").rglob("*.yaml"))
        largest = max(len(yaml.load(p.read_text(), Loader=yaml.CSafeLoader)["Resources"]) for p in templates)
        verdict = "met" if wall <= goal else "MISSED"
        print(f"| {total:,} | {len(templates)} | {largest} resources | {wall:.2f} s | {goal} s ({verdict}) | {wall / baseline:.0f}x |")
        outputs[total] = templates
    if args.lint:
        for total, templates in outputs.items():
            started = time.perf_counter()
            with ProcessPoolExecutor(max_workers=args.lint_workers) as pool:
                results = list(pool.map(lint, templates))
            problems = [problem for _, found in results for problem in found]
            print(f"cfn-lint, {total:,} assignments: {len(templates)} templates, {sum(r for r, _ in results):,} resources, "
                  f"{len(problems)} findings beyond W3002, {time.perf_counter() - started:.0f} s")
            for problem in problems[:20]:
                print("   ", problem)


if __name__ == "__main__":
    main()
