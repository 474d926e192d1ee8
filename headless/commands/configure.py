"""``ssodeck configure profile`` and ``ssodeck configure populate``: write ~/.aws/config."""

from __future__ import annotations

import dataclasses
import sys

import click

from app.models import Account, Instance, Role
from app.services import roles as role_service
from app.services import validation
from app.services.awsconfig import load_config
from app.services.config_editor import EXISTING_ACTIONS, ConfigEdit, apply_edit, read_config_text
from app.services.errors import ConfigError
from app.services.instances import session_or_new, specifier_from
from app.services.paths import aws_config_file
from app.services.populate import parse_defaults
from app.services.populate_choices import SEPARATOR_ENV, PopulateChoices
from app.services.profile_names import CASES, NamingOptions
from app.services.profile_setup import configured_region, credential_process_command, plan_role_profile, profile_choices
from app.services.ratelimit import limiter_for
from headless.common import resolve_instances, token_source
from headless.messages import note
from headless.picker import pick
from headless.completion import ACCOUNT_ID, SSO_SESSION, profiles
from headless.progress import listing_progress


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _instance(start_url: str | None, sso_region: str | None, sso_session: str | None) -> Instance:
    """The instance to list from; a new ``--sso-session`` name takes its URL from the other flags."""
    if not sso_session:
        return resolve_instances(start_url, sso_region, command="configure").one()
    resolution = session_or_new(load_config(), sso_session, specifier_from(start_url, sso_region, command="configure"))
    for warning in resolution.warnings:
        note(f"warning: {warning}")
    return resolution.one()


def _finish(edit: ConfigEdit, dry_run: bool) -> None:
    summary = edit.summary()
    counts = ", ".join(f"{summary.get(kind, 0)} {word}" for kind, word in (("add", "added"), ("change", "changed"), ("remove", "removed"), ("unchanged", "unchanged")))
    for remark in edit.notes:
        note(f"note: {remark}")
    if edit.renamed:
        shown = ", ".join(f"{old} -> {new}" for old, new in edit.renamed[:10]) + (f" and {len(edit.renamed) - 10} more" if len(edit.renamed) > 10 else "")
        note(f"{len(edit.renamed)} profile name(s) were shared by accounts with the same name, so the account ID was added: {shown} (--on-duplicate error refuses instead)")
    skipped = [c.section.removeprefix("profile ") for c in edit.changes if c.kind == "skip"]
    if skipped:
        shown = ", ".join(skipped[:5]) + (f" and {len(skipped) - 5} more" if len(skipped) > 5 else "")
        note(f"Left {len(skipped)} hand-written profile(s) alone that have a generated name but another account or role: {shown} (--existing-config-action overwrite replaces them)")
    if dry_run:
        click.echo(edit.diff(), nl=False)
        note(f"Dry run for {edit.path}: {counts}; nothing written")
        return
    apply_edit(edit)
    note(f"{'Wrote' if edit.changed else 'No changes to'} {edit.path}: {counts}")


ACTION = click.option("--existing-config-action", type=click.Choice(EXISTING_ACTIONS), default="keep", show_default=True, help="For profiles that exist: keep their other values, overwrite them with -c values, or discard everything not written now.")
DEFAULTS = click.option("--config-default", "-c", "config_defaults", multiple=True, metavar="KEY=VALUE", help="Extra key for every profile (repeatable), e.g. -c output=json.")
PROCESS = click.option("--credential-process/--no-credential-process", default=None, help="Add a credential_process line for SDKs without SSO support (default on; AWS_CONFIGURE_SSO_DISABLE_CREDENTIAL_PROCESS=1 turns it off).")
SESSION = click.option("--sso-session", metavar="NAME", help="Use the modern layout: one [sso-session NAME] section, profiles with sso_session = NAME.", **SSO_SESSION)


@click.group()
def configure() -> None:
    """Write Identity Center profiles into ~/.aws/config (comments and layout are kept)."""


