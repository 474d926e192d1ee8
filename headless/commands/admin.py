"""``ssodeck admin``: Identity Center administration (identifiers, assignments), with
ordinary AWS credentials. Subcommands load on first use, like the root group's."""

from __future__ import annotations

import click

from headless.group import LazyGroup

ADMIN_COMMANDS: dict[str, str] = {
    "lookup": "headless.commands.admin_lookup:lookup",
    "assignments": "headless.commands.admin_assignments:assignments",
    "cfn": "headless.commands.admin_cfn:cfn",
    "export": "headless.commands.admin_export:export",
}


@click.group("admin", cls=LazyGroup, lazy_commands=ADMIN_COMMANDS, invoke_without_command=True)
@click.pass_context
def admin(ctx: click.Context) -> None:
    """Administer Identity Center: look up identifiers, and see who can reach what.

    Uses ordinary AWS credentials (--profile, AWS_PROFILE or AWS_* variables) of the
    management account or the delegated administrator, in the instance's region.
    """
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())
