"""Fuzzy search, shared by ``ssodeck roles --search``, the app's filter boxes and the
assignment explorer: one ranking for every list the project filters.

A query is one or more terms (split on spaces); every term must appear in order, though not
necessarily together, in an item's text: its fields joined by two spaces (for a role,
"account name, account ID, role name": ``prdadm`` finds Payments PRoD / ADMinistratorAccess). Each candidate is scanned once per term by a compiled regex whose
gaps are negated character classes (linear, no backtracking, in C), and a query that extends
the previous one rescans only the previous hits, so typing stays fast with 20,000 roles.

Ranking is two-tier. Every hit gets a coarse key from its match span (fewest characters
skipped, then earliest start, then shortest text). The best ``FINE_LIMIT`` hits are then
scored finely, the way people expect from fuzzy finders: characters at word starts and runs
of consecutive characters count, skipped characters cost. Both faces use this one ranking.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Self, TypeVar

from app.models import Role

FINE_LIMIT = 200  # hits that get the fine score (more than a screenful); the rest keep the coarse order
REMEMBERED = 64  # recent queries whose answers are kept, so erasing a letter costs nothing
FIELDS = ("account_name", "account_id", "role_name")
_SEPARATOR = "  "  # between fields: two spaces, so a term never spans two fields by accident
# A word starts after a non-letter/digit, at an upper-case letter after a lower-case one
# (AdministratorAccess), and at a digit after a letter (prod2).
_WORD_START = re.compile(r"(?<![^\W_])[^\W_]|(?<=[a-z])[A-Z]|(?<=[A-Za-z])[0-9]")
T = TypeVar("T")


@dataclass(frozen=True)
class Highlight:
    """Which characters of each field a query matched, for display."""

    account_name: tuple[int, ...] = ()
    account_id: tuple[int, ...] = ()
    role_name: tuple[int, ...] = ()


def terms_of(query: str) -> list[str]:
    return query.lower().split()


def _term_pattern(term: str) -> re.Pattern[str]:
    """``a[^b]*b[^c]*c``: the leftmost, tightest-from-there match of a subsequence in one scan."""
    parts = [re.escape(term[0])]
    for char in term[1:]:
        parts.append(f"[^{re.escape(char)}]*{re.escape(char)}")
    return re.compile("".join(parts))


class TextSearch(Generic[T]):
    """A searchable view of a fixed sequence of items, each searched by its ``text`` (see
    ``joined``); build a new one when the items change.

    ``search`` returns positions in ``items``, best first. The lower-cased texts are made on
    the first search, so building one for a listing that is still streaming in is cheap.
    """

    def __init__(self, items: Sequence[T], text: Callable[[T], str]) -> None:
        self.items = items
        self._text = text
        self._originals: list[str] | None = None
        self._texts: list[str] = []
        self._lengths: list[int] = []
        self._last_query: list[str] | None = None
        self._last_indices: list[int] | None = None
        self._answers: dict[tuple[str, ...], list[int]] = {}

    def prepare(self) -> Self:
        """Make the search texts now (e.g. in a worker thread) rather than on the first key."""
        if self._originals is None:
            originals = [self._text(item) for item in self.items]
            self._texts = [text.lower() for text in originals]
            self._lengths = [len(text) for text in self._texts]
            self._originals = originals  # last: it says the rest is ready (another thread may be asking)
        return self

    def search(self, query: str) -> list[int]:
        """Every item matching ``query``, best first; an empty query matches nothing."""
        terms = terms_of(query)
        if not terms:
            self._last_query = self._last_indices = None
            return []
        remembered = self._answers.get(tuple(terms))
        if remembered is not None:
            self._last_query, self._last_indices = terms, remembered
            return remembered
        self.prepare()
        candidates = self._narrowed(terms)
        patterns = [_term_pattern(term).search for term in terms]
        texts, lengths = self._texts, self._lengths
        found: list[tuple[int, int, int, int]] = []  # (span, start, length, index): sorts coarse-best first
        append = found.append
        if len(patterns) == 1:
            (search,) = patterns
            for index in candidates:
                match = search(texts[index])
                if match is not None:
                    start, end = match.span()
                    append((end - start, start, lengths[index], index))
        else:
            for index in candidates:
                text = texts[index]
                matches = [search(text) for search in patterns]
                if all(matches):
                    append((sum(m.end() - m.start() for m in matches), min(m.start() for m in matches), lengths[index], index))
        found.sort()
        order = [item[3] for item in found]
        self._last_query, self._last_indices = terms, order
        answer = self._refined(order[:FINE_LIMIT], terms) + order[FINE_LIMIT:]
        if len(self._answers) >= REMEMBERED:
            self._answers.pop(next(iter(self._answers)))
        self._answers[tuple(terms)] = answer
        return answer

    def _narrowed(self, terms: list[str]) -> Sequence[int]:
        """Items that can still match: the previous hits if this query extends the last one
        (every term a prefix-extension, no term dropped), else all of them."""
        last = self._last_query
        if last is not None and self._last_indices is not None and len(terms) >= len(last):
            if all(term.startswith(old) for term, old in zip(terms, last)):
                return self._last_indices
        return range(len(self.items))

    def _refined(self, head: list[int], terms: list[str]) -> list[int]:
        """The best coarse hits in fine order (higher score first, then earlier, then shorter)."""
        texts, originals = self._texts, self._originals or []
        scored = []
        for index in head:
            text = texts[index]
            score, first = 0.0, len(text)
            for term in terms:
                positions = match_positions(text, term)
                score += fine_score(originals[index], positions)
                first = min(first, positions[0])
            scored.append((-score, first, len(text), index))
        scored.sort()
        return [item[3] for item in scored]


class RoleSearch(TextSearch[Role]):
    """A searchable view of a fixed sequence of roles."""

    def __init__(self, roles: Sequence[Role]) -> None:
        super().__init__(roles, text_of)
        self.roles = roles

    def highlight(self, index: int, query: str) -> Highlight:
        return highlight(self.roles[index], query)


def joined(fields: Sequence[str]) -> str:
    """The searchable text of an item's fields."""
    return _SEPARATOR.join(fields)


