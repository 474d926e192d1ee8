"""What an assignment query asks for, checked and resolved before the walk starts.

The filters are aws-sso-util's: ``-u``/``-g`` take an ID or a regex on the user name / group
display name; ``-p`` an ARN or ID, or a regex on the name; account values a 12-digit ID, an
ID prefix or suffix, or a regex on the account name (all-ID values are used directly);
``--ou`` the accounts in OUs. Principals, permission sets and account filters must each match
something: a mistyped name is an error (NotFound), never a silently empty listing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.admin_models import OrgAccount
from app.services.admin import directory, organizations, permission_sets
from app.services.admin.context import AdminContext
from app.services.admin.errors import NotFound
from app.services.admin.tasks import fan_out
from app.services.errors import ConfigError
from app.services.patterns import compile_patterns
from app.services.targets import format_account_id


@dataclass(frozen=True)
class AssignmentQuery:
    users: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    permission_sets: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    ous: tuple[str, ...] = ()
    ou_recursive: bool = False
    expand_groups: bool = False
    lookup_names: bool = True

    @property
    def filtered(self) -> bool:
        return any((self.users, self.groups, self.permission_sets, self.accounts, self.ous))

    @property
    def explicit_accounts(self) -> bool:
        return bool(self.accounts) and all(re.fullmatch(r"\d{12}", value) for value in self.accounts)

    def check(self) -> None:
        """Everything that can be wrong without asking AWS, so it fails before any request."""
        if self.accounts and self.ous and not self.explicit_accounts:
            raise ConfigError("account names cannot be combined with --ou (account IDs can)")
        organizations.check_parent_ids(self.ous)
        compile_patterns(tuple(v for v in self.users if not directory.is_principal_id(v)), "--user")
        compile_patterns(tuple(v for v in self.groups if not directory.is_principal_id(v)), "--group")
        compile_patterns(tuple(v for v in self.permission_sets if not permission_sets.looks_like_id(v)), "--permission-set")
        if not self.explicit_accounts:
            compile_patterns(self.accounts, "--account")


@dataclass
class Plan:
    """The resolved filters. ``principals`` None means everyone; ``accounts`` None means the
    accounts are streamed from ListAccounts and matched with ``account_matches``."""

    principals: set[tuple[str, str]] | None
    permission_sets: set[str] | None
    accounts: list[OrgAccount] | None
    account_values: tuple[str, ...] = ()
    user_groups: dict[str, list[str]] = field(default_factory=dict)  # users asked about -> their groups
    _ids: set[str] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self._ids = None if self.accounts is None else {account.account_id for account in self.accounts}

    @property
    def via_groups(self) -> set[str]:
        """Groups whose assignments reach the users asked about (for expand_groups)."""
        asked = {principal_id for kind, principal_id in self.principals or () if kind == "GROUP"}
        return {group for groups in self.user_groups.values() for group in groups} - asked

    def account_matches(self, account: OrgAccount) -> bool:
        if self._ids is not None:
            return account.account_id in self._ids
        return _matches(account, self.account_values)

    def target_ok(self, account_id: str) -> bool:
        return self._ids is None or account_id in self._ids

    def single_account(self) -> str | None:
        return self.accounts[0].account_id if self.accounts is not None and len(self.accounts) == 1 else None

    def check_matched(self, matched: set[str]) -> None:
        if self.account_values and self.accounts is None and not matched:
            raise NotFound(f"no account matches {', '.join(repr(v) for v in self.account_values)}")


def _matches(account: OrgAccount, values: tuple[str, ...]) -> bool:
    if not values:
        return True
    patterns = compile_patterns(values, "--account")
    return any(account.account_id.startswith(v) or account.account_id.endswith(v) for v in values) or any(
        p.search(account.name) for p in patterns
    )


def make_plan(ctx: AdminContext, query: AssignmentQuery) -> Plan:
    query.check()
    principals = _principals(ctx, query)
    plan = Plan(principals, _permission_sets(ctx, query), _accounts(ctx, query, by_principal=principals is not None), query.accounts)
    if query.expand_groups:
        users = [principal_id for kind, principal_id in principals or () if kind == "USER"]
        plan.user_groups = dict(zip(users, fan_out(lambda user_id: directory.groups_of(ctx, user_id), users)))
    return plan


def _principals(ctx: AdminContext, query: AssignmentQuery) -> set[tuple[str, str]] | None:
    if not (query.users or query.groups):
        return None
    found: set[tuple[str, str]] = set()
    for kind, values, flag in ((directory.USERS, query.users, "--user"), (directory.GROUPS, query.groups, "--group")):
        noun = kind.principal_type.lower()
        where = f"in identity store {ctx.instance.identity_store_id}"
        for value in values:
            if directory.is_principal_id(value):
                if directory.describe(ctx, kind, value) is None:
                    raise NotFound(f"no {noun} with ID {value} {where}")
                found.add((kind.principal_type, value))
                continue
            (pattern,) = compile_patterns((value,), flag)
            matched = {(kind.principal_type, kind.ident(p)) for p in directory.everyone(ctx, kind) if pattern.search(kind.label(p))}
            if not matched:
                raise NotFound(f"no {noun} name matches {value!r} {where}")
            found |= matched
    return found


def _permission_sets(ctx: AdminContext, query: AssignmentQuery) -> set[str] | None:
    if not query.permission_sets:
        return None
    found: set[str] = set()
    named = [v for v in query.permission_sets if permission_sets.looks_like_id(v)]
    arns = [permission_sets.permission_set_arn(ctx, value) for value in named]
    for value, arn, described in zip(named, arns, fan_out(lambda arn: permission_sets.describe(ctx, arn), arns)):
        if described is None:
            raise NotFound(f"permission set {value} is not in instance {ctx.instance.instance_id}")
        found.add(arn)
    for value in (v for v in query.permission_sets if not permission_sets.looks_like_id(v)):
        (pattern,) = compile_patterns((value,), "--permission-set")
        matched = {ps.arn for ps in permission_sets.all_permission_sets(ctx) if pattern.search(ps.name)}
        if not matched:
            raise NotFound(f"no permission set name matches {value!r}")
        found |= matched
    return found


def _accounts(ctx: AdminContext, query: AssignmentQuery, *, by_principal: bool) -> list[OrgAccount] | None:
    """The accounts to look at when known before the walk (None: stream and match)."""
    if query.explicit_accounts or query.ous:
        known = [OrgAccount(format_account_id(v), "") for v in query.accounts] if query.explicit_accounts else []
        if query.ous:
            inside = organizations.accounts_in_ous(ctx.clients, query.ous, recursive=query.ou_recursive,
                                                   include_management=True, include_inactive=True)
            known += [found.account for found in inside]
        unique: dict[str, OrgAccount] = {}
        for account in known:  # first mention wins, but a name found in an OU beats none
            if not unique.get(account.account_id, OrgAccount("", "")).name:
                unique[account.account_id] = account
        return list(unique.values())
    if query.accounts and by_principal:  # patterns: resolve them now, the walk has no account stream
        matched = [a for a in ctx.memo.get("accounts", lambda: organizations.list_accounts(ctx.clients)) if _matches(a, query.accounts)]
        if not matched:
            raise NotFound(f"no account matches {', '.join(repr(v) for v in query.accounts)}")
        return matched
    return None
