"""Cache writes that must never cost the answer.

The token, role-credential and role-listing caches save work for later; when one cannot be
written (read-only directory, full disk) the command still gives its answer, and the face is
told once through the ``ssodeck`` logger (the CLI prints warnings on stderr, the app shows a
notification, plain Python shows them through logging's last-resort handler).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from app.services.errors import WriteFailed

log = logging.getLogger("ssodeck")


def save(save_fn: Callable[[], object], consequence: str) -> bool:
    """Run ``save_fn``; if it cannot write, warn with ``consequence`` and return False."""
    try:
        save_fn()
    except WriteFailed as error:
        log.warning("%s; %s", str(error).removesuffix("; it was left as it was"), consequence)
        return False
    return True
