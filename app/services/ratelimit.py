"""One rate limiter per Identity Center instance, with retry and full jitter.

Identity Center throttles portal and admin calls per instance (about 20 requests/s). Every
call ssodeck makes to those APIs takes a permit from the instance's limiter first, so no
number of threads can exceed the rate, and throttling answers are retried with exponential
backoff and full jitter instead of failing the command.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from app.services.clients import error_code

DEFAULT_RPS = 20.0
THROTTLE_CODES = frozenset({"TooManyRequestsException", "ThrottlingException", "Throttling", "RequestLimitExceeded", "SlowDown"})
T = TypeVar("T")


class RateLimiter:
    """Hands out permits evenly spaced at ``rate`` per second to any number of threads."""

    def __init__(self, rate: float) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self._interval = 1.0 / rate
        self._next = time.monotonic()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self._interval
        delay = slot - now
        if delay > 0:
            time.sleep(delay)


_limiters: dict[str, RateLimiter] = {}
_registry_lock = threading.Lock()


def configured_rps() -> float:
    try:
        value = float(os.environ.get("SSODECK_MAX_RPS", "") or DEFAULT_RPS)
    except ValueError:
        return DEFAULT_RPS
    return value if value > 0 else DEFAULT_RPS


def limiter_for(key: str, rate: float | None = None) -> RateLimiter:
    """The shared limiter of one instance; a new rate replaces it (used by --max-rps)."""
    wanted = rate or configured_rps()
    with _registry_lock:
        limiter = _limiters.get(key)
        if limiter is None or limiter.rate != wanted:
            limiter = _limiters[key] = RateLimiter(wanted)
        return limiter


def is_retryable(error: Exception) -> bool:
    if error_code(error) in THROTTLE_CODES:
        return True
    response = getattr(error, "response", None)
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) if isinstance(response, dict) else 0
    return status in (429, 500, 502, 503, 504)


def call_limited(
    limiter: RateLimiter,
    fn: Callable[[], T],
    *,
    attempts: int = 8,
    base: float = 0.25,
    cap: float = 8.0,
    stats: dict[str, int] | None = None,
) -> T:
    """Run ``fn`` under the limiter, retrying throttling and 5xx with full-jitter backoff."""
    for attempt in range(attempts):
        limiter.acquire()
        try:
            return fn()
        except Exception as error:
            if attempt == attempts - 1 or not is_retryable(error):
                raise
            if stats is not None:
                stats["retries"] = stats.get("retries", 0) + 1
            time.sleep(random.uniform(0, min(cap, base * (2**attempt))))
    raise AssertionError("unreachable")
