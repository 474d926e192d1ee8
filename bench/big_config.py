"""Every command with a 5 MB ``~/.aws/config`` (about 48,700 profiles), against botocore's parse of it.

    python bench/big_config.py [--runs 3] [--warm-runs 30] [--profiles 48700]

A generated config (sso-session and legacy profiles, assume-role profiles, nested ``s3``
blocks, comments) also holds the profiles that ``configure populate`` writes for the
emulator's org, which runs in this process. botocore's own parse of the file
(``botocore.configloader.raw_config_parse``, the stricter of its two entry points; its
``load_config`` adds ``build_profile_map``) is timed in the same run, and each command is
timed as a subprocess (interpreter start included, median of ``--runs``) and given as a
ratio of that parse. Goal: every ratio at most 1.2. Commands that write get the same file
back before every run, so every run does the same work; ``roles`` uses a warm role listing
so its figure is about the config, not the network.

Warm ``credential-process`` (cached credentials) is timed with the big config and with a
10-line config holding the same profile, runs alternating (median of ``--warm-runs``
each). Goal: at most 30 ms slower with the big config.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _env import as_installed, installed_command, isolate

ROLES = ("Admin", "ReadOnly", "Dev", "Ops", "Audit", "Billing", "Power")
TEAMS = ("pay", "search", "id", "data", "mobile", "ml", "edge", "ledger", "growth", "infra")


def generated_config(profiles: int) -> str:
    """A big hand-kept-looking config: about 103 bytes a profile, as the reported 5 MB one."""
    rng = random.Random(15)
    out = ["# ~/.aws/config\n", "[default]\n", "region = eu-west-1\n", "output = json\n", "\n"]
    for n in range(3):
        out += [f"[sso-session corp{n}]\n", f"sso_start_url = https://d-90670000{n}a.awsapps.com/start\n", "sso_region = eu-west-1\n", "\n"]
    made = account = 0
    while made < profiles:
        account += 1
        team, number = rng.choice(TEAMS), f"{100000000000 + account * 7919:012d}"
        if account % 50 == 1:
            out.append(f"# {team} accounts from {account}\n")
        for role in ROLES:
            out.append(f"[profile {team}-{account:05d}.{role}]\n")
            if account % 10 == 0:
                out.append("sso_start_url = https://d-906700000a.awsapps.com/start\nsso_region = eu-west-1\n")
            else:
                out.append(f"sso_session = corp{account % 3}\n")
            out.append(f"sso_account_id = {number}\nsso_role_name = {role}\n")
            if made % 97 == 0:
                out.append("s3 =\n  max_concurrent_requests = 20\n")
            made += 1
            if made == profiles:
                break
        if account % 40 == 0 and made < profiles:
            out.append(f"[profile deploy-{account}]\nrole_arn = arn:aws:iam::{number}:role/Deploy\nsource_profile = default\n")
            made += 1
        out.append("\n")
    return "".join(out)


class Runner:
    def __init__(self, env: dict[str, str]) -> None:
        """``env`` made by ``as_installed``."""
        self.entry = installed_command()  # ssodeck as pip installs it (see _env.installed_python)
        self.env = env

    def run(self, *args: str, env: dict[str, str] | None = None) -> float:
        started = time.perf_counter()
        done = subprocess.run([*self.entry, *args], env=env or self.env, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"ssodeck {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
        return elapsed


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warm-runs", type=int, default=30)
    parser.add_argument("--profiles", type=int, default=48_700)
    args = parser.parse_args()
    home = isolate()

    import botocore.configloader

    from app.emulator import Emulator, generate_org

    config = Path(os.environ["AWS_CONFIG_FILE"])
    config.parent.mkdir(parents=True, exist_ok=True)
    with Emulator(org=generate_org(accounts=40), auto_approve=True, device_interval=0) as emu:
        os.environ.update(emu.env())
        for name in ("AWS_DEFAULT_SSO_START_URL", "AWS_DEFAULT_SSO_REGION"):
            os.environ.pop(name)
        env = as_installed(dict(os.environ, SSODECK_INTERACTIVE="0"))
        cli = Runner(env)
        session = ("--sso-session", "emu")
        config.write_text(generated_config(args.profiles) + f"[sso-session emu]\nsso_start_url = {emu.start_url}\nsso_region = {emu.region}\n")
        cli.run("login", *session, "--use-device-code", "--headless")
        cli.run("configure", "populate", *session, "--region", "us-east-1")  # the emulator org's profiles, and a warm role listing
        written = config.read_text()
        emu_profiles = [block.split("]\n", 1)[0][len("profile ") :] for block in written.split("\n[") if "\nsso_session = emu\n" in block]
        profile = emu_profiles[0]
        account, role = _profile_target(written, profile)
        missing = emu_profiles[-5:]  # populate finds these five gone and writes them again
        full = _without_profiles(written, missing)
        config.write_text(full)
        size, count = len(full.encode()), full.count("\n[profile ")

        started = time.perf_counter()
        botocore.configloader.raw_config_parse(str(config))
        raw_parse = time.perf_counter() - started
        started = time.perf_counter()
        botocore.configloader.load_config(str(config))
        load_parse = time.perf_counter() - started

        def restore() -> None:
            config.write_text(full)

        def relogin() -> None:
            cli.run("login", *session, "--use-device-code", "--headless")

        def uncache() -> None:
            shutil.rmtree(home / ".aws" / "cli" / "cache", ignore_errors=True)

        commands: list[tuple[str, list[str], object]] = [
            ("roles (warm listing)", ["roles", *session], None),
            ("login (signed in)", ["login", *session], None),
            ("check", ["check", *session], None),
            ("configure profile", ["configure", "profile", "bench-one", *session, "-a", account, "-r", role, "--region", "us-east-1", "--non-interactive"], restore),
            ("configure populate --dry-run", ["configure", "populate", *session, "--region", "us-east-1", "--dry-run"], None),
            ("configure populate", ["configure", "populate", *session, "--region", "us-east-1"], restore),
            ("run-as", ["run-as", "--profile", profile, "--", "true"], None),
            ("export", ["export", "--profile", profile], None),
            ("console launch --print", ["console", "launch", "--profile", profile, "--print"], None),
            ("credential-process (cold)", ["credential-process", "--profile", profile], uncache),
            ("logout", ["logout", *session], relogin),
        ]
        figures = []
        for label, command, prepare in commands:
            samples = []
            for _ in range(args.runs):
                if prepare is not None:
                    prepare()
                samples.append(cli.run(*command))
            if prepare is not None:
                prepare()
            figures.append((label, median(samples)))

        cli.run("credential-process", "--profile", profile)  # cached credentials for the warm runs
        small = home / "small-config"
        small.write_text(_small_config(written, profile, emu.start_url, emu.region))
        small_env = dict(env, AWS_CONFIG_FILE=str(small))
        warm_big, warm_small = [], []
        for _ in range(args.warm_runs):  # alternating, so load on the machine hits both alike
            warm_big.append(cli.run("credential-process", "--profile", profile))
            warm_small.append(cli.run("credential-process", "--profile", profile, env=small_env))
        requests = sum(emu.counts().values())

    print(f"config: {size / 1e6:.2f} MB, {count:,} profiles, {full.count(chr(10)):,} lines; Python {sys.version.split()[0]}, ssodeck as installed")
    print(f"botocore raw_config_parse of it: {raw_parse:.2f} s (the baseline); load_config: {load_parse:.2f} s")
    print(f"{'command (median of ' + str(args.runs) + ', process start included)':<58} {'time':>8} {'ratio':>7}  goal <= 1.2")
    for label, seconds in figures:
        ratio = seconds / raw_parse
        print(f"  {label:<56} {seconds:7.2f}s {ratio:7.2f}  {'ok' if ratio <= 1.2 else 'MISSED'}")
    big, little = median(warm_big) * 1000, median(warm_small) * 1000
    print(f"warm credential-process (median of {args.warm_runs}): {big:.1f} ms with the big config, {little:.1f} ms with 10 lines: "
          f"{big - little:+.1f} ms (goal at most +30 ms) {'ok' if big - little <= 30 else 'MISSED'}")
    print(f"requests the emulator answered in all: {requests}")
    shutil.rmtree(home, ignore_errors=True)


def _profile_target(text: str, profile: str) -> tuple[str, str]:
    section = text.split(f"[profile {profile}]\n", 1)[1].split("\n[", 1)[0]
    values = dict(line.split(" = ", 1) for line in section.splitlines() if " = " in line)
    return values["sso_account_id"], values["sso_role_name"]


def _without_profiles(text: str, names: list[str]) -> str:
    for name in names:
        start = text.index(f"[profile {name}]\n")
        end = text.find("\n[", start)
        text = text[:start] + (text[end + 1 :] if end >= 0 else "")
    return text


def _small_config(text: str, profile: str, start_url: str, region: str) -> str:
    section = text.split(f"[profile {profile}]\n", 1)[1].split("\n[", 1)[0].strip()
    return f"[sso-session emu]\nsso_start_url = {start_url}\nsso_region = {region}\n\n[profile {profile}]\n{section}\n"


if __name__ == "__main__":
    main()
