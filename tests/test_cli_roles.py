"""`ssodeck roles` over the emulator: listing, filters, formats, cache and errors."""

from __future__ import annotations

import csv
import io
import json

from app.models import Instance
from app.services.auth import get_token
from app.services.roles import cache_path
from support import FAST, Browser, run_cli


def _expected(emu) -> set[tuple[str, str, str]]:
    return {(a.account_id, a.name, role) for a, roles in emu.org.portal_view(emu.org.default_user) for role in roles}


def _login(emu) -> Instance:
    instance = Instance(emu.start_url, emu.region)
    get_token(instance, ui=Browser(), options=FAST)
    return instance


def test_json_lists_every_role_and_is_cached(emu):
    instance = _login(emu)
    done = run_cli("roles", "--output", "json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert {(r["account_id"], r["account_name"], r["role_name"]) for r in rows} == _expected(emu)
    assert cache_path(instance).exists()
    calls = emu.counts()["ListAccountRoles"]
    again = run_cli("roles", "--output", "json")
    assert json.loads(again.stdout) == rows
    assert emu.counts()["ListAccountRoles"] == calls  # served from the cache
    assert "cached" in again.stderr
    fresh = run_cli("roles", "--refresh", "-o", "json")
    assert json.loads(fresh.stdout) == rows and emu.counts()["ListAccountRoles"] == 2 * calls


def test_csv_is_quoted_and_filters_apply(emu):
    _login(emu)
    done = run_cli("roles", "-o", "csv", "-r", "^Admin", "--sort-by", "role,id")
    assert done.returncode == 0, done.stderr
    parsed = list(csv.reader(io.StringIO(done.stdout)))
    assert parsed[0] == ["Role name", "Account ID", "Account name"]
    expected = sorted((role, acct, name) for acct, name, role in _expected(emu) if role.startswith("Admin"))
    assert sorted(tuple(r) for r in parsed[1:]) == expected


def test_table_separator_and_account_filters(emu):
    _login(emu)
    account = emu.org.portal_view(emu.org.default_user)[0][0]
    done = run_cli("roles", "--sep", "|", "--no-header", "-a", account.account_id)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines and all(line.split("|")[1] == account.account_id for line in lines)
    by_name = run_cli("roles", "--no-header", "--sep", ",", "-a", account.account_id[:5])
    assert account.account_id in by_name.stdout


def test_bad_input_is_one_line(emu):
    _login(emu)
    bad = run_cli("roles", "-r", "(")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "--role-name" in bad.stderr
    unknown = run_cli("roles", "-a", "999999999999")
    assert unknown.returncode == 4 and "no access to account 999999999999" in unknown.stderr and "Traceback" not in unknown.stderr
    account = emu.org.portal_view(emu.org.default_user)[0][0]
    mixed = run_cli("roles", "-a", "999999999999", "-a", account.account_id, "--no-header", "--sep", ",")
    assert mixed.returncode == 4 and account.account_id in mixed.stdout and mixed.stderr.count("\n") == 1


def test_a_role_cache_ttl_that_is_no_number_of_seconds_is_one_line_exit_2(emu):
    _login(emu)
    assert run_cli("roles").returncode == 0  # a cached listing, which the TTL is checked against
    for value in ("inf", "1e400", "nan", "abc", "-5"):
        bad = run_cli("roles", env={"SSODECK_ROLE_CACHE_TTL": value})
        assert bad.returncode == 2 and bad.stdout == "", (value, bad.stderr)
        assert bad.stderr == f"ssodeck: {value!r} (SSODECK_ROLE_CACHE_TTL) is not a number of seconds like 3600\n"
    calls = emu.counts()["ListAccountRoles"]
    assert "cached" in run_cli("roles", env={"SSODECK_ROLE_CACHE_TTL": "600"}).stderr
    never = run_cli("roles", env={"SSODECK_ROLE_CACHE_TTL": "0"})
    assert never.returncode == 0 and emu.counts()["ListAccountRoles"] > calls


def test_rejected_token_is_refreshed_else_login_is_named(emu):
    _login(emu)
    emu.expire_now("access_token")  # revoked at Identity Center, still valid in the file
    recovered = run_cli("roles", "--refresh")
    assert recovered.returncode == 0, recovered.stderr
    assert emu.counts()["CreateToken.refresh_token"] == 1
    emu.expire_now("access_token")
    emu.expire_now("refresh_token")
    done = run_cli("roles", "--refresh")
    assert done.returncode == 1 and "ssodeck login" in done.stderr and done.stdout == ""


def test_the_cached_listing_comes_back_as_it_was_saved_and_old_caches_still_read():
    from datetime import datetime, timezone

    from app.models import Account, Role
    from app.services.roles import Listing, load_cached, save_cached

    instance = Instance("https://cache.awsapps.com/start", "eu-west-1")
    accounts = (Account("111111111111", "Payments Prod", "p@example.com"), Account("222222222222", "Empty"))
    roles = (Role("111111111111", "ReadOnly", "Payments Prod"), Role("111111111111", "Admin", "Payments Prod"), Role("333333333333", "Orphan"))
    fetched = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
    save_cached(instance, Listing(accounts, roles, fetched))
    back = load_cached(instance)
    assert back is not None and back.fetched_at == fetched and back.from_cache and back.ordered
    assert back.accounts == (Account("333333333333", ""), accounts[1], accounts[0])  # in tree order: by name, or ID
    assert sorted(back.roles, key=str) == sorted(roles, key=str)
    # the format before roles were kept with their accounts
    cache_path(instance).write_text(json.dumps({
        "start_url": instance.start_url, "fetched_at": "2026-12-01T12:00:00Z",
        "accounts": [{"id": "111111111111", "name": "Payments Prod", "email": ""}],
        "roles": [{"account": "111111111111", "role": "Admin"}],
    }))  # fmt: skip
    old = load_cached(instance)
    assert old is not None and old.roles == (Role("111111111111", "Admin", "Payments Prod"),) and not old.ordered


def test_a_fresh_listing_is_in_tree_order_as_the_cache_gives_it_back_whichever_account_answered_first(monkeypatch):
    from app.models import Account, Role, Token, utcnow
    from app.services import roles as role_service

    instance = Instance("https://order.awsapps.com/start", "eu-west-1")
    accounts = [Account("111111111111", "Alpha"), Account("222222222222", "Beta"), Account("333333333333", "Gamma")]
    answered = [  # each account's roles together, the accounts in the order they answered
        Role("333333333333", "Admin", "Gamma"), Role("333333333333", "ReadOnly", "Gamma"),
        Role("111111111111", "Billing", "Alpha"),
        Role("222222222222", "Dev", "Beta"), Role("222222222222", "Admin", "Beta"),
    ]  # fmt: skip

    def stream_roles(instance, token, *, on_account, on_progress, cancelled):  # noqa: ANN001, ANN202 - the portal, stood in for
        for account in accounts:  # ListAccounts' order
            on_account(account)
        yield from answered

    monkeypatch.setattr(role_service, "stream_roles", stream_roles)
    fresh = role_service.fetch_listing(instance, Token(instance.start_url, instance.region, "t", utcnow()))
    assert [(r.account_name, r.role_name) for r in fresh.roles] == [("Alpha", "Billing"), ("Beta", "Admin"), ("Beta", "Dev"), ("Gamma", "Admin"), ("Gamma", "ReadOnly")]
    assert fresh.ordered and fresh.accounts == tuple(accounts)
    cached = role_service.load_cached(instance)
    assert cached is not None and cached.roles == fresh.roles and cached.accounts == fresh.accounts and cached.ordered


def test_a_listing_given_up_stops_its_requests_and_is_not_cached(emu):
    import threading

    import pytest

    from app.services import roles as role_service
    from app.services.auth import get_token
    from app.services.errors import Cancelled
    from app.services.ratelimit import DEFAULT_RPS, limiter_for

    instance = Instance(emu.start_url, emu.region)
    token = get_token(instance, ui=Browser(), options=FAST).token
    visible = len(emu.org.portal_view(emu.org.default_user))
    before = emu.counts()["ListAccountRoles"]
    limiter_for(emu.start_url, 2.0)  # two requests a second: the accounts' roles come one by one
    given_up = threading.Event()
    try:
        with pytest.raises(Cancelled):
            role_service.fetch_listing(instance, token, on_role=lambda role: given_up.set(), cancelled=given_up.is_set)
    finally:
        limiter_for(emu.start_url, DEFAULT_RPS)
    made = emu.counts()["ListAccountRoles"] - before
    assert 1 <= made < visible
    assert not cache_path(instance).exists()


def test_a_wait_for_a_permit_ends_when_the_work_is_given_up():
    import pytest

    from app.services.errors import Cancelled
    from app.services.ratelimit import RateLimiter

    limiter = RateLimiter(0.5)  # a permit every two seconds
    limiter.acquire()
    asked: list[bool] = []

    def cancelled() -> bool:
        asked.append(True)
        return len(asked) >= 3

    with pytest.raises(Cancelled):
        limiter.acquire(cancelled)
    assert len(asked) == 3  # asked as it waited, and it stopped waiting when told


def test_a_listing_given_up_as_its_last_accounts_finish_never_returns_short(monkeypatch):
    """Given up while the last accounts are listed, the listing ends with ``Cancelled``: it
    never returns (and so is never cached) without the accounts it skipped."""
    import threading
    import time

    import pytest

    from app.models import Account, Role, Token, utcnow
    from app.services import portal
    from app.services import roles as role_service
    from app.services.errors import Cancelled

    instance = Instance("https://short.awsapps.com/start", "eu-west-1")
    given_up = threading.Event()

    def iter_roles(instance, token, account_id, account_name="", cancelled=None):  # noqa: ANN001, ANN202 - the portal, stood in for
        if account_id == "111111111111":
            time.sleep(0.05)
            given_up.set()  # given up as the first account's roles come in
        return iter([Role(account_id, "Admin", account_name)])

    monkeypatch.setattr(portal, "iter_roles", iter_roles)
    accounts = [Account("111111111111", "A"), Account("222222222222", "B")]
    with pytest.raises(Cancelled):
        list(role_service.stream_roles(instance, Token(instance.start_url, instance.region, "t", utcnow()), workers=1, accounts=accounts, cancelled=given_up.is_set))
