"""Fuzzy search, shared by ``ssodeck roles --search``, the app's filter boxes and the
assignment explorer: one ranking for every list the project filters.

A query is one or more terms (split on spaces); every term must appear in order, though not
necessarily together, in an item's text: its fields joined by two spaces (for a role,
"account name, account ID, role name": ``prdadm`` finds Payments PRoD / ADMinistratorAccess).
A term matches at its letters' first places in order: from the first place of its first
letter, each next letter's first place after the one before. That is worked out a letter at
a time for every candidate at once, over bit masks of where each letter is (see
``TextSearch``). A query that extends the previous one looks only at the previous hits, and
a term that grew by a letter carries on from where its match ended, so typing stays fast
with 20,000 roles.

Ranking is two-tier. Every hit gets a coarse key from its match span (fewest characters
skipped, then earliest start, then shortest text). The best ``FINE_LIMIT`` hits are then
scored finely, the way people expect from fuzzy finders: characters at word starts (in the
text's own case, see ``aligned``) and runs of consecutive characters count, skipped
characters cost. Both faces use this one ranking.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Generic, NamedTuple, Self, TypeVar

if TYPE_CHECKING:
    import numpy as np  # loaded by the first search (or prepare), not with this module: the app starts without it

from app.models import Role

FINE_LIMIT = 200  # hits that get the fine score (more than a screenful); the rest keep the coarse order
REMEMBERED = 64  # recent queries whose answers are kept, so erasing a letter costs nothing
FIELDS = ("account_name", "account_id", "role_name")
_SEPARATOR = "  "  # between fields: two spaces, so a term never spans two fields by accident
T = TypeVar("T")
_FIELD_MAX = 4095  # span, start and length each take 12 bits of a packed sort key (texts are cut to this; real ones are far shorter)
_INDEX_MASK = (1 << 24) - 1  # and the item's position the low 24
MASKED = 128  # characters of each text the letter masks cover (two 64-bit words); longer texts are searched past them by str.find
COMMON_LETTERS = "etaoinsrhldcumfpgwybvkxjqz0123456789-_"  # whose masks the app makes before the first key


class Highlight(NamedTuple):
    """Which characters of each field a query matched, for display."""

    account_name: tuple[int, ...] = ()
    account_id: tuple[int, ...] = ()
    role_name: tuple[int, ...] = ()


def terms_of(query: str) -> list[str]:
    return query.lower().split()


def _code_points(texts: list[str]) -> np.ndarray:
    """The first MASKED characters of each text as a row of code points (0 past its end), in
    the narrowest unsigned type that holds them."""
    import numpy as np

    padded = "".join(text[:MASKED].ljust(MASKED, "\0") for text in texts)
    if padded.isascii():
        kind, data = np.uint8, padded.encode("ascii")
    else:
        try:
            kind, data = np.uint8, padded.encode("latin-1")
        except UnicodeEncodeError:
            kind, data = np.uint16, padded.encode("utf-16-le", "surrogatepass")
            if len(data) != 2 * len(padded):  # characters beyond the first plane took two units each
                kind, data = np.uint32, padded.encode("utf-32-le", "surrogatepass")
    return np.frombuffer(data, dtype=kind).reshape(len(texts), MASKED)


def _lowest_bit(words: np.ndarray) -> np.ndarray:
    """The place of each word's lowest set bit (-1 for 0)."""
    import numpy as np

    lowest = words & (~words + np.uint64(1))
    return np.frexp(lowest.astype(np.float64))[1].astype(np.int64) - 1


class _Matches(NamedTuple):
    """The items a query matched (positions in the searched sequence, an int64 array) and,
    for each of its terms, where that term's match starts and ends (exclusive) in each item's
    text: ``starts[t][k]`` for term ``t`` in ``items[k]``. ``starts`` and ``ends`` are None
    when only which items matched is known."""

    terms: list[str]
    items: np.ndarray
    starts: list[np.ndarray] | None = None
    ends: list[np.ndarray] | None = None

    def keeping(self, kept: np.ndarray) -> _Matches:
        """These matches without those where ``kept`` (a boolean array) is False."""
        assert self.starts is not None and self.ends is not None
        return _Matches(self.terms, self.items[kept], [column[kept] for column in self.starts], [column[kept] for column in self.ends])


