"""How a face takes part in a sign-in, and the behaviour every face shares.

The flows in ``oidc`` talk to a ``LoginUI``: it announces the sign-in, shows a device code or
opens an authorize URL, and says when it is waiting for another process. ``BrowserLoginUI``
opens the page in the local browser (unless headless) and leaves only the wording to its
subclass, so the CLI, the Python API and the app cannot drift apart on when a browser opens.
"""

from __future__ import annotations

from typing import Protocol

from app.models import Instance
from app.services import browser

TYPE_CHECKING = False
if TYPE_CHECKING:
    from app.services.oidc import DevicePrompt


class LoginUI(Protocol):
    """What the sign-in flows need from a face.

    ``browser_available`` False makes sso-session sign-ins use the device code, since the
    browser redirect of the PKCE flow can only reach a browser on this machine.
    """

    @property
    def browser_available(self) -> bool: ...

    def signing_in(self, instance: Instance) -> None: ...

    def show_device_code(self, prompt: DevicePrompt) -> None: ...

    def open_authorize_url(self, url: str) -> None: ...

    def show_waiting(self, message: str) -> None: ...


class BrowserLoginUI:
    """Opens sign-in pages in the local browser unless ``headless``; subclasses show text."""

    def __init__(self, *, headless: bool = False) -> None:
        self.headless = headless or browser.disabled_by_env()

    @property
    def browser_available(self) -> bool:
        return not self.headless and browser.available()

    def signing_in(self, instance: Instance) -> None:
        self.say(f"Signing in to {instance.label()}")

    def show_device_code(self, prompt: DevicePrompt) -> None:
        self.device_code(prompt, opened=self._open(prompt.verification_uri_complete))

    def open_authorize_url(self, url: str) -> None:
        self.authorize_url(url, opened=self._open(url))

    def show_waiting(self, message: str) -> None:
        self.say(f"{message[0].upper()}{message[1:]}...")

    def _open(self, url: str) -> bool:
        return not self.headless and browser.open_page(url)

    # -- what the user sees: the face's part -------------------------------------------

    def say(self, text: str) -> None:
        raise NotImplementedError

    def device_code(self, prompt: DevicePrompt, *, opened: bool) -> None:
        raise NotImplementedError

    def authorize_url(self, url: str, *, opened: bool) -> None:
        raise NotImplementedError
