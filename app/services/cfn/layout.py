"""Which template holds which assignment, with no template over the resource limit.

An assignment must never move between stacks on a later run (CloudFormation would create it
in the new stack before deleting it from the old one, and the two collide), so the number of
child stacks is fixed by the user and each assignment's child is ``slot % N``, a function of
the assignment alone. Hashing is uneven by a few percent; when a child would overflow, the
error names the smallest number of children that holds everything.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from app.services.cfn.assignments import Assignment
from app.services.cfn.model import Settings
from app.services.errors import InvalidInput

# MaxAssignmentsAllocation plans this many standard deviations of headroom per child.
ALLOCATION_MARGIN = 4.0


@dataclass
class Layout:
    children: int  # 0: every assignment in the parent
    bins: list[list[Assignment]]  # one per child (or the parent's one); some may be empty


def children_for_allocation(allocation: int, capacity: int) -> int:
    """Children for ``allocation`` assignments, so that even then no child is expected to overflow."""
    fill = ((-ALLOCATION_MARGIN + math.sqrt(ALLOCATION_MARGIN**2 + 4 * capacity)) / 2) ** 2
    return max(1, math.ceil(allocation / fill))


def requested_children(settings: Settings) -> int:
    """NumChildStacks or what MaxAssignmentsAllocation needs, the larger; 0 when neither is set."""
    counts = [settings.num_child_stacks or 0]
    if settings.max_assignments_allocation:
        counts.append(children_for_allocation(settings.max_assignments_allocation, settings.max_resources))
    return max(counts)


def plan_layout(name: str, assignments: list[Assignment], settings: Settings, parent_resources: int) -> Layout:
    """``parent_resources``: what the parent holds besides assignments or child stacks."""
    limit = settings.max_resources
    children = requested_children(settings)
    if children == 0:
        if parent_resources + len(assignments) <= limit:
            return Layout(0, [assignments])
        raise InvalidInput(
            f"{name}: {len(assignments):,} assignments and {parent_resources} other resources do not fit in one template "
            f"(at most {limit} resources); {_advice(assignments, limit, parent_resources)}"
        )
    counts = Counter(assignment.slot % children for assignment in assignments)
    fullest, most = max(counts.items(), key=lambda item: (item[1], -item[0]), default=(0, 0))
    if most > limit:
        raise InvalidInput(
            f"{name}: {children} child stacks cannot hold {len(assignments):,} assignments: child {fullest:03d} would get {most} "
            f"(at most {limit} resources per template); {_advice(assignments, limit, parent_resources)}"
        )
    if parent_resources + len(counts) > limit:
        raise InvalidInput(
            f"{name}: the parent template would hold {parent_resources} resources and {len(counts)} child stacks "
            f"(at most {limit} resources); fewer child stacks or permission sets per file would fit"
        )
    bins: list[list[Assignment]] = [[] for _ in range(children)]
    for assignment in assignments:
        bins[assignment.slot % children].append(assignment)
    return Layout(children, bins)


def _advice(assignments: list[Assignment], limit: int, parent_resources: int) -> str:
    needed = needed_children(assignments, limit, parent_resources)
    if needed is None:
        return "the parent cannot hold enough child stacks; split the input into several files"
    return f"{needed} child stacks would hold them (--num-child-stacks {needed}, or NumChildStacks in the file)"


def needed_children(assignments: list[Assignment], limit: int, parent_resources: int) -> int | None:
    """The fewest children that hold every assignment within ``limit`` (None: none can)."""
    slots = [assignment.slot for assignment in assignments]
    children = max(1, math.ceil(len(slots) / limit))
    while parent_resources + min(children, len(slots)) <= limit:
        counts = Counter(slot % children for slot in slots)
        if max(counts.values(), default=0) <= limit and parent_resources + len(counts) <= limit:
            return children
        children += 1
    return None