class Ranked(Sequence[int]):
    """The items a query matched, best first (positions in the searched sequence).

    The first ``FINE_LIMIT`` are worked out with the query; the rest (in coarse order) only
    when something reads that far, as a list scrolled down or a command printing them all,
    so a keystroke that matches 10,000 items pays for a screenful of them.
    """

    def __init__(
        self,
        head: list[int],
        keys: np.ndarray | None = None,
        items: np.ndarray | None = None,
        places: dict[int, tuple[int, ...]] | None = None,
    ) -> None:
        import numpy as np

        self._head = head
        self.places = places or {}  # the matched places in the head's texts, as the fine order found them (see TextSearch.places)
        self._keys = keys  # every match's coarse key, for the rest (None: the head is all)
        self._rest: list[int] | None = None if keys is not None and len(keys) > len(head) else []
        self.items = items if items is not None else np.array(head, dtype=np.int64)  # which items matched, in no order

    def __len__(self) -> int:
        return len(self.items)

    def _tail(self) -> list[int]:
        if self._rest is None:
            assert self._keys is not None
            ordered = self._keys.copy()
            ordered.sort()
            self._rest = (ordered[len(self._head) :] & _INDEX_MASK).tolist()
        return self._rest

    def __getitem__(self, index):  # noqa: ANN001, ANN204 - an int or a slice, as for a list
        head = self._head
        if isinstance(index, slice):
            if index.stop is not None and 0 <= index.stop <= len(head) and (index.start or 0) >= 0 and index.step in (None, 1):
                return head[index]
            return (head + self._tail())[index]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("match index out of range")
        return head[index] if index < len(head) else self._tail()[index - len(head)]

    def __iter__(self) -> Iterator[int]:
        yield from self._head
        yield from self._tail()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Ranked | list):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Ranked({list(self)!r})"


