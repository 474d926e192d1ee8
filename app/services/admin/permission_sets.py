"""Permission sets: their ARNs in every form people write them, and their descriptions,
each described at most once per run.

ssodeck accepts ``arn:...:permissionSet/ssoins-X/ps-Y``, ``ssoins-X/ps-Y`` and ``ps-Y`` (in
the current instance). The pattern is a little looser than AWS's: moto mints
``arn:aws:sso:::instance/ssoins-X/ps-Y``, which AWS itself would refuse anyway.
"""

from __future__ import annotations

import re
from typing import Any

from app.admin_models import PermissionSet
from app.services.admin.context import AdminContext
from app.services.admin.errors import NotFound
from app.services.admin.tasks import More, Task, fan_out, paged
from app.services.errors import ConfigError

SERVICE = "sso-admin"
ID_PREFIXES = ("arn:", "ssoins-", "ins-", "ps-")
_ARN = re.compile(r"arn:aws[a-z-]*:sso:::(permissionSet|instance)/(sso)?ins-[a-zA-Z0-9-.]{16}/ps-[a-zA-Z0-9-./]{16}")
_INSTANCE_AND_ID = re.compile(r"(sso)?ins-[a-zA-Z0-9-.]{16}/ps-[a-zA-Z0-9-./]{16}")
_ID = re.compile(r"ps-[a-zA-Z0-9-./]{16}")


def looks_like_id(value: str) -> bool:
    """Whether a command-line value names a permission set by ARN or ID rather than by name."""
    return value.startswith(ID_PREFIXES)


def permission_set_arn(ctx: AdminContext, value: str) -> str:
    """The ARN a value written as an ARN or ID means; ConfigError for a malformed one."""
    text = value.strip()
    if _ARN.fullmatch(text):
        return text
    partition = ctx.clients.partition
    if _INSTANCE_AND_ID.fullmatch(text):
        return f"arn:{partition}:sso:::permissionSet/{text}"
    if _ID.fullmatch(text):
        return f"arn:{partition}:sso:::permissionSet/{ctx.instance.instance_id}/{text}"
    raise ConfigError(f"{value!r} is not a permission set ARN or ID (arn:aws:sso:::permissionSet/ssoins-.../ps-..., ssoins-.../ps-... or ps-...)")


def arn_id(arn: str) -> str:
    """``ssoins-X/ps-Y``: the ARN without its prefix, as ``--arn-style id`` shows it."""
    return arn.split("/", 1)[-1]


def short_id(arn: str) -> str:
    """``ps-Y``, as ``admin lookup --permission-set-style id`` shows it."""
    return arn.rsplit("/", 1)[-1]


def permission_set_of(item: dict[str, Any]) -> PermissionSet:
    return PermissionSet(item["PermissionSetArn"], item.get("Name") or "", item.get("Description") or "", item.get("SessionDuration") or "PT1H")


def describe(ctx: AdminContext, arn: str) -> PermissionSet | None:
    """DescribePermissionSet, or None for an ARN the instance does not have."""

    def fetch() -> PermissionSet | None:
        try:
            answer = ctx.clients.call(SERVICE, "describe_permission_set", f"describing permission set {short_id(arn)}",
                                      InstanceArn=ctx.instance.arn, PermissionSetArn=arn)
        except NotFound:
            return None
        return permission_set_of(answer["PermissionSet"])

    return ctx.memo.get(("permission-set", arn), fetch)


def arns(ctx: AdminContext) -> list[str]:
    return ctx.memo.get("permission-set-arns", lambda: list(
        ctx.clients.pages(SERVICE, "list_permission_sets", "PermissionSets", "listing permission sets", InstanceArn=ctx.instance.arn)
    ))


def all_permission_sets(ctx: AdminContext) -> list[PermissionSet]:
    """Every permission set of the instance, described concurrently, in listing order."""
    return [found for found in fan_out(lambda arn: describe(ctx, arn), arns(ctx)) if found is not None]


def by_name(ctx: AdminContext, name: str) -> PermissionSet | None:
    return next((found for found in all_permission_sets(ctx) if found.name == name), None)


def listing_task(ctx: AdminContext) -> Task:
    """The walk task of ListPermissionSets; each ARN found adds the task describing it."""

    def describing(arn: str) -> More:
        return More(lambda: [found for found in [describe(ctx, arn)] if found is not None])

    return paged(lambda token: ctx.clients.page(SERVICE, "list_permission_sets", "PermissionSets", "listing permission sets", token,
                                                InstanceArn=ctx.instance.arn), describing)
