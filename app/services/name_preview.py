"""The profile names populate would write, for the app's live preview.

The names come from ``populate.name_profiles``, the same call ``plan_populate`` makes, so the
preview shows exactly what would be written: names told apart by account ID where accounts
share a name, and the names several roles would still share (which populate refuses).
Rows are made only when asked for, so a screen of them costs a screen's work whatever the
size of the organisation; counting and sorting is done once per change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from app.models import Instance, Role
from app.services.populate import name_profiles
from app.services.profile_names import NamingOptions


class PreviewRow(NamedTuple):
    name: str | None  # None: the naming options skip this role
    role: Role
    region: str
    renamed: bool  # the account ID was added, since accounts share the name
    shared: bool  # several roles would get this name: populate refuses it


@dataclass(frozen=True)
class NamePreview:
    """Every (role, region) with its profile name, sorted by name (skipped ones last; a name
    several roles share lists them in the order of ``roles``)."""

    roles: Sequence[Role]
    regions: tuple[str, ...]
    first_names: list[str | None]
    names: list[str | None]
    order: list[int]
    shared_names: frozenset[str]
    renamed: int
    skipped: int

    def __len__(self) -> int:
        return len(self.order)

    def row(self, index: int) -> PreviewRow:
        position = self.order[index]
        width = len(self.regions)
        name = self.names[position]
        return PreviewRow(
            name, self.roles[position // width], self.regions[position % width],
            name != self.first_names[position], name in self.shared_names,
        )  # fmt: skip

    @property
    def shared(self) -> int:
        """How many names several roles share."""
        return len(self.shared_names)

    def first_shared(self) -> int | None:
        """The row of the first shared name, to scroll to."""
        if not self.shared_names:
            return None
        return next((index for index, position in enumerate(self.order) if self.names[position] in self.shared_names), None)

    def name(self, index: int) -> str | None:
        """Row ``index``'s name alone (cheaper than ``row``)."""
        return self.names[self.order[index]]


def preview_names(
    roles: Sequence[Role], regions: Sequence[str], naming: NamingOptions, instance: Instance, *, on_duplicate: str = "disambiguate"
) -> NamePreview:
    """The names for ``roles`` in ``regions``; raises ConfigError as populate would for
    options that cannot make a name (check them first with ``validate_naming``)."""
    first, names = name_profiles(naming, roles, regions, instance, on_duplicate)
    counts = Counter(names)
    shared = frozenset(name for name, count in counts.items() if count > 1 and name is not None)
    named = [position for position, name in enumerate(names) if name is not None]
    named.sort(key=names.__getitem__)
    skipped = [position for position, name in enumerate(names) if name is None]
    renamed = sum(1 for old, new in zip(first, names) if old != new)
    return NamePreview(roles, tuple(regions), first, names, named + skipped, shared, renamed, len(skipped))
