"""``ssodeck logout``: end Identity Center sessions and forget their cached credentials."""

from __future__ import annotations

import click

from app.services.errors import AmbiguousInstance, InstanceNotFound, SsodeckError, WriteFailed
from app.services.logout import logout as logout_one
from app.services.logout import logout_all
from headless.common import resolve_instances
from headless.messages import note
from headless.completion import PROFILE, SSO_SESSION


@click.command()
@click.argument("start_url", required=False, metavar="[START_URL]")
@click.argument("region", required=False, metavar="[REGION]")
@click.option("--profile", metavar="PROFILE", help="Sign out of the instance this profile uses.", **PROFILE)
@click.option("--sso-session", metavar="NAME", help="Sign out of this [sso-session NAME].", **SSO_SESSION)
@click.option("--all", "all_", is_flag=True, help="Sign out of every cached session, as `aws sso logout` does.")
@click.option("-v", "--verbose", "--debug", count=True, hidden=True)
def logout(start_url: str | None, region: str | None, profile: str | None, sso_session: str | None, all_: bool, verbose: int) -> None:
    """Sign out: revoke the session at Identity Center, delete its cached token and its
    cached role credentials.

    With no instance named (no arguments, options or AWS_DEFAULT_SSO_* variables) and not
    exactly one instance in ~/.aws/config, every cached session is signed out, which is
    what aws-sso-util's logout always does.
    """
    named = any((start_url, region, profile, sso_session))
    if not all_:
        resolution = resolve_instances(start_url, region, command="login", sso_session=sso_session, profile=profile)
        try:
            instance = resolution.one()
        except (InstanceNotFound, AmbiguousInstance):
            if named or not resolution.specifier.empty:
                raise
            all_ = True
        else:
            result = logout_one(instance)
            if not result.had_token:
                note(f"Not signed in to {result.label}; nothing to do")
            else:
                server = "revoked at Identity Center" if result.revoked else "could not be revoked at Identity Center (it may have expired)"
                deleted = "and deleted" if not result.not_deleted else "but not deleted from this machine"
                note(f"Signed out of {result.label}: token {server} {deleted}")
            if result.credentials_removed:
                note(f"Deleted {result.credentials_removed} cached role credential(s)")
            _left_behind(result.not_deleted)
            return
    everything = logout_all()
    for session in everything.sessions:
        server = "revoked" if session.revoked else "not revoked (expired or unreachable)"
        note(f"Signed out of {session.label}: {server}, token {'not ' if session.not_deleted else ''}deleted")
    if not everything.sessions:
        note("No cached sessions; nothing to sign out of")
    if everything.credentials_removed:
        note(f"Deleted {everything.credentials_removed} cached role credential(s)")
    _left_behind(tuple(f for s in everything.sessions for f in s.not_deleted) + everything.not_deleted)


def _left_behind(files: tuple[str, ...]) -> None:
    """Name every file that should be gone but is not, and leave with "could not write"."""
    if not files:
        return
    for entry in files:
        note(f"ssodeck: could not delete {entry}")
    raise SsodeckError(f"{len(files)} file(s) above still hold the signed-out session; delete them by hand", exit_code=WriteFailed.exit_code)
