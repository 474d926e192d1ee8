"""Live assignments written back as a config file that ``admin cfn`` reads.

Assignments are (principal, permission set, account) triples, and a config document is a
cross product, so the triples are grouped into documents that cover them exactly: the
permission sets a principal has on the same set of accounts share one document with every
other principal that has exactly those. Nothing is added that was not assigned.

The file is meant to be read and kept: permission sets of the document's instance are
written as their short ``ps-`` IDs (``admin cfn`` completes them from ``Instance``), and
every ID carries its name as a comment when the name is known.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from app.printable import one_line
from app.services.cfn.template_text import yaml_scalar

# (principal type GROUP|USER, principal ID, permission set ARN, account ID)
Triple = tuple[str, str, str, str]
KEYS = (("Groups", "GROUP"), ("Users", "USER"))


def render_config(instance_arn: str, triples: Iterable[Triple], names: Mapping[str, str] | None = None) -> str:
    """A multi-document YAML config (``---`` between documents), the same text for the same
    triples. ``names`` maps principal IDs, permission set ARNs and account IDs to names."""
    names = names or {}
    accounts_of: dict[tuple[tuple[str, str], str], set[str]] = defaultdict(set)
    for principal_type, principal_id, permission_set, account in triples:
        accounts_of[(principal_type, principal_id), permission_set].add(account)
    principals_of: dict[tuple[str, frozenset[str]], set[tuple[str, str]]] = defaultdict(set)
    for (principal, permission_set), accounts in accounts_of.items():
        principals_of[permission_set, frozenset(accounts)].add(principal)
    permission_sets_of: dict[tuple[frozenset, frozenset], set[str]] = defaultdict(set)
    for (permission_set, accounts), principals in principals_of.items():
        permission_sets_of[frozenset(principals), accounts].add(permission_set)
    instance_id = instance_arn.rsplit("/", 1)[-1]
    documents = []
    for (principals, accounts), permission_sets in permission_sets_of.items():
        lines = [f"Instance: {yaml_scalar(instance_arn)}"]
        for key, principal_type in KEYS:
            lines += _list(key, sorted(principal_id for kind, principal_id in principals if kind == principal_type), names)
        lines += _list("PermissionSets", sorted(permission_sets), names, lambda arn: _short(arn, instance_id))
        lines += _list("Accounts", sorted(accounts), names)
        documents.append("\n".join(lines) + "\n")
    total = sum(len(accounts) for accounts in accounts_of.values())
    header = (f"# {total} Identity Center assignment{'s' * (total != 1)} of {one_line(instance_arn)}, as input for `ssodeck admin cfn`.\n"
              "# Each document (between ---) gives its principals its permission sets in its accounts.\n")
    return header + "---\n".join(sorted(documents))


def _list(key: str, values: list[str], names: Mapping[str, str], written: Callable[[str], str] = str) -> list[str]:
    if not values:
        return []
    return [f"{key}:"] + [f"  - {yaml_scalar(written(value))}" + (f"  # {one_line(names[value])}" if names.get(value) else "") for value in values]


def _short(arn: str, instance_id: str) -> str:
    """``ps-...`` for a permission set of the instance, the ARN as it is otherwise."""
    prefix, _, permission_set_id = arn.rpartition("/")
    return permission_set_id if prefix.endswith("/" + instance_id) and permission_set_id.startswith("ps-") else arn
