"""A worker that fails unexpectedly is said in a notification, never a traceback or silence;
one whose screen or app has gone stops its long work early."""

from __future__ import annotations

from collections.abc import Callable

from textual.worker import Worker, WorkerState, get_current_worker

from app.services.errors import SsodeckError


class ReportsWorkerErrors:
    """Mixed into a screen: workers there run with ``exit_on_error=False``, so without this a
    bug would end the work silently."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, SsodeckError):
            text = str(error)
        else:
            text = f"Something unexpected went wrong ({type(error).__name__}); the rest of the app still works, and trying again may help."
        self.notify(text, severity="error", timeout=10)  # type: ignore[attr-defined]


def worker_cancelled() -> Callable[[], bool]:
    """In a thread worker: a question its long service call asks as it goes (``cancelled=``),
    true once the worker is cancelled (its screen closed, or the app quitting), so that a
    listing at the rate Identity Center allows does not keep a quitting app alive."""
    worker = get_current_worker()
    return lambda: worker.is_cancelled
