"""``ssodeck check``: diagnose the instance, the cached token and access to an account/role."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from typing import NoReturn
from importlib.metadata import PackageNotFoundError, version

import click

from app import __version__
from app.models import Instance, Token
from app.printable import printable
from app.services import check as checks
from app.services.auth import get_token
from app.services.errors import LoginRequired
from app.services.instances import Resolution
from app.timefmt import local_display
from headless.common import TerminalLoginUI, resolve_instances
from headless.messages import login_command
from headless.completion import ACCOUNT_ID, PROFILE, SSO_SESSION


class Report:
    """Lines go to stdout unless --quiet; the exit code is the result."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    def line(self, text: str) -> None:
        if not self.quiet:
            click.echo(printable(text))

    def finish(self, code: int, text: str = "") -> NoReturn:
        if text:
            self.line(text)
        sys.exit(code)


def _botocore_version() -> str:
    try:
        return version("botocore")
    except PackageNotFoundError:
        return "unknown"


@click.command()
@click.option("--sso-start-url", "-u", "start_url", metavar="URL", help="Start URL (or a regex matching one in ~/.aws/config).")
@click.option("--sso-region", "region", metavar="REGION", help="The instance's region.")
@click.option("--sso-session", metavar="NAME", help="Check this [sso-session NAME].", **SSO_SESSION)
@click.option("--account-id", "-a", "--account", "account", metavar="ID_OR_NAME", help="Check access to this account (ID or exact name).", **ACCOUNT_ID)
@click.option("--role-name", "-r", "role", metavar="ROLE", help="Check access to this role.")
@click.option("--check-profile", metavar="PROFILE", help="Check the instance, token, account and role of this profile.", **PROFILE)
@click.option("--command", "command_", type=click.Choice(["default", "configure", "login"]), default="default", show_default=True, help="Whose environment variables name the instance.")
@click.option("--instance-details/--no-instance-details", default=None, help="Say where the instance came from (default: on unless checking access).")
@click.option("--skip-token-check", is_flag=True, help="Only check the instance.")
@click.option("--force-refresh", is_flag=True, help="Sign in again before checking.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing; the exit code is the answer.")
@click.option("-v", "--verbose", count=True, hidden=True)
def check(
    start_url: str | None,
    region: str | None,
    sso_session: str | None,
    account: str | None,
    role: str | None,
    check_profile: str | None,
    command_: str,
    instance_details: bool | None,
    skip_token_check: bool,
    force_refresh: bool,
    quiet: bool,
    verbose: int,
) -> None:
    """Diagnose sign-in problems.

    \b
    Exit codes:
      0    all checks passed
      101  no Identity Center instance found
      102  an instance was specified but none matched
      103  more than one instance matched
      201  no valid cached token (missing, expired or unreadable)
      202  the account is not accessible (or has no roles)
      203  the role is not accessible in any account
      204  the role is not accessible in the account
      205  the cached token is rejected by Identity Center
    """
    if check_profile and any((start_url, region, account, role, sso_session)):
        raise click.UsageError("--check-profile cannot be combined with --sso-start-url, --sso-region, --sso-session, --account-id or --role-name")
    if skip_token_check and (account or role or force_refresh):
        raise click.UsageError("--skip-token-check cannot be combined with --account-id, --role-name or --force-refresh")
    report = Report(quiet)
    report.line(f"ssodeck: v{__version__}; botocore: v{_botocore_version()}; time: {datetime.now(timezone.utc).isoformat(timespec='seconds')}")
    if check_profile:
        account, role = _profile_target(check_profile)
    resolution = resolve_instances(start_url, region, command=command_, sso_session=sso_session, profile=check_profile)
    instance = _one_instance(resolution, report)
    details = instance_details if instance_details is not None else not (account or role)
    _describe_instance(report, resolution, instance, details)
    if skip_token_check:
        report.finish(0)
    if force_refresh:
        get_token(instance, ui=TerminalLoginUI(headless=False), force_login=True)
    found = checks.check_token(instance)
    hint = login_command(instance, check_profile)
    if not found.ok or found.token is None:
        report.finish(checks.TOKEN_MISSING, f"Token check failed: {found.problem}. Run `{hint}`.")
    cached = f" (cached at {found.cached_at:%Y-%m-%d %H:%M %Z})" if found.cached_at else ""
    report.line(f"Token cache entry is valid until {local_display(found.token.expires_at)}{cached}")
    if not (account or role):
        problem = checks.verify_token(instance, found.token)
        if problem:
            report.finish(checks.TOKEN_REJECTED, f"Token check failed: {problem}. Run `{hint}`.")
        report.finish(0, "Token accepted by Identity Center")
    _check_access(report, instance, found.token, account, role)


