"""A worker that fails unexpectedly is said in a notification, never a traceback or silence."""

from __future__ import annotations

from textual.worker import Worker, WorkerState

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
