"""``ssodeck admin lookup TYPE [VALUE...]``: identifiers from names, and names from IDs."""

from __future__ import annotations

import click

from app.services.admin.errors import NotFound
from app.services.admin.lookup import ALL, KINDS, lookup as run_lookup
from app.services.admin.permission_sets import short_id
from headless.admin_options import admin_context, admin_options, show_instance
from headless.output import FORMATS, render

LABELS = {"user": "User", "group": "Group", "permission-set": "Permission set", "account": "Account"}


@click.command("lookup")
@click.argument("kind", metavar="TYPE", type=click.Choice(list(KINDS)))
@click.argument("values", metavar="[VALUE...]", nargs=-1)
@admin_options
@click.option("--error-if-not-found", "-e", is_flag=True, help="Stop at the first value not found (rows found so far are printed) and exit 1.")
@click.option("--separator", "--sep", "sep", metavar="SEP", help="Join columns with SEP instead of aligning them.")
@click.option("--header/--no-header", default=True, show_default=True, help="Print the column header.")
@click.option("--permission-set-style", type=click.Choice(["arn", "id"]), default="arn", show_default=True, help="Show permission sets by full ARN or by ps-... ID.")
@click.option("--output", "-o", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format.")
def lookup(kind, values, instance_arn, identity_store_id, profile, region, max_rps, show_id, verbose, error_if_not_found, sep, header,
           permission_set_style, fmt) -> None:
    """Look up IDs by name, or names by ID.

    TYPE is instance, identity-store, user(s), group(s), permission-set(s) or account(s).
    Users, groups and permission sets are named by user name, display name and name;
    values shaped like IDs (UUIDs, arn:/ssoins-/ps-, 12 digits) are looked up by ID.
    :all lists every one.
    """
    kind = KINDS[kind]
    ctx = admin_context(instance_arn, identity_store_id, profile, region, max_rps)
    if kind in ("instance", "identity-store"):
        instance = ctx.instance
        if fmt == "json":
            click.echo(render(["instance_arn", "identity_store_id"], ["instance_arn", "identity_store_id"], [[instance.arn, instance.identity_store_id]], fmt="json"), nl=False)
        else:
            click.echo(instance.arn if kind == "instance" else instance.identity_store_id)
        return
    if not values:
        raise click.UsageError(f"{kind} lookup needs at least one VALUE (or {ALL})")
    if show_id and kind != "account":
        show_instance(ctx)
    found = run_lookup(ctx, kind, tuple(values))
    missing = next((row for row in found if not row.found), None) if error_if_not_found else None
    shown = found[: found.index(missing)] if missing else found
    id_column = permission_set_style.upper() if kind == "permission-set" else "Id"
    rows = [[row.name, _ident(row.ident, kind, permission_set_style)] for row in shown]
    click.echo(render(["Name", id_column], ["name", id_column.lower()], rows, fmt=fmt, header=header, sep=sep), nl=False)
    if missing:
        raise NotFound(f"{LABELS[kind]} {missing.value} not found")


def _ident(ident: str, kind: str, style: str) -> str:
    """Permission sets in ``id`` style show ps-...; a marker like UNKNOWN stays as it is."""
    return short_id(ident) if kind == "permission-set" and style == "id" and ident.startswith("arn:") else ident
