"""``ssodeck admin assignments``: every assignment, or those matching the filters."""

from __future__ import annotations

import dataclasses

import click

from app.services.admin.assignments import list_assignments
from app.services.admin.context import AdminSource
from app.services.admin.filters import AssignmentQuery
from app.services.admin.tables import ARN_STYLES, assignment_table
from headless.admin_options import ProgressLine, admin_options, assignment_filters, show_instance
from headless.output import FORMATS, render


@click.command("assignments")
@admin_options
@assignment_filters
@click.option("--expand-groups", is_flag=True, help="Also list each user who holds a group's assignment through the group (via_group_* columns).")
@click.option("--separator", "--sep", "sep", metavar="SEP", help="Column separator: the CSV delimiter (one character), or the join string for --output table.")
@click.option("--header/--no-header", default=True, show_default=True, help="Print the column header.")
@click.option("--arn-style", type=click.Choice(ARN_STYLES), default="arn", show_default=True, envvar="AWS_SSO_UTIL_ASSIGNMENTS_ARN_STYLE",
              help="Full ARNs, or instance and permission set IDs.")
@click.option("--output", "-o", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True, help="Output format (csv is RFC 4180 quoted).")
def assignments(source: AdminSource, show_id: bool, query: AssignmentQuery, expand_groups, sep, header, arn_style, fmt) -> None:
    """List who is assigned which permission set in which account.

    Filters of one kind are alternatives; filters of different kinds must all match.
    Requests run concurrently within the admin rate limit; progress shows on stderr
    when it is a terminal.
    """
    if fmt == "csv" and sep is not None and len(sep) != 1:
        raise click.UsageError("--separator must be one character for CSV (--output table --sep STR joins with any string)")
    query = dataclasses.replace(query, expand_groups=expand_groups)
    query.check()
    ctx = source.open()
    if show_id:
        show_instance(ctx)
    with ProgressLine("Listing assignments") as progress:
        rows = list_assignments(ctx, query, on_progress=progress)
    table = assignment_table(rows, arn_style=arn_style, via=expand_groups)
    click.echo(render(table.headers, table.keys, table.rows, fmt=fmt, header=header, sep=sep if fmt == "table" else None,
                      delimiter=sep or ","), nl=False)
