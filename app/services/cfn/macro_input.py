"""The macro format: templates with ``SSOUtil::SSO::AssignmentGroup`` resources.

The same template serves ``ssodeck admin cfn --macro`` (expanded on your machine) and the
deployed macro (expanded by CloudFormation through Lambda). Generation keys live in the
template's ``Metadata.SSO``.
"""

from __future__ import annotations

import copy
from typing import Any

from app.services.cfn import schema
from app.services.cfn.located import Document
from app.services.cfn.model import AssignmentGroup, Principal, Settings

TRANSFORM = "AWS-SSO-Util-2020-11-08"
GROUP_TYPE = "SSOUtil::SSO::AssignmentGroup"
LEGACY_PERMISSION_SET_TYPE = "SSOUtil::SSO::PermissionSet"
GROUP_KEYS: dict[str, tuple[str, ...]] = {
    "name": ("Name",),
    "instance": schema.INSTANCE_KEYS,
    "principals": ("Principal", "Principals"),
    "permission_sets": schema.PERMISSION_SET_KEYS,
    "targets": ("Target", "Targets"),
    "update_nonce": ("UpdateNonce",),
}
PRINCIPAL_KEYS = {"type": ("Type", "PrincipalType"), "ids": ("Id", "PrincipalId", "Ids", "PrincipalIds")}
TARGET_KEYS = {"type": ("Type", "TargetType"), "ids": ("Id", "TargetId", "Ids", "TargetIds"), "recursive": ("Recursive",)}
RESOURCE_KEYS = {"type": ("Type",), "properties": ("Properties",)}


def macro_groups(doc: Document, context: schema.Context) -> tuple[dict[str, Any], list[AssignmentGroup], Settings]:
    """The template without its groups (the base to layer onto), the groups, and Metadata.SSO."""
    template = doc.data
    if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
        raise doc.fail((), "not a CloudFormation template with Resources")
    base = {key: value for key, value in template.items() if key != "Resources"}
    _drop_transform(base)
    resources: dict[str, Any] = {}
    groups = []
    for logical_id, resource in template["Resources"].items():
        path = ("Resources", logical_id)
        if isinstance(resource, dict) and resource.get("Type") == GROUP_TYPE:
            groups.append(_group(doc, path, logical_id, resource, context))
            continue
        if isinstance(resource, dict) and resource.get("Type") == LEGACY_PERMISSION_SET_TYPE:
            resource = {**resource, "Type": "AWS::SSO::PermissionSet"}
        resources[logical_id] = copy.deepcopy(resource)
    base["Resources"] = resources
    metadata = template.get("Metadata")
    sso = metadata.get("SSO") if isinstance(metadata, dict) else None
    settings = schema.settings(schema.Fields(doc, ("Metadata", "SSO"), sso, schema.SETTINGS_KEYS, "generation")) if sso is not None else Settings()
    return base, groups, settings


def _drop_transform(base: dict[str, Any]) -> None:
    transform = base.get("Transform")
    if transform == TRANSFORM:
        del base["Transform"]
    elif isinstance(transform, list) and TRANSFORM in transform:
        rest = [item for item in transform if item != TRANSFORM]
        if rest:
            base["Transform"] = rest
        else:
            del base["Transform"]


def _group(doc: Document, path: tuple, logical_id: str, resource: dict, context: schema.Context) -> AssignmentGroup:
    entry = schema.Fields(doc, path, resource, RESOURCE_KEYS, "AssignmentGroup resource").get("properties")
    if entry is None:
        raise doc.fail(path, "an AssignmentGroup needs Properties")
    fields = schema.Fields(doc, entry[0], entry[1], GROUP_KEYS, "AssignmentGroup")
    instance = schema.instance(fields, context)
    principals: list[Principal] = []
    for item_path, item in fields.items("principals"):
        entry_fields = schema.Fields(doc, item_path, item, PRINCIPAL_KEYS, "principal")
        principal_type = _choice(entry_fields, ("GROUP", "USER"))
        principals += [Principal(principal_type, term) for term in _required_ids(entry_fields, schema.principal_ids)]
    accounts, ous = [], []
    for item_path, item in fields.items("targets"):
        entry_fields = schema.Fields(doc, item_path, item, TARGET_KEYS, "target")
        target_type = _choice(entry_fields, ("AWS_ACCOUNT", "AWS_OU"))
        recursive = entry_fields.get("recursive")
        if recursive is not None and (target_type != "AWS_OU" or not isinstance(recursive[1], bool)):
            raise doc.fail(recursive[0], "Recursive is true or false, and only for AWS_OU targets")
        if target_type == "AWS_ACCOUNT":
            accounts += _required_ids(entry_fields, schema.account_ids)
        else:
            ous += _required_ids(entry_fields, lambda f, name: schema.ou_targets(f, name, recursive=bool(recursive and recursive[1])))
    permission_sets = schema.permission_sets(fields, "permission_sets", instance)
    for found, what in ((principals, "Principals"), (permission_sets, "PermissionSets"), (accounts or ous, "Targets")):
        if not found:
            raise doc.fail(fields.path, f"no {what}")
    name = fields.get("name")
    nonce = fields.get("update_nonce")
    for given in (name, nonce):
        if given is not None and not isinstance(given[1], str):
            raise doc.fail(given[0], f"expected a string, got {given[1]!r}")
    return AssignmentGroup(name[1] if name else None, logical_id, doc.where(path), instance, principals, permission_sets, accounts, ous)


def _choice(fields: schema.Fields, allowed: tuple[str, ...]) -> str:
    entry = fields.get("type")
    if entry is None:
        raise fields.doc.fail(fields.path, f"needs a Type ({' or '.join(allowed)})")
    if entry[1] not in allowed:
        raise fields.doc.fail(entry[0], f"expected {' or '.join(allowed)}, got {entry[1]!r}")
    return entry[1]


def _required_ids(fields: schema.Fields, parse) -> list:
    found = parse(fields, "ids")
    if not found:
        raise fields.doc.fail(fields.path, "needs an Id (or Ids)")
    return found

