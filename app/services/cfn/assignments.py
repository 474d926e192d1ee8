"""Groups to assignments: every principal x permission set x account, each once.

An assignment's identity is (instance, principal, permission set, account) by meaning (see
``Term``). Its SHA-256 digest gives both its logical ID and its child stack, so neither
depends on input order, on other assignments, or on how an ID was written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from app.services.cfn.identifiers import PERMISSION_SET_PATH
from app.services.cfn.intrinsics import Term
from app.services.cfn.model import AssignmentGroup, InlinePermissionSet
from app.services.cfn.resolver import OuAccounts, Resolver, require_names

NAME_WORKERS = 8


@dataclass(slots=True)
class Assignment:
    instance: Term
    principal_type: str
    principal_id: Term
    permission_set: Term
    account: Term
    group: AssignmentGroup
    source_ou: str | None
    key: str
    digest: bytes
    logical_id: str = ""
    names: dict[str, str] = field(default_factory=dict)  # PrincipalName, PermissionSetName, TargetName

    @property
    def slot(self) -> int:
        """Where the assignment goes among N child stacks is ``slot % N``."""
        return int.from_bytes(self.digest[8:16], "big")

    @property
    def wanted_id(self) -> str:
        return "Assignment" + self.digest[:8].hex().upper()


def expand(groups: list[AssignmentGroup], permission_set_terms: dict[int, Term], ou_accounts: OuAccounts) -> list[Assignment]:
    """``permission_set_terms`` maps ``id()`` of each inline permission set to its ARN expression."""
    seen: set[str] = set()
    result: list[Assignment] = []
    for group in groups:
        targets: list[tuple[Term, str | None]] = []
        for ou in sorted(group.ous, key=lambda target: target.recursive):
            targets += [(Term.literal(account), ou.ou_id) for account in ou_accounts(ou)]
        targets += [(account, None) for account in group.accounts]
        permission_sets = [permission_set_terms[id(p)] if isinstance(p, InlinePermissionSet) else p for p in group.permission_sets]
        instance_key = group.instance.key
        for principal in group.principals:
            head = f"{instance_key}\x1f{principal.type}\x1f{principal.id.key}\x1f"
            for permission_set in permission_sets:
                middle = f"{head}{permission_set.key}\x1fAWS_ACCOUNT\x1f"
                for account, source_ou in targets:
                    key = middle + account.key
                    if key in seen:
                        continue
                    seen.add(key)
                    digest = hashlib.sha256(key.encode()).digest()
                    result.append(Assignment(group.instance, principal.type, principal.id, permission_set, account, group, source_ou, key, digest))
    return result


def add_names(assignments: list[Assignment], resolver: Resolver | None, inline_names: dict[str, str]) -> None:
    """``--lookup-names``: each distinct principal, permission set and account is asked once,
    a few at a time (the resolver's rate limiter sets the pace)."""
    resolver = require_names(resolver)
    questions: dict[tuple[str, str], Callable[[], str | None]] = {}

    def ask(kind: str, term: Term) -> tuple[str, str]:
        key = (kind, term.key)
        if key not in questions:
            questions[key] = _question(resolver, kind, term, inline_names)
        return key

    asked = [(ask(a.principal_type, a.principal_id), ask("permission_set", a.permission_set), ask("account", a.account)) for a in assignments]
    with ThreadPoolExecutor(max_workers=NAME_WORKERS, thread_name_prefix="ssodeck-names") as pool:
        answers = dict(zip(questions, pool.map(lambda question: question(), questions.values())))
    for assignment, (principal, permission_set, account) in zip(assignments, asked):
        found = {"PrincipalName": answers[principal], "PermissionSetName": answers[permission_set], "TargetName": answers[account]}
        assignment.names = {key: value for key, value in found.items() if value}


def _question(resolver: Resolver, kind: str, term: Term, inline_names: dict[str, str]) -> Callable[[], str | None]:
    """How to learn one name; a reference has none until deployed."""
    if kind == "permission_set":
        if term.key in inline_names:
            return lambda: inline_names[term.key]
        match = PERMISSION_SET_PATH.match(term.key)
        return (lambda: resolver.permission_set_name(match.group(1), match.group(2))) if match else _unknown
    if not term.is_literal:
        return _unknown
    if kind == "account":
        return lambda: resolver.account_name(term.value)
    return lambda: resolver.principal_name(kind, term.value)


def _unknown() -> None:
    return None
