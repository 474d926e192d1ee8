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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from app.services.clients import error_code
from app.services.errors import CANCEL_CHECK, Cancelled

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

    def acquire(self, cancelled: Callable[[], bool] | None = None) -> None:
        """Wait for the next permit. ``cancelled`` (by default the one this thread is under,
        see ``cancelled_by``) is asked while waiting (a tenth of a second at a time) and before
        the permit is used: ``Cancelled`` once it says so, so that work given up does not wait
        its turn only to make a request nobody wants."""
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self._interval
        pause(slot - now, cancelled)


_scope = threading.local()


@contextmanager
def cancelled_by(cancelled: Callable[[], bool] | None) -> Iterator[None]:
    """Within it, every wait for a permit on this thread asks ``cancelled`` (for work whose
    requests are made deep inside callables it cannot pass it to, see ``TaskGraph``)."""
    before = getattr(_scope, "cancelled", None)
    _scope.cancelled = cancelled
    try:
        yield
    finally:
        _scope.cancelled = before


def pause(seconds: float, cancelled: Callable[[], bool] | None = None, sleep: Callable[[float], None] = time.sleep) -> None:
    """``sleep`` for ``seconds``. With ``cancelled`` (by default the one this thread is under,
    see ``cancelled_by``), a tenth of a second at a time, asking it each time and once more at
    the end: ``Cancelled`` as soon as it says so."""
    if cancelled is None:
        cancelled = getattr(_scope, "cancelled", None)
    if cancelled is None:
        if seconds > 0:
            sleep(seconds)
        return
    end = time.monotonic() + seconds
    while not cancelled():
        left = end - time.monotonic()
        if left <= 0:
            return
        sleep(min(left, CANCEL_CHECK))
    raise Cancelled


_limiters: dict[str, RateLimiter] = {}
_registry_lock = threading.Lock()


def configured_rps() -> float:
    try:
        value = float(os.environ.get("SSODECK_MAX_RPS", "") or DEFAULT_RPS)
    except ValueError:
        return DEFAULT_RPS
    return value if value > 0 else DEFAULT_RPS


def limiter_for(key: str, rate: float | None = None) -> RateLimiter:
    """The shared limiter of one instance.

    Callers that only make requests pass no rate and get the limiter as it is (created at
    ``SSODECK_MAX_RPS`` or the default on first use). A rate given explicitly (``--max-rps``,
    the app's setting) replaces it, and later calls without a rate keep that one.
    """
    with _registry_lock:
        limiter = _limiters.get(key)
        if rate is not None and (limiter is None or limiter.rate != rate):
            limiter = _limiters[key] = RateLimiter(rate)
        elif limiter is None:
            limiter = _limiters[key] = RateLimiter(configured_rps())
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
    cancelled: Callable[[], bool] | None = None,
) -> T:
    """Run ``fn`` under the limiter, retrying throttling and 5xx with full-jitter backoff
    (``cancelled``, asked while waiting for a permit or between tries: see ``pause``)."""
    return retrying(fn, attempts=attempts, base=base, cap=cap, stats=stats, before=lambda: limiter.acquire(cancelled), sleep=lambda seconds: pause(seconds, cancelled))


def retrying(
    fn: Callable[[], T],
    *,
    attempts: int,
    base: float = 0.25,
    cap: float = 8.0,
    stats: dict[str, int] | None = None,
    before: Callable[[], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``fn``, retrying what ``is_retryable`` says is passing, with full-jitter backoff;
    the last failure (or the first one that is not passing) is raised as it is."""
    for attempt in range(attempts):
        if before is not None:
            before()
        try:
            return fn()
        except Exception as error:
            if attempt == attempts - 1 or not is_retryable(error):
                raise
            if stats is not None:
                stats["retries"] = stats.get("retries", 0) + 1
            sleep(random.uniform(0, min(cap, base * (2**attempt))))
    raise AssertionError("unreachable")
