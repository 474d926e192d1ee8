"""Identity Center, Organizations and IAM identifiers: checked against the CloudFormation
resource schemas, and completed into ARNs in the right partition.

A bare instance ID says nothing about its partition, so the ARN built from it uses
``${AWS::Partition}``, which is right wherever the stack is deployed; an instance given as an
ARN lends its partition to the permission sets and managed policies built from IDs and names.
"""

from __future__ import annotations

import re
from typing import Any

from app.services.cfn.intrinsics import Term

_PARTITION = r"aws(?:-[a-z]{1,5}){0,3}"
_INSTANCE = r"(?:sso)?ins-[a-zA-Z0-9-.]{16}"
_PS = r"ps-[a-zA-Z0-9-./]{16}"
INSTANCE_ARN = re.compile(rf"arn:({_PARTITION}):sso:::instance/({_INSTANCE})\Z")
INSTANCE_ID = re.compile(rf"{_INSTANCE}\Z")
PERMISSION_SET_ARN = re.compile(rf"arn:({_PARTITION}):sso:::permissionSet/({_INSTANCE})/({_PS})\Z")
PERMISSION_SET_PATH = re.compile(rf"({_INSTANCE})/({_PS})\Z")
PERMISSION_SET_ID = re.compile(rf"{_PS}\Z")
PRINCIPAL_ID = re.compile(r"(?:[0-9a-f]{10}-)?[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}\Z")
OU_ID = re.compile(r"(?:ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})\Z")
ACCOUNT_ID = re.compile(r"[0-9]{12}\Z")


class BadIdentifier(ValueError):
    """The text is not the identifier expected; the message says what would be."""


def instance_term(text: str) -> Term:
    match = INSTANCE_ARN.match(text)
    if match:
        return Term(match.group(2), text)
    if INSTANCE_ID.match(text):
        return Term(text, {"Fn::Sub": f"arn:${{AWS::Partition}}:sso:::instance/{text}"})
    raise BadIdentifier(f"not an Identity Center instance ARN or ID: {text!r} (expected arn:aws:sso:::instance/ssoins-... or ssoins-...)")


def instance_partition(instance: Term) -> str | None:
    """The partition written in a literal instance ARN (None: decided at deploy time)."""
    match = INSTANCE_ARN.match(instance.value) if instance.is_literal else None
    return match.group(1) if match else None


def _instance_id(instance: Term) -> str | None:
    """The instance ID, when known before deployment (the key of every non-intrinsic instance)."""
    return instance.key if INSTANCE_ID.match(instance.key) else None


def _arn(partition: str | None, resource: str) -> str | dict:
    if partition:
        return f"arn:{partition}:{resource}"
    return {"Fn::Sub": f"arn:${{AWS::Partition}}:{resource}"}


def permission_set_term(text: str, instance: Term) -> Term:
    """A permission set from its ARN, ``ssoins-.../ps-...`` or ``ps-...`` (of ``instance``)."""
    instance_id = _instance_id(instance)
    match = PERMISSION_SET_ARN.match(text)
    if match:
        if instance_id and match.group(2) != instance_id:
            raise BadIdentifier(f"permission set {text} belongs to instance {match.group(2)}, not {instance_id}")
        return Term(f"{match.group(2)}/{match.group(3)}", text)
    match = PERMISSION_SET_PATH.match(text)
    if match:
        if instance_id and match.group(1) != instance_id:
            raise BadIdentifier(f"permission set {text} belongs to instance {match.group(1)}, not {instance_id}")
        return Term(text, _arn(instance_partition(instance), f"sso:::permissionSet/{text}"))
    if PERMISSION_SET_ID.match(text):
        if instance_id:
            return Term(f"{instance_id}/{text}", _arn(instance_partition(instance), f"sso:::permissionSet/{instance_id}/{text}"))
        split = {"Fn::Select": [1, {"Fn::Split": ["/", instance.value]}]}
        return Term.expression({"Fn::Sub": [f"arn:${{AWS::Partition}}:sso:::permissionSet/${{InstanceId}}/{text}", {"InstanceId": split}]})
    raise BadIdentifier(f"not a permission set ARN or ID: {text!r} (expected arn:aws:sso:::permissionSet/ssoins-.../ps-..., ssoins-.../ps-... or ps-...)")


def managed_policy_arn(name: str, partition: str | None) -> str | dict:
    """``ReadOnlyAccess`` or ``job-function/ViewOnlyAccess`` as an AWS managed policy ARN."""
    return _arn(partition, f"iam::aws:policy/{name.lstrip('/')}")


def principal_term(value: Any) -> Term:
    if isinstance(value, str) and PRINCIPAL_ID.match(value):
        return Term.literal(value)
    raise BadIdentifier(f"not a user or group ID: {value!r} (expected an identity store ID such as 6c1645fc-37b5-40ba-8c3d-5216b9055505)")


def account_term(value: Any) -> Term:
    """12 digits; a number (JSON, or YAML without quotes) is padded back to 12 digits."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**12:
        return Term.literal(f"{value:012d}")
    if isinstance(value, str) and ACCOUNT_ID.match(value):
        return Term.literal(value)
    raise BadIdentifier(f"not an account ID: {value!r} (expected 12 digits)")


def ou_id(value: Any) -> str:
    if isinstance(value, str) and OU_ID.match(value):
        return value
    raise BadIdentifier(f"not an OU or root ID: {value!r} (expected ou-xxxx-xxxxxxxx or r-xxxx)")
