"""``admin lookup``: names to IDs and IDs to names, for users, groups, permission sets and
accounts, one row per value (``:all`` lists every one).

A value that is not found still gets its row, with the reference tool's markers:
``NOT_FOUND`` for users, groups and accounts, ``UNKNOWN`` for permission sets (in the name
column for an ID, in the ID column for a name). Values are looked up concurrently.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from app.services.admin import directory, organizations, permission_sets
from app.services.admin.context import AdminContext
from app.services.admin.tasks import fan_out
from app.services.errors import ConfigError

ALL = ":all"
KINDS = {
    "instance": "instance", "identity-store": "identity-store",
    "user": "user", "users": "user", "group": "group", "groups": "group",
    "permission-set": "permission-set", "permission-sets": "permission-set", "account": "account", "accounts": "account",
}
PRINCIPALS = {"user": directory.USERS, "group": directory.GROUPS}
NOT_FOUND = {"user": "NOT_FOUND", "group": "NOT_FOUND", "account": "NOT_FOUND", "permission-set": "UNKNOWN"}


@dataclass(frozen=True)
class LookupRow:
    """``ident`` is the user, group or account ID, or the permission set ARN."""

    value: str
    name: str
    ident: str
    found: bool = True


def lookup(ctx: AdminContext, kind: str, values: tuple[str, ...]) -> list[LookupRow]:
    """One row per value (several for an account name that several accounts share)."""
    kind = KINDS[kind]
    if values == (ALL,):
        return _everything(ctx, kind)
    if ALL in values:
        raise ConfigError(f"{ALL} cannot be combined with other values")
    if kind == "permission-set":  # fail on a malformed ARN before any lookup
        for value in values:
            if permission_sets.looks_like_id(value):
                permission_sets.permission_set_arn(ctx, value)
    one: Callable[[str], list[LookupRow]] = {"user": _principal("user"), "group": _principal("group"), "permission-set": _permission_set,
                                             "account": _account}[kind](ctx)
    return [row for rows in fan_out(one, list(values)) for row in rows]


def _everything(ctx: AdminContext, kind: str) -> list[LookupRow]:
    if kind in PRINCIPALS:
        principal = PRINCIPALS[kind]
        return [LookupRow(ALL, principal.label(p), principal.ident(p)) for p in directory.everyone(ctx, principal)]
    if kind == "permission-set":
        return [LookupRow(ALL, ps.name, ps.arn) for ps in permission_sets.all_permission_sets(ctx)]
    return [LookupRow(ALL, a.name, a.account_id) for a in organizations.list_accounts(ctx.clients)]


def _missing(kind: str, value: str, by_id: bool, ident: str = "") -> LookupRow:
    marker = NOT_FOUND[kind]
    return LookupRow(value, marker, ident or value, False) if by_id else LookupRow(value, value, marker, False)


def _principal(kind: str) -> Callable[[AdminContext], Callable[[str], list[LookupRow]]]:
    principal = PRINCIPALS[kind]

    def bound(ctx: AdminContext) -> Callable[[str], list[LookupRow]]:
        def one(value: str) -> list[LookupRow]:
            by_id = directory.is_principal_id(value)
            found = directory.describe(ctx, principal, value) if by_id else directory.by_name(ctx, principal, value)
            return [LookupRow(value, principal.label(found), principal.ident(found)) if found else _missing(kind, value, by_id)]

        return one

    return bound


def _permission_set(ctx: AdminContext) -> Callable[[str], list[LookupRow]]:
    def one(value: str) -> list[LookupRow]:
        if permission_sets.looks_like_id(value):
            arn = permission_sets.permission_set_arn(ctx, value)
            found = permission_sets.describe(ctx, arn)
            return [LookupRow(value, found.name, arn) if found else _missing("permission-set", value, True, arn)]
        found = permission_sets.by_name(ctx, value)
        return [LookupRow(value, found.name, found.arn) if found else _missing("permission-set", value, False)]

    return one


def _account(ctx: AdminContext) -> Callable[[str], list[LookupRow]]:
    def one(value: str) -> list[LookupRow]:
        if re.fullmatch(r"\d{1,12}", value):
            found = organizations.describe_account(ctx.clients, value.zfill(12))
            return [LookupRow(value, found.name, found.account_id) if found else _missing("account", value, True, value.zfill(12))]
        listed = ctx.memo.get("accounts", lambda: organizations.list_accounts(ctx.clients))
        named = [LookupRow(value, a.name, a.account_id) for a in listed if a.name == value]
        return named or [_missing("account", value, False)]

    return one
