"""Permission sets defined in the inputs, and the finishing every AWS::SSO::PermissionSet gets.

Inline definitions become resources named ``PermSet<Name>``; the same name defined twice
differently is refused (Identity Center would reject the second at deploy time). Finishing:
a default SessionDuration, the InstanceArn, an InlinePolicy mapping as a JSON string, and
managed policy names as ARNs in the instance's partition.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from app.services.cfn.identifiers import INSTANCE_ARN, managed_policy_arn
from app.services.cfn.ids import alnum, unique_names
from app.services.cfn.intrinsics import Term, canonical, is_intrinsic
from app.services.cfn.model import AssignmentGroup, InlinePermissionSet
from app.services.errors import InvalidInput

PERMISSION_SET_TYPE = "AWS::SSO::PermissionSet"


@dataclass
class InlineResources:
    """The unit's inline permission sets: resources by logical ID, and each one's ARN expression."""

    resources: dict[str, dict[str, Any]]
    terms: dict[int, Term]  # id() of each InlinePermissionSet -> its ARN expression
    names: dict[str, str]  # ARN expression key -> literal name, for --lookup-names


def inline_resources(groups: list[AssignmentGroup], reserved: set[str]) -> InlineResources:
    definitions: dict[str, tuple[InlinePermissionSet, AssignmentGroup]] = {}
    owners: dict[int, str] = {}
    for group in groups:
        for item in group.permission_sets:
            if not isinstance(item, InlinePermissionSet):
                continue
            key = f"PermissionSet\x1f{group.instance.key}\x1f{item.name.key}"
            earlier = definitions.get(key)
            if earlier is None:
                definitions[key] = (item, group)
            elif canonical(earlier[0].properties) != canonical(item.properties):
                raise InvalidInput(f"{item.where}: permission set {item.name.key} is also defined, differently, at {earlier[0].where}")
            owners[id(item)] = key
    ids = unique_names(((key, "PermSet" + _name_part(key, item)) for key, (item, _) in definitions.items()), reserved)
    resources, terms_by_key, names = {}, {}, {}
    for key, (item, group) in definitions.items():
        properties = dict(item.properties)
        properties.setdefault("InstanceArn", group.instance.value)
        resources[ids[key]] = {"Type": PERMISSION_SET_TYPE, "Properties": properties}
        term = Term(key, {"Fn::GetAtt": [ids[key], "PermissionSetArn"]})
        terms_by_key[key] = term
        if item.name.is_literal:
            names[key] = item.name.value
    return InlineResources(resources, {item_id: terms_by_key[key] for item_id, key in owners.items()}, names)


def _name_part(key: str, item: InlinePermissionSet) -> str:
    """The name's letters and digits; a hash for a name only known at deploy time."""
    return (item.name.is_literal and alnum(item.name.value)) or hashlib.sha256(key.encode()).hexdigest()[:8].upper()


def finish(logical_id: str, resource: dict[str, Any], *, instance: Term | None, default_duration: str | None, where: str) -> dict[str, Any]:
    """A copy of a permission set resource with the defaults and conversions applied."""
    properties = dict(resource.get("Properties") or {})
    if default_duration and "SessionDuration" not in properties:
        properties["SessionDuration"] = default_duration
    if "InstanceArn" not in properties:
        if instance is None:
            raise InvalidInput(f"{where}: permission set {logical_id} has no InstanceArn, and the file names no single instance")
        properties["InstanceArn"] = instance.value
    policy = properties.get("InlinePolicy")
    if isinstance(policy, dict) and not _has_intrinsic(policy):
        properties["InlinePolicy"] = json.dumps(policy, separators=(",", ":"), ensure_ascii=False, default=_date_text)
    managed = properties.get("ManagedPolicies")
    if managed is not None:
        arn = properties["InstanceArn"]
        match = INSTANCE_ARN.match(arn) if isinstance(arn, str) else None
        partition = match.group(1) if match else None
        items = managed if isinstance(managed, list) else [managed]
        properties["ManagedPolicies"] = [
            managed_policy_arn(item, partition) if isinstance(item, str) and not item.startswith("arn:") else item for item in items
        ]
    return {**resource, "Properties": properties}


def _has_intrinsic(value: Any) -> bool:
    if isinstance(value, dict):
        return is_intrinsic(value) or any(_has_intrinsic(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_intrinsic(item) for item in value)
    return False


def _date_text(value: Any) -> str:
    """A date that an explicit !!timestamp tag made, written back as YAML read it."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} into a policy")
