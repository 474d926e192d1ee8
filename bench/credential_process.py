"""Start-up cost of ``ssodeck credential-process`` on a warm cache, against bare Python.

    python bench/credential_process.py [--runs 40]

SDKs run credential_process on every credential refresh; on a warm cache ssodeck must cost
little more than starting the interpreter. Both commands run on the same interpreter, one
that loads ssodeck as a user's install does (``_env.installed_python``: byte-compiled, no
editable-install hook, the ``ssodeck`` command as pip writes it); the figure is the median
wall time over the runs, and the goal is a ratio of at most 2.5.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from _env import as_installed, installed_command, installed_python, isolate


def median_ms(command: list[str], runs: int, env: dict[str, str]) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        samples.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"{command[1:]} failed: {done.stderr.decode(errors='replace').strip()}")
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    home = isolate()

    from app.emulator import Emulator, generate_org

    with Emulator(org=generate_org(accounts=3), auto_approve=True, device_interval=0) as emu:
        os.environ.update(emu.env())
        account, roles = emu.org.portal_view(emu.org.default_user)[0]
        config = Path(os.environ["AWS_CONFIG_FILE"])
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(
            f"[profile bench]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\n"
            f"sso_account_id = {account.account_id}\nsso_role_name = {roles[0]}\nregion = us-east-1\n"
        )
        entry = installed_command()
        env = as_installed(dict(os.environ))
        login = subprocess.run([*entry, "login", "--profile", "bench", "--headless"], env=env, capture_output=True, text=True)
        if login.returncode:
            raise SystemExit(login.stderr)
        warm = [*entry, "credential-process", "--profile", "bench"]
        subprocess.run(warm, env=env, check=True, capture_output=True)  # fills the cache
        emu.reset_counters()
        baseline = median_ms([installed_python(), "-c", "pass"], args.runs, env)
        ours = median_ms(warm, args.runs, env)
        calls = sum(emu.counts().values())
    print(f"interpreter          {installed_python()} (as installed: see _env.installed_python)")
    print(f"python -c pass       {baseline:.1f} ms (median of {args.runs})")
    print(f"credential-process   {ours:.1f} ms (median of {args.runs}, warm cache)")
    print(f"ratio                {ours / baseline:.2f}  (goal <= 2.5)")
    print(f"requests to Identity Center while warm: {calls}")
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
