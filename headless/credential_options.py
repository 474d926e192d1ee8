"""The options every role-credential command shares, and the one way they are resolved."""

from __future__ import annotations

from collections.abc import Callable

import click

from app.models import RoleCredentials
from app.services.awsconfig import load_config
from app.services.credentials import get_role_credentials
from app.services.targets import Target, resolve_target
from headless.common import token_source
from headless.completion import ACCOUNT_ID, PROFILE


def role_options(fn: Callable) -> Callable:
    """-u/--sso-region/-a/-r/--region/--profile/--force-refresh, as aws-sso-util names them."""
    decorators = [
        click.option("--sso-start-url", "-u", "start_url", metavar="URL", help="Identity Center start URL (or a regex matching one in ~/.aws/config)."),
        click.option("--sso-region", metavar="REGION", help="Identity Center region."),
        click.option("--account-id", "-a", "--account", "account_id", metavar="ID", help="The account.", **ACCOUNT_ID),
        click.option("--role-name", "-r", metavar="ROLE", help="The role (permission set) name."),
        click.option("--region", metavar="REGION", help="AWS region for the credentials' user (sets AWS_REGION and AWS_DEFAULT_REGION)."),
        click.option("--profile", metavar="PROFILE", help="Take the instance, account, role and region from this profile.", **PROFILE),
        click.option("--force-refresh", is_flag=True, help="Sign in again and fetch new credentials."),
        click.option("-v", "--verbose", count=True, hidden=True),
    ]
    for decorator in reversed(decorators):
        fn = decorator(fn)
    return fn


def resolve_role(
    start_url,
    sso_region,
    account_id,
    role_name,
    region,
    profile,
    force_refresh,
    *,
    read_env: bool = False,
    may_sign_in: bool = True,
    force_login: bool | None = None,
) -> tuple[Target, RoleCredentials]:
    """Target and fresh credentials; without ``may_sign_in`` a missing session is LoginRequired.

    ``force_refresh`` fetches new role credentials and, unless ``force_login`` says
    otherwise, signs in again first.
    """
    target = resolve_target(
        load_config(), profile=profile, start_url=start_url, sso_region=sso_region, account_id=account_id, role_name=role_name, region=region, read_env=read_env
    )
    credentials = get_role_credentials(
        target.instance,
        target.account_id,
        target.role_name,
        token_source=token_source(
            target.instance, force_login=force_refresh if force_login is None else force_login, profile=target.profile, interactive=may_sign_in
        ),
        force_refresh=force_refresh,
    )
    return target, credentials
