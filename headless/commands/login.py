"""``ssodeck login``: sign in to Identity Center and cache the token where the AWS CLI looks."""

from __future__ import annotations

import click

from app.services.auth import get_token
from app.services.awsconfig import load_config
from app.services.errors import BadValue, ConfigError, InstanceNotFound
from app.services.instances import session_or_new, specifier_from
from app.timefmt import local_display
from headless.common import TerminalLoginUI, env_flag, resolve_instances
from headless.messages import note
from headless.completion import PROFILE, SSO_SESSION


@click.command()
@click.argument("start_url", required=False, metavar="[START_URL]")
@click.argument("region", required=False, metavar="[REGION]")
@click.option("--sso-start-url", "start_url_opt", hidden=True)
@click.option("--sso-region", "region_opt", hidden=True)
@click.option("--profile", metavar="PROFILE", help="Sign in to the instance this profile in ~/.aws/config uses.", **PROFILE)
@click.option("--sso-session", metavar="NAME", help="Sign in to this [sso-session NAME] from ~/.aws/config (a new NAME with START_URL and REGION signs in to a session about to be configured).", **SSO_SESSION)
@click.option("--all", "all_", is_flag=True, help="Sign in to every instance found (also AWS_SSO_LOGIN_ALL=1).")
@click.option("--force-refresh", "--force", is_flag=True, help="Sign in again even if the cached token is still valid.")
@click.option("--headless", is_flag=True, help="Never open a browser; print the URL instead (also AWS_SSO_DISABLE_BROWSER=1).")
@click.option("--use-device-code", is_flag=True, help="Use the device-code flow even for sso-session instances.")
@click.option("-v", "--verbose", count=True, hidden=True)
def login(
    start_url: str | None,
    region: str | None,
    start_url_opt: str | None,
    region_opt: str | None,
    profile: str | None,
    sso_session: str | None,
    all_: bool,
    force_refresh: bool,
    headless: bool,
    use_device_code: bool,
    verbose: int,
) -> None:
    """Sign in to AWS IAM Identity Center.

    The instance comes from START_URL and REGION, --profile or --sso-session, the
    AWS_SSO_LOGIN_DEFAULT_SSO_START_URL / _REGION or AWS_DEFAULT_SSO_START_URL / _REGION
    environment variables, or the only instance in ~/.aws/config. sso-session instances
    sign in through the browser with PKCE; legacy ones with a device code.

    The token is cached in ~/.aws/sso/cache, where the AWS CLI and SDKs read it.
    Exit codes: 1 no or ambiguous instance, 2 sign-in timed out, 3 sign-in denied,
    4 other Identity Center errors.
    """
    everything = all_ or env_flag("AWS_SSO_LOGIN_ALL")
    url, sso_region = start_url or start_url_opt, region or region_opt
    try:
        config = load_config()
        if sso_session and sso_session not in config.sso_sessions and url and sso_region and not profile:
            # A session a command is about to write (configure --sso-session NEW) can be
            # signed in to first, given its start URL and region on the command line (an
            # unknown name alone is a typo: exit 1, as for aws-sso-util).
            resolution = session_or_new(config, sso_session, specifier_from(url, sso_region, command="login"))
        else:
            resolution = resolve_instances(url, sso_region, command="login", sso_session=sso_session, profile=profile, include_all=everything)
    except BadValue:
        raise
    except ConfigError as error:  # an unknown profile or session is "no instance" (exit 1), as for aws-sso-util
        raise InstanceNotFound(str(error)) from None
    instances = resolution.instances if everything else (resolution.one(),)
    if not instances:
        raise InstanceNotFound("no Identity Center instances found to sign in to (none given, in the environment, or in the AWS config)")
    ui = TerminalLoginUI(headless=headless)
    for instance in instances:
        result = get_token(instance, ui=ui, force_login=force_refresh, renew=True, use_device_code=True if use_device_code else None)
        verb = {"cached": "Already signed in to", "refreshed": "Refreshed the session for", "login": "Signed in to"}[result.how]
        note(f"{verb} {instance.label()}; valid until {local_display(result.token.expires_at)}")