class TextSearch(Generic[T]):
    """A searchable view of a fixed sequence of items, each searched by its ``text`` (see
    ``joined``); build a new one when the items change.

    ``ranked`` returns the matches best first, worked out only as far as they are read;
    ``search`` returns them all as a list. What the search runs over is made on the first
    search, or by ``prepare``, which the app runs in a worker thread (building one for a
    listing that is still streaming in is cheap).

    How it is fast: for each letter, a bit mask per item of where that letter is among the
    item's first ``MASKED`` characters (two 64-bit words, made once per letter with numpy).
    "The first place of this letter at or after that one" is then a shift and a lowest set
    bit, for every candidate at once; only texts longer than the masks, when the masks do not
    hold the answer, are looked at one by one (``str.find``). So a keystroke costs a few
    array operations over the candidates, not a Python loop over them.
    """

    def __init__(self, items: Sequence[T], text: Callable[[T], str]) -> None:
        self.items = items
        self._text = text
        self._originals: list[str] | None = None
        self._texts: list[str] = []
        self._codes: np.ndarray | None = None  # (items, MASKED) code points of the texts' first characters, 0 after the end
        self._long: np.ndarray | None = None  # whether each text is longer than MASKED
        self._lengths: np.ndarray | None = None  # each text's length, 12 bits, shifted into place in a sort key
        self._masks: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._last: _Matches | None = None  # the last query's, to carry on from as it is typed
        self._answers: dict[tuple[str, ...], Ranked] = {}

    def prepare(self, letters: str = "") -> Self:
        """Make what the search runs over now (e.g. in a worker thread) rather than on the
        first key, with the masks of ``letters`` (numpy does that work without holding the GIL)."""
        import numpy as np

        if self._originals is None:
            originals, texts = _searched(self.items, self._text)
            self._texts = texts
            lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
            self._long = lengths > MASKED
            self._codes = _code_points(texts)
            self._lengths = lengths << 24
            self._originals = originals  # last: it says the rest is ready (another thread may be asking)
        for letter in letters:
            self._mask(letter)
        return self

    def places(self, index: int, query: str, ranked: Ranked | None = None) -> tuple[int, ...]:
        """The places in item ``index``'s search text (``joined``) that ``query`` matched, for
        display: taken from ``ranked`` (``query``'s answer) where its fine order worked them
        out, which is so for the rows on show, else worked out now."""
        if ranked is not None and (known := ranked.places.get(index)) is not None:
            return known
        self.prepare()
        return matched_places(self._texts[index], terms_of(query))

    def search(self, query: str) -> list[int]:
        """Every item matching ``query``, best first; an empty query matches nothing."""
        return list(self.ranked(query))

    def ranked(self, query: str) -> Ranked:
        """The items matching ``query``, best first (see ``Ranked``); an empty query matches nothing."""
        terms = terms_of(query)
        if not terms:
            self._last = None
            return Ranked([])
        remembered = self._answers.get(tuple(terms))
        if remembered is not None:
            self._last = _Matches(terms, remembered.items)
            return remembered
        self.prepare()
        matches = self._match(terms)
        self._last = matches
        answer = self._rank(matches)
        if len(self._answers) >= REMEMBERED:
            self._answers.pop(next(iter(self._answers)))
        self._answers[tuple(terms)] = answer
        return answer

    def _match(self, terms: list[str]) -> _Matches:
        """Where ``terms`` match, worked out from the last query's matches when this query
        only adds to it (letters typed at the end of a term, or new terms): only the items
        that matched then are looked at, and a term that grew by a letter is carried on from
        where it ended (the match of a term is its letters' first places in order, so it can be)."""
        import numpy as np

        last = self._last
        if last is None or len(terms) < len(last.terms) or not all(term.startswith(old) for term, old in zip(terms, last.terms)):
            return self._scan(_Matches([], np.arange(len(self._texts), dtype=np.int64), [], []), terms, everything=True)
        if last.starts is None or last.ends is None:  # a remembered answer: only which items matched is known
            return self._scan(_Matches([], last.items, [], []), terms)
        return self._scan(last, terms)

    def _scan(self, base: _Matches, terms: list[str], *, everything: bool = False) -> _Matches:
        """``base`` (the matches of a query ``terms`` extends) carried on to ``terms``, one
        letter at a time over all candidates at once; ``everything``: ``base`` is every item."""
        import numpy as np

        assert base.starts is not None and base.ends is not None
        matches = _Matches(terms, base.items, list(base.starts), list(base.ends))
        for number, term in enumerate(terms):
            carried = number < len(base.terms)
            for letter in term[len(base.terms[number]) :] if carried else term:
                assert matches.starts is not None and matches.ends is not None
                after = matches.ends[number] if carried else np.zeros(len(matches.items), dtype=np.int64)
                found = self._next(letter, None if everything else matches.items, after)
                if carried:
                    matches.ends[number] = found + 1
                else:  # a new term starts where its first letter is
                    matches.starts.append(found)
                    matches.ends.append(found + 1)
                    carried = True
                kept = found >= 0
                if not kept.all():
                    matches = matches.keeping(kept)
                everything = False
        return matches

    def _next(self, letter: str, items: np.ndarray | None, after: np.ndarray) -> np.ndarray:
        """For each of ``items`` (None: every item), the first place of ``letter`` in its text
        at or after ``after``, or -1."""
        import numpy as np

        low, high = self._mask(letter)
        if items is not None:
            low, high = low[items], high[items]
        shift = np.minimum(after, 64).astype(np.uint64)
        in_low = low >> shift  # bit k: the letter is at after + k
        shift_high = np.maximum(after - 64, 0)
        in_high = high >> shift_high.astype(np.uint64)  # bit k: at 64 + shift_high + k
        found = np.where(in_low != 0, after + _lowest_bit(in_low), np.where(in_high != 0, 64 + shift_high + _lowest_bit(in_high), -1))
        assert self._long is not None
        unsure = np.flatnonzero((found < 0) & (self._long if items is None else self._long[items]))
        if len(unsure):  # texts longer than the masks: the rest of them, one by one
            texts, places = self._texts, after.tolist()
            numbers = unsure if items is None else items[unsure]
            found[unsure] = [texts[item].find(letter, places[k]) for k, item in zip(unsure.tolist(), numbers.tolist())]
        return found

    def _mask(self, letter: str) -> tuple[np.ndarray, np.ndarray]:
        """Where ``letter`` is in each text's first MASKED characters: bit k of the first word
        for place k, of the second for place 64 + k."""
        import numpy as np

        mask = self._masks.get(letter)
        if mask is None:
            codes = self._codes
            assert codes is not None
            code = ord(letter)
            if code > np.iinfo(codes.dtype).max:  # in no text
                words = np.zeros((len(codes), 2), dtype=np.uint64)
            else:
                words = np.packbits(codes == code, axis=1, bitorder="little").view("<u8")
            mask = (np.ascontiguousarray(words[:, 0]), np.ascontiguousarray(words[:, 1]))
            self._masks[letter] = mask
        return mask

    def _rank(self, matches: _Matches) -> Ranked:
        """Each match's coarse key packed in one int64: characters the terms' matches span,
        then the earliest start, then the text's length (12 bits each), then the item's
        position (the low 24 bits). The best FINE_LIMIT by that key are ordered finely
        (``_refined``); the rest keep the coarse order, sorted when read (``Ranked``)."""
        import numpy as np

        assert matches.starts is not None and matches.ends is not None and self._lengths is not None
        items = matches.items
        spans = sum((end - start for start, end in zip(matches.starts, matches.ends)), np.zeros(len(items), dtype=np.int64))
        firsts = np.minimum.reduce(matches.starts) if len(matches.starts) > 1 else matches.starts[0]
        keys = (np.minimum(spans, _FIELD_MAX) << 48) | (firsts << 36) | self._lengths[items] | items
        if len(keys) > FINE_LIMIT:
            best = np.sort(keys[np.argpartition(keys, FINE_LIMIT - 1)[:FINE_LIMIT]])
        else:
            best = np.sort(keys)
        head, places = _refined(self._texts, self._originals or [], (best & _INDEX_MASK).tolist(), matches.terms)
        return Ranked(head, keys, items, places)


