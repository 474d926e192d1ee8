"""What the emulator knows about the requests themselves: counts per operation, the request
log, how many are in flight, and the two gates a request meets before its handler runs
(injected failures, then the rate limit of the portal and admin APIs).

Tests and benchmarks assert on these figures, so they are kept exactly, under the
emulator's single lock, and decided on arrival (before any configured latency) the way a
real front end throttles before doing the work.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, deque
from typing import Any

from app.emulator.controls import RATE_LIMITED_OPS, Controls
from app.emulator.wire import ApiError

LOG_LIMIT = 10_000


class Traffic:
    def __init__(self, controls: Controls, lock: threading.RLock) -> None:
        self._controls = controls
        self._lock = lock
        self._counts: Counter[str] = Counter()
        self._log: deque[dict[str, Any]] = deque(maxlen=LOG_LIMIT)
        self._in_flight = 0
        self._peak = 0
        self._rng = random.Random(controls.seed)
        self._bucket_rate: float | None = None
        self._bucket_tokens = 0.0
        self._bucket_time = 0.0

    def admit(self, entry: dict[str, Any], op: str | None) -> ApiError | None:
        """Record a request and say whether it must fail before reaching its handler."""
        with self._lock:
            self._log.append(entry)
            if op is None:
                return None
            self._counts[op] += 1
            self._in_flight += 1
            self._peak = max(self._peak, self._in_flight)
            injected = self._injected(op)
            if injected is not None:
                return injected
            if op in RATE_LIMITED_OPS and not self._take_token():
                return ApiError(429, None, "Rate exceeded")  # TooManyRequests or Throttling, per family
            return None

    def done(self, op: str | None) -> None:
        if op is not None:
            with self._lock:
                self._in_flight -= 1

    def counts(self) -> Counter[str]:
        with self._lock:
            return Counter(self._counts)

    @property
    def peak_in_flight(self) -> int:
        with self._lock:
            return self._peak

    @property
    def in_flight(self) -> int:
        with self._lock:
            return self._in_flight

    def requests(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(entry) for entry in self._log]

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
            self._log.clear()
            self._peak = self._in_flight

    def reconfigured(self, names: set[str]) -> None:
        """Restart the random stream or the bucket when the knobs that drive them change."""
        with self._lock:
            if names & {"seed", "failures"}:
                self._rng = random.Random(self._controls.seed)
            if "max_rps" in names:
                self._bucket_rate = None

    def _injected(self, op: str) -> ApiError | None:
        spec = self._controls.failures.get(op)
        if not spec:
            return None
        if "count" in spec:
            if spec["count"] <= 0:
                return None
            spec["count"] -= 1
        elif self._rng.random() >= spec.get("rate", 0):
            return None
        return ApiError(int(spec["status"]), spec.get("shape"), spec.get("message", "Injected failure"))

    def _take_token(self) -> bool:
        """A token bucket of capacity max_rps (at least 1) refilled at max_rps per second."""
        rate = self._controls.max_rps
        now = time.monotonic()
        if rate is None:
            return True
        capacity = max(float(rate), 1.0)
        if self._bucket_rate != rate:
            self._bucket_rate, self._bucket_tokens, self._bucket_time = rate, capacity, now
        self._bucket_tokens = min(capacity, self._bucket_tokens + (now - self._bucket_time) * rate)
        self._bucket_time = now
        if self._bucket_tokens >= 1.0:
            self._bucket_tokens -= 1.0
            return True
        return False
