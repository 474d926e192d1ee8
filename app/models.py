"""Frozen value objects shared by the services, the emulator and every face.

Times are always timezone-aware UTC datetimes; the only place they become strings is
the file and wire formats (see app.timefmt).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

from app.timefmt import REFRESH_SECONDS

REFRESH_WINDOW = timedelta(seconds=REFRESH_SECONDS)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


# The value objects are named tuples, Instance apart (some of its fields are not compared):
# a named tuple's class is made in a fifth of the time of a frozen dataclass's (and the app
# imports them all before its first frame), and a listing's thousands of accounts and roles
# are read from the cache in a third of the time (made with a plain tuple's constructor).
# They compare, hash and print alike; change a field with ``_replace``.


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


class ClientRegistration(NamedTuple):
    """An sso-oidc client registration, cached and reused like the AWS CLI v2 does."""

    client_id: str
    client_secret: str
    expires_at: datetime
    scopes: tuple[str, ...] = ()
    grant_types: tuple[str, ...] = ()

    def usable(self, now: datetime | None = None) -> bool:
        return self.expires_at - (now or utcnow()) > REFRESH_WINDOW


class Token(NamedTuple):
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


class Account(NamedTuple):
    account_id: str
    name: str
    email: str = ""


class Role(NamedTuple):
    account_id: str
    role_name: str
    account_name: str = ""


class RoleCredentials(NamedTuple):
    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: datetime
    account_id: str = ""

    def fresh(self, now: datetime | None = None) -> bool:
        return self.expiration - (now or utcnow()) > REFRESH_WINDOW


class ProfilePlan(NamedTuple):
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
