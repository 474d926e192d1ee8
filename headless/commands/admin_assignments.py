"""``ssodeck admin assignments``: every assignment, or those matching the filters."""

from __future__ import annotations

import click

from app.services.admin.assignments import list_assignments
from app.services.admin.filters import AssignmentQuery
from app.services.admin.tables import ARN_STYLES, assignment_table
from headless.admin_options import ProgressLine, admin_context, admin_options, show_instance
from headless.output import FORMATS, render


@click.command("assignments")
@admin_options
@click.option("--user", "-u", "users", multiple=True, metavar="USER", help="A user ID, or a regex on user names. Repeatable.")
@click.option("--group", "-g", "groups", multiple=True, metavar="GROUP", help="A group ID, or a regex on group display names. Repeatable.")
@click.option("--permission-set", "-p", "permission_sets", multiple=True, metavar="PERM_SET", help="A permission set ARN, ssoins-.../ps-..., ps-..., or a regex on names. Repeatable.")
@click.option("--account-id", "account_ids", multiple=True, metavar="ID", help="An account ID, or an ID prefix or suffix. Repeatable.")
@click.option("--account-name", "account_names", multiple=True, metavar="REGEX", help="A regex on account names. Repeatable.")
@click.option("--account", "-a", "accounts", multiple=True, hidden=True)
@click.option("--ou", "ous", multiple=True, metavar="ID", help="Accounts in this OU or root (ou-... or r-...). Repeatable.")
@click.option("--ou-recursive/--ou-not-recursive", default=False, help="With --ou, also the accounts in OUs below it.")
@click.option("--lookup-names/--no-lookup-names", default=True, show_default=True, help="Show principal, permission set and account names.")
@click.option("--expand-groups", is_flag=True, help="Also list each user who holds a group's assignment through the group (via_group_* columns).")
@click.option("--separator", "--sep", "sep", metavar="SEP", help="Column separator: the CSV delimiter (one character), or the join string for --output table.")
@click.option("--header/--no-header", default=True, show_default=True, help="Print the column header.")
@click.option("--arn-style", type=click.Choice(ARN_STYLES), default="arn", show_default=True, envvar="AWS_SSO_UTIL_ASSIGNMENTS_ARN_STYLE",
              help="Full ARNs, or instance and permission set IDs.")
@click.option("--output", "-o", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True, help="Output format (csv is RFC 4180 quoted).")
def assignments(instance_arn, identity_store_id, profile, region, max_rps, show_id, verbose, users, groups, permission_sets, account_ids,
                account_names, accounts, ous, ou_recursive, lookup_names, expand_groups, sep, header, arn_style, fmt) -> None:
    """List who is assigned which permission set in which account.

    Filters of one kind are alternatives; filters of different kinds must all match.
    Requests run concurrently within the admin rate limit; progress shows on stderr
    when it is a terminal.
    """
    if fmt == "csv" and sep is not None and len(sep) != 1:
        raise click.UsageError("--separator must be one character for CSV (--output table --sep STR joins with any string)")
    query = AssignmentQuery(
        users=users, groups=groups, permission_sets=permission_sets, accounts=account_ids + account_names + accounts,
        ous=ous, ou_recursive=ou_recursive, expand_groups=expand_groups, lookup_names=lookup_names,
    )
    query.check()
    ctx = admin_context(instance_arn, identity_store_id, profile, region, max_rps)
    if show_id:
        show_instance(ctx)
    progress = ProgressLine("Listing assignments")
    try:
        rows = list_assignments(ctx, query, on_progress=progress)
    finally:
        progress.clear()
    table = assignment_table(rows, arn_style=arn_style, via=expand_groups)
    click.echo(render(table.headers, table.keys, table.rows, fmt=fmt, header=header, sep=sep if fmt == "table" else None,
                      delimiter=sep or ","), nl=False)