def _refined(texts: list[str], originals: list[str], head: list[int], terms: list[str]) -> tuple[list[int], dict[int, tuple[int, ...]]]:
    """The best coarse hits in fine order (higher score first, then earlier, then shorter),
    and the places each one's terms matched (``matched_places``)."""
    scored = []
    places: dict[int, tuple[int, ...]] = {}
    for index in head:
        text = texts[index]
        score, first = 0.0, len(text)
        found = []
        for term in terms:
            positions = match_positions(text, term)
            score += fine_score(originals[index], positions)
            first = min(first, positions[0])
            found.append(positions)
        places[index] = _together(found)
        scored.append((-score, first, len(text), index))
    scored.sort()
    return [item[3] for item in scored], places


class RoleSearch(TextSearch[Role]):
    """A searchable view of a fixed sequence of roles."""

    def __init__(self, roles: Sequence[Role]) -> None:
        super().__init__(roles, text_of)
        self.roles = roles

    def highlight(self, index: int, query: str, ranked: Ranked | None = None) -> Highlight:
        """The characters of role ``index``'s fields that ``query`` matched (``ranked``: its
        answer, whose fine order knows them for the best matches)."""
        return Highlight(*split_places(_fields(self.roles[index]), self.places(index, query, ranked)))


def joined(fields: Sequence[str]) -> str:
    """The searchable text of an item's fields."""
    return _SEPARATOR.join(fields)


def _fields(role: Role) -> tuple[str, str, str]:
    return (role.account_name or role.account_id, role.account_id, role.role_name)


def text_of(role: Role) -> str:
    """``joined(_fields(role))``, spelled out: it is made for every role of a listing."""
    return f"{role.account_name or role.account_id}{_SEPARATOR}{role.account_id}{_SEPARATOR}{role.role_name}"


def match_positions(text: str, term: str) -> tuple[int, ...]:
    """The tightest occurrence of ``term`` as a subsequence of ``text`` (both lower case):
    scan forward to the first complete match, then back from its end to the latest start,
    then forward again from there, as fuzzy finders do."""
    end = _forward(text, term, 0)
    if end is None:
        return ()
    start = end  # where term[-1] is; each letter before it, the last place before the next one's
    for char in reversed(term[:-1]):
        start = text.rfind(char, 0, start)
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
    return split_places(fields, matched_places(joined([aligned(value) for value in fields]).lower(), terms_of(query)))


