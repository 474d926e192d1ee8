"""How close does listing every account's roles come to the rate-limit floor?

    python bench/roles.py --accounts 1000 --latency-ms 150 --max-rps 20 [--fail-rate 0.1] [--baseline 40]

The emulator enforces the same rate as the client's limiter (answering 429 above it) and
adds the latency to every answer. The floor is calls / rate: no client can list faster
without being throttled. ``--baseline N`` also times the one-account-at-a-time walk other
tools do, over the first N accounts, and extrapolates it to all of them.
"""

from __future__ import annotations

import argparse
import time

from _env import isolate, silent_ui


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=150.0)
    parser.add_argument("--max-rps", type=float, default=20.0)
    parser.add_argument("--fail-rate", type=float, default=0.0, help="fraction of ListAccountRoles answered 429")
    parser.add_argument("--baseline", type=int, default=0, metavar="N", help="also time a sequential walk over N accounts")
    args = parser.parse_args()
    isolate()

    from app.emulator import Emulator, generate_org
    from app.models import Instance
    from app.services import portal, roles
    from app.services.auth import get_token
    from app.services.ratelimit import limiter_for

    failures = {"ListAccountRoles": {"status": 429, "rate": args.fail_rate}} if args.fail_rate else {}
    org = generate_org(accounts=args.accounts)
    with Emulator(org=org, auto_approve=True, device_interval=0, latency_ms=args.latency_ms, max_rps=args.max_rps, failures=failures) as emu:
        import os

        os.environ.update(emu.env())
        instance = Instance(emu.start_url, emu.region)

        token = get_token(instance, ui=silent_ui()).token
        limiter_for(instance.start_url, args.max_rps)
        emu.reset_counters()
        started = time.perf_counter()
        error = ""
        try:
            listing = roles.fetch_listing(instance, token)
        except Exception as exc:  # a benchmark reports failures instead of dying
            listing, error = None, f"{type(exc).__name__}: {exc}"
        wall = time.perf_counter() - started
        counts = emu.counts()
        calls = counts["ListAccounts"] + counts["ListAccountRoles"]
        visible = len(listing.accounts) if listing else 0
        floor = calls / args.max_rps
        needed = counts["ListAccounts"] + visible  # the calls a run without any 429 would make
        strict_floor = needed / args.max_rps
        print(f"accounts            {args.accounts} ({len(listing.accounts) if listing else '?'} visible), roles {len(listing.roles) if listing else '?'}")
        print(f"latency / limit     {args.latency_ms:.0f} ms per call, {args.max_rps:g} requests/s, injected 429 rate {args.fail_rate:g}")
        print(f"wall time           {wall:.2f} s")
        print(f"calls               {calls} (ListAccounts {counts['ListAccounts']}, ListAccountRoles {counts['ListAccountRoles']})")
        print(f"calls/s             {calls / wall:.2f}")
        print(f"peak in flight      {emu.peak_in_flight}")
        print(f"retried calls       {counts['ListAccountRoles'] - visible} (answered 429, then retried)")
        print(f"failures            {1 if error else 0}{'  ' + error if error else ''}")
        print(f"floor (calls/rate)  {floor:.2f} s, counting retried calls")
        print(f"ratio wall/floor    {wall / floor:.3f}  (goal <= 1.15)")
        print(f"strict floor        {strict_floor:.2f} s ({needed} calls without retries); ratio {wall / strict_floor:.3f}")
        if args.baseline:
            subset = [a for a, _ in org.portal_view(org.default_user)][: args.baseline]
            emu.configure(failures={})
            started = time.perf_counter()
            for account in subset:
                list(portal.iter_roles(instance, token, account.account_id, account.name))
            per_account = (time.perf_counter() - started) / max(1, len(subset))
            estimate = per_account * visible
            print(f"sequential baseline {per_account * 1000:.0f} ms per account over {len(subset)} accounts -> {estimate:.1f} s for {visible} (x{estimate / wall:.1f} slower)")


if __name__ == "__main__":
    main()
