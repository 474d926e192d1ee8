"""``ssodeck credential-process``: role credentials for any AWS SDK, via ``credential_process``.

Put ``credential_process = ssodeck credential-process --profile NAME`` in a profile and
every SDK that supports credential_process gets Identity Center credentials, cached and
shared with the AWS CLI, with more than 15 minutes left each time.
"""

from __future__ import annotations

import click

from app.services.process_output import credential_json
from headless.credential_options import resolve_role
from headless.completion import ACCOUNT_ID, PROFILE


@click.command("credential-process")
@click.option("--profile", metavar="PROFILE", help="Take the instance, account and role from this profile.", **PROFILE)
@click.option("--sso-start-url", "--start-url", "start_url", metavar="URL", help="Start URL (env AWS_SSO_START_URL).")
@click.option("--sso-region", "--region", "sso_region", metavar="REGION", help="Identity Center region (env AWS_SSO_REGION). --region is an alias here, as in aws-sso-util: "
              "it names the Identity Center region, not the credentials' region as in other commands.")
@click.option("--account-id", metavar="ID", help="Account (env AWS_SSO_ACCOUNT_ID).", **ACCOUNT_ID)
@click.option("--role-name", metavar="ROLE", help="Role (env AWS_SSO_ROLE_NAME).")
@click.option("--force-refresh", is_flag=True, help="Fetch new role credentials even if cached ones are still fresh.")
@click.option("--login", is_flag=True, help="If there is no valid session, start a sign-in (browser) instead of failing.")
@click.option("-v", "--verbose", "--debug", count=True, hidden=True)
def credential_process(profile, start_url, sso_region, account_id, role_name, force_refresh, login, verbose) -> None:
    """Print role credentials as credential_process JSON (one line on stdout).

    Values come from the flags, then AWS_SSO_START_URL / AWS_SSO_REGION /
    AWS_SSO_ACCOUNT_ID / AWS_SSO_ROLE_NAME, then the profile. Without a valid session
    this exits 1 with the login command to run, unless --login is given (many processes
    asking at once share one sign-in).
    """
    _, credentials = resolve_role(start_url, sso_region, account_id, role_name, None, profile, force_refresh, read_env=True, may_sign_in=login, force_login=False)
    click.echo(credential_json(credentials))