@configure.command("profile")
@click.argument("profile_name", shell_complete=profiles)
@click.option("--sso-start-url", "-u", "start_url", metavar="URL", help="Identity Center start URL.")
@click.option("--sso-region", metavar="REGION", help="Identity Center region.")
@click.option("--account-id", "-a", "--account", "account_id", metavar="ID", help="The account.", **ACCOUNT_ID)
@click.option("--role-name", "-r", metavar="ROLE", help="The role.")
@click.option("--region", metavar="REGION", help="The profile's default AWS region (AWS_CONFIGURE_DEFAULT_REGION, AWS_DEFAULT_REGION).")
@click.option("--output", "-o", "output_format", metavar="FORMAT", help="The profile's output format (json, text, table, yaml).")
@DEFAULTS
@ACTION
@click.option("--interactive/--non-interactive", default=True, help="Ask for missing values with pickers (default), or fail.")
@PROCESS
@SESSION
@click.option("--dry-run", is_flag=True, help="Print the change as a diff instead of writing it.")
@click.option("--force-refresh", is_flag=True, help="Sign in again first.")
@click.option("-v", "--verbose", count=True, hidden=True)
def configure_profile(profile_name, start_url, sso_region, account_id, role_name, region, output_format, config_defaults, existing_config_action, interactive, credential_process, sso_session, dry_run, force_refresh, verbose) -> None:
    """Write one profile for an account and role.

    Missing values come from the existing profile, then (interactively) from pickers
    that list the accounts and roles you can reach. --non-interactive fails instead.
    """
    process = credential_process_command(credential_process)
    defaults = parse_defaults(config_defaults, credential_process=process)
    if output_format:
        defaults["output"] = output_format
    choices = profile_choices(load_config(), profile_name, account_id=account_id, role_name=role_name, region=region,
                              instance_named=bool(start_url or sso_region or sso_session))  # fmt: skip
    instance = choices.instance or _instance(start_url, sso_region, sso_session)
    account_id, role_name, region = choices.account_id, choices.role_name, choices.region
    flags = {"account": "--account-id", "role": "--role-name", "region": "--region"}
    if choices.missing and not (interactive and stdin_is_terminal()):
        raise click.UsageError(f"missing {', '.join(flags[what] for what in choices.missing)} (run in a terminal without --non-interactive to pick them)")
    if not (account_id and role_name):  # only what is missing is listed and picked: a complete profile never prompts
        account_id, role_name = _pick_role(instance, account_id, role_name, force_refresh)
    while not region:
        answer = click.prompt("Default AWS region for this profile", default=instance.region, err=True).strip()
        try:
            region = validation.region(answer)
        except ConfigError as error:
            note(str(error))
    edit = plan_role_profile(
        instance, name=profile_name, account_id=account_id, role_name=role_name, region=region,
        defaults=defaults, credential_process=process, existing_action=existing_config_action,
    )  # fmt: skip
    session = instance.session_name
    if session and any(c.kind == "add" and c.section == f"sso-session {session}" for c in edit.changes):
        note(f"Also writing [sso-session {session}] for {instance.start_url}")
    _finish(edit, dry_run)


def _pick_role(instance: Instance, account_id: str | None, role_name: str | None, force_refresh: bool) -> tuple[str, str]:
    with listing_progress() as progress:
        listing = role_service.get_listing(instance, token_source(instance, force_login=force_refresh), on_progress=progress)
    if not account_id:
        accounts = sorted(listing.accounts, key=lambda a: a.name.lower())
        chosen: Account = pick("Accounts", accounts, lambda a: f"{a.name} ({a.account_id})")
        account_id = chosen.account_id
    roles = sorted((r for r in listing.roles if r.account_id == account_id), key=lambda r: r.role_name.lower())
    if not role_name or role_name not in {r.role_name for r in roles}:
        current = next((r for r in roles if r.role_name == role_name), None)
        role: Role = pick(f"Roles in {account_id}", roles, lambda r: r.role_name, current=current)
        role_name = role.role_name
    return account_id, role_name


