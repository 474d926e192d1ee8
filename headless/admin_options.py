"""What every ``ssodeck admin`` command shares: the credential and instance options (named as
aws-sso-util names them), the assignment filters, and progress on stderr.

The options reach a command as one value each (``source``, an ``AdminSource``, and
``query``, an ``AssignmentQuery``) rather than a dozen parameters, so a command names only
what it does with them.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable

import click

from app.services.admin.context import AdminContext, AdminSource
from app.services.admin.filters import AssignmentQuery
from headless.messages import note

CREDENTIAL_OPTIONS = (
    click.option("--instance-arn", "--sso-instance", "--ins", "instance_arn", metavar="ARN",
                 help="The Identity Center instance (ARN or ssoins-... ID); found with ListInstances if needed and not given."),
    click.option("--identity-store-id", "--id-store", "identity_store_id", metavar="ID", help="The identity store (d-...); the instance's if not given."),
    click.option("--profile", metavar="PROFILE", help="AWS profile whose credentials to use (default: AWS_PROFILE, AWS_* variables, the default profile)."),
    click.option("--region", metavar="REGION", help="The instance's region (default: the profile's, AWS_DEFAULT_REGION, then AWS_DEFAULT_SSO_REGION)."),
    click.option("--max-rps", type=click.FloatRange(min=0.1), envvar="SSODECK_MAX_RPS", metavar="RPS", help="Admin API requests per second (default 20, the Identity Center quota)."),
)
REPORT_OPTIONS = (
    click.option("--show-id/--hide-id", default=False, help="Say on stderr which instance and identity store are used."),
    click.option("-v", "--verbose", count=True, hidden=True),
)
FILTER_OPTIONS = (
    click.option("--user", "-u", "users", multiple=True, metavar="USER", help="A user ID, or a regex on user names. Repeatable."),
    click.option("--group", "-g", "groups", multiple=True, metavar="GROUP", help="A group ID, or a regex on group display names. Repeatable."),
    click.option("--permission-set", "-p", "permission_sets", multiple=True, metavar="PERM_SET",
                 help="A permission set ARN, ssoins-.../ps-..., ps-..., or a regex on names. Repeatable."),
    click.option("--account-id", "account_ids", multiple=True, metavar="ID", help="An account ID, or an ID prefix or suffix. Repeatable."),
    click.option("--account-name", "account_names", multiple=True, metavar="REGEX", help="A regex on account names. Repeatable."),
    click.option("--account", "-a", "accounts", multiple=True, hidden=True),
    click.option("--ou", "ous", multiple=True, metavar="ID", help="Accounts in this OU or root (ou-... or r-...). Repeatable."),
    click.option("--ou-recursive/--ou-not-recursive", default=False, help="With --ou, also the accounts in OUs below it."),
    click.option("--lookup-names/--no-lookup-names", default=True, show_default=True, help="Fetch principal, permission set and account names."),
)


def _decorated(fn: Callable, decorators: tuple[Callable, ...]) -> Callable:
    for decorator in reversed(decorators):
        fn = decorator(fn)
    return fn


def credential_options(fn: Callable) -> Callable:
    """Whose credentials, which region and instance, passed as ``source``: what the explorer
    (``ssodeck admin``) takes."""

    @functools.wraps(fn)
    def command(*args, instance_arn, identity_store_id, profile, region, max_rps, **kwargs):
        return fn(*args, source=AdminSource(profile, region, max_rps, instance_arn, identity_store_id), **kwargs)

    return _decorated(command, CREDENTIAL_OPTIONS)


def admin_options(fn: Callable) -> Callable:
    """The credential options (``source``) and ``--show-id`` (``show_id``) of every admin command."""

    @functools.wraps(fn)
    def command(*args, verbose, **kwargs):
        return fn(*args, **kwargs)

    return credential_options(_decorated(command, REPORT_OPTIONS))


def assignment_filters(fn: Callable) -> Callable:
    """``admin assignments``' filters (aws-sso-util's), passed as ``query``."""

    @functools.wraps(fn)
    def command(*args, users, groups, permission_sets, account_ids, account_names, accounts, ous, ou_recursive, lookup_names, **kwargs):
        query = AssignmentQuery(users=users, groups=groups, permission_sets=permission_sets, accounts=account_ids + account_names + accounts,
                                ous=ous, ou_recursive=ou_recursive, lookup_names=lookup_names)
        return fn(*args, query=query, **kwargs)

    return _decorated(command, FILTER_OPTIONS)


def show_instance(ctx: AdminContext) -> None:
    instance = ctx.instance
    note(f"Using Identity Center instance {instance.instance_id} and identity store {instance.identity_store_id}")


class ProgressLine:
    """``done/total requests`` on one stderr line, redrawn at most ten times a second, and
    only when stderr is a terminal (scripts see nothing)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty()
        self._shown = 0.0
        self._width = 0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self._shown < 0.1 and done < total):
            return
        self._shown = now
        text = f"{self.label}: {done}/{total} requests"
        self._width = max(self._width, len(text))
        click.echo(f"\r{text}", err=True, nl=False)

    def clear(self) -> None:
        if self._width:
            click.echo("\r" + " " * self._width + "\r", err=True, nl=False)

    def __enter__(self) -> ProgressLine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.clear()
