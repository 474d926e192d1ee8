"""Fuzzy search over roles: what matches, in which order, and that both faces agree."""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from app.models import Instance, Role
from app.services.auth import get_token
from app.services.role_query import RoleFilter, select
from app.services import search as search_module
from app.services.search import RoleSearch, TextSearch, fine_score, highlight, match_positions, rank_roles, starts_word, text_of
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


def test_a_name_whose_lower_case_is_longer_is_found_and_marked_in_place():
    role = Role("666666666666", "Admin", "İstanbul Prod")  # İ lower-cases to two characters
    assert rank_roles([role], "prdadm") == [role]
    marks = highlight(role, "istprd")
    assert [role.account_name[i] for i in marks.account_name] == ["İ", "s", "t", "P", "r", "d"]


def test_highlight_marks_exactly_the_matched_letters():
    role = ROLES[0]
    marks = highlight(role, "prdadm")
    assert "".join(role.account_name[i] for i in marks.account_name).lower() == "prd"
    assert "".join(role.role_name[i] for i in marks.role_name).lower() == "adm"
    assert marks.account_id == ()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.text("abİcdxyz ", min_size=1, max_size=12), st.sampled_from(["Admin", "ReadOnly", "Dev"])), min_size=1, max_size=30),
    st.text("abicdxyz ", min_size=1, max_size=6),
)
def test_the_rows_on_show_are_marked_as_the_ranking_matched_them(rows, query):
    """The marks a row shows come from the ranking's own work where it did it (the best
    matches): the same letters a highlight worked out from nothing marks."""
    roles = [Role(f"{i:012d}", role, name) for i, (name, role) in enumerate(rows)]
    search = RoleSearch(roles)
    answer = search.ranked(query)
    for item in list(answer)[:5]:
        assert search.highlight(item, query, answer) == highlight(roles[item], query) == search.highlight(item, query)
    if len(answer):
        assert answer.places  # the fine order's places are carried (else each row works them out again)


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
    nothing = run_cli("roles", "--search", "zzqx")
    assert nothing.returncode == 0 and len(nothing.stdout.splitlines()) == 1  # the header alone
    assert f"No role matches 'zzqx' ({len(roles)} roles listed" in nothing.stderr


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


# -- the ranking, against a plain reading of its definition ------------------------------


def _greedy(text: str, term: str) -> tuple[int, int] | None:
    """A term's match: its first letter's first place, then each next letter's first place after."""
    start = place = text.find(term[0])
    for letter in term[1:]:
        if place < 0:
            break
        place = text.find(letter, place + 1)
    return None if place < 0 else (start, place + 1)


def _one_to_one(text: str) -> str:
    """``text`` where each character lower-cases to one (İ becomes its two-character lower case)."""
    return "".join(char if len(char.lower()) == 1 else char.lower() for char in text)


def reference_ranking(texts: list[str], query: str, fine_limit: int) -> list[int]:
    """The module docstring's ranking, item by item: coarse key (span, first start, length,
    position) for every match, the best ``fine_limit`` reordered by the fine score."""
    terms = query.lower().split()
    if not terms:
        return []
    coarse = []
    for index, original in enumerate(texts):
        text = _one_to_one(original)[:4095].lower()
        places = [_greedy(text, term) for term in terms]
        if all(places):
            span = sum(end - start for start, end in places)  # type: ignore[misc]
            coarse.append((min(span, 4095), min(start for start, _ in places), len(text), index))  # type: ignore[misc]
    order = [key[3] for key in sorted(coarse)]

    def fine(index: int) -> tuple[float, int, int, int]:
        original = _one_to_one(texts[index])[:4095]
        text = original.lower()
        score, first = 0.0, len(text)
        for term in terms:
            positions = match_positions(text, term)
            score += fine_score(original, positions)
            first = min(first, positions[0])
        return (-score, first, len(text), index)

    return sorted(order[:fine_limit], key=fine) + order[fine_limit:]