@configure.command("populate")
@click.option("--sso-start-url", "-u", "start_url", metavar="URL", help="Identity Center start URL (or a regex matching one in ~/.aws/config).")
@click.option("--sso-region", metavar="REGION", help="Identity Center region.")
@click.option("--region", "-r", "regions", multiple=True, metavar="REGION", help="Region(s) to write profiles for (repeatable; default AWS_CONFIGURE_DEFAULT_REGION or AWS_DEFAULT_REGION).")
@click.option("--dry-run", is_flag=True, help="Print the change to the config file as a unified diff; write nothing.")
@DEFAULTS
@ACTION
@click.option("--components", metavar="LIST", default="account_name,role_name,default_style_region", show_default=True, help="Profile name parts: account_name, account_id, account_number, role_name, region, short_region, default_style_region, or literal text.")
@click.option("--separator", "--sep", "separator", metavar="SEP", envvar=SEPARATOR_ENV, default=".", show_default=True, help="Between name components.")
@click.option("--include-region", type=click.Choice(["default", "always"]), default="default", show_default=True, help="default: only profiles for the 2nd and later regions carry the region.")
@click.option("--region-style", type=click.Choice(["short", "long"]), default="short", show_default=True, help="short: us-east-1 becomes usea1.")
@click.option("--trim-account-name", multiple=True, metavar="REGEX", help="Remove matches from account names (repeatable; applied to the safe name, where spaces are already -, and before case).")
@click.option("--trim-role-name", multiple=True, metavar="REGEX", help="Remove matches from role names (repeatable; applied before case).")
@click.option("--account-name-case", type=click.Choice(CASES), help="Case of account names.")
@click.option("--role-name-case", type=click.Choice(CASES), help="Case of role names.")
@click.option("--profile-name-process", metavar="COMMAND", help="Program that prints each profile name (or SKIP); gets account name, id, role, region, short region, region index, number of regions.")
@click.option("--safe-account-names/--raw-account-names", default=True, help="Replace each run of characters other than letters, digits, '-', '.' and '_' in account names with '-' (default).")
@PROCESS
@SESSION
@click.option("--on-duplicate", type=click.Choice(["disambiguate", "error"]), default="disambiguate", show_default=True, help="When accounts share a name (AWS allows it), add the account ID to the account part of the clashing profile names, or refuse.")
@click.option("--prune", is_flag=True, help="Remove profiles ssodeck populated for this instance that you can no longer reach.")
@click.option("--refresh", is_flag=True, help="Ask Identity Center for the roles even if the cached listing is fresh.")
@click.option("--force-refresh", is_flag=True, help="Sign in again first.")
@click.option("--max-rps", type=click.FloatRange(min=0.1), envvar="SSODECK_MAX_RPS", metavar="RPS", help="Portal requests per second (default 20).")
@click.option("--interactive", is_flag=True, help="Choose everything in the full-screen wizard (with a live preview of the names and the diff), starting from the other flags.")
@click.option("-v", "--verbose", count=True, hidden=True)
def configure_populate(start_url, sso_region, regions, dry_run, config_defaults, existing_config_action, components, separator, include_region, region_style, trim_account_name, trim_role_name, account_name_case, role_name_case, profile_name_process, safe_account_names, credential_process, sso_session, on_duplicate, prune, refresh, force_refresh, max_rps, interactive, verbose) -> None:
    """Write a profile for every account, role and region you can reach.

    Re-running is safe: unchanged profiles are left byte for byte, comments and unrelated
    sections are kept, and the previous file is saved as config.bak.
    """
    naming = NamingOptions(
        components=tuple(c.strip() for c in components.split(",") if c.strip()),
        separator=separator,
        include_region=include_region,
        region_style=region_style,
        trim_account_name=trim_account_name,
        trim_role_name=trim_role_name,
        account_name_case=account_name_case,
        role_name_case=role_name_case,
        profile_name_process=profile_name_process,
        safe_account_names=safe_account_names,
    )
    choices = PopulateChoices(
        tuple(dict.fromkeys(regions)) or tuple(r for r in (configured_region(),) if r), naming, existing_config_action, sso_session, credential_process, prune,
        tuple(config_defaults), on_duplicate,
    )  # fmt: skip
    if interactive:
        _wizard(choices, start_url, sso_region, dry_run)
        return
    if not choices.regions:
        raise click.UsageError("Missing arguments: --region (or set AWS_DEFAULT_REGION)")
    validation.regions(list(choices.regions))  # before any sign-in or listing
    choices.defaults()
    instance = _instance(start_url, sso_region, sso_session)
    choices = dataclasses.replace(choices, sso_session=instance.session_name)
    choices.check(instance)  # before any network call; the plan is told it was done
    path = aws_config_file()
    before = read_config_text(path)
    load_config(path)  # a malformed file stops us here, before any network call
    limiter_for(instance.start_url, max_rps)
    # pruning decides what is gone from the listing, so it never trusts a cached one
    with listing_progress() as progress:
        listing = role_service.get_listing(instance, token_source(instance, force_login=force_refresh), refresh=refresh or force_refresh or prune, on_progress=progress)
    note(f"{len(listing.roles)} roles in {len(listing.accounts)} accounts" + (" (cached listing)" if listing.from_cache else ""))
    _finish(choices.plan(path, before, listing.roles, instance, checked=True), dry_run)


def _wizard(choices: PopulateChoices, start_url: str | None, sso_region: str | None, dry_run: bool) -> None:
    """``populate --interactive``: the app's wizard, starting from the flags' choices."""
    if dry_run:
        raise click.UsageError("--dry-run and --interactive cannot be combined (the wizard shows the diff before writing)")
    if choices.naming.profile_name_process:
        raise click.UsageError("--profile-name-process and --interactive cannot be combined (the preview would run it for every name)")
    if choices.regions:
        validation.regions(list(choices.regions))
    choices.defaults()
    instance = _instance(start_url, sso_region, choices.sso_session) if (start_url or sso_region or choices.sso_session) else None
    from app.tui import run

    outcome = run(start="wizard", instance=instance, choices=choices)
    if not outcome:  # cancelled before writing: a script must not take it for done
        raise click.exceptions.Abort()  # "ssodeck: aborted", exit 130 (as for ctrl+c)
    note(outcome)
