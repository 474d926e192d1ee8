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
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from app.models import Account, Instance, Role, Token, utcnow
from app.services import best_effort, portal
from app.services.atomic import atomic_write
from app.services.errors import AccessDenied, LoginRequired
from app.services.paths import sha1_hex, ssodeck_cache_dir
from app.timefmt import from_z, to_z

DEFAULT_MAX_AGE = timedelta(hours=1)
MAX_WORKERS = 24


@dataclass(frozen=True)
class Listing:
    accounts: tuple[Account, ...]
    roles: tuple[Role, ...]
    fetched_at: datetime
    from_cache: bool = False

    def age(self, now: datetime | None = None) -> timedelta:
        return (now or utcnow()) - self.fetched_at


def max_age() -> timedelta:
    try:
        return timedelta(seconds=float(os.environ["SSODECK_ROLE_CACHE_TTL"]))
    except (KeyError, ValueError):
        return DEFAULT_MAX_AGE


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
        accounts = tuple(Account(a["id"], a["name"], a.get("email", "")) for a in data["accounts"])
        names = {a.account_id: a.name for a in accounts}
        roles = tuple(Role(r["account"], r["role"], names.get(r["account"], "")) for r in data["roles"])
        return Listing(accounts, roles, from_z(data["fetched_at"]), from_cache=True)
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None


def save_cached(instance: Instance, listing: Listing) -> None:
    data = {
        "start_url": instance.start_url,
        "fetched_at": to_z(listing.fetched_at),
        "accounts": [{"id": a.account_id, "name": a.name, "email": a.email} for a in listing.accounts],
        "roles": [{"account": r.account_id, "role": r.role_name} for r in listing.roles],
    }
    atomic_write(cache_path(instance), json.dumps(data, ensure_ascii=False), mode=0o600)


def stream_roles(
    instance: Instance,
    token: Token,
    *,
    accounts: list[Account] | None = None,
    workers: int = MAX_WORKERS,
    on_account: Callable[[Account], None] | None = None,
    on_denied: Callable[[Account, AccessDenied], None] | None = None,
) -> Iterator[Role]:
    """Yield roles as each account's listing completes (in completion order).

    Role requests start while later pages of ListAccounts are still coming, so paging does
    not serialize the work. ``accounts`` skips ListAccounts (explicit IDs); ``on_account``
    sees each account as it is found, e.g. to grow a progress bar; ``on_denied``, if given,
    hears of accounts the portal refuses instead of the listing failing on the first one.
    """
    source = iter(accounts) if accounts is not None else portal.iter_accounts(instance, token)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ssodeck-roles")
    pending: set[Future] = set()

    def roles_of(account: Account) -> list[Role]:
        try:
            return list(portal.iter_roles(instance, token, account.account_id, account.name))
        except AccessDenied as denied:
            if on_denied is None:
                raise
            on_denied(account, denied)
            return []

    try:
        for account in source:
            if on_account is not None:
                on_account(account)
            pending.add(pool.submit(roles_of, account))
            done = {f for f in pending if f.done()}
            pending -= done
            for future in done:
                yield from future.result()
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield from future.result()
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def fetch_listing(instance: Instance, token: Token, *, on_role: Callable[[Role], None] | None = None) -> Listing:
    """A fresh listing of every account and role, saved to the cache."""
    seen: list[Account] = []
    roles: list[Role] = []
    for role in stream_roles(instance, token, on_account=seen.append):
        roles.append(role)
        if on_role is not None:
            on_role(role)
    listing = Listing(tuple(seen), tuple(roles), utcnow())
    best_effort.save(lambda: save_cached(instance, listing), "the role listing was not cached, so the next command lists again")
    return listing


def get_listing(
    instance: Instance,
    token_source: Callable[[], Token],
    *,
    refresh: bool = False,
    on_role: Callable[[Role], None] | None = None,
) -> Listing:
    """The cached listing while fresh, else a new one; ``token_source`` is called only if needed.

    ``on_role`` sees each role as a fresh listing streams in (not for a cached listing,
    whose roles are all there at once).
    """
    if not refresh:
        cached = load_cached(instance)
        if cached is not None and cached.age() < max_age():
            return cached
    token = token_source()
    try:
        return fetch_listing(instance, token, on_role=on_role)
    except LoginRequired:
        # A rejected token was discarded; the second token_source() refreshes or signs in.
        return fetch_listing(instance, token_source(), on_role=on_role)
