"""The identity store: users, groups and memberships, each fetched at most once per run.

Users are named by ``UserName`` and groups by ``DisplayName``, as aws-sso-util names them.
A value on the command line is an ID when it has the identity store's ID shape (a UUID,
optionally behind a 10-hex-digit prefix), and a name otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.models import Group, User
from app.services.admin.context import AdminContext
from app.services.admin.errors import NotFound
from app.services.admin.tasks import Task, drain, paged

PRINCIPAL_ID = re.compile(r"([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}")
SERVICE = "identitystore"


@dataclass(frozen=True)
class Membership:
    group_id: str
    user_id: str


def is_principal_id(value: str) -> bool:
    return PRINCIPAL_ID.fullmatch(value) is not None


def user_of(item: dict[str, Any]) -> User:
    emails = item.get("Emails") or []
    primary = next((e for e in emails if e.get("Primary")), emails[0] if emails else {})
    display = item.get("DisplayName") or (item.get("Name") or {}).get("Formatted") or ""
    return User(item["UserId"], item.get("UserName") or "", display, primary.get("Value") or "")


def group_of(item: dict[str, Any]) -> Group:
    return Group(item["GroupId"], item.get("DisplayName") or "", item.get("Description") or "")


def _store(ctx: AdminContext) -> str:
    return ctx.instance.identity_store_id


def user(ctx: AdminContext, user_id: str) -> User | None:
    """DescribeUser, or None for an ID the store does not know."""

    def fetch() -> User | None:
        try:
            return user_of(ctx.clients.call(SERVICE, "describe_user", f"looking up user {user_id}", IdentityStoreId=_store(ctx), UserId=user_id))
        except NotFound:
            return None

    return ctx.memo.get(("user", user_id), fetch)


def group(ctx: AdminContext, group_id: str) -> Group | None:
    def fetch() -> Group | None:
        try:
            return group_of(ctx.clients.call(SERVICE, "describe_group", f"looking up group {group_id}", IdentityStoreId=_store(ctx), GroupId=group_id))
        except NotFound:
            return None

    return ctx.memo.get(("group", group_id), fetch)


def _unique(ctx: AdminContext, operation: str, key: str, path: str, value: str) -> str | None:
    identifier = {"UniqueAttribute": {"AttributePath": path, "AttributeValue": value}}
    try:
        answer = ctx.clients.call(SERVICE, operation, f"looking up {value!r}", IdentityStoreId=_store(ctx), AlternateIdentifier=identifier)
    except NotFound:
        return None
    return answer[key]


def user_by_name(ctx: AdminContext, user_name: str) -> User | None:
    """GetUserId by userName, then the user (DescribeUser, shared with lookups by ID)."""
    user_id = ctx.memo.get(("user-name", user_name), lambda: _unique(ctx, "get_user_id", "UserId", "userName", user_name))
    return user(ctx, user_id) if user_id else None


def group_by_name(ctx: AdminContext, display_name: str) -> Group | None:
    group_id = ctx.memo.get(("group-name", display_name), lambda: _unique(ctx, "get_group_id", "GroupId", "displayName", display_name))
    return group(ctx, group_id) if group_id else None


def users_task(ctx: AdminContext) -> Task:
    """The walk task of ListUsers; each user found also answers later lookups by ID."""

    def remembered(item: dict[str, Any]) -> User:
        found = user_of(item)
        ctx.memo.put(("user", found.user_id), found)
        return found

    return paged(lambda token: ctx.clients.page(SERVICE, "list_users", "Users", "listing users", token, IdentityStoreId=_store(ctx)), remembered)


def groups_task(ctx: AdminContext) -> Task:
    def remembered(item: dict[str, Any]) -> Group:
        found = group_of(item)
        ctx.memo.put(("group", found.group_id), found)
        return found

    return paged(lambda token: ctx.clients.page(SERVICE, "list_groups", "Groups", "listing groups", token, IdentityStoreId=_store(ctx)), remembered)


def all_users(ctx: AdminContext) -> list[User]:
    return ctx.memo.get("users", lambda: drain(users_task(ctx)))


def all_groups(ctx: AdminContext) -> list[Group]:
    return ctx.memo.get("groups", lambda: drain(groups_task(ctx)))


def memberships_task(ctx: AdminContext, group_id: str) -> Task:
    """The walk task of ListGroupMemberships of one group (members that are users)."""

    def fetch(token: str | None) -> tuple[list[Any], str | None]:
        return ctx.clients.page(SERVICE, "list_group_memberships", "GroupMemberships", f"listing members of group {group_id}", token,
                                IdentityStoreId=_store(ctx), GroupId=group_id)

    return paged(fetch, lambda item: Membership(group_id, (item.get("MemberId") or {}).get("UserId") or ""))


def groups_of(ctx: AdminContext, user_id: str) -> list[str]:
    """IDs of the groups a user is a direct member of (ListGroupMembershipsForMember)."""

    def fetch() -> list[str]:
        pages = ctx.clients.pages(SERVICE, "list_group_memberships_for_member", "GroupMemberships", f"listing groups of user {user_id}",
                                  IdentityStoreId=_store(ctx), MemberId={"UserId": user_id})
        return [item["GroupId"] for item in pages]

    return ctx.memo.get(("groups-of", user_id), fetch)
