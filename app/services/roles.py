"""Every account and role a user can reach, listed fast and cached between runs.

ListAccounts, then ListAccountRoles for all accounts concurrently on a bounded pool, every
request through the instance's shared rate limiter (so the pool size never decides the
request rate). Results stream to the caller as they arrive. The listing is cached per
instance (0600, in ssodeck's cache dir) with its time, so callers can show its age; a cache
older than the freshness limit is fetched again, never served as fresh.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from itertools import chain, groupby, repeat
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from app.models import Account, Instance, Role, Token, utcnow
from app.services import best_effort
from app.services.atomic import atomic_write
from app.services.errors import CANCEL_CHECK, AccessDenied, BadValue, Cancelled, LoginRequired
from app.services.paths import sha1_hex, ssodeck_cache_dir
from app.timefmt import from_z, to_z

if TYPE_CHECKING:
    from concurrent.futures import Future

DEFAULT_MAX_AGE = timedelta(hours=1)
MAX_WORKERS = 24


class ListingProgress(NamedTuple):
    """How far a listing is: accounts whose roles are in, accounts found so far, and whether
    ListAccounts has finished paging (until then ``found`` may still grow)."""

    done: int
    found: int
    all_found: bool


class Listing(NamedTuple):
    """Every account and role of an instance. ``ordered``: they are in ``tree_order``, as a
    listing fetched or read back from the cache always is."""

    accounts: tuple[Account, ...]
    roles: tuple[Role, ...]
    fetched_at: datetime
    from_cache: bool = False
    ordered: bool = False

    def age(self, now: datetime | None = None) -> timedelta:
        return (now or utcnow()) - self.fetched_at


def max_age() -> timedelta:
    """SSODECK_ROLE_CACHE_TTL (seconds; 0 never serves the cache), else an hour. A value that
    is no number of seconds (abc, nan, inf, -5) is refused (exit 2), never guessed at."""
    value = os.environ.get("SSODECK_ROLE_CACHE_TTL", "").strip()
    if not value:
        return DEFAULT_MAX_AGE
    try:
        seconds = float(value)
        if seconds >= 0:
            return timedelta(seconds=seconds)
    except (ValueError, OverflowError):  # not a number; nan; inf or too large for a timedelta
        pass
    raise BadValue(f"{value!r} (SSODECK_ROLE_CACHE_TTL) is not a number of seconds like 3600")


def cache_path(instance: Instance) -> Path:
    return ssodeck_cache_dir() / "roles" / f"{sha1_hex(instance.cache_key + '|' + instance.start_url)}.json"


def forget(instance: Instance, failed: list[str] | None = None) -> None:
    """Drop the cached listing (on logout: it must not outlive the session it was read with);
    a listing that cannot be deleted is named in ``failed``."""
    _unlink(cache_path(instance), failed)


def forget_all(failed: list[str] | None = None) -> None:
    for path in (ssodeck_cache_dir() / "roles").glob("*.json"):
        _unlink(path, failed)


def _unlink(path: Path, failed: list[str] | None) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as error:
        if failed is not None:
            failed.append(f"{path} ({error.strerror})")


def load_cached(instance: Instance) -> Listing | None:
    try:
        data = json.loads(cache_path(instance).read_text(encoding="utf-8"))
        items = data["accounts"]
        ids, names = [a["id"] for a in items], [a["name"] for a in items]
        # made by a tuple's own constructor, mapped in C: no Python call per account or role
        accounts = tuple(map(tuple.__new__, repeat(Account), zip(ids, names, [a.get("email", "") for a in items])))
        if "roles" in data:  # written before the roles were kept with their accounts
            named = dict(zip(ids, names))
            roles = tuple(map(tuple.__new__, repeat(Role), [(r["account"], r["role"], named.get(r["account"], "")) for r in data["roles"]]))
        else:  # each account's role names, beside its ID and name repeated once per role
            held = [a.get("roles", ()) for a in items]
            counts = list(map(len, held))
            columns = (chain.from_iterable(map(repeat, ids, counts)), chain.from_iterable(held), chain.from_iterable(map(repeat, names, counts)))
            roles = tuple(map(tuple.__new__, repeat(Role), zip(*columns)))
        ordered = data.get("order") == "tree"  # written before listings were kept in tree order: sorted when shown
        return Listing(accounts, roles, from_z(data["fetched_at"]), from_cache=True, ordered=ordered)
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None


def cached_accounts() -> list[Account]:
    """Every account in any cached listing (for shell completion: no network, no sign-in)."""
    found: dict[str, Account] = {}
    for path in sorted((ssodeck_cache_dir() / "roles").glob("*.json")):
        try:
            for item in json.loads(path.read_text(encoding="utf-8"))["accounts"]:
                found.setdefault(item["id"], Account(item["id"], item["name"], item.get("email", "")))
        except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
            continue
    return list(found.values())


def save_cached(instance: Instance, listing: Listing) -> None:
    """The listing for the next start, in tree order, each account with the names of its roles
    (a tenth of the JSON objects of one per role: the app reads it before its first frame,
    and shows it in the order it is read)."""
    in_order = (listing.accounts, listing.roles) if listing.ordered else tree_order(listing.accounts, listing.roles)
    held = _by_account(*in_order)
    accounts = [{"id": a.account_id, "name": a.name, "email": a.email, "roles": [role.role_name for role in held[a.account_id]]} for a in in_order[0]]
    data = {"start_url": instance.start_url, "fetched_at": to_z(listing.fetched_at), "order": "tree", "accounts": accounts}
    atomic_write(cache_path(instance), json.dumps(data, ensure_ascii=False), mode=0o600)


def stream_roles(
    instance: Instance,
    token: Token,
    *,
    accounts: list[Account] | None = None,
    workers: int = MAX_WORKERS,
    on_account: Callable[[Account], None] | None = None,
    on_denied: Callable[[Account, AccessDenied], None] | None = None,
    on_progress: Callable[[ListingProgress], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Iterator[Role]:
    """Yield roles as each account's listing completes (in completion order).

    Role requests start while later pages of ListAccounts are still coming, so paging does
    not serialize the work. ``accounts`` skips ListAccounts (explicit IDs); ``on_account``
    sees each account as it is found; ``on_progress`` hears how far the listing is after
    each account (called from pool threads); ``on_denied``, if given, hears of accounts the portal refuses instead of
    the listing failing on the first one. ``cancelled`` is asked as the listing goes: once
    it says so, no more requests start and ``Cancelled`` is raised (an app that is
    closing does not wait for a listing at the rate Identity Center allows).
    """
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait  # not needed to show a cached listing

    from app.services import portal  # nor is the portal's client (botocore is loaded later still)

    source = iter(accounts) if accounts is not None else portal.iter_accounts(instance, token, cancelled)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ssodeck-roles")
    pending: set[Future] = set()
    counts = {"found": 0, "done": 0, "all_found": False}
    counts_lock = threading.Lock()

    def report(change: str) -> None:
        """Progress is told as accounts complete (from pool threads), not as the caller
        consumes roles, so it moves while a later ListAccounts page is still on its way."""
        with counts_lock:
            if change == "all_found":
                counts["all_found"] = True
            else:
                counts[change] += 1
            snapshot = ListingProgress(counts["done"], counts["found"], counts["all_found"])
            if on_progress is not None:
                on_progress(snapshot)

    def submit(account: Account) -> None:
        future = pool.submit(roles_of, account)
        future.add_done_callback(lambda f: None if f.cancelled() or f.exception() else report("done"))
        pending.add(future)

    def stopping() -> bool:
        return cancelled is not None and cancelled()

    def roles_of(account: Account) -> list[Role]:
        if stopping():
            raise Cancelled  # never an account left out of a listing that then looks complete
        try:
            return list(portal.iter_roles(instance, token, account.account_id, account.name, cancelled))
        except AccessDenied as denied:
            if on_denied is None:
                raise
            on_denied(account, denied)
            return []

    try:
        for account in source:
            if stopping():
                raise Cancelled
            with counts_lock:
                counts["found"] += 1
            if on_account is not None:
                on_account(account)
            submit(account)
            done = {f for f in pending if f.done()}
            pending -= done
            for future in done:
                yield from future.result()
        report("all_found")
        while pending:
            if stopping():
                raise Cancelled
            done, pending = wait(pending, timeout=None if cancelled is None else CANCEL_CHECK, return_when=FIRST_COMPLETED)
            for future in done:
                yield from future.result()
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)  # given up, the requests waiting their turn end at once


def fetch_listing(
    instance: Instance,
    token: Token,
    *,
    on_role: Callable[[Role], None] | None = None,
    on_account: Callable[[Account], None] | None = None,
    on_progress: Callable[[ListingProgress], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Listing:
    """A fresh listing of every account and role, saved to the cache (``cancelled``: see
    ``stream_roles``; a listing given up is not saved)."""
    seen: list[Account] = []

    def found(account: Account) -> None:
        seen.append(account)
        if on_account is not None:
            on_account(account)

    roles: list[Role] = []
    for role in stream_roles(instance, token, on_account=found, on_progress=on_progress, cancelled=cancelled):
        roles.append(role)
        if on_role is not None:
            on_role(role)
    accounts, in_order = tree_order(seen, roles)
    listing = Listing(tuple(accounts), tuple(in_order), utcnow(), ordered=True)
    best_effort.save(lambda: save_cached(instance, listing), "the role listing was not cached, so the next command lists again")
    return listing


def _by_account(accounts: Sequence[Account], roles: Sequence[Role]) -> dict[str, list[Role]]:
    """Each account's roles, as they came, in ``accounts``' order (then any account only a
    role names: never from Identity Center; kept all the same)."""
    held: dict[str, list[Role]] = {account.account_id: [] for account in accounts}
    for key, run in groupby(roles, key=_account_id):  # a listing's roles come an account at a time
        held.setdefault(key, []).extend(run)
    return held


def tree_order(accounts: Sequence[Account], roles: Sequence[Role]) -> tuple[list[Account], list[Role]]:
    """The order of the app's tree of accounts: accounts by name (case aside, then by ID; one
    without a name by its ID), each with its roles by name (case aside; equal names as they
    came). Every account a role names is there, and an account takes the name its roles last
    give it. A listing is kept in this order (fetched, its accounts answer in any order; read
    back from the cache): the same listing always comes in the same order, the app sees at a
    glance that a new one is the one it shows, and it shows one without sorting it."""
    held = _by_account(accounts, roles)
    known = {account.account_id: account for account in accounts}
    named: list[Account] = []
    for key, members in held.items():
        account = known.get(key) or Account(key, "")
        for role in reversed(members):
            if role.account_name:
                if role.account_name != account.name:
                    account = account._replace(name=role.account_name)
                break
        named.append(account)
    named.sort(key=_account_order)
    return named, list(chain.from_iterable(sorted(held[account.account_id], key=_role_name_key) for account in named))


_account_id = attrgetter("account_id")


def _account_order(account: Account) -> tuple[str, str]:
    return ((account.name or account.account_id).lower(), account.account_id)


def _role_name_key(role: Role) -> str:
    return role.role_name.lower()


def get_listing(
    instance: Instance,
    token_source: Callable[[], Token],
    *,
    refresh: bool = False,
    on_role: Callable[[Role], None] | None = None,
    on_account: Callable[[Account], None] | None = None,
    on_progress: Callable[[ListingProgress], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Listing:
    """The cached listing while fresh, else a new one; ``token_source`` is called only if needed.

    The callbacks follow a fresh listing as it streams in (see ``fetch_listing``); a cached
    listing has all its roles at once and calls none of them.
    """
    fresh_for = max_age()  # refused at once if malformed, cache or no cache
    if not refresh:
        cached = load_cached(instance)
        if cached is not None and cached.age() < fresh_for:
            return cached
    token = token_source()
    events = {"on_role": on_role, "on_account": on_account, "on_progress": on_progress, "cancelled": cancelled}
    try:
        return fetch_listing(instance, token, **events)
    except LoginRequired:
        # The token was rejected; the second token_source() refreshes it or signs in.
        return fetch_listing(instance, token_source(), **events)
