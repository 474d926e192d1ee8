"""``ssodeck admin``: Identity Center administration (identifiers, assignments), with
ordinary AWS credentials. Subcommands load on first use, like the root group's; with none,
on a terminal, the group opens the app's assignment explorer."""

from __future__ import annotations

import sys

import click

from headless.admin_options import admin_context, credential_options
from headless.group import LazyGroup

ADMIN_COMMANDS: dict[str, str] = {
    "lookup": "headless.commands.admin_lookup:lookup",
    "assignments": "headless.commands.admin_assignments:assignments",
    "cfn": "headless.commands.admin_cfn:cfn",
    "export": "headless.commands.admin_export:export",
}


@click.group("admin", cls=LazyGroup, lazy_commands=ADMIN_COMMANDS, invoke_without_command=True)
@credential_options
@click.pass_context
def admin(ctx: click.Context, instance_arn, identity_store_id, profile, region, max_rps) -> None:
    """Administer Identity Center: look up identifiers, and see who can reach what.

    Uses ordinary AWS credentials (--profile, AWS_PROFILE or AWS_* variables) of the
    management account or the delegated administrator, in the instance's region.
    With no command, on a terminal, opens the assignment explorer (the options here
    are its credentials); elsewhere prints this help.
    """
    given = {"--instance-arn": instance_arn, "--identity-store-id": identity_store_id, "--profile": profile, "--region": region}
    if ctx.invoked_subcommand is not None:
        named = [flag for flag, value in given.items() if value]
        if named:
            raise click.UsageError(f"{', '.join(named)} before {ctx.invoked_subcommand} only applies to the explorer; give it after the command")
        return
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        click.echo(ctx.get_help())
        return
    context = admin_context(instance_arn, identity_store_id, profile, region, max_rps)  # bad credentials fail here, as one line
    from app.tui import run  # textual is imported only here

    run(start="explorer", admin=context)
