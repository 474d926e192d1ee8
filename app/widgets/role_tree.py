"""The roles view: an account -> roles (or role -> accounts) tree, or a ranked list of matches.

Thousands of roles make thousands of rows, so this is a CursorList that draws only the
rows on screen, from a row source: ``TreeRows`` (built once per listing,
view or expansion change) or ``MatchRows`` (the ranked hits of a query, turned into rows
only when drawn). Typing in the filter therefore costs the search plus one screen of rows.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from itertools import groupby
from operator import attrgetter
from typing import ClassVar, Literal, NamedTuple, Protocol

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip

from app.models import Account, Role
from app.printable import printable
from app.services.role_query import sort_key
from app.services.roles import tree_order
from app.services.search import FINE_LIMIT, RoleSearch
from app.widgets.cursor_list import CursorList, marked

View = Literal["account", "role"]
FAVOURITES = "★ Favourites"
RECENT = "↺ Recently used"
NAME_WIDTH_CAP = 44
NAME_WIDTH_MIN = 16
ROLE_ROOM = 32  # a permission set's name has at most 32 characters: a narrow view keeps room for it


class Row(NamedTuple):
    """One line: a group header (an account, a role name, the favourites) or a role."""

    kind: Literal["group", "role"]
    group: str  # the group's key
    title: str = ""  # group rows: what the group is
    detail: str = ""  # group rows: account ID or a count
    role: Role | None = None
    depth: int = 0
    expanded: bool = True
    favourite: bool = False
    # role rows: which columns show (under an account: the role; under a role name: the
    # account; in the favourites and in matches: all three), and the matched characters
    layout: Literal["role", "account", "full"] = "full"
    marks: tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]] = ((), (), ())


class RowSource(Protocol):
    def __len__(self) -> int: ...

    def row(self, index: int) -> Row: ...


class _Header(NamedTuple):
    """A group's header in ``TreeRows.entries``; ``layout`` is how its roles are drawn."""

    key: str
    title: str
    detail: str
    expanded: bool
    layout: str


class TreeRows:
    """Groups of roles, alphabetical, favourites first, collapsed groups without children.

    ``entries`` holds each group's header followed by its roles themselves (a listing's
    thousands are put in place a group at a time, with no object made per role); a ``Row``
    is made only when a row is drawn, so a tree of 20,000 roles is built in milliseconds.
    """

    def __init__(
        self,
        roles: Sequence[Role],
        view: View,
        favourites: frozenset[tuple[str, str]],
        collapsed: frozenset[str],
        *,
        recent: Sequence[tuple[str, str]] = (),
        accounts: Sequence[Account] = (),
        ordered: bool = False,
    ) -> None:
        """``accounts`` without roles yet (a listing still streaming in) show as empty
        groups in the account view; ``recent`` roles follow the favourites, newest first.
        ``ordered``: ``accounts`` and ``roles`` are in ``tree_order`` already (a listing
        fetched or cached), so the account view is made without sorting them."""
        self.favourites = favourites
        self.entries: list[_Header | Role] = []
        self._headers: list[int] = []  # where each header is in entries, in order
        self._starts: dict[str, int] = {}  # each group's key -> its header's place
        self._collapsed = collapsed
        self.view = view
        if favourites:
            liked = sorted((r for r in roles if (r.account_id, r.role_name) in favourites), key=sort_key())
            self._group(FAVOURITES, FAVOURITES, f"{len(liked)}", liked, "full")
        if recent:
            by_key = {(r.account_id, r.role_name): r for r in roles}
            self._group(RECENT, RECENT, "", [by_key[key] for key in recent if key in by_key], "full")
        if view == "account":
            self._accounts(roles, accounts, ordered)
        else:
            groups = {}
            for key, run in groupby(sorted(roles, key=_role_name), key=_role_name):
                groups[key] = list(run)
            for key in sorted(groups, key=str.lower):
                members = sorted(groups[key], key=lambda r: ((r.account_name or r.account_id).lower(), r.account_id))
                self._group(key, key, f"{len(members)} account{'s' if len(members) != 1 else ''}", members, "account")

    def _accounts(self, roles: Sequence[Role], accounts: Sequence[Account], ordered: bool) -> None:
        """The account view's groups: each account, then its roles."""
        if not ordered:
            accounts, roles = tree_order(accounts, roles)
        start = len(self.entries)
        runs = groupby(roles, key=_account_id)  # in tree order, each account's roles together
        run = next(runs, None)
        for account in accounts:
            key = account.account_id
            if run is not None and run[0] == key:
                members = list(run[1])
                run = next(runs, None)
            else:
                members = []
            self._group(key, account.name or key, key if members else f"{key}  listing roles…", members, "role")
        if run is not None:  # not in tree order after all (a role of an account not given, or out of place)
            self._forget(start)
            self._accounts(roles, accounts, False)

    def _forget(self, start: int) -> None:
        """Drop the groups from ``entries[start]`` on."""
        del self.entries[start:]
        self._headers = [at for at in self._headers if at < start]
        self._starts = {key: at for key, at in self._starts.items() if at < start}

    def _group(self, key: str, title: str, detail: str, members: list[Role], layout: str) -> None:
        if not members and key in (FAVOURITES, RECENT):
            return
        expanded = key not in self._collapsed
        self._starts.setdefault(key, len(self.entries))
        self._headers.append(len(self.entries))
        self.entries.append(_Header(key, title, detail or str(len(members)), expanded, layout))
        if expanded:
            self.entries.extend(members)

    def __len__(self) -> int:
        return len(self.entries)

    def row(self, index: int) -> Row:
        entry = self.entries[index]
        if type(entry) is _Header:
            return Row("group", entry.key, entry.title, entry.detail, expanded=entry.expanded)
        header = self.entries[self._headers[bisect_right(self._headers, index) - 1]]
        assert type(header) is _Header
        return Row("role", header.key, role=entry, depth=1, favourite=(entry.account_id, entry.role_name) in self.favourites, layout=header.layout)

    @property
    def rows(self) -> list[Row]:
        return [self.row(index) for index in range(len(self.entries))]

    def position(self, role: Role | None = None, group: str | None = None) -> int | None:
        """Where ``role`` (first shown) or the header of ``group`` is."""
        if role is not None:
            entries, wanted = self.entries, (role.account_id, role.role_name)
            for key in (FAVOURITES, RECENT, role.account_id if self.view == "account" else role.role_name):
                index = self._starts.get(key)
                if index is None:
                    continue
                index += 1  # the group's roles follow its header (none when it is folded)
                while index < len(entries) and type(shown := entries[index]) is not _Header:
                    if shown is role or (shown.account_id, shown.role_name) == wanted:
                        return index
                    index += 1
            return None
        return self._starts.get(group) if group is not None else None


