"""The one seam between generation and live AWS: what it must look up, and the answer without access.

Generation never calls boto3 itself. OU targets, ``--lookup-names`` and a missing instance go
through a ``Resolver``; the live one wraps the admin services (Organizations, sso-admin,
identitystore), tests use an in-memory one, and without one those inputs fail with one line
that says what access they need.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from app.services.cfn.identifiers import BadIdentifier, instance_term
from app.services.cfn.intrinsics import Term
from app.services.cfn.model import OuTarget
from app.services.errors import InvalidInput, LookupUnavailable


class Resolver(Protocol):
    def instance_arn(self) -> str:
        """The one Identity Center instance the credentials can see."""

    def accounts_in_ou(self, ou_id: str, recursive: bool) -> list[str]:
        """Account IDs under an OU or root: ACTIVE ones only, without the management account,
        at every depth when ``recursive``."""

    def principal_name(self, principal_type: str, principal_id: str) -> str | None:
        """A group's display name or a user's user name (None: not found)."""

    def permission_set_name(self, instance_id: str, permission_set_id: str) -> str | None:
        """By IDs (``ssoins-...``, ``ps-...``): an ARN built from IDs may not know its partition yet."""

    def account_name(self, account_id: str) -> str | None: ...


def fallback_instance(resolver: Resolver | None) -> Callable[[str], Term]:
    """The instance for inputs that name none and ran without --ins (looked up once)."""
    found: list[Term] = []

    def find(where: str) -> Term:
        if resolver is None:
            raise InvalidInput(f"{where}: no Identity Center instance: give --ins ARN or an Instance key")
        if not found:
            arn = resolver.instance_arn()
            try:
                found.append(instance_term(arn))
            except BadIdentifier as error:
                raise InvalidInput(str(error)) from None
        return found[0]

    return find


class OuAccounts:
    """Accounts of OU targets, each OU listed once however many groups name it."""

    def __init__(self, resolver: Resolver | None) -> None:
        self.resolver = resolver
        self._cache: dict[tuple[str, bool], list[str]] = {}

    def __call__(self, target: OuTarget) -> list[str]:
        if self.resolver is None:
            raise LookupUnavailable(
                f"needs Organizations access: {target.where}: the accounts of {target.ou_id} are listed when generating; "
                "name them under Accounts instead"
            )
        key = (target.ou_id, target.recursive)
        if key not in self._cache:
            self._cache[key] = sorted(set(self.resolver.accounts_in_ou(target.ou_id, target.recursive)))
        return self._cache[key]


def require_names(resolver: Resolver | None) -> Resolver:
    if resolver is None:
        raise LookupUnavailable("needs Organizations access: --lookup-names reads names from Identity Center and Organizations")
    return resolver