# texts of every width of character (one byte, two, four; İ lower-cases to two characters),
# some longer than the letter masks cover (search.MASKED), with letters on both sides of that
_TEXT = st.builds(
    lambda head, filler, tail: head + "-" * filler + tail,
    st.text("abcdxyzAB -éşİ𝒜", max_size=14),
    st.sampled_from([0, 0, 0, 50, 120, 127, 128, 129, 200]),
    st.text("abcdxyz é𝒜", max_size=6),
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(_TEXT, min_size=0, max_size=40),
    st.lists(st.one_of(st.text("abcdxyz éş𝒜-", min_size=1, max_size=2), st.just("\b")), min_size=1, max_size=8),
    st.integers(1, 8),
)
def test_the_fast_ranking_is_the_defined_ranking_key_by_key(texts, keys, fine_limit):
    # a small fine limit, so most examples have matches beyond it (ranked coarsely, on demand)
    original = search_module.FINE_LIMIT
    search_module.FINE_LIMIT = fine_limit
    try:
        typing = TextSearch(texts, str)
        query = ""
        for key in keys:
            query = query[:-1] if key == "\b" else query + key
            expected = reference_ranking(texts, query, fine_limit)
            ranked = typing.ranked(query)
            assert len(ranked) == len(expected), query
            assert ranked[: len(expected) // 2] == expected[: len(expected) // 2], query
            assert list(ranked) == expected, query
            assert [ranked[i] for i in range(-len(expected), 0)] == expected, query
            assert TextSearch(texts, str).search(query) == expected, query
            assert search_module.rank(texts, query, str) == [texts[index] for index in expected], query  # one-off, without numpy
    finally:
        search_module.FINE_LIMIT = original


def test_a_big_listing_ranks_as_defined():
    names = ["Payments Prod", "Payments Dev", "Data Platform", "Product Admin Tools", "Log Archive", "prd-core", "Shared Services"]
    roles = [Role(f"{i:012d}", role, f"{names[i % len(names)]} {i}") for i in range(3000) for role in ("AdministratorAccess", "ReadOnlyAccess")]
    search = RoleSearch(roles)
    texts = [text_of(role) for role in roles]
    for query in ("p", "pr", "prd", "prdadm", "prd adm", "9", "99 read", "zz"):
        expected = reference_ranking(texts, query, search_module.FINE_LIMIT)
        ranked = search.ranked(query)
        assert len(ranked) == len(expected)
        assert ranked[:50] == expected[:50]
        assert list(ranked) == expected, query


def test_a_one_off_search_ranks_without_loading_numpy():
    """``ssodeck roles --search``: loading numpy would take longer than the search."""
    import subprocess
    import sys

    code = (
        "import sys\nfrom app.models import Role\nfrom app.services.search import rank_roles\n"
        "found = rank_roles([Role('111111111111', 'ReadOnlyAccess', 'Payments Prod'), Role('111111111111', 'AdministratorAccess', 'Payments Prod')], 'prdadm')\n"
        "print([r.role_name for r in found], 'numpy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["['AdministratorAccess']", "False"]


def _subsequence(term: str, text: str) -> bool:
    letters = iter(text)
    return all(letter in letters for letter in term)


@settings(max_examples=500, deadline=None)
@given(st.text("abcab xy", max_size=20), st.text("abcxy", min_size=1, max_size=4))
def test_the_highlighted_letters_are_the_tightest_occurrence(text, term):
    # the earliest place a match can end; then the latest start that still matches up to it;
    # then, from that start, each letter at its first place
    ends = [end for end in range(len(text)) if _subsequence(term, text[: end + 1])]
    if not ends:
        assert match_positions(text, term) == ()
        return
    end = ends[0]
    start = max(begin for begin in range(end + 1) if _subsequence(term, text[begin : end + 1]))
    expected, cursor = [], start
    for letter in term:
        cursor = text.index(letter, cursor)
        expected.append(cursor)
        cursor += 1
    assert match_positions(text, term) == tuple(expected)
