"""Fuzzy search, shared by ``ssodeck roles --search``, the app's filter boxes and the
assignment explorer: one ranking for every list the project filters.

A query is one or more terms (split on spaces); every term must appear in order, though not
necessarily together, in an item's text: its fields joined by two spaces (for a role,
"account name, account ID, role name": ``prdadm`` finds Payments PRoD / ADMinistratorAccess).
A term matches at its letters' first places in order: from the first place of its first
letter, each next letter's first place after the one before. Each candidate is scanned once
per term by a compiled regex whose gaps are negated character classes (linear, no
backtracking, in C). A query that extends the previous one looks only at the previous hits,
and a term that grew by a letter carries on from where its match ended (one ``str.find`` per
hit), so typing stays fast with 20,000 roles.

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
T = TypeVar("T")
_FIELD_MAX = 4095  # span, start and length each take 12 bits of a packed sort key (texts are cut to this; real ones are far shorter)
_INDEX_MASK = (1 << 24) - 1  # and the item's position the low 24


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


@dataclass
class _Matches:
    """The items a query matched and, for each of its terms, where that term's match starts
    and ends (exclusive) in each item's text: ``starts[t][k]`` for term ``t`` in ``items[k]``.
    ``starts`` and ``ends`` are None when only which items matched is known."""

    terms: list[str]
    items: Sequence[int]
    starts: list[list[int]] | None = None
    ends: list[list[int]] | None = None


def _kept(found: list[int], items: Sequence[int], starts: list[list[int]], ends: list[list[int]]) -> tuple[Sequence[int], list[list[int]], list[list[int]]]:
    """``items`` and their places, without those whose ``found`` is -1 (the term did not match)."""
    if not items or min(found) >= 0:
        return items, starts, ends
    keep = [number for number, place in enumerate(found) if place >= 0]
    return keep if isinstance(items, range) else [items[k] for k in keep], [[column[k] for k in keep] for column in starts], [[column[k] for k in keep] for column in ends]


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
        self._tails: list[int] = []  # the low 36 bits of each item's sort key: its text's length, its position
        self._last: _Matches | None = None  # the last query's, to carry on from as it is typed
        self._answers: dict[tuple[str, ...], list[int]] = {}

    def prepare(self) -> Self:
        """Make the search texts now (e.g. in a worker thread) rather than on the first key."""
        if self._originals is None:
            originals = [self._text(item)[:_FIELD_MAX] for item in self.items]
            self._texts = [text.lower() for text in originals]
            self._tails = [len(text) << 24 | index for index, text in enumerate(self._texts)]
            self._originals = originals  # last: it says the rest is ready (another thread may be asking)
        return self

    def search(self, query: str) -> list[int]:
        """Every item matching ``query``, best first; an empty query matches nothing."""
        terms = terms_of(query)
        if not terms:
            self._last = None
            return []
        remembered = self._answers.get(tuple(terms))
        if remembered is not None:
            self._last = _Matches(terms, remembered)
            return remembered
        self.prepare()
        matches = self._match(terms)
        self._last = matches
        keys = self._coarse_keys(matches)
        keys.sort()
        order = [key & _INDEX_MASK for key in keys]
        answer = self._refined(order[:FINE_LIMIT], terms) + order[FINE_LIMIT:]
        if len(self._answers) >= REMEMBERED:
            self._answers.pop(next(iter(self._answers)))
        self._answers[tuple(terms)] = answer
        return answer

    def _match(self, terms: list[str]) -> _Matches:
        """Where ``terms`` match, worked out from the last query's matches when this query
        only adds to it (letters typed at the end of a term, or new terms): only the items
        that matched then are looked at, and a term that grew by a letter is carried on from
        where it ended (the match of a term is its letters' first places in order, so it can be)."""
        last = self._last
        if last is None or len(terms) < len(last.terms) or not all(term.startswith(old) for term, old in zip(terms, last.terms)):
            return self._scan(_Matches([], range(len(self.items)), [], []), terms)
        if last.starts is None or last.ends is None:  # a remembered answer: only which items matched is known
            return self._scan(_Matches([], last.items, [], []), terms)
        return self._scan(last, terms)

    def _scan(self, base: _Matches, terms: list[str]) -> _Matches:
        """``base`` (the matches of a query ``terms`` extends) carried on to ``terms``."""
        assert base.starts is not None and base.ends is not None
        texts = self._texts
        items, starts, ends = base.items, list(base.starts), list(base.ends)
        for number, term in enumerate(terms):
            if number < len(base.terms):
                for letter in term[len(base.terms[number]) :]:
                    found = [texts[index].find(letter, end) for index, end in zip(items, ends[number])]
                    ends[number] = [place + 1 for place in found]
                    items, starts, ends = _kept(found, items, starts, ends)
                continue
            everything = isinstance(items, range)  # the first term, over every item
            if len(term) == 1:  # one letter: its first place is the match
                found = [text.find(term) for text in texts] if everything else [texts[index].find(term) for index in items]
                starts.append(found)
                ends.append([place + 1 for place in found])
            else:  # one compiled scan per item (see _term_pattern)
                search = _term_pattern(term).search
                matched = [search(text) for text in texts] if everything else [search(texts[index]) for index in items]
                starts.append([-1 if match is None else match.start() for match in matched])
                ends.append([-1 if match is None else match.end() for match in matched])
            items, starts, ends = _kept(starts[-1], items, starts, ends)
        return _Matches(terms, items, starts, ends)

    def _coarse_keys(self, matches: _Matches) -> list[int]:
        """Each match's coarse key packed in one int (ints sort several times faster than
        tuples): characters the terms' matches span, then the earliest start, then the text's
        length (12 bits each), then the item's position (the low 24 bits)."""
        assert matches.starts is not None and matches.ends is not None
        tails, items = self._tails, matches.items
        if len(matches.terms) == 1:
            begun, ended = matches.starts[0], matches.ends[0]
            return [((end - start) << 12 | start) << 36 | tails[index] for index, start, end in zip(items, begun, ended)]
        spans = [end - start for start, end in zip(matches.starts[0], matches.ends[0])]
        firsts = matches.starts[0]
        for begun, ended in zip(matches.starts[1:], matches.ends[1:]):
            spans = [span + end - start for span, start, end in zip(spans, begun, ended)]
            firsts = list(map(min, firsts, begun))
        return [(min(span, _FIELD_MAX) << 12 | first) << 36 | tails[index] for index, span, first in zip(items, spans, firsts)]

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


def starts_word(original: str, position: int) -> bool:
    """Whether a word of ``original`` (in its own case) starts at ``position``: a letter or
    digit after anything else, an upper-case letter after a lower-case one (AdministratorAccess),
    a digit after a letter (prod2)."""
    char = original[position]
    if not char.isalnum():
        return False
    if position == 0:
        return True
    before = original[position - 1]
    if not before.isalnum():
        return True
    if before.isascii() and char.isascii():
        return (before.islower() and char.isupper()) or (before.isalpha() and char.isdigit())
    return False


def fine_score(original: str, positions: Sequence[int]) -> float:
    """Higher is better: 2 per character at a word start (``starts_word``), 1.5 per character
    right after the previous one, minus 0.1 per character skipped inside the match."""
    if not positions:
        return 0.0
    score = 0.0
    for order, position in enumerate(positions):
        if starts_word(original, position):
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
