"""identitystore: users, groups and memberships, with the lookups by unique attribute.

Membership IDs are derived from the group and the user, so they are stable across runs.
The deprecated ``Filters`` of ListUsers/ListGroups are honoured for the one attribute each
supports (``UserName``, ``DisplayName``), as AWS still does.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from app.emulator.admin import Call, Handler
from app.emulator.wire import ApiError
from app.admin_models import Group, User

RESOURCE_ID = re.compile(r"([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}")
_MEMBERSHIP_NAMESPACE = uuid.UUID("0b8f5d84-8d0c-4c43-9f8e-3c2d6f9a4e21")


def _not_found(kind: str, resource_id: str) -> ApiError:
    return ApiError(400, "ResourceNotFoundException", f"{kind} not found.", fields={"ResourceType": kind, "ResourceId": resource_id})


def _user_shape(call: Call, user: User) -> dict[str, Any]:
    given, _, family = user.display_name.partition(" ")
    return {
        "IdentityStoreId": call.org.identity_store_id,
        "UserId": user.user_id,
        "UserName": user.user_name,
        "DisplayName": user.display_name,
        "Name": {"Formatted": user.display_name, "GivenName": given, "FamilyName": family},
        "Emails": [{"Value": user.email, "Type": "work", "Primary": True}],
    }


def _group_shape(call: Call, group: Group) -> dict[str, Any]:
    shape = {"IdentityStoreId": call.org.identity_store_id, "GroupId": group.group_id, "DisplayName": group.display_name}
    if group.description:
        shape["Description"] = group.description
    return shape


def _filter_value(call: Call, attribute: str) -> str | None:
    """The value of the one supported legacy filter, if the request has it."""
    filters = call.body.get("Filters") or []
    if not isinstance(filters, list):
        raise call.invalid("Value at 'filters' failed to satisfy constraint: Member must be a list")
    for item in filters:
        if not isinstance(item, dict) or item.get("AttributePath") != attribute:
            raise call.invalid(f"Filter attribute path must be {attribute}")
        return str(item.get("AttributeValue", ""))
    return None


def _listing(call: Call, attribute: str, found: list[Any], name: Callable[[Any], str], shape: Callable[[Call, Any], dict[str, Any]]) -> tuple[list[Any], str | None]:
    call.identity_store()
    wanted = _filter_value(call, attribute)
    return call.page([shape(call, item) for item in found if wanted is None or name(item) == wanted], f"{attribute}/{wanted}")


def list_users(call: Call) -> dict[str, Any]:
    page, token = _listing(call, "UserName", list(call.org.users.values()), lambda u: u.user_name, _user_shape)
    return {"Users": page, "NextToken": token}


def list_groups(call: Call) -> dict[str, Any]:
    page, token = _listing(call, "DisplayName", list(call.org.groups.values()), lambda g: g.display_name, _group_shape)
    return {"Groups": page, "NextToken": token}


def _user(call: Call, user_id: str) -> User:
    user = call.org.users.get(user_id)
    if user is None:
        raise _not_found("USER", user_id)
    return user


def _group(call: Call, group_id: str) -> Group:
    group = call.org.groups.get(group_id)
    if group is None:
        raise _not_found("GROUP", group_id)
    return group


def describe_user(call: Call) -> dict[str, Any]:
    call.identity_store()
    return _user_shape(call, _user(call, call.text("UserId", RESOURCE_ID)))


def describe_group(call: Call) -> dict[str, Any]:
    call.identity_store()
    return _group_shape(call, _group(call, call.text("GroupId", RESOURCE_ID)))


def _unique_attribute(call: Call, allowed: tuple[str, ...]) -> tuple[str, str]:
    identifier = call.body.get("AlternateIdentifier")
    unique = identifier.get("UniqueAttribute") if isinstance(identifier, dict) else None
    if not isinstance(unique, dict):
        raise call.invalid("Value null at 'alternateIdentifier.uniqueAttribute' failed to satisfy constraint: Member must not be null")
    path, value = unique.get("AttributePath"), unique.get("AttributeValue")
    if path not in allowed or not isinstance(value, str):
        raise call.invalid(f"Value '{path}' at 'alternateIdentifier.uniqueAttribute.attributePath' is not a unique attribute")
    return path, value


def get_user_id(call: Call) -> dict[str, Any]:
    call.identity_store()
    path, value = _unique_attribute(call, ("userName", "emails.value"))
    for user in call.org.users.values():
        if (user.user_name if path == "userName" else user.email) == value:
            return {"IdentityStoreId": call.org.identity_store_id, "UserId": user.user_id}
    raise _not_found("USER", value)


def get_group_id(call: Call) -> dict[str, Any]:
    call.identity_store()
    _, value = _unique_attribute(call, ("displayName",))
    for group in call.org.groups.values():
        if group.display_name == value:
            return {"IdentityStoreId": call.org.identity_store_id, "GroupId": group.group_id}
    raise _not_found("GROUP", value)


def _membership(call: Call, group_id: str, user_id: str) -> dict[str, Any]:
    return {
        "IdentityStoreId": call.org.identity_store_id,
        "MembershipId": str(uuid.uuid5(_MEMBERSHIP_NAMESPACE, f"{group_id}/{user_id}")),
        "GroupId": group_id,
        "MemberId": {"UserId": user_id},
    }


def list_group_memberships(call: Call) -> dict[str, Any]:
    call.identity_store()
    group_id = _group(call, call.text("GroupId", RESOURCE_ID)).group_id
    members = [_membership(call, group_id, user_id) for user_id in call.org.memberships.get(group_id, [])]
    page, token = call.page(members, group_id)
    return {"GroupMemberships": page, "NextToken": token}


def list_group_memberships_for_member(call: Call) -> dict[str, Any]:
    call.identity_store()
    member = call.body.get("MemberId")
    user_id = member.get("UserId") if isinstance(member, dict) else None
    if not isinstance(user_id, str) or not RESOURCE_ID.fullmatch(user_id):
        raise call.invalid("Value null at 'memberId.userId' failed to satisfy constraint: Member must not be null")
    _user(call, user_id)
    found = [_membership(call, group_id, user_id) for group_id, members in call.org.memberships.items() if user_id in members]
    page, token = call.page(found, user_id)
    return {"GroupMemberships": page, "NextToken": token}


HANDLERS: dict[str, Handler] = {
    "ListUsers": list_users,
    "ListGroups": list_groups,
    "DescribeUser": describe_user,
    "DescribeGroup": describe_group,
    "GetUserId": get_user_id,
    "GetGroupId": get_group_id,
    "ListGroupMemberships": list_group_memberships,
    "ListGroupMembershipsForMember": list_group_memberships_for_member,
}
