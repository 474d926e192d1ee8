"""``ssodeck roles``: every account and role you can reach."""

from __future__ import annotations

import sys
from datetime import timedelta

import click

from app.models import Account, Role
from app.services import roles as role_service
from app.services.ratelimit import limiter_for
from app.services.role_query import DEFAULT_ORDER, ORDERS, RoleFilter, select
from app.services.targets import format_account_id
from headless.common import resolve_instances, token_source
from headless.messages import note
from headless.output import FORMATS, joined, render
from headless.progress import listing_progress
from headless.completion import ACCOUNT_ID, SSO_SESSION

COLUMNS = {"id": ("Account ID", "account_id"), "name": ("Account name", "account_name"), "role": ("Role name", "role_name")}


def _row(role: Role, order: tuple[str, ...]) -> list[str]:
    values = {"id": role.account_id, "name": role.account_name or "UNKNOWN", "role": role.role_name}
    return [values[column] for column in order]


def _age(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return "just now" if minutes < 1 else f"{minutes} min ago" if minutes < 120 else f"{minutes // 60} h ago"


@click.command()
@click.option("--sso-start-url", "-u", "start_url", metavar="URL", help="Start URL (or a regex matching one in ~/.aws/config).")
@click.option("--sso-region", "region", metavar="REGION", help="The instance's region.")
@click.option("--sso-session", metavar="NAME", help="Use this [sso-session NAME].", **SSO_SESSION)
@click.option("--account-id", "-a", "--account", "accounts", multiple=True, metavar="ID_OR_REGEX", help="Only these accounts: 12-digit IDs are used directly; other values match an ID prefix/suffix or a regex on the name. Repeatable.", **ACCOUNT_ID)
@click.option("--role-name", "-r", "role_patterns", multiple=True, metavar="REGEX", help="Only roles matching one of these regexes. Repeatable.")
@click.option("--separator", "--sep", "sep", metavar="SEP", help="Join columns with SEP instead of aligning them (rows then stream as they arrive).")
@click.option("--header/--no-header", default=True, show_default=True, help="Print the column header.")
@click.option("--sort-by", type=click.Choice(list(ORDERS)), help="Sort order, which also sets the column order [default: name,role].")
@click.option("--search", "-s", metavar="QUERY", help="Only roles fuzzily matching QUERY (e.g. prdadm), best match first, as the app's filter ranks them.")
@click.option("--output", "-o", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format (csv is RFC 4180 quoted).")
@click.option("--refresh", is_flag=True, help="Ignore the cached listing and ask Identity Center again.")
@click.option("--force-refresh", is_flag=True, help="Sign in again before listing.")
@click.option("--max-rps", type=click.FloatRange(min=0.1), envvar="SSODECK_MAX_RPS", metavar="RPS", help="Portal requests per second (default 20, the Identity Center quota).")
@click.option("-v", "--verbose", count=True, hidden=True)
def roles(start_url, region, sso_session, accounts, role_patterns, sep, header, sort_by, search, fmt, refresh, force_refresh, max_rps, verbose) -> None:
    """List the accounts and roles you can use.

    The listing is cached (in ssodeck's cache directory) and reused for an hour
    (SSODECK_ROLE_CACHE_TTL seconds); --refresh asks Identity Center again. Roles of all
    accounts are fetched concurrently within the instance's request-rate limit.

    --search QUERY keeps the roles whose "account name, account ID, role name" contains
    QUERY's letters in order (spaces separate terms that must all match), best first.
    """
    instance = resolve_instances(start_url, region, sso_session=sso_session).one()
    limiter_for(instance.start_url, max_rps)
    where = RoleFilter(tuple(accounts), tuple(role_patterns))
    order = ORDERS[sort_by or DEFAULT_ORDER]
    headers = [COLUMNS[c][0] for c in order]
    keys = [COLUMNS[c][1] for c in order]
    token = token_source(instance, force_login=force_refresh)
    wanted = where.matches

    streaming = sep is not None and sort_by is None and not search and fmt == "table"
    if streaming and header:
        click.echo(joined(headers, sep), nl=False)

    def emit(role: Role) -> None:
        if streaming and wanted(role):
            click.echo(joined(_row(role, order), sep), nl=False)

    denied: list[str] = []
    if where.explicit_accounts:
        cached = role_service.load_cached(instance)
        names = {a.account_id: a.name for a in cached.accounts} if cached else {}
        explicit = [Account(format_account_id(v), names.get(v, "")) for v in where.explicit_accounts]
        found = []

        def refused(account: Account, error: Exception) -> None:
            denied.append(account.account_id)
            note(f"ssodeck: no access to account {account.account_id} (not assigned to you, or mistyped)")

        for role in role_service.stream_roles(instance, token(), accounts=explicit, on_denied=refused):
            found.append(role)
            emit(role)
    else:
        with listing_progress() as progress:
            listing = role_service.get_listing(instance, token, refresh=refresh or force_refresh, on_role=emit, on_progress=progress)
        if listing.from_cache:
            note(f"Using the role listing cached {_age(listing.age())} (--refresh to ask Identity Center again)")
            for role in listing.roles:
                emit(role)
        found = list(listing.roles)
    if not streaming:
        rows = select(found, where=where, search=search or "", order=sort_by if (sort_by or not search) else None)
        click.echo(render(headers, keys, [_row(r, order) for r in rows], fmt=fmt, header=header, sep=sep), nl=False)
        if search and not rows and found:
            note(f"No role matches {search!r} ({len(found)} roles listed; letters match in order: prdadm finds Payments Prod / AdministratorAccess)")
    if denied:  # the rows that could be listed are printed; the exit code says some were refused
        sys.exit(4)