def matched_places(text: str, terms: Sequence[str]) -> tuple[int, ...]:
    """The places of ``text`` (lower case) that ``terms`` match, in order (``match_positions``)."""
    return _together([match_positions(text, term) for term in terms])


def _together(found: list[tuple[int, ...]]) -> tuple[int, ...]:
    """The places each term matched, as one ordered set."""
    return found[0] if len(found) == 1 else tuple(sorted(set().union(*found)))


def split_places(fields: Sequence[str], places: Sequence[int]) -> tuple[tuple[int, ...], ...]:
    """``places`` in the search text of ``fields`` (``joined``, each field ``aligned``) as the
    places in each field, for display."""
    marks = []
    offset = 0
    for value in fields:
        stretched = aligned(value)
        end = offset + len(stretched)
        mine = [place - offset for place in places if offset <= place < end]
        marks.append(tuple(mine) if stretched is value else _unstretched(value, mine))
        offset = end + len(_SEPARATOR)
    return tuple(marks)


def aligned(text: str) -> str:
    """``text`` with every character whose lower case is longer than it (İ: i and a combining
    dot) replaced by that lower case, so that each place in it is the same place in its lower
    case: the search matches lower-cased text and judges word starts on this."""
    if text.isascii() or len(text.lower()) == len(text):
        return text
    return "".join(char if len(char.lower()) == 1 else char.lower() for char in text)


def _unstretched(value: str, places: list[int]) -> tuple[int, ...]:
    """``places`` in ``aligned(value)`` as places in ``value``."""
    owner = [index for index, char in enumerate(value) for _ in range(max(1, len(char.lower())))]
    return tuple(sorted({owner[place] for place in places}))


def highlight(role: Role, query: str) -> Highlight:
    return Highlight(**dict(zip(FIELDS, field_marks(_fields(role), query))))


PLAIN_LIMIT = 50_000  # a one-off search of up to this many items is done without numpy (see rank)


def rank(items: Sequence[T], query: str, text: Callable[[T], str]) -> list[T]:
    """The items whose ``text`` matches ``query``, best first (for one-off searches). Up to
    PLAIN_LIMIT items, with the same ranking worked out item by item in plain Python: loading
    numpy (a fifth of a second) costs more than the masks save once (``TextSearch`` is for a
    query typed a key at a time)."""
    terms = terms_of(query)
    if len(items) > PLAIN_LIMIT or not terms:
        return [items[index] for index in TextSearch(items, text).search(query)]
    originals, texts = _searched(items, text)
    keys = sorted(key for key in (_coarse_key(searched, index, terms) for index, searched in enumerate(texts)) if key is not None)
    head, _ = _refined(texts, originals, [key & _INDEX_MASK for key in keys[:FINE_LIMIT]], terms)
    return [items[index] for index in head] + [items[key & _INDEX_MASK] for key in keys[FINE_LIMIT:]]


def _searched(items: Sequence[T], text: Callable[[T], str]) -> tuple[list[str], list[str]]:
    """Each item's search text as written (``aligned``, cut to ``_FIELD_MAX``) and in lower case."""
    originals = [aligned(text(item))[:_FIELD_MAX] for item in items]
    return originals, [original.lower() for original in originals]


def _coarse_key(text: str, index: int, terms: list[str]) -> int | None:
    """``TextSearch._rank``'s key for one text (None: no match), each term matched at its
    letters' first places in order, as ``TextSearch._scan`` matches every item at once."""
    span, first = 0, len(text)
    for term in terms:
        end = _forward(text, term, 0)
        if end is None:
            return None
        start = text.find(term[0])
        span += end + 1 - start
        first = min(first, start)
    return (min(span, _FIELD_MAX) << 48) | (first << 36) | (len(text) << 24) | index


def rank_roles(roles: Sequence[Role], query: str) -> list[Role]:
    """The roles matching ``query``, best first (for one-off searches like the CLI's)."""
    return rank(roles, query, text_of)
