"""Concurrent walks over the admin APIs on a bounded pool.

A walk is a graph of small tasks, each one request (a page of a listing, a describe call):
a task returns items, and an item may be ``More(task)``, a follow-up (the next page, the
assignments of a permission set just found). Requests start as soon as what they need is
known, so paging one listing never holds up the work it feeds; the rate limiter, not the
pool size, sets the pace. Items are handled, and progress reported, on the calling thread
only, so handlers need no locks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, TypeVar

from app.services.errors import CANCEL_CHECK, Cancelled
from app.services.ratelimit import cancelled_by

T = TypeVar("T")
R = TypeVar("R")
Task = Callable[[], Iterable[Any]]
Progress = Callable[[int, int], None]
WORKERS = 16  # enough to keep 20 requests/s in flight at 150 ms+ latency, with room for retries


@dataclass(frozen=True)
class More:
    """A follow-up task, returned among a task's items."""

    task: Task


class TaskGraph:
    """Tasks added before or during ``run`` all finish (or the first failure is raised).
    ``cancelled`` is asked as the walk goes: once it says so, no more tasks start and
    ``Cancelled`` is raised (an explorer left, or an app closing, does not wait for a walk
    at the rate Identity Center allows, nor leave one running)."""

    def __init__(self, *, workers: int = WORKERS, on_progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> None:
        self._workers = workers
        self._on_progress = on_progress
        self._cancelled = cancelled
        self._queued: list[Task] = []
        self.done = 0
        self.total = 0

    def add(self, task: Task) -> None:
        self._queued.append(task)
        self.total += 1

    def run(self, handle: Callable[[Any], None]) -> None:
        pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="ssodeck-admin")
        running: set[Future] = set()
        try:
            while self._queued or running:
                if self._cancelled is not None and self._cancelled():
                    raise Cancelled
                running |= {pool.submit(_listed, task, self._cancelled) for task in self._queued}
                self._queued.clear()
                finished, running = wait(running, timeout=None if self._cancelled is None else CANCEL_CHECK, return_when=FIRST_COMPLETED)
                for future in finished:
                    for item in future.result():
                        if isinstance(item, More):
                            self.add(item.task)
                        else:
                            handle(item)
                    self.done += 1
                if self._on_progress is not None:
                    self._on_progress(self.done, self.total)
        finally:
            for future in running:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)


def _listed(task: Task, cancelled: Callable[[], bool] | None) -> list[Any]:
    with cancelled_by(cancelled):  # a task waiting its turn when the walk is given up ends there
        return list(task())


def paged(fetch: Callable[[str | None], tuple[list[Any], str | None]], wrap: Callable[[Any], Any] = lambda item: item) -> Task:
    """The task of a listing's first page; each page adds the task of the next."""

    def page(token: str | None) -> Task:
        def run() -> list[Any]:
            items, next_token = fetch(token)
            follow = [More(page(next_token))] if next_token else []
            return [wrap(item) for item in items] + follow

        return run

    return page(None)


def drain(task: Task) -> list[Any]:
    """Every item of a task and its follow-ups, run one after another on this thread (for a
    single listing, where there is nothing to overlap)."""
    found: list[Any] = []
    pending = [task]
    while pending:
        for item in pending.pop(0)():
            if isinstance(item, More):
                pending.append(item.task)
            else:
                found.append(item)
    return found


def fan_out(fn: Callable[[T], R], items: Sequence[T], *, workers: int = WORKERS) -> list[R]:
    """``fn`` over ``items`` concurrently (the limiter paces the requests), results in order."""
    if len(items) <= 1:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items)), thread_name_prefix="ssodeck-admin") as pool:
        return list(pool.map(fn, items))
