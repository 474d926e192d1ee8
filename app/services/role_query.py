"""Which roles a listing shows, and in what order: filters, sort orders and fuzzy search.

The CLI's ``roles`` flags and the app's views ask the same questions of a listing, so the
answers live here once: account filters (IDs, ID prefixes or suffixes, name regexes), role
name regexes, the sort orders, favourites first, and best-match-first search
(``app.services.search``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from app.models import Role
from app.services.patterns import compile_patterns
from app.services.search import rank_roles

# order name -> columns, which are also the sort keys, most significant first
ORDERS: dict[str, tuple[str, ...]] = {
    "name,role": ("name", "id", "role"),
    "id,role": ("id", "name", "role"),
    "id,name": ("id", "name", "role"),
    "role,id": ("role", "id", "name"),
    "role,name": ("role", "name", "id"),
}
DEFAULT_ORDER = "name,role"
_KEYS: dict[str, Callable[[Role], str]] = {
    "name": lambda r: r.account_name.lower(),
    "id": lambda r: r.account_id,
    "role": lambda r: r.role_name.lower(),
}


class RoleFilter:
    """``accounts``: 12-digit IDs, ID prefixes/suffixes, or regexes on the account name;
    ``role_patterns``: regexes on the role name. Empty means everything. (A plain class: the
    app imports this module before its first frame, and a dataclass is slow to make.)"""

    __slots__ = ("accounts", "role_patterns")

    def __init__(self, accounts: tuple[str, ...] = (), role_patterns: tuple[str, ...] = ()) -> None:
        self.accounts, self.role_patterns = accounts, role_patterns
        # bad regexes fail before any network call
        compile_patterns(self._name_patterns, "--account-id")
        compile_patterns(self.role_patterns, "--role-name")

    @property
    def _name_patterns(self) -> tuple[str, ...]:
        return tuple(v for v in self.accounts if not v.isdigit())

    @property
    def explicit_accounts(self) -> tuple[str, ...] | None:
        """The account IDs to list directly (no ListAccounts), when every value is one."""
        if self.accounts and all(len(v) == 12 and v.isdigit() for v in self.accounts):
            return self.accounts
        return None

    def matches(self, role: Role) -> bool:
        return self._account_ok(role) and self._role_ok(role)

    def _account_ok(self, role: Role) -> bool:
        if not self.accounts:
            return True
        ids = [v for v in self.accounts if v.isdigit()]
        if any(role.account_id.startswith(v) or role.account_id.endswith(v) for v in ids):
            return True
        return any(p.search(role.account_name) for p in compile_patterns(self._name_patterns, "--account-id"))

    def _role_ok(self, role: Role) -> bool:
        patterns = compile_patterns(self.role_patterns, "--role-name")
        return not patterns or any(p.search(role.role_name) for p in patterns)


def sort_key(order: str = DEFAULT_ORDER) -> Callable[[Role], tuple[str, ...]]:
    columns = ORDERS[order]
    return lambda role: tuple(_KEYS[column](role) for column in columns)


def select(
    roles: Iterable[Role],
    *,
    where: RoleFilter | None = None,
    search: str = "",
    order: str | None = None,
    favourites: frozenset[tuple[str, str]] = frozenset(),
) -> list[Role]:
    """Filter, then either rank by ``search`` (best first) or sort by ``order``; with both,
    the search picks the roles and the order sorts them. ``favourites`` ((account, role)
    pairs) come first in a sorted listing."""
    chosen: Sequence[Role] = [r for r in roles if where is None or where.matches(r)]
    if search:
        chosen = rank_roles(chosen, search)
        if order is None:
            return list(chosen)
    key = sort_key(order or DEFAULT_ORDER)
    return sorted(chosen, key=lambda r: ((r.account_id, r.role_name) not in favourites, key(r)))
