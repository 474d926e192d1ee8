"""``ssodeck admin export``: live assignments as code (a config file for ``admin cfn``, or Terraform)."""

from __future__ import annotations

from pathlib import Path

import click

from app.services.admin.context import AdminSource
from app.services.admin.export import FORMATS, check_output, export_assignments, write_output
from app.services.admin.filters import AssignmentQuery
from headless.admin_options import ProgressLine, admin_options, assignment_filters, show_instance
from headless.messages import note


@click.command("export")
@admin_options
@assignment_filters
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), required=True,
              help="cfn-config: a config file for `ssodeck admin cfn`; terraform: aws_ssoadmin_account_assignment resources with import blocks.")
@click.option("--output", "output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE", help="Write FILE (atomically) instead of stdout.")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def export(source: AdminSource, show_id: bool, query: AssignmentQuery, fmt, output, force) -> None:
    """Write live assignments as code, to move an existing setup to infrastructure as code.

    Takes the filters of `admin assignments`. Names of principals, permission sets and
    accounts go into comments (--no-lookup-names leaves them out and saves the requests).
    """
    query.check()
    if output is not None:
        check_output(output, replace=force)
    ctx = source.open()
    if show_id:
        show_instance(ctx)
    with ProgressLine("Listing assignments") as progress:
        exported = export_assignments(ctx, query, fmt, on_progress=progress)
    if output is None:
        click.echo(exported.text, nl=False)
        return
    write_output(output, exported.text, replace=force)
    note(f"{output}: {exported.assignments:,} assignment{'s' * (exported.assignments != 1)}")
