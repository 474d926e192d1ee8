"""Parsed input with a line for every key, so every schema error can say ``file:line: key:``.

Kept apart from the YAML reader: the deployed macro receives JSON from CloudFormation (no
lines, no PyYAML in Lambda) and reports errors by key path through the same class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.services.errors import InvalidInput

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Document:
    """One parsed input: its data and the line (1-based) of every key path."""

    name: str
    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict, repr=False)

    def line_of(self, path: KeyPath) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None

    def where(self, path: KeyPath) -> str:
        """``file:line`` (or just ``file`` when the input carried no lines)."""
        line = self.line_of(path)
        return f"{self.name}:{line}" if line else self.name

    def fail(self, path: KeyPath, message: str) -> InvalidInput:
        """The error to raise for a bad value at ``path``."""
        key = dotted(path)
        return InvalidInput(f"{self.where(path)}: {key}: {message}" if key else f"{self.where(path)}: {message}")


def dotted(path: KeyPath) -> str:
    """``("Resources", "G", "Properties", "Targets", 0)`` as ``Resources.G.Properties.Targets[0]``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