def _profile_target(name: str) -> tuple[str, str]:
    from app.services.awsconfig import load_config

    section = load_config().profile(name)
    account, role = section.get("sso_account_id"), section.get("sso_role_name")
    if not isinstance(account, str) or not isinstance(role, str) or not account or not role:
        raise click.UsageError(f"profile {name} lacks sso_account_id or sso_role_name")
    return account.strip(), role.strip()


def _one_instance(resolution: Resolution, report: Report) -> Instance:
    if len(resolution.instances) == 1:
        return resolution.instances[0]
    known = ", ".join(i.label() for i in resolution.known) or "none"
    spec = resolution.specifier
    if not resolution.instances and spec.empty:
        report.finish(checks.NO_INSTANCE, "No Identity Center instance found (no flags, AWS_DEFAULT_SSO_* variables or instances in the AWS config)")
    if not resolution.instances:
        source = " and ".join(s for s in (spec.url_source, spec.region_source) if s) or "command line"
        report.finish(checks.NO_MATCH, f"No Identity Center instance matches specifier {spec.describe()} from {source} among instances: {known}")
    names = ", ".join(i.label() for i in resolution.instances)
    prefix = "with no specifier" if spec.empty else f"matching specifier {spec.describe()}"
    report.finish(checks.AMBIGUOUS, f"Found {len(resolution.instances)} Identity Center instances {prefix}: {names}")


def _describe_instance(report: Report, resolution: Resolution, instance: Instance, details: bool) -> None:
    if not details:
        report.line(f"Identity Center instance: {instance.label()}")
        return
    spec = resolution.specifier
    url_source = spec.url_source if spec.start_url == instance.start_url and spec.url_source else instance.source
    region_source = spec.region_source if spec.region == instance.region and spec.region_source else instance.source
    report.line(f"Identity Center instance start URL {instance.start_url} from {url_source or 'config'} and region {instance.region} from {region_source or 'config'}")
    if instance.session_name:
        report.line(f"Token cache is keyed by sso-session {instance.session_name}")


def _check_access(report: Report, instance: Instance, token: Token, account: str | None, role: str | None) -> NoReturn:
    try:
        result = checks.check_access(instance, token, account, role)
    except LoginRequired:
        report.finish(checks.TOKEN_REJECTED, f"Token check failed: {checks.REJECTED}. Run `{login_command(instance)}`.")
    if result.code == checks.ACCOUNT_MISSING:
        report.finish(result.code, f"Account {result.account_label} is not accessible (not assigned, or no roles)")
    if result.code == checks.ROLE_MISSING_IN_ACCOUNT:
        report.finish(result.code, f"Role {role} is not accessible in account {result.account_label}")
    if result.code == checks.ROLE_MISSING_ANYWHERE:
        report.finish(result.code, f"Role {role} is not accessible in any account")
    if role and not account:
        where = ", ".join(f"{r.account_name} ({r.account_id})" for r in result.found)
        report.finish(0, f"Role {role} is accessible in: {where}")
    if role:
        report.finish(0, f"Role {role} is accessible in account {result.account_label}")
    roles = ", ".join(r.role_name for r in result.found)
    report.finish(0, f"Account {result.account_label} is accessible with roles: {roles}")
