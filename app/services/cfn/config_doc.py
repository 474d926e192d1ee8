"""Live assignments written back as a config file that ``admin cfn`` reads.

Assignments are (principal, permission set, account) triples, and a config document is a
cross product, so the triples are grouped into documents that cover them exactly: the
permission sets a principal has on the same set of accounts share one document with every
other principal that has exactly those. Nothing is added that was not assigned.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from app.services.cfn.template_text import render

# (principal type GROUP|USER, principal ID, permission set ARN, account ID)
Triple = tuple[str, str, str, str]


def render_config(instance_arn: str, triples: Iterable[Triple]) -> str:
    """A multi-document YAML config (``---`` between documents), the same text for the same triples."""
    accounts_of: dict[tuple[tuple[str, str], str], set[str]] = defaultdict(set)
    for principal_type, principal_id, permission_set, account in triples:
        accounts_of[(principal_type, principal_id), permission_set].add(account)
    principals_of: dict[tuple[str, frozenset[str]], set[tuple[str, str]]] = defaultdict(set)
    for (principal, permission_set), accounts in accounts_of.items():
        principals_of[permission_set, frozenset(accounts)].add(principal)
    permission_sets_of: dict[tuple[frozenset, frozenset], set[str]] = defaultdict(set)
    for (permission_set, accounts), principals in principals_of.items():
        permission_sets_of[frozenset(principals), accounts].add(permission_set)
    documents = []
    for (principals, accounts), permission_sets in permission_sets_of.items():
        document = {"Instance": instance_arn}
        for principal_type, key in (("GROUP", "Groups"), ("USER", "Users")):
            ids = sorted(principal_id for kind, principal_id in principals if kind == principal_type)
            if ids:
                document[key] = ids
        document["PermissionSets"] = sorted(permission_sets)
        document["Accounts"] = sorted(accounts)
        documents.append(render(document, "yaml"))
    return "---\n".join(sorted(documents))
