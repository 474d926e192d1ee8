"""Frozen value objects of Identity Center administration (sso-admin, identitystore,
organizations): the admin services, the explorer, the cfn tools and the emulator share them.

Kept apart from ``app.models`` so that the user side (and the app's first frame) does not
pay for making them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PermissionSet:
    arn: str
    name: str
    description: str = ""
    session_duration: str = "PT1H"


@dataclass(frozen=True)
class Assignment:
    account_id: str
    permission_set_arn: str
    principal_type: str
    principal_id: str


@dataclass(frozen=True)
class AdminInstance:
    """An Identity Center instance as the admin APIs name it, with its identity store."""

    arn: str
    identity_store_id: str
    name: str = ""
    owner_account_id: str = ""

    @property
    def instance_id(self) -> str:
        """``ssoins-...``: the last part of the ARN."""
        return self.arn.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class User:
    user_id: str
    user_name: str
    display_name: str = ""
    email: str = ""


@dataclass(frozen=True)
class Group:
    group_id: str
    display_name: str
    description: str = ""


@dataclass(frozen=True)
class OrgAccount:
    """An account as AWS Organizations lists it (the portal's Account has no status)."""

    account_id: str
    name: str
    email: str = ""
    status: str = "ACTIVE"


@dataclass(frozen=True)
class OrgUnit:
    """An organizational unit, or the root (``r-...``, whose parent_id is empty)."""

    ou_id: str
    name: str
    parent_id: str = ""


@dataclass(frozen=True)
class OuAccount:
    """An account found under an OU: ``source_ou`` is the OU asked for, ``parent_id`` the
    account's own parent (they differ for accounts found in child OUs)."""

    account: OrgAccount
    source_ou: str
    parent_id: str


@dataclass(frozen=True)
class AssignmentRow:
    """One assignment with its names, in aws-sso-util's column order.

    A row for a user who holds the assignment through a group (``--expand-groups``, and
    the explorer's paths) carries that group in ``via_group_id``/``via_group_name``; the
    row's principal is then the user. Names that could not be (or were not) looked up are
    empty.
    """

    instance_arn: str
    principal_type: str
    principal_id: str
    principal_name: str
    permission_set_arn: str
    permission_set_name: str
    target_type: str
    target_id: str
    target_name: str
    via_group_id: str = ""
    via_group_name: str = ""


@dataclass(frozen=True)
class AccessPath:
    """One way a user reaches an account: a permission set, directly or through a group."""

    user: User
    account: OrgAccount
    permission_set: PermissionSet
    via: Group | None = None


@dataclass(frozen=True)
class AdminSnapshot:
    """Everything about one instance the explorer needs, fetched in one walk.

    ``memberships`` are ``(group_id, user_id)`` pairs of the groups that hold assignments
    (the only ones that give access).
    """

    instance: AdminInstance
    accounts: tuple[OrgAccount, ...]
    permission_sets: tuple[PermissionSet, ...]
    users: tuple[User, ...]
    groups: tuple[Group, ...]
    memberships: tuple[tuple[str, str], ...]
    assignments: tuple[Assignment, ...]
    fetched_at: datetime
