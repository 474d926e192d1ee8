"""``ssodeck console``: open the AWS console as an Identity Center role.

The sign-in URL signs in whoever holds it, so it goes to stdout only with ``--print`` (it is
the data then), to the clipboard only with ``--copy``, and otherwise straight to the browser;
no note on stderr ever contains it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click
from click.core import ParameterSource

from app.services import browser, validation
from app.services import console_launch as launches
from app.services import console as federation
from app.services.awsconfig import AwsConfig, load_config, text_value
from app.services.errors import SsodeckError
from app.services.targets import resolve_target
from headless import clipboard
from headless.common import browser_available, resolve_instances, token_source
from headless.messages import note
from headless.completion import ACCOUNT_ID, PROFILE

LOGOUT_ENV = "AWS_CONSOLE_LOGOUT_FIRST"
PROFILE_ENVS = ("AWS_DEFAULT_PROFILE", "AWS_PROFILE")  # botocore's order: the first one set wins
# Opening the logout page and the sign-in page at once races: if the logout finishes second,
# it ends the session just created. A short head start for the logout avoids that.
LOGOUT_HEAD_START = 1.0


@dataclass(frozen=True)
class Delivery:
    """Where the URL goes: the browser, stdout, the clipboard."""

    open_: bool
    print_: bool
    copy: bool
    logout_first: bool


def _options(*decorators: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def apply(function: Any) -> Any:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


def _instance_options() -> Callable[[Any], Any]:
    return _options(
        click.option("-u", "--sso-start-url", "start_url", metavar="URL", help="Identity Center start URL (or a regex matching one in ~/.aws/config)."),
        click.option("--sso-region", metavar="REGION", help="The Identity Center instance's region."),
        click.option("-a", "--account-id", metavar="ID", help="The account to open the console in.", **ACCOUNT_ID),
        click.option("-r", "--role-name", metavar="ROLE", help="The role (permission set) to use."),
    )


def _destination_options(*, env: bool) -> Callable[[Any], Any]:
    """``get-config-token`` makes a token to share, so it reads no personal env defaults."""
    return _options(
        click.option("--region", metavar="REGION", envvar="AWS_CONSOLE_DEFAULT_REGION" if env else None, show_envvar=env,
                     help="The console region (also picks the regional sign-in endpoint)."),
        click.option("--destination", metavar="PATH", envvar="AWS_CONSOLE_DEFAULT_DESTINATION" if env else None, show_envvar=env,
                     help="Console path (or URL) to land on, e.g. /ec2/home."),
        click.option("--override-region-in-destination/--keep-region-in-destination", "override_region", default=False,
                     help="Replace a region= already in --destination with --region (default: keep it)."),
        click.option("--duration", type=click.IntRange(launches.MIN_DURATION, launches.MAX_DURATION), metavar="MINUTES",
                     help="Console session length, 15 to 720 minutes (default: as long as the role credentials)."),
        click.option("--issuer", envvar="AWS_CONSOLE_DEFAULT_ISSUER" if env else None, hidden=True),
        click.option("-v", "--verbose", count=True, hidden=True),
    )


def _delivery_options() -> Callable[[Any], Any]:
    return _options(
        click.option("-o", "--open/--no-open", "open_flag", default=None,
                     help="Open the console in a web browser (the default unless --print or --copy)."),
        click.option("-p", "--print/--no-print", "print_flag", default=None,
                     help="Print the sign-in URL on stdout. It signs in whoever holds it for 15 minutes: treat it as a secret."),
        click.option("--copy", "copy_flag", is_flag=True, help="Put the sign-in URL on the clipboard instead of showing it."),
        click.option("-l", "--logout-first/--no-logout-first", default=False, envvar=LOGOUT_ENV, show_envvar=True,
                     help="End the browser's current console session first (needs --open)."),
        click.option("--force-refresh", is_flag=True, help="Sign in to Identity Center again and fetch fresh role credentials."),
    )


@click.group("console")
def console() -> None:
    """Open the AWS console as an Identity Center role, or make links that do."""


@console.command("launch")
@_instance_options()
@click.option("--profile", metavar="PROFILE", envvar=list(PROFILE_ENVS), show_envvar=True, **PROFILE,
              help="Take the instance, account, role and region from this profile (flags win).")
@_destination_options(env=True)
@_delivery_options()
@click.option("--shortcut", is_flag=True, help="Print an access-portal shortcut link instead; needs no credentials and no network.")
@click.pass_context
def launch(
    ctx: click.Context,
    start_url: str | None,
    sso_region: str | None,
    account_id: str | None,
    role_name: str | None,
    profile: str | None,
    region: str | None,
    destination: str | None,
    override_region: bool,
    duration: int | None,
    issuer: str | None,
    verbose: int,
    open_flag: bool | None,
    print_flag: bool | None,
    copy_flag: bool,
    logout_first: bool,
    force_refresh: bool,
    shortcut: bool,
) -> None:
    """Open the AWS console signed in as a role.

    The account and role come from -a and -r, or from --profile (default: AWS_PROFILE).
    The console opens in your browser unless you ask for --print or --copy. With
    --shortcut, print a link through the access portal instead, which anyone with access
    can share and bookmark.
    """
    if shortcut:
        # A shortcut is printed and opened only on request, so AWS_CONSOLE_LOGOUT_FIRST alone
        # (a preference for launches) must not turn it into a usage error.
        if not open_flag and ctx.get_parameter_source("logout_first") is ParameterSource.ENVIRONMENT:
            logout_first = False
        delivery = _delivery(ctx, bool(open_flag), True, copy_flag, logout_first, need_browser=False)
    else:
        delivery = _delivery(ctx, open_flag, print_flag, copy_flag, logout_first)
    config = load_config()
    profile = _usable_profile(ctx, profile, config)
    if not profile and not (account_id and role_name):
        missing = "-a / --account-id" if not account_id else "-r / --role-name"
        raise click.UsageError(f"Missing option {missing} (or name a profile with --profile)")
    target = resolve_target(config, profile=profile, start_url=start_url, sso_region=sso_region,
                            account_id=account_id, role_name=role_name, region=region)
    if shortcut:
        link = launches.shortcut_link(target, destination=destination, override_region=override_region)
        _deliver(link, launches.describe(target), delivery, target.region, endpoint=federation.federation_endpoint(target.region), secret=False)
        return
    plan = launches.plan_launch(target, destination=destination, override_region=override_region, duration=duration, issuer=issuer)
    _launch(plan, delivery=delivery, force_refresh=force_refresh)


@console.command("get-config-token")
@_instance_options()
@click.option("--profile", metavar="PROFILE", help="Take the instance, account, role and region from this profile (flags win).", **PROFILE)
@_destination_options(env=False)
def get_config_token(
    start_url: str | None,
    sso_region: str | None,
    account_id: str | None,
    role_name: str | None,
    profile: str | None,
    region: str | None,
    destination: str | None,
    override_region: bool,
    duration: int | None,
    issuer: str | None,
    verbose: int,
) -> None:
    """Print a shareable launch token (no credentials in it).

    `ssodeck console launch-from-config -t TOKEN` opens it. The token holds the
    instance, the sign-in endpoint and destination, and whichever of
    account, role, region and duration you give. It holds no credentials: share it with
    people who have access to the same instance. The AWS_CONSOLE_DEFAULT_* variables
    and AWS_PROFILE are not read: the token says only what you pass.
    """
    instance = resolve_instances(start_url, sso_region, profile=profile).one()
    section = load_config().profile(profile) if profile else {}
    account = account_id or text_value(section, "sso_account_id")
    role = role_name or text_value(section, "sso_role_name") or None
    if region is None and text_value(section, "region"):
        region = validation.region(text_value(section, "region"), f"region of profile {profile}")
    elif region is not None:
        validation.region(region, "--region")
    click.echo(
        launches.config_token_for(
            instance, account_id=account or None, role_name=role, region=region, destination=destination,
            override_region=override_region, duration=duration, issuer=issuer,
        )  # fmt: skip
    )


@console.command("launch-from-config")
@click.option("-t", "--config-token", required=True, metavar="TOKEN", help="A token from `console get-config-token`.")
@click.option("-a", "--account-id", metavar="ID", help="Use this account instead of the token's.", **ACCOUNT_ID)
@click.option("-r", "--role-name", metavar="ROLE", help="Use this role instead of the token's.")
@_delivery_options()
@click.option("-v", "--verbose", count=True, hidden=True)
@click.pass_context
def launch_from_config(
    ctx: click.Context,
    config_token: str,
    account_id: str | None,
    role_name: str | None,
    open_flag: bool | None,
    print_flag: bool | None,
    copy_flag: bool,
    logout_first: bool,
    force_refresh: bool,
    verbose: int,
) -> None:
    """Open the AWS console from a config token.

    -a and -r override the token's account and role, and are needed when it has none.
    The token comes from `ssodeck console get-config-token` (or aws-sso-util's).
    """
    delivery = _delivery(ctx, open_flag, print_flag, copy_flag, logout_first)
    try:
        plan = launches.plan_token_launch(config_token, load_config(), account_id=account_id, role_name=role_name,
                                          warn=lambda warning: note(f"warning: {warning}"))  # fmt: skip
    except launches.TokenLacks as lack:
        flag = "--account-id" if lack.what == "account" else "--role-name"
        raise click.UsageError(f"Token does not specify {lack.what}, please use {flag}") from None
    _launch(plan, delivery=delivery, force_refresh=force_refresh)


def _delivery(
    ctx: click.Context,
    open_flag: bool | None,
    print_flag: bool | None,
    copy_flag: bool,
    logout_first: bool,
    *,
    need_browser: bool = True,
) -> Delivery:
    """Settle the flags before any network call, so a usage error costs nothing."""
    open_ = open_flag if open_flag is not None else not (print_flag or copy_flag)
    if logout_first and not open_:
        if ctx.get_parameter_source("logout_first") is ParameterSource.ENVIRONMENT:
            raise click.UsageError(f"{LOGOUT_ENV} is set, and logging out first needs the browser: add --open, or --no-logout-first")
        raise click.UsageError("--logout-first needs --open (it logs the browser out before opening the console)")
    if open_ and need_browser and not (print_flag or copy_flag) and not browser_available():
        raise SsodeckError("no web browser found to open the console in; use --print to get the sign-in URL, or --copy")
    return Delivery(open_, bool(print_flag), copy_flag, logout_first)


def _usable_profile(ctx: click.Context, profile: str | None, config: AwsConfig) -> str | None:
    """A profile named on the command line is used (and errors if unusable); one that only
    comes from AWS_PROFILE is used if it is an Identity Center profile, else ignored, so a
    shell set up for other credentials can still launch with -a and -r."""
    if not profile or ctx.get_parameter_source("profile") is not ParameterSource.ENVIRONMENT:
        return profile
    section = config.profiles.get(profile)
    if section is not None and (text_value(section, "sso_session") or text_value(section, "sso_start_url")):
        return profile
    source = next((name for name in PROFILE_ENVS if os.environ.get(name)), PROFILE_ENVS[1])
    note(f"note: ignoring {source}={profile}: it is not an Identity Center profile in {config.path}")
    return None


def _launch(plan: launches.ConsoleLaunch, *, delivery: Delivery, force_refresh: bool) -> None:
    target = plan.target
    url = launches.signin_url(
        plan,
        token_source=token_source(target.instance, force_login=force_refresh, profile=target.profile),
        force_refresh=force_refresh,
        notify=lambda message: note(f"warning: {message}"),
    )
    _deliver(url, plan.describe(), delivery, target.region, endpoint=plan.endpoint, secret=True)


def _deliver(url: str, what: str, delivery: Delivery, region: str | None, *, endpoint: str, secret: bool) -> None:
    kind = "sign-in URL" if secret else "shortcut link"
    if delivery.print_:
        click.echo(url)
    if delivery.copy:
        where = clipboard.copy(url)
        lasts = "; it works once, within 15 minutes" if secret else ""
        note(f"Copied the console {kind} for {what} to {where}{lasts}.")
    if not delivery.open_:
        return
    if delivery.logout_first:
        browser.open_page(federation.logout_url(endpoint, region), autoraise=False)
        time.sleep(LOGOUT_HEAD_START)
    if browser.open_page(url):
        note(f"Opened the AWS console as {what} in your browser.")
    elif delivery.print_ or delivery.copy:
        note("warning: could not open a web browser; use the URL above" if delivery.print_ else "warning: could not open a web browser; paste the URL from the clipboard")
    else:
        raise SsodeckError(f"could not open a web browser; run again with --print to get the {kind}, or --copy")
