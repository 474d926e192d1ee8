"""``ssodeck export``: print a role's credentials for eval, a .env file or JSON."""

from __future__ import annotations

import click

from app.services.environment import EXPORT_FORMATS, render_exports
from headless.credential_options import resolve_role, role_options

SHELL_ALIASES = {"bash": "sh", "zsh": "sh"}  # the sh syntax is what both read


@click.command("export")
@role_options
@click.option("--format", "-f", "fmt", type=click.Choice([*EXPORT_FORMATS, *SHELL_ALIASES]), default="sh", show_default=True, help="Shell syntax (bash and zsh are sh), a .env file, or JSON.")
def export(start_url, sso_region, account_id, role_name, region, profile, force_refresh, verbose, fmt) -> None:
    """Print a role's credentials as environment variables.

    The shell formats first unset what would mix in another identity: AWS_PROFILE,
    AWS_DEFAULT_PROFILE, AWS_SECURITY_TOKEN, AWS_CREDENTIAL_EXPIRATION, and AWS_REGION and
    AWS_DEFAULT_REGION when no region is known. json and dotenv hold only what is set.

    \b
      eval "$(ssodeck export --profile dev)"                 # bash, zsh
      ssodeck export --profile dev -f fish | source          # fish
      ssodeck export -a 123456789012 -r Admin -f dotenv > .env
    """
    target, credentials = resolve_role(start_url, sso_region, account_id, role_name, region, profile, force_refresh)
    click.echo(render_exports(credentials, target.region, SHELL_ALIASES.get(fmt, fmt)), nl=False)
