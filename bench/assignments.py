"""How close does listing every assignment (``ssodeck admin assignments``) come to the
rate-limit floor?

    python bench/assignments.py [--accounts 200 --permission-sets 10 --principals 3]
                                [--latency-ms 150 --max-rps 20] [--fail-rate 0.1] [--baseline 3]

The emulator serves an organization where every account has every permission set assigned
to ``--principals`` users or groups, adds the latency to every answer and answers
throttling errors above the rate (and, with ``--fail-rate``, to that fraction of all admin
requests). The floor is calls / rate: no client can list faster without being throttled.
``--baseline N`` times the one-request-at-a-time walk aws-sso-util does over the first N
accounts and extrapolates it to every call. Also times building the explorer's index over
the same assignments.
"""

from __future__ import annotations

import argparse
import os
import random
import time

from _env import isolate


def build_org(accounts: int, permission_sets: int, principals: int, seed: int):
    from app.emulator import Org

    rng = random.Random(seed)
    org = Org(default_user="user0")
    for index in range(accounts):
        org.add_account(f"Account {index:03d}", ou_path=("Root/Workloads/Prod", "Root/Workloads/NonProd", "Root/Sandbox")[index % 3])
    users = [org.add_user(f"user{i}") for i in range(40)]
    groups = [org.add_group(f"Group {i}", rng.sample(users, 4)) for i in range(10)]
    sets = [org.add_permission_set(f"PermissionSet{i:02d}", f"Permission set {i}") for i in range(permission_sets)]
    for account in org.accounts.values():
        for permission_set in sets:
            for principal in rng.sample(users + groups, principals):
                org.assign(account, permission_set, principal)
    return org


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--permission-sets", type=int, default=10)
    parser.add_argument("--principals", type=int, default=3, help="principals per (account, permission set)")
    parser.add_argument("--latency-ms", type=float, default=150.0)
    parser.add_argument("--max-rps", type=float, default=20.0)
    parser.add_argument("--fail-rate", type=float, default=0.0, help="fraction of all admin requests answered with throttling errors")
    parser.add_argument("--baseline", type=int, default=0, metavar="N", help="also time a sequential walk over N accounts")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    isolate()

    from app.emulator import Emulator
    from app.emulator.controls import ADMIN_OPS
    from app.emulator.server import ADMIN_CREDENTIALS
    from app.admin_models import AdminSnapshot
    from app.models import utcnow
    from app.services.admin.assignments import list_assignments
    from app.services.admin.clients import open_clients
    from app.services.admin.context import AdminContext
    from app.services.admin.explain import AssignmentIndex
    from app.services.admin.filters import AssignmentQuery

    org = build_org(args.accounts, args.permission_sets, args.principals, args.seed)
    failures = {op: {"status": 429, "rate": args.fail_rate} for op in ADMIN_OPS} if args.fail_rate else {}
    with Emulator(org=org, latency_ms=args.latency_ms, max_rps=args.max_rps, failures=failures, seed=args.seed) as emu:
        os.environ.update(emu.env(), **ADMIN_CREDENTIALS, AWS_DEFAULT_REGION=emu.region)
        ctx = AdminContext(open_clients(max_rps=args.max_rps))
        started = time.perf_counter()
        error = ""
        try:
            rows = list_assignments(ctx, AssignmentQuery())
        except Exception as exc:  # a benchmark reports failures instead of dying
            rows, error = [], f"{type(exc).__name__}: {exc}"
        wall = time.perf_counter() - started
        counts = emu.counts()
        calls = sum(counts.values())
        floor = calls / args.max_rps
        principals = {(a.principal_type, a.principal_id) for a in org.assignments}
        pairs = {(a.account_id, a.permission_set_arn) for a in org.assignments}
        needed = 1 + -(-args.accounts // 20) + args.accounts + len(pairs) + len(org.permission_sets) + len(principals)
        print(f"organization        {args.accounts} accounts x {args.permission_sets} permission sets x {args.principals} principals = {len(org.assignments)} assignments")
        print(f"latency / limit     {args.latency_ms:.0f} ms per call, {args.max_rps:g} requests/s, injected throttling rate {args.fail_rate:g}")
        print(f"rows listed         {len(rows)} (expected {len(org.assignments)})")
        print(f"wall time           {wall:.2f} s")
        print(f"calls               {calls} ({', '.join(f'{op} {n}' for op, n in sorted(counts.items(), key=lambda kv: -kv[1]))})")
        print(f"calls/s             {calls / wall:.2f}")
        print(f"peak in flight      {emu.peak_in_flight}")
        print(f"failures            {(1 if error else 0) + (len(rows) != len(org.assignments))}{'  ' + error if error else ''}")
        print(f"floor (calls/rate)  {floor:.2f} s, counting retried calls")
        print(f"ratio wall/floor    {wall / floor:.3f}  (goal <= 1.2)")
        print(f"retried calls       {calls - needed} (throttled, then retried); strict floor {needed / args.max_rps:.2f} s "
              f"({needed} calls without retries), ratio {wall / (needed / args.max_rps):.3f}")
        if args.baseline:
            emu.configure(failures={})
            emu.reset_counters()
            subset = list(org.accounts)[: args.baseline]
            instance = ctx.instance.arn
            started = time.perf_counter()
            for account_id in subset:  # aws-sso-util's walk: one request at a time
                for arn in ctx.clients.pages("sso-admin", "list_permission_sets_provisioned_to_account", "PermissionSets", "baseline",
                                             InstanceArn=instance, AccountId=account_id):
                    list(ctx.clients.pages("sso-admin", "list_account_assignments", "AccountAssignments", "baseline",
                                           InstanceArn=instance, AccountId=account_id, PermissionSetArn=arn))
            sequential = time.perf_counter() - started
            per_call = sequential / max(1, sum(emu.counts().values()))
            print(f"one at a time       {per_call * 1000:.0f} ms per call over {args.baseline} accounts -> {per_call * calls:.1f} s for {calls} calls "
                  f"(x{per_call * calls / wall:.1f} slower)")

    snapshot = AdminSnapshot(ctx.instance, tuple(org.accounts.values()), tuple(org.permission_sets.values()), tuple(org.users.values()),
                             tuple(org.groups.values()), tuple((g, u) for g, members in org.memberships.items() for u in members),
                             tuple(org.assignments), utcnow())
    started = time.perf_counter()
    index = AssignmentIndex(snapshot)
    built = time.perf_counter() - started
    account = next(iter(org.accounts))
    started = time.perf_counter()
    reach = index.who_can_reach(account)
    answered = time.perf_counter() - started
    print(f"explorer index      built in {built * 1000:.1f} ms over {len(org.assignments)} assignments; "
          f"who can reach one account: {len(reach)} paths in {answered * 1000:.2f} ms")


if __name__ == "__main__":
    main()
