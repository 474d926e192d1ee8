"""Terminal pickers for ``configure profile``: choose from a numbered list, or type to filter."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import click

T = TypeVar("T")


def pick(title: str, items: Sequence[T], label: Callable[[T], str], *, current: T | None = None) -> T:
    """Show ``items`` numbered; a number picks, other text narrows the list (case-insensitive)."""
    if not items:
        raise click.UsageError(f"nothing to choose from for {title.lower()}")
    shown = list(items)
    while True:
        click.echo(f"\n{title}:", err=True)
        for index, item in enumerate(shown, 1):
            marker = " (current)" if current is not None and item == current else ""
            click.echo(f"  {index:>3}. {label(item)}{marker}", err=True)
        default = str(shown.index(current) + 1) if current in shown else ("1" if len(shown) == 1 else None)
        answer = click.prompt("Number, or text to filter", default=default, err=True).strip()
        if answer.isdigit() and 1 <= int(answer) <= len(shown):
            return shown[int(answer) - 1]
        narrowed = [item for item in items if answer.lower() in label(item).lower()]
        if not narrowed:
            click.echo(f"No match for {answer!r}; showing everything.", err=True)
            narrowed = list(items)
        shown = narrowed
