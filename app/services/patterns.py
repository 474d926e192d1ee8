"""User-supplied regular expressions, compiled once, with errors that name the flag."""

from __future__ import annotations

import functools
import re

from app.services.errors import ConfigError


@functools.lru_cache(maxsize=64)
def compile_patterns(patterns: tuple[str, ...], flag: str) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as error:
            raise ConfigError(f"{flag} {pattern!r} is not a valid regular expression: {error}") from None
    return tuple(compiled)