_account_id = attrgetter("account_id")
_account_name = attrgetter("account_name")
_role_name = attrgetter("role_name")


class MatchRows:
    """The hits of a query, best first; a row is made only when it is drawn."""

    def __init__(self, search: RoleSearch, hits: Sequence[int], query: str, favourites: frozenset[tuple[str, str]]) -> None:
        self.search, self.hits, self.query, self.favourites = search, hits, query, favourites

    def __len__(self) -> int:
        return len(self.hits)

    def row(self, index: int) -> Row:
        item = self.hits[index]
        role = self.search.roles[item]
        marks = self.search.highlight(item, self.query, self.hits)
        liked = (role.account_id, role.role_name) in self.favourites
        return Row("role", "", role=role, favourite=liked, marks=(marks.account_name, marks.account_id, marks.role_name))

    def position(self, role: Role) -> int | None:
        """Where ``role`` is among the best matches, those ranked with the query (further down,
        the cursor starts at the top): the same object, or the same account and role."""
        roles, wanted = self.search.roles, (role.account_id, role.role_name)
        for place, index in enumerate(self.hits[:FINE_LIMIT]):
            shown = roles[index]
            if shown is role or (shown.account_id, shown.role_name) == wanted:
                return place
        return None


class RoleTree(CursorList):
    """Rows of roles with a cursor. Enter activates a role or folds a group."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "fold(True)", "Fold", show=False),
        Binding("right", "fold(False)", "Unfold", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"role-tree--group", "role-tree--favourite"}
    DEFAULT_CSS = """
    RoleTree {
        & > .role-tree--group { text-style: bold; color: $text; }
        & > .role-tree--favourite { color: $warning; }
    }
    """

    class Highlighted(Message):
        """The cursor moved: to a role (``role``), or to a group (``role`` is None)."""

        def __init__(self, tree: RoleTree, row: Row | None) -> None:
            super().__init__()
            self.tree = tree
            self.row = row
            self.role = row.role if row is not None else None

        @property
        def control(self) -> RoleTree:
            return self.tree

    class Activated(Message):
        """Enter on a role."""

        def __init__(self, tree: RoleTree, role: Role) -> None:
            super().__init__()
            self.tree = tree
            self.role = role

        @property
        def control(self) -> RoleTree:
            return self.tree

    class Folded(Message):
        """A group is to be folded or unfolded; the owner rebuilds the rows."""

        def __init__(self, tree: RoleTree, group: str, fold: bool) -> None:
            super().__init__()
            self.tree = tree
            self.group = group
            self.fold = fold

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source: RowSource = TreeRows([], "account", frozenset(), frozenset())
        self.name_width = 20  # the account-name column the listing needs (see name_width_for)
        self._name_cells = 20  # the one drawn, in this frame (see render_lines)

    # -- data --------------------------------------------------------------------------

    def show(self, source: RowSource, *, name_width: int | None = None, keep: Role | None = None, empty: str = "") -> None:
        """Display ``source``; the cursor stays on ``keep`` if it is still shown, else the top.
        ``empty`` is what to say when there are no rows."""
        self.source = source
        if name_width is not None:
            self.name_width = name_width
        self.reset(self._find(keep) if keep is not None else None, empty=empty)

    def _find(self, role: Role) -> int | None:
        if isinstance(self.source, TreeRows):
            return self.source.position(role=role)
        return self.source.position(role) if isinstance(self.source, MatchRows) else None

    def row_count(self) -> int:
        return len(self.source)

    @property
    def current(self) -> Row | None:
        if 0 <= self.cursor < len(self.source):
            return self.source.row(self.cursor)
        return None

    @property
    def current_role(self) -> Role | None:
        row = self.current
        return row.role if row is not None else None

    # -- cursor ------------------------------------------------------------------------

    def cursor_moved(self) -> None:
        self.post_message(self.Highlighted(self, self.current))

    def action_fold(self, fold: bool) -> None:
        row = self.current
        if row is None or not row.group:
            return
        if row.kind == "group" and row.expanded != (not fold):
            self.post_message(self.Folded(self, row.group, fold))
        elif row.kind == "role" and fold:
            self.post_message(self.Folded(self, row.group, True))

    def activate(self) -> None:
        row = self.current
        if row is None:
            return
        if row.kind == "group":
            self.post_message(self.Folded(self, row.group, row.expanded))
        elif row.role is not None:
            self.post_message(self.Activated(self, row.role))

    # -- drawing -----------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # in a narrow view the account names give way (cut with an ellipsis) to whole role
        # names after them (rows with all three columns): the lead, the account ID and the
        # gaps take 20 cells
        room = self.scrollable_content_region.width - 20 - ROLE_ROOM
        self._name_cells = max(NAME_WIDTH_MIN, min(self.name_width, room))
        return super().render_lines(crop)

    def row_segments(self, index: int, style: Style) -> list[Segment]:
        row = self.source.row(index)
        muted = self.muted(style)
        if row.kind == "group":
            bold = style + self.look("role-tree--group")
            arrow = "▼ " if row.expanded else "▶ "
            return [Segment(arrow, muted), Segment(printable(row.title), bold), Segment("  " + row.detail, muted)]
        role = row.role
        assert role is not None
        match = self.matched(style)
        lead = [Segment("  " * row.depth, style)]
        lead.append(Segment("★ ", style + self.look("role-tree--favourite")) if row.favourite else Segment("  ", style))
        name_marks, id_marks, role_marks = row.marks
        if row.layout == "role":
            return [*lead, *marked(role.role_name, role_marks, style, match)]
        cells = self._name_cells if row.layout == "full" else self.name_width  # a role name follows only in full rows
        name = marked(printable(role.account_name or role.account_id), name_marks, style, match, cells)
        account = [*name, Segment("  ", style), *marked(role.account_id, id_marks, muted, match)]
        if row.layout == "account":
            return [*lead, *account]
        return [*lead, *account, Segment("  ", style), *marked(role.role_name, role_marks, style, match)]


def name_width_for(roles: Sequence[Role]) -> int:
    """The account-name column: as wide as the widest name, up to NAME_WIDTH_CAP cells."""
    names = set(map(_account_name, roles))  # one per account: each measured once, not once per role
    if "" in names:
        names.discard("")
        names.update(r.account_id for r in roles if not r.account_name)
    odd = {name for name in names if not (name.isascii() and name.isprintable())}  # the rest take a cell a character
    widths = [*map(len, names - odd), *(cell_len(printable(name)) for name in odd)]
    return max(10, min(max(widths, default=10), NAME_WIDTH_CAP))
