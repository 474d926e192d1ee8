"""The sign-in screen: the device code or browser step, a visible wait, and what went wrong.

The sign-in itself is the service's (``auth.get_token``), run in a thread worker with a
LoginUI that posts what to show back to this screen. The screen dismisses itself with the
token once signed in; denial and expiry stay on screen with a key to try again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, LoadingIndicator, Static

from app.screens import rules_beside
from app.models import Instance, Token
from app.screens.worker_errors import ReportsWorkerErrors, worker_cancelled
from app.services.auth import TokenResult, get_token
from app.services.errors import Cancelled, SsodeckError
from app.services.login_ui import BrowserLoginUI
from app.services.oidc import DevicePrompt, FlowOptions


class ScreenLoginUI(BrowserLoginUI):
    """The LoginUI of the app: every step becomes a message to the sign-in screen (the flows
    run in a worker thread; ``post_message`` is safe from there)."""

    def __init__(self, screen: SignInScreen, *, headless: bool = False) -> None:
        super().__init__(headless=headless)
        self.screen = screen

    def say(self, text: str) -> None:
        self.screen.post_message(SignInScreen.Step(text))

    def device_code(self, prompt: DevicePrompt, *, opened: bool) -> None:
        self.screen.post_message(SignInScreen.DeviceCode(prompt, opened))

    def authorize_url(self, url: str, *, opened: bool) -> None:
        self.screen.post_message(SignInScreen.BrowserStep(url, opened))


class SignInScreen(ReportsWorkerErrors, ModalScreen[Token | None]):
    """Signs in to ``instance``; dismisses with the token, or None when cancelled."""

    DEFAULT_CSS = rules_beside(__file__)
    BINDINGS = [
        Binding("c", "copy_url", "Copy URL", tooltip="Copy the sign-in URL to the clipboard"),
        Binding("o", "open_url", "Open browser", tooltip="Open the sign-in URL in your browser"),
        Binding("r", "retry", "Try again", tooltip="Start a new sign-in"),
        Binding("escape", "cancel", "Cancel"),
    ]

    class Step(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class DeviceCode(Message):
        def __init__(self, prompt: DevicePrompt, opened: bool) -> None:
            super().__init__()
            self.prompt = prompt
            self.opened = opened

    class BrowserStep(Message):
        def __init__(self, url: str, opened: bool) -> None:
            super().__init__()
            self.url = url
            self.opened = opened

    class Finished(Message):
        def __init__(self, token: Token | None, error: SsodeckError | None) -> None:
            super().__init__()
            self.token = token
            self.error = error

    def __init__(self, instance: Instance, *, force: bool = False, sign_in: Callable[..., TokenResult] = get_token) -> None:
        """``sign_in`` is ``auth.get_token`` (tests show a fixed step instead of a live one)."""
        super().__init__()
        self.instance = instance
        self.force = force
        self.sign_in = sign_in
        self.url: str | None = None
        self.expires_at: datetime | None = None
        self.failed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="signin-box"):
            yield Static(f"Sign in to {self.instance.label()}", id="signin-title", markup=False)
            yield Static("Starting the sign-in…", id="signin-step", markup=False)
            yield Static("", id="signin-code", markup=False)
            yield Static("", id="signin-url", markup=False)
            yield LoadingIndicator(id="signin-wait")
            yield Static("", id="signin-expiry", markup=False)
            yield Button("Try again", id="signin-retry", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#signin-retry").display = False
        self.set_interval(1.0, self._tick)
        self.start()

    def start(self) -> None:
        self.failed = False
        self.url = None
        self.expires_at = None
        self.query_one("#signin-retry").display = False
        self.query_one("#signin-wait").display = True
        self.query_one("#signin-code", Static).update("")
        self.query_one("#signin-url", Static).update("")
        self.query_one("#signin-step", Static).update("Starting the sign-in…")
        self.refresh_bindings()
        self._sign_in()

    @work(thread=True, exclusive=True, exit_on_error=False, group="signin")
    def _sign_in(self) -> None:
        ui = ScreenLoginUI(self)
        try:
            result = self.sign_in(self.instance, ui=ui, force_login=self.force, renew=True, options=FlowOptions(cancelled=worker_cancelled()))
        except Cancelled:  # the sign-in was cancelled (Esc), or the app is closing
            return
        except SsodeckError as error:
            self.post_message(self.Finished(None, error))
            return
        self.post_message(self.Finished(result.token, None))

    @on(Step)
    def _step(self, message: Step) -> None:
        self.query_one("#signin-step", Static).update(message.text)

    @on(DeviceCode)
    def _device_code(self, message: DeviceCode) -> None:
        prompt = message.prompt
        self.url = prompt.verification_uri_complete
        self.expires_at = prompt.expires_at
        lead = "Your browser has been opened; check that it shows this code:" if message.opened else "Open this URL in a browser and check that it shows this code:"
        self.query_one("#signin-step", Static).update(lead)
        self.query_one("#signin-code", Static).update(prompt.user_code)
        self.query_one("#signin-url", Static).update(prompt.verification_uri_complete)
        self.refresh_bindings()
        self._tick()

    @on(BrowserStep)
    def _browser_step(self, message: BrowserStep) -> None:
        self.url = message.url
        lead = "Your browser has been opened to sign in. If it did not open, visit:" if message.opened else "Open this URL in a browser on this machine:"
        self.query_one("#signin-step", Static).update(lead)
        self.query_one("#signin-url", Static).update(message.url)
        self.refresh_bindings()

    @on(Finished)
    def _finished(self, message: Finished) -> None:
        if message.token is not None:
            self.dismiss(message.token)
            return
        self.failed = True
        self.url = None  # the code or the browser's sign-in it named is over
        self.query_one("#signin-url", Static).update("")
        self.refresh_bindings()
        self.query_one("#signin-wait").display = False
        self.query_one("#signin-retry").display = True
        self.query_one("#signin-code", Static).update("")
        self.query_one("#signin-expiry", Static).update("")
        self.query_one("#signin-step", Static).update(f"Sign-in failed: {message.error}. Press r to try again, Esc to go back.")

    def _tick(self) -> None:
        if self.expires_at is None or self.failed:
            return
        left = int((self.expires_at - datetime.now(self.expires_at.tzinfo)).total_seconds())
        text = f"Waiting for approval… the code expires in {left // 60}:{left % 60:02d}" if left > 0 else "The code has expired."
        self.query_one("#signin-expiry", Static).update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer offers what can be done now: the URL while there is one to use, and
        trying again once the sign-in has failed."""
        if action in ("copy_url", "open_url") and not self.url:
            return False
        if action == "retry" and not self.failed:
            return False
        return super().check_action(action, parameters)

    def action_copy_url(self) -> None:
        if self.url:
            self.app.copy_text(self.url, "the sign-in URL")

    def action_open_url(self) -> None:
        if self.url:
            self.app.open_url(self.url)

    def action_retry(self) -> None:
        if self.failed:
            self.start()

    @on(Button.Pressed, "#signin-retry")
    def _retry_pressed(self) -> None:
        self.action_retry()

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "signin")
        self.dismiss(None)
