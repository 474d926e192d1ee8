"""The identity store: users, groups and memberships, each fetched at most once per run.

Users are named by ``UserName`` and groups by ``DisplayName``, as aws-sso-util names them.
A value on the command line is an ID when it has the identity store's ID shape (a UUID,
optionally behind a 10-hex-digit prefix), and a name otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.admin_models import Group, User
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


@dataclass(frozen=True)
class PrincipalKind:
    """How the identity store describes, lists and finds by name one kind of principal."""

    principal_type: str  # USER | GROUP
    describe: str
    listing: str
    items: str
    id_key: str
    id_lookup: str
    name_path: str
    of: Callable[[dict[str, Any]], Any]
    ident: Callable[[Any], str]
    label: Callable[[Any], str]


USERS = PrincipalKind("USER", "describe_user", "list_users", "Users", "UserId", "get_user_id", "userName", user_of,
                      lambda u: u.user_id, lambda u: u.user_name)
GROUPS = PrincipalKind("GROUP", "describe_group", "list_groups", "Groups", "GroupId", "get_group_id", "displayName", group_of,
                       lambda g: g.group_id, lambda g: g.display_name)
BY_TYPE = {"USER": USERS, "GROUP": GROUPS}


def _store(ctx: AdminContext) -> str:
    return ctx.instance.identity_store_id


def describe(ctx: AdminContext, kind: PrincipalKind, ident: str) -> Any | None:
    """DescribeUser / DescribeGroup, or None for an ID the store does not know."""

    def fetch() -> Any | None:
        what = f"looking up {kind.principal_type.lower()} {ident}"
        try:
            return kind.of(ctx.clients.call(SERVICE, kind.describe, what, IdentityStoreId=_store(ctx), **{kind.id_key: ident}))
        except NotFound:
            return None

    return ctx.memo.get((kind.principal_type, ident), fetch)


def by_name(ctx: AdminContext, kind: PrincipalKind, name: str) -> Any | None:
    """GetUserId / GetGroupId by name, then the principal (described once, as by ID)."""

    def fetch() -> str | None:
        identifier = {"UniqueAttribute": {"AttributePath": kind.name_path, "AttributeValue": name}}
        try:
            answer = ctx.clients.call(SERVICE, kind.id_lookup, f"looking up {name!r}", IdentityStoreId=_store(ctx), AlternateIdentifier=identifier)
        except NotFound:
            return None
        return answer[kind.id_key]

    ident = ctx.memo.get((kind.principal_type, "name", name), fetch)
    return describe(ctx, kind, ident) if ident else None


def listing_task(ctx: AdminContext, kind: PrincipalKind) -> Task:
    """The walk task of ListUsers / ListGroups; each one found also answers later lookups by ID."""

    def remembered(item: dict[str, Any]) -> Any:
        found = kind.of(item)
        ctx.memo.put((kind.principal_type, kind.ident(found)), found)
        return found

    what = f"listing {kind.items.lower()}"
    return paged(lambda token: ctx.clients.page(SERVICE, kind.listing, kind.items, what, token, IdentityStoreId=_store(ctx)), remembered)


def everyone(ctx: AdminContext, kind: PrincipalKind) -> list[Any]:
    return ctx.memo.get((kind.principal_type, "all"), lambda: drain(listing_task(ctx, kind)))


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
