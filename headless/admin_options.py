"""What every ``ssodeck admin`` command shares: the credential and instance options (named as
aws-sso-util names them), the context they build, and progress on stderr."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import click

from app.services.admin.context import AdminContext, AdminSource
from headless.messages import note


CREDENTIAL_OPTIONS = (
    click.option("--instance-arn", "--ins", "instance_arn", metavar="ARN", help="The Identity Center instance (ARN or ssoins-... ID); found with ListInstances if not given."),
    click.option("--identity-store-id", "--id-store", "identity_store_id", metavar="ID", help="The identity store (d-...); the instance's if not given."),
    click.option("--profile", metavar="PROFILE", help="AWS profile whose credentials to use (default: AWS_PROFILE, AWS_* variables, the default profile)."),
    click.option("--region", metavar="REGION", help="The instance's region (default: the profile's, AWS_DEFAULT_REGION, then AWS_DEFAULT_SSO_REGION)."),
    click.option("--max-rps", type=click.FloatRange(min=0.1), envvar="SSODECK_MAX_RPS", metavar="RPS", help="Admin API requests per second (default 20, the Identity Center quota)."),
)
REPORT_OPTIONS = (
    click.option("--show-id/--hide-id", default=False, help="Say on stderr which instance and identity store are used."),
    click.option("-v", "--verbose", count=True, hidden=True),
)


def _decorated(fn: Callable, decorators: tuple[Callable, ...]) -> Callable:
    for decorator in reversed(decorators):
        fn = decorator(fn)
    return fn


def credential_options(fn: Callable) -> Callable:
    """Whose credentials, which region and instance: what the explorer (``ssodeck admin``) takes."""
    return _decorated(fn, CREDENTIAL_OPTIONS)


def admin_options(fn: Callable) -> Callable:
    return _decorated(fn, CREDENTIAL_OPTIONS + REPORT_OPTIONS)


def admin_context(instance_arn: str | None, identity_store_id: str | None, profile: str | None, region: str | None, max_rps: float | None) -> AdminContext:
    return AdminSource(profile, region, max_rps, instance_arn, identity_store_id).open()


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
