"""Logical IDs that never collide, and stay put from run to run.

Each thing asks for a name (an assignment for ``Assignment`` + 16 hex digits of its digest,
a permission set for ``PermSet`` + its name). When several ask for one name, or for a name
the template already uses, the one whose key sorts first keeps it and the others get a hash
of their own key appended; sorting makes the outcome independent of input order.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable

_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")


def alnum(text: str) -> str:
    """Logical IDs are ``[A-Za-z0-9]+``; everything else is dropped."""
    return _NOT_ALNUM.sub("", text)


def unique_names(wanted: Iterable[tuple[str, str]], reserved: Iterable[str] = ()) -> dict[str, str]:
    """``(key, wanted name)`` pairs to ``{key: name}``, no two keys sharing a name or using a reserved one."""
    by_name: dict[str, set[str]] = defaultdict(set)
    for key, name in wanted:
        by_name[name].add(key)
    taken = set(reserved)
    result: dict[str, str] = {}
    contested: list[tuple[str, list[str]]] = []
    for name, keys in by_name.items():
        if len(keys) == 1 and name not in taken:
            (key,) = keys
            result[key] = name
        else:
            contested.append((name, sorted(keys)))
    taken.update(result.values())
    losers: list[tuple[str, str]] = []
    for name, keys in sorted(contested):
        if name not in taken:
            result[keys[0]] = name
            taken.add(name)
            keys = keys[1:]
        losers += [(name, key) for key in keys]
    for name, key in losers:
        digest = hashlib.sha256(key.encode()).hexdigest().upper()
        candidate = next(name + digest[:length] for length in (8, 16, 64) if name + digest[:length] not in taken)
        result[key] = candidate
        taken.add(candidate)
    return result
