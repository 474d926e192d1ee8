"""The account view's order, made once by the listing service and trusted by the tree.

A listing is kept in tree order (fetched, and as the cache gives it back), so the app shows
thousands of roles without sorting them before its first frame; any other roles (a listing
still streaming in) are sorted by the tree itself. Both must give the tree a person expects.
"""

from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from app.models import Account, Instance, Role
from app.services import roles as listing_service
from app.services.roles import Listing, tree_order
from app.widgets.role_tree import TreeRows

IDS = st.sampled_from(["111111111111", "222222222222", "333333333333", "444444444444", "555555555555"])
NAMES = st.sampled_from(["", "Payments Prod", "payments prod", "Alpha", "beta", "Ωmega", "ärger"])
ROLE_NAMES = st.sampled_from(["Admin", "admin", "ReadOnly", "Billing", "billing", "Dev"])
ACCOUNTS = st.lists(st.builds(Account, IDS, NAMES), max_size=5)
ROLES = st.lists(st.builds(Role, IDS, ROLE_NAMES, NAMES), max_size=14)


@st.composite
def listings(draw: st.DrawFn) -> tuple[list[Account], list[Role]]:
    """As Identity Center lists: each account's roles carry its one name (or none)."""
    names = draw(st.dictionaries(IDS, NAMES))
    picks = draw(st.lists(st.tuples(IDS, ROLE_NAMES, st.booleans()), max_size=14))
    return draw(ACCOUNTS), [Role(key, role, names.get(key, "") if named else "") for key, role, named in picks]


def expected_groups(accounts: list[Account], roles: list[Role]) -> list[tuple[str, str, list[Role]]]:
    """What a person expects of the tree, worked out plainly: every account (those given, and
    any a role names), under the last name it is given (a role's over the account's), by name
    whatever its case, then by ID; under each, its roles by name whatever the case, equal
    names in the order they came."""
    names = {a.account_id: a.name for a in accounts}
    for role in roles:
        if role.account_name:
            names[role.account_id] = role.account_name
    keys = list(dict.fromkeys([a.account_id for a in accounts] + [r.account_id for r in roles]))
    keys.sort(key=lambda key: ((names.get(key) or key).lower(), key))
    return [(key, names.get(key) or key, sorted((r for r in roles if r.account_id == key), key=lambda r: r.role_name.lower())) for key in keys]


def shown_groups(tree: TreeRows) -> list[tuple[str, str, list[Role]]]:
    groups: list[tuple[str, str, list[Role]]] = []
    for row in tree.rows:
        if row.kind == "group":
            groups.append((row.group, row.title, []))
        else:
            groups[-1][2].append(row.role)
    return groups


@settings(max_examples=300, deadline=None)
@given(accounts=ACCOUNTS, roles=ROLES)
def test_the_tree_shows_accounts_and_roles_in_the_order_a_person_expects(accounts: list[Account], roles: list[Role]) -> None:
    expected = expected_groups(accounts, roles)
    assert shown_groups(TreeRows(roles, "account", frozenset(), frozenset(), accounts=accounts)) == expected
    in_order = tree_order(accounts, roles)
    assert shown_groups(TreeRows(in_order[1], "account", frozenset(), frozenset(), accounts=in_order[0], ordered=True)) == expected
    assert [(a.account_id, a.name or a.account_id) for a in in_order[0]] == [(key, name) for key, name, _ in expected]
    named = {}
    for role in roles:
        named.setdefault(role.account_id, set()).add(role.account_name or None)
    if all(len(names - {None}) <= 1 for names in named.values()):  # as in any real listing: one name an account
        assert tree_order(*in_order) == in_order  # the order is stable: a listing kept in it stays in it


@settings(max_examples=200, deadline=None)
@given(listing=listings())
def test_a_tree_told_its_roles_are_in_order_when_they_are_not_sorts_them_all_the_same(listing: tuple[list[Account], list[Role]]) -> None:
    """A role out of its account's place, or of an account not given, is seen as the tree is
    made; the tree then sorts the listing as it does any other."""
    in_order = tree_order(*listing)
    shuffled = list(reversed(in_order[1]))
    tree = TreeRows(shuffled, "account", frozenset(), frozenset(), accounts=in_order[0], ordered=True)
    if [r.account_id for r in shuffled] != [r.account_id for r in in_order[1]]:  # the accounts' runs are out of place
        assert shown_groups(tree) == expected_groups(in_order[0], shuffled)
    tree = TreeRows(in_order[1], "account", frozenset(), frozenset(), accounts=in_order[0][1:], ordered=True)
    assert shown_groups(tree) == expected_groups(in_order[0][1:], in_order[1])


def test_a_listing_is_cached_in_tree_order_and_read_back_as_such(tmp_path, monkeypatch) -> None:  # noqa: ANN001 - fixtures
    monkeypatch.setenv("SSODECK_CACHE_DIR", str(tmp_path))
    instance = Instance("https://order.awsapps.com/start", "eu-west-1")
    accounts = (Account("222222222222", "beta"), Account("111111111111", "Alpha"), Account("333333333333", "Empty"))
    roles = (Role("222222222222", "ReadOnly", "beta"), Role("222222222222", "Admin", "beta"), Role("111111111111", "Dev", "Alpha"), Role("444444444444", "Orphan"))
    listing_service.save_cached(instance, Listing(accounts, roles, datetime(2026, 12, 1, tzinfo=timezone.utc)))
    back = listing_service.load_cached(instance)
    assert back is not None and back.ordered and back.from_cache
    assert [a.account_id for a in back.accounts] == ["444444444444", "111111111111", "222222222222", "333333333333"]
    assert [(r.account_id, r.role_name) for r in back.roles] == [
        ("444444444444", "Orphan"), ("111111111111", "Dev"), ("222222222222", "Admin"), ("222222222222", "ReadOnly"),
    ]  # fmt: skip
    assert (back.accounts, back.roles) == tuple(map(tuple, tree_order(back.accounts, back.roles)))
