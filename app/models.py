"""Frozen value objects shared by the services, the emulator and every face.

Times are always timezone-aware UTC datetimes; the only place they become strings is
the file and wire formats (see app.timefmt).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from app.timefmt import REFRESH_SECONDS

REFRESH_WINDOW = timedelta(seconds=REFRESH_SECONDS)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Instance:
    """One Identity Center sign-in: a start URL in a region, optionally named by an sso-session.

    The session name (not the URL) keys the token cache for sso-session instances, exactly as
    botocore does, so two sessions on one start URL are two instances.
    """

    start_url: str
    region: str
    session_name: str | None = None
    source: str = field(default="", compare=False)
    registration_scopes: tuple[str, ...] = field(default=(), compare=False)
    # False for an sso-session a command is about to write: signing in to it must name its
    # start URL and region, since no config section holds them yet.
    configured: bool = field(default=True, compare=False)

    @property
    def cache_key(self) -> str:
        return self.session_name if self.session_name else self.start_url

    @property
    def is_session(self) -> bool:
        return self.session_name is not None

    def label(self) -> str:
        if self.session_name:
            return f"sso-session {self.session_name} ({self.start_url}, {self.region})"
        return f"{self.start_url} ({self.region})"


@dataclass(frozen=True)
class ClientRegistration:
    """An sso-oidc client registration, cached and reused like the AWS CLI v2 does."""

    client_id: str
    client_secret: str
    expires_at: datetime
    scopes: tuple[str, ...] = ()
    grant_types: tuple[str, ...] = ()

    def usable(self, now: datetime | None = None) -> bool:
        return self.expires_at - (now or utcnow()) > REFRESH_WINDOW


@dataclass(frozen=True)
class Token:
    """An Identity Center access token as held in the SSO token cache."""

    start_url: str
    region: str
    access_token: str
    expires_at: datetime
    refresh_token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    registration_expires_at: datetime | None = None

    def remaining(self, now: datetime | None = None) -> timedelta:
        return self.expires_at - (now or utcnow())

    def expired(self, now: datetime | None = None) -> bool:
        return self.remaining(now) <= timedelta(0)

    def fresh(self, now: datetime | None = None) -> bool:
        """True while the token is outside the refresh window, i.e. usable without a refresh."""
        return self.remaining(now) > REFRESH_WINDOW

    def refreshable(self, now: datetime | None = None) -> bool:
        return bool(
            self.refresh_token
            and self.client_id
            and self.client_secret
            and self.registration_expires_at
            and self.registration_expires_at > (now or utcnow())
        )


@dataclass(frozen=True)
class Account:
    account_id: str
    name: str
    email: str = ""


@dataclass(frozen=True)
class Role:
    account_id: str
    role_name: str
    account_name: str = ""


@dataclass(frozen=True)
class RoleCredentials:
    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: datetime
    account_id: str = ""

    def fresh(self, now: datetime | None = None) -> bool:
        return self.expiration - (now or utcnow()) > REFRESH_WINDOW


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
class ProfilePlan:
    """One section of ``~/.aws/config`` as a plan wants it: the keys ssodeck sets, in order.

    ``kind`` is ``"profile"`` (written ``[profile NAME]``, or ``[default]`` for a new default)
    or ``"sso-session"``. ``drop_keys`` are removed from an existing section whatever the
    existing-config action (``--no-credential-process`` drops ``credential_process``). The
    account, role and region record where a populated profile came from, for previews and
    error messages; they are not written.
    """

    name: str
    values: tuple[tuple[str, str], ...]
    kind: str = "profile"
    drop_keys: tuple[str, ...] = ()
    account_id: str = ""
    account_name: str = ""
    role_name: str = ""
    region: str = ""

    @property
    def section(self) -> str:
        """How botocore names the section: ``profile NAME`` or ``sso-session NAME``."""
        return f"{self.kind} {self.name}"


# -- Identity Center administration (sso-admin, identitystore, organizations) ---------------


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
