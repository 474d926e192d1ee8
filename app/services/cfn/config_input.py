"""The config-file format: principals x permission sets x targets, in YAML or JSON.

Every key of aws-sso-util's format is accepted under each of its aliases. A YAML file may
hold several documents (``---``), each its own group; that is how an export of live
assignments, which are rarely one full cross product, is written back as input.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from app.services.cfn import schema
from app.services.cfn.located import Document
from app.services.cfn.model import AssignmentGroup, Principal, Settings

CONFIG_KEYS: dict[str, tuple[str, ...]] = {
    "instance": schema.INSTANCE_KEYS,
    "name": ("AssignmentGroupName",),
    "groups": ("Groups", "Group"),
    "users": ("Users", "User"),
    "permission_sets": schema.PERMISSION_SET_KEYS,
    "ous": ("OUs", "Ous", "OU", "Ou"),
    "recursive_ous": ("RecursiveOUs", "RecursiveOus", "RecursiveOU", "RecursiveOu"),
    "accounts": ("Accounts", "Account"),
    **schema.SETTINGS_KEYS,
}


def config_groups(documents: list[Document], context: schema.Context) -> tuple[list[AssignmentGroup], Settings]:
    """The groups of a config file and its generation keys (which all documents must agree on)."""
    groups: list[AssignmentGroup] = []
    merged: dict[str, Any] = {}
    for doc in documents:
        if doc.data is None:
            continue  # an empty document, e.g. after a trailing ---
        fields = schema.Fields(doc, (), doc.data, CONFIG_KEYS, "config")
        groups.append(_group(fields, context))
        for name, value in dataclasses.asdict(schema.settings(fields)).items():
            if value is None:
                continue
            if merged.get(name, value) != value:
                path, _ = fields.get(name)
                raise doc.fail(path, f"differs from {merged[name]!r} in an earlier document of this file")
            merged[name] = value
    if not groups:
        raise Document(documents[0].name if documents else "input", None).fail((), "empty: no assignments to generate")
    return groups, Settings(**merged)


def _group(fields: schema.Fields, context: schema.Context) -> AssignmentGroup:
    doc = fields.doc
    instance = schema.instance(fields, context)
    principals = [Principal("GROUP", term) for term in schema.principal_ids(fields, "groups")]
    principals += [Principal("USER", term) for term in schema.principal_ids(fields, "users")]
    permission_sets = schema.permission_sets(fields, "permission_sets", instance)
    accounts = schema.account_ids(fields, "accounts")
    ous = schema.ou_targets(fields, "ous", recursive=False) + schema.ou_targets(fields, "recursive_ous", recursive=True)
    for found, what in ((principals, "principals (Groups or Users)"), (permission_sets, "permission sets (PermissionSets)"),
                        (accounts or ous, "targets (Accounts, OUs or RecursiveOUs)")):
        if not found:
            raise doc.fail((), f"no {what}")
    name = fields.get("name")
    if name is not None and not isinstance(name[1], str):
        raise doc.fail(name[0], f"expected a name, got {name[1]!r}")
    return AssignmentGroup(name[1] if name else None, None, doc.where(()), instance, principals, permission_sets, accounts, ous)
