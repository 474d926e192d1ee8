"""Groups to assignments: every principal x permission set x account, each once.

An assignment's identity is (instance, principal, permission set, account) by meaning (see
``Term``). Its SHA-256 digest gives both its logical ID and its child stack, so neither
depends on input order, on other assignments, or on how an ID was written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from app.services.cfn.identifiers import PERMISSION_SET_PATH
from app.services.cfn.intrinsics import Term
from app.services.cfn.model import AssignmentGroup, InlinePermissionSet
from app.services.cfn.resolver import OuAccounts, Resolver, require_names


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
    """``--lookup-names``: each distinct principal, permission set and account is asked once."""
    resolver = require_names(resolver)
    cache: dict[tuple[str, str], str | None] = {}

    def lookup(kind: str, term: Term) -> str | None:
        if (kind, term.key) not in cache:
            if kind == "permission_set" and term.key in inline_names:
                cache[kind, term.key] = inline_names[term.key]
            elif kind == "permission_set":
                match = PERMISSION_SET_PATH.match(term.key)
                cache[kind, term.key] = resolver.permission_set_name(match.group(1), match.group(2)) if match else None
            elif not term.is_literal:
                cache[kind, term.key] = None
            elif kind == "account":
                cache[kind, term.key] = resolver.account_name(term.value)
            else:
                cache[kind, term.key] = resolver.principal_name(kind, term.value)
        return cache[kind, term.key]

    for assignment in assignments:
        found = {
            "PrincipalName": lookup(assignment.principal_type, assignment.principal_id),
            "PermissionSetName": lookup("permission_set", assignment.permission_set),
            "TargetName": lookup("account", assignment.account),
        }
        assignment.names = {key: value for key, value in found.items() if value}
