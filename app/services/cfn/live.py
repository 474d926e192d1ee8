"""The live ``Resolver``: OU targets, names and the instance, from the admin services.

It opens its admin run on first need, so generating from files alone takes no credentials
and no request. Everything it asks goes through that run's clients (one rate limiter) and
its once-per-run caches: an OU's accounts come from ``accounts_in_ous`` (management account
and non-ACTIVE accounts left out at every depth), and the names seen while listing an OU
answer later account-name lookups without another request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from app.services.admin import directory, organizations, permission_sets
from app.services.admin.context import AdminContext
from app.services.errors import LookupUnavailable, SsodeckError

NAMES = "looking up names (--lookup-names)"


class LiveResolver:
    def __init__(self, open_context: Callable[[], AdminContext]) -> None:
        self._open = open_context
        self._context: AdminContext | None = None
        self._lock = threading.Lock()
        self._account_names: dict[str, str] = {}

    @property
    def opened(self) -> AdminContext | None:
        """The admin run, if anything needed one."""
        return self._context

    def _run(self, purpose: str) -> AdminContext:
        """The admin run, opened now if need be; without credentials or a region, one line
        that says what needed them."""
        with self._lock:
            if self._context is None:
                try:
                    self._context = self._open()
                except SsodeckError as error:
                    raise LookupUnavailable(f"{purpose} needs AWS access: {error}", exit_code=error.exit_code) from None
            return self._context

    def instance_arn(self) -> str:
        return self._run("finding the Identity Center instance (no --ins, and the input names none)").instance.arn

    def accounts_in_ou(self, ou_id: str, recursive: bool) -> list[str]:
        found = organizations.accounts_in_ous(self._run(f"listing the accounts of {ou_id}").clients, [ou_id], recursive=recursive)
        self._account_names.update((where.account.account_id, where.account.name) for where in found if where.account.name)
        return [where.account.account_id for where in found]

    def principal_name(self, principal_type: str, principal_id: str) -> str | None:
        kind = directory.BY_TYPE[principal_type]
        found = directory.describe(self._run(NAMES), kind, principal_id)
        return (kind.label(found) or None) if found else None

    def permission_set_name(self, instance_id: str, permission_set_id: str) -> str | None:
        """None for a permission set of another instance than the run's (it cannot be described there)."""
        context = self._run(NAMES)
        if context.instance.instance_id != instance_id:
            return None
        found = permission_sets.describe(context, f"arn:{context.clients.partition}:sso:::permissionSet/{instance_id}/{permission_set_id}")
        return (found.name or None) if found else None

    def account_name(self, account_id: str) -> str | None:
        if account_id in self._account_names:
            return self._account_names[account_id]
        context = self._run(NAMES)
        found = context.memo.get(("account", account_id), lambda: organizations.describe_account(context.clients, account_id))
        return (found.name or None) if found else None
