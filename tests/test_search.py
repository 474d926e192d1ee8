"""Fuzzy search over roles: what matches, in which order, and that both faces agree."""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from app.models import Instance, Role
from app.services.auth import get_token
from app.services.role_query import RoleFilter, select
from app.services.search import RoleSearch, highlight, rank_roles, starts_word
from support import FAST, Browser, run_cli

ROLES = [
    Role("111111111111", "AdministratorAccess", "Payments Prod"),
    Role("111111111111", "ReadOnlyAccess", "Payments Prod"),
    Role("222222222222", "AdministratorAccess", "Payments Dev"),
    Role("333333333333", "ProductionDatabaseOperatorAccess", "Data Platform"),
    Role("444444444444", "ReadOnlyAccess", "Product Admin Tools"),
    Role("555555555555", "Billing", "Log Archive"),
]


def names(roles: list[Role]) -> list[str]:
    return [f"{r.account_name} / {r.role_name}" for r in roles]


def test_letters_in_order_match_across_words_and_fields():
    found = names(rank_roles(ROLES, "prdadm"))
    assert found == ["Product Admin Tools / ReadOnlyAccess", "Payments Prod / AdministratorAccess"]  # both at word starts; the earlier first
    assert "Payments Dev / AdministratorAccess" not in found


def test_search_is_case_insensitive_and_covers_account_ids():
    assert names(rank_roles(ROLES, "PAYDEV")) == ["Payments Dev / AdministratorAccess"]
    assert names(rank_roles(ROLES, "3333")) == ["Data Platform / ProductionDatabaseOperatorAccess"]


def test_terms_separated_by_spaces_must_all_match_in_any_order():
    assert names(rank_roles(ROLES, "readonly payments")) == ["Payments Prod / ReadOnlyAccess"]
    assert rank_roles(ROLES, "readonly nothere") == []


def test_word_starts_and_runs_rank_first():
    ranked = names(rank_roles(ROLES, "ro"))
    assert ranked[:2] == ["Payments Prod / ReadOnlyAccess", "Product Admin Tools / ReadOnlyAccess"] or ranked[0].endswith("ReadOnlyAccess")
    assert names(rank_roles(ROLES, "bill"))[0] == "Log Archive / Billing"


def test_highlight_marks_exactly_the_matched_letters():
    role = ROLES[0]
    marks = highlight(role, "prdadm")
    assert "".join(role.account_name[i] for i in marks.account_name).lower() == "prd"
    assert "".join(role.role_name[i] for i in marks.role_name).lower() == "adm"
    assert marks.account_id == ()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.text("abcdxyz ", min_size=1, max_size=12), st.sampled_from(["Admin", "ReadOnly", "Dev"])), min_size=1, max_size=30),
    st.text("abcdxyz ", max_size=6),
    st.text("abcdxyz ", min_size=1, max_size=3),
)
def test_narrowing_as_you_type_gives_what_a_fresh_search_gives(rows, query, more):
    roles = [Role(f"{i:012d}", role, name) for i, (name, role) in enumerate(rows)]
    typing = RoleSearch(roles)
    typing.search(query)
    assert typing.search(query + more) == RoleSearch(roles).search(query + more)


def test_filters_then_search_then_favourites_first():
    where = RoleFilter(accounts=("Payments",), role_patterns=("Admin",))
    assert names(select(ROLES, where=where)) == ["Payments Dev / AdministratorAccess", "Payments Prod / AdministratorAccess"]
    favourite = frozenset({("111111111111", "AdministratorAccess")})
    assert names(select(ROLES, where=where, favourites=favourite))[0] == "Payments Prod / AdministratorAccess"


def test_cli_search_ranks_like_the_service(emu):
    get_token(Instance(emu.start_url, emu.region), ui=Browser(), options=FAST)
    listing = json.loads(run_cli("roles", "-o", "json").stdout)
    roles = [Role(r["account_id"], r["role_name"], r["account_name"]) for r in listing]
    for query in ("prdadm", "readonly", "shared adm"):
        done = run_cli("roles", "--search", query, "-o", "json")
        assert done.returncode == 0, done.stderr
        shown = [(r["account_id"], r["role_name"]) for r in json.loads(done.stdout)]
        assert shown == [(r.account_id, r.role_name) for r in rank_roles(roles, query)]


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("aZ9_ -.éÉ٣ßK"), min_size=1, max_size=16))
def test_word_starts_are_where_a_regex_of_the_rule_finds_them(text):
    # the rule: a letter or digit after anything else, A-Z after a-z, 0-9 after a letter
    rule = re.compile(r"(?<![^\W_])[^\W_]|(?<=[a-z])[A-Z]|(?<=[A-Za-z])[0-9]")
    expected = {match.start() for match in rule.finditer(text)}
    assert {position for position in range(len(text)) if starts_word(text, position)} == expected


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.text("abcdxyz -", min_size=1, max_size=12), st.sampled_from(["Admin", "ReadOnly", "Dev"])), min_size=1, max_size=40),
    st.lists(st.one_of(st.text("abcdxyz ", min_size=1, max_size=2), st.just("\b")), min_size=1, max_size=10),
)
def test_typing_and_erasing_key_by_key_gives_what_fresh_searches_give(rows, keys):
    roles = [Role(f"{i:012d}", role, name) for i, (name, role) in enumerate(rows)]
    typing = RoleSearch(roles)
    query = ""
    for key in keys:
        query = query[:-1] if key == "\b" else query + key
        assert typing.search(query) == RoleSearch(roles).search(query), query
