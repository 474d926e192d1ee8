"""Role credentials for an account and role: from the shared cache while fresh, else the portal.

The cache is the AWS CLI v2's (``~/.aws/cli/cache``), so credentials fetched by either tool
serve both. "Fresh" means more than 15 minutes left, which is also what botocore needs to
avoid re-running a ``credential_process`` on every call.
"""

from __future__ import annotations

from collections.abc import Callable

from app.models import Instance, RoleCredentials, Token
from app.services import best_effort, credential_cache
from app.services.errors import LoginRequired


def cached_credentials(instance: Instance, account_id: str, role_name: str) -> RoleCredentials | None:
    """Fresh cached credentials (more than 15 minutes left) or None, without any network call."""
    cached = credential_cache.load(instance, account_id, role_name)
    return cached if cached is not None and cached.fresh() else None


def get_role_credentials(
    instance: Instance,
    account_id: str,
    role_name: str,
    *,
    token_source: Callable[[], Token],
    force_refresh: bool = False,
) -> RoleCredentials:
    if not force_refresh:
        cached = cached_credentials(instance, account_id, role_name)
        if cached is not None:
            return cached
    from app.services import portal
    from app.services.locks import exclusive

    token = token_source()  # may sign in, so it is not done while holding the lock below
    # Single flight: processes asking for the same role at once make one portal call.
    with exclusive(f"credentials:{credential_cache.credential_path(instance, account_id, role_name)}"):
        cached = None if force_refresh else cached_credentials(instance, account_id, role_name)
        if cached is not None:
            return cached
        try:
            credentials = portal.get_role_credentials(instance, token, account_id, role_name)
        except LoginRequired:
            # The portal rejected the token and it was discarded: one more try, which
            # refreshes it (or signs in, for a caller that may).
            credentials = portal.get_role_credentials(instance, token_source(), account_id, role_name)
        best_effort.save(
            lambda: credential_cache.save(instance, account_id, role_name, credentials),
            "the role credentials work now but were not cached, so the next call fetches them again",
        )
        return credentials