def _fields(role: Role) -> tuple[str, str, str]:
    return (role.account_name or role.account_id, role.account_id, role.role_name)


def text_of(role: Role) -> str:
    return joined(_fields(role))


def match_positions(text: str, term: str) -> tuple[int, ...]:
    """The tightest occurrence of ``term`` as a subsequence of ``text`` (both lower case):
    scan forward to the first complete match, then back from its end to the latest start,
    then forward again from there, as fuzzy finders do."""
    end = _forward(text, term, 0)
    if end is None:
        return ()
    start = end
    remaining = len(term) - 1
    while remaining >= 0:
        if text[start] == term[remaining]:
            remaining -= 1
            if remaining < 0:
                break
        start -= 1
    positions = []
    cursor = start
    for char in term:
        cursor = text.index(char, cursor)
        positions.append(cursor)
        cursor += 1
    return tuple(positions)


def _forward(text: str, term: str, start: int) -> int | None:
    cursor = start
    last = None
    for char in term:
        last = text.find(char, cursor)
        if last < 0:
            return None
        cursor = last + 1
    return last


def fine_score(original: str, positions: Sequence[int]) -> float:
    """Higher is better: 2 per character at a word start (in the original case), 1.5 per
    character right after the previous one, minus 0.1 per character skipped inside the match."""
    if not positions:
        return 0.0
    starts = {match.start() for match in _WORD_START.finditer(original)}
    score = 0.0
    for order, position in enumerate(positions):
        if position in starts:
            score += 2.0
        if order and position == positions[order - 1] + 1:
            score += 1.5
    skipped = positions[-1] - positions[0] + 1 - len(positions)
    return score - 0.1 * skipped


def field_marks(fields: Sequence[str], query: str) -> tuple[tuple[int, ...], ...]:
    """The matched characters of each field for ``query`` (every term), for display."""
    text = joined(fields).lower()
    matched: set[int] = set()
    for term in terms_of(query):
        matched.update(match_positions(text, term))
    marks = []
    offset = 0
    for value in fields:
        marks.append(tuple(p - offset for p in sorted(matched) if offset <= p < offset + len(value)))
        offset += len(value) + len(_SEPARATOR)
    return tuple(marks)


def highlight(role: Role, query: str) -> Highlight:
    return Highlight(**dict(zip(FIELDS, field_marks(_fields(role), query))))


def rank(items: Sequence[T], query: str, text: Callable[[T], str]) -> list[T]:
    """The items whose ``text`` matches ``query``, best first (for one-off searches)."""
    return [items[index] for index in TextSearch(items, text).search(query)]


def rank_roles(roles: Sequence[Role], query: str) -> list[Role]:
    """The roles matching ``query``, best first (for one-off searches like the CLI's)."""
    return rank(roles, query, text_of)
