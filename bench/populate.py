"""Benchmark ``configure populate`` planning and writing on a large organisation, offline.

7,000 profiles (1,000 accounts x 7 roles) go into a temp config that already holds 2,000
unrelated lines, through the real planner and writer. Goals: first plan+write < 2 s, a re-run
with nothing new < 1 s and byte-identical. A third run, where one account left and one joined, edits the big file
in place (prune + add). A plain RawConfigParser read of the result is timed as the baseline. Run: ``python bench/populate.py``.
"""

from __future__ import annotations

import configparser
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.models import Instance, Role  # noqa: E402
from app.services.config_editor import apply_edit, read_config_text  # noqa: E402
from app.services.populate import plan_populate  # noqa: E402
from app.services.profile_names import NamingOptions  # noqa: E402

INSTANCE = Instance("https://d-9067abcdef.awsapps.com/start", "eu-west-1")
ROLES = ("AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess", "Billing", "SecurityAudit", "ViewOnlyAccess", "DeveloperAccess")
TEAMS = ("payments", "search", "identity", "data-platform", "mobile", "ml", "edge", "ledger", "growth", "infra")
STAGES = ("prod", "staging", "dev", "sandbox", "qa")


def org(accounts: int = 1000) -> list[Role]:
    rng = random.Random(7)
    roles = []
    for index in range(accounts):
        team, stage = rng.choice(TEAMS), rng.choice(STAGES)
        name = f"[Sandbox] {team.title()} {index}" if stage == "sandbox" else f"acme-{team}-{stage}-{index:04d}"
        account_id = f"{100000000000 + index * 7919:012d}"
        roles += [Role(account_id, role, name) for role in ROLES]
    return roles


def unrelated_lines(target: int = 2000) -> str:
    """Hand-written-looking config: comments, static and assume-role profiles, nested s3 keys."""
    parts = ["# ~/.aws/config, kept by hand\n", "[default]\n", "region = eu-west-1\n", "output = json\n", "\n"]
    index = 0
    while sum(part.count("\n") for part in parts) < target:
        parts += [
            f"; team {index % 10}, profile {index}\n",
            f"[profile legacy-{index}]\n",
            f"role_arn = arn:aws:iam::{200000000000 + index:012d}:role/Deploy\n",
            "source_profile = default\n",
            "region = us-west-2\n",
            "s3 =\n",
            "  max_concurrent_requests = 20\n",
            "  addressing_style = path\n",
            "cli_pager =\n",
            "\n",
        ]
        index += 1
    return "".join(parts)


def populate(path: Path, roles: list[Role]) -> tuple[float, bool]:
    start = time.perf_counter()
    before = read_config_text(path)
    edit = plan_populate(
        path,
        before,
        roles,
        instance=INSTANCE,
        regions=["eu-west-1"],
        naming=NamingOptions(),
        defaults={"output": "json"},
        existing_action="keep",
        credential_process="ssodeck credential-process",
        sso_session=None,
        prune=True,
    )
    apply_edit(edit)
    return time.perf_counter() - start, edit.changed


def main() -> None:
    roles = org()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "config"
        path.write_text(unrelated_lines())
        seed_lines = len(read_config_text(path).splitlines())

        first, changed = populate(path, roles)
        written = path.read_bytes()
        again, changed_again = populate(path, roles)
        identical = path.read_bytes() == written

        # The org moved on: one account left, one joined, so the big file is edited in place.
        moved = [role for role in roles if role.account_id != roles[0].account_id]
        moved += [Role("999999999999", role, "acme-new-account") for role in ROLES]
        churn, _ = populate(path, moved)

        start = time.perf_counter()
        parser = configparser.RawConfigParser()
        parser.read(path)
        baseline = time.perf_counter() - start

    print(f"profiles planned:              {len(roles):,} ({len(roles) // len(ROLES):,} accounts x {len(ROLES)} roles)")
    print(f"existing unrelated lines:      {seed_lines:,}")
    print(f"resulting file:                {len(written.splitlines()):,} lines, {len(written) / 1e6:.1f} MB, {len(parser.sections()):,} sections")
    print(f"plan + write (goal < 2 s):     {first:.3f} s{'' if changed else '  (nothing written?)'}")
    print(f"re-run, nothing new (< 1 s):   {again:.3f} s")
    print(f"re-run byte-identical:         {identical and not changed_again}")
    print(f"one account in, one out:       {churn:.3f} s (prunes 7 and adds 7 in the {len(written.splitlines()):,}-line file)")
    print(f"RawConfigParser read baseline: {baseline:.3f} s")


if __name__ == "__main__":
    main()
