"""A screen of steps: Back, Next and Cancel, a line saying what keeps Next disabled, and
thread workers whose late answers are dropped.

Subclasses give the step widgets (each with a ``title``), say what entering a step does
(``entered``) and what Next does on the steps where it is more than "go on" (``forward``).
Work off the event loop goes through ``run_job``: its result comes back as an ``Answer``
to the request it was made for, and an answer to an earlier request of the same kind is
dropped, so a slow answer never overwrites a newer one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, ContentSwitcher, Footer, Static

from app.screens.worker_errors import ReportsWorkerErrors
from app.services.errors import Cancelled, SsodeckError

ResultType = TypeVar("ResultType")


class Answer(Message):
    """A worker's result (``value``) or failure (``error``) for request ``generation``."""

    def __init__(self, kind: str, generation: int, value: object = None, error: SsodeckError | None = None) -> None:
        super().__init__()
        self.kind, self.generation, self.value, self.error = kind, generation, value, error


class WizardScreen(ReportsWorkerErrors, Screen[ResultType]):
    DEFAULT_CSS = """
    WizardScreen {
        & #wizard-title { height: 1; background: $boost; padding: 0 1; text-style: bold; text-wrap: nowrap; text-overflow: ellipsis; }
        & #wizard-steps { height: 1fr; padding: 1 1 0 1; }
        & #wizard-steps > * { height: 1fr; }
        & #wizard-problem { color: $error; height: auto; padding: 0 1; }
        & #wizard-buttons { height: 1; padding: 0 1; }
        & #wizard-buttons Button { margin-right: 2; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "next", "Next", tooltip="The next step"),
        Binding("ctrl+b", "back", "Back", tooltip="The step before; every choice is kept"),
        Binding("escape", "cancel", "Cancel", tooltip="Leave without doing anything"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.step = 0
        self.problem: str | None = None
        self.shown_problem = ""
        self.generations: dict[str, int] = {}
        self.answers: dict[str, Callable[[Any, SsodeckError | None], None]] = {}

    # -- what a subclass says --------------------------------------------------------

    def step_widgets(self) -> Iterable[Widget]:
        """The steps, in order, each with an id and a ``title``."""
        raise NotImplementedError

    def heading(self) -> str:
        """What the title line says before the step."""
        return ""

    def entered(self, step: int) -> None:
        """A step is shown: check it (``settle``) and start what it needs."""
        self.settle(None)

    def forward(self, step: int) -> None:
        """Next on a step whose problems are settled: by default, the next step."""
        self.show_step(step + 1)

    def next_label(self, step: int) -> str:
        return "Next"

    def can_go_back(self, step: int) -> bool:
        return step > 0

    # -- the frame ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        steps = list(self.step_widgets())
        self.step_ids = [str(widget.id) for widget in steps]
        yield Static("", id="wizard-title", markup=False)
        with ContentSwitcher(initial=self.step_ids[0], id="wizard-steps"):
            yield from steps
        yield Static("", id="wizard-problem", markup=False)
        with Horizontal(id="wizard-buttons"):
            yield Button("Back", id="back", compact=True)
            yield Button("Next", id="next", variant="primary", compact=True)
            yield Button("Cancel", id="cancel", compact=True)
        yield Footer()

    def show_step(self, step: int) -> None:
        self.step = step
        self.query_one(ContentSwitcher).current = self.step_ids[step]
        shown = self.query_one(f"#{self.step_ids[step]}")
        self.query_one("#wizard-title", Static).update(f"{self.heading()} · step {step + 1} of {len(self.step_ids)}: {shown.title}")  # type: ignore[attr-defined]
        first = next((widget for widget in shown.query("*") if widget.focusable), None)
        if first is not None:
            self.set_focus(first)
        self.query_one("#back", Button).disabled = not self.can_go_back(step)
        self.query_one("#next", Button).label = self.next_label(step)
        self.entered(step)
        self.refresh_bindings()

    def settle(self, problem: str | None) -> None:
        """Show what stops the step (Next stays disabled until it is fixed), or nothing."""
        if (problem or "") != self.shown_problem:  # an unchanged line costs no relayout
            self.shown_problem = problem or ""
            self.query_one("#wizard-problem", Static).update(self.shown_problem)
        self.problem = problem
        self.query_one("#next", Button).disabled = problem is not None

    def action_next(self) -> None:
        if self.problem is None:
            self.forward(self.step)

    def action_back(self) -> None:
        if self.can_go_back(self.step):
            self.show_step(self.step - 1)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.can_go_back(self.step) if action == "back" else True

    @on(Button.Pressed, "#next")
    def _next_pressed(self) -> None:
        self.action_next()

    @on(Button.Pressed, "#back")
    def _back_pressed(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    # -- workers' answers --------------------------------------------------------------

    def ask(self, kind: str) -> int:
        """A new request for ``kind``: answers to the earlier ones will be dropped."""
        self.generations[kind] = self.generations.get(kind, 0) + 1
        return self.generations[kind]

    def run_job(self, kind: str, job: Callable[[], object], description: str) -> None:
        """Run ``job`` in a thread worker. What it returns, or the SsodeckError it raises,
        comes back as the answer to this request of ``kind``, unless another was made since.
        ``description`` names the worker (else Textual would repr the job's arguments)."""
        generation = self.ask(kind)

        def work() -> None:
            try:
                value = job()
            except Cancelled:  # the wizard, or the app, is closing
                return
            except SsodeckError as error:
                self.post_message(Answer(kind, generation, error=error))
                return
            self.post_message(Answer(kind, generation, value))

        self.run_worker(work, thread=True, exclusive=True, group=f"wizard-{kind}", description=description, exit_on_error=False)

    @on(Answer)
    def _answered(self, answer: Answer) -> None:
        if answer.generation == self.generations.get(answer.kind):
            self.answers[answer.kind](answer.value, answer.error)
