"""The local web browser: whether there is one, and opening a page in it.

Sign-in, the console launcher and every face open pages the same way, so they agree on what
"no browser" means (``AWS_SSO_DISABLE_BROWSER``, a headless machine) and none of them fails
because opening one did.
"""

from __future__ import annotations

import os

DISABLE_ENV = "AWS_SSO_DISABLE_BROWSER"


def disabled_by_env() -> bool:
    return os.environ.get(DISABLE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def available() -> bool:
    """Whether Python's webbrowser module knows a browser to open here."""
    import webbrowser  # loaded when a browser is wanted, not with the app

    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True


def open_page(url: str, *, new_tab: bool = True, autoraise: bool = True) -> bool:
    """Open ``url``; False when no browser took it. The URL may be a secret: never logged."""
    import webbrowser

    try:
        return bool(webbrowser.open(url, new=2 if new_tab else 0, autoraise=autoraise))
    except webbrowser.Error:
        return False
