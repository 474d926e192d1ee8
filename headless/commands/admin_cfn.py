"""``ssodeck admin cfn``: CloudFormation templates of Identity Center assignments from concise inputs."""

from __future__ import annotations

from pathlib import Path

import click

from app.services.admin.context import AdminSource
from app.services.cfn.files import Request, plan, write
from app.services.cfn.identifiers import BadIdentifier
from app.services.cfn.live import LiveResolver
from app.services.cfn.model import Settings
from app.services.cfn.schema import check_duration
from headless.admin_options import admin_options, show_instance
from headless.messages import note


def _duration(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    try:
        return None if value is None else check_duration(value)
    except BadIdentifier as error:
        raise click.BadParameter(str(error)) from None


@click.command()
@click.argument("inputs", nargs=-1, required=True, metavar="FILE...", type=click.Path(dir_okay=False, path_type=Path))
@admin_options
@click.option("--macro", is_flag=True, help="Inputs are templates with SSOUtil::SSO::AssignmentGroup resources (the macro format).")
@click.option("--template-file-suffix", "suffix", default=".yaml", show_default=True, metavar="SUFFIX",
              help="Appended to each input's name; .yaml is added unless it ends in .yaml, .yml or .json (JSON output).")
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR", help="Where templates go [default: templates/ beside each input].")
@click.option("--base-template-file", "base_template", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="A template to add the assignments to (its parameters, resources and sections are kept). Not with --macro.")
@click.option("--lookup-names/--no-lookup-names", default=False, show_default=True, help="Add principal, permission set and account names to each assignment's metadata.")
@click.option("--num-child-stacks", type=click.IntRange(min=0), metavar="N", help="Spread assignments over N child stacks (fixed: changing N moves assignments between stacks).")
@click.option("--max-assignments-allocation", type=click.IntRange(min=1), metavar="N", help="Choose enough child stacks for N assignments, with headroom.")
@click.option("--default-session-duration", callback=_duration, metavar="DURATION", help="SessionDuration for permission sets that set none, e.g. PT8H.")
@click.option("--max-resources-per-template", type=click.IntRange(1, 500), metavar="N", help="Resource limit per template [default: 500, CloudFormation's quota].")
@click.option("--max-concurrent-assignments", type=click.IntRange(min=1), metavar="N", help="Assignments created at once within a stack, via DependsOn chains [default: 20].")
@click.option("--assignments-csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE", help="Also write every assignment to FILE as CSV.")
@click.option("--assignments-csv-only", "csv_only", is_flag=True, help="Write only the CSV (needs --assignments-csv).")
def cfn(inputs, source: AdminSource, show_id: bool, macro, suffix, output_dir, base_template, lookup_names, num_child_stacks, max_assignments_allocation,
        default_session_duration, max_resources_per_template, max_concurrent_assignments, csv_path, csv_only) -> None:
    """Generate AWS::SSO::Assignment templates from config files (or, with --macro, templates).

    Every principal x permission set x account becomes one assignment; OUs expand to their
    active accounts. Templates over the resource limit are split into child stacks, whose
    number you fix (--num-child-stacks); each assignment's stack is fixed by what it is,
    so later runs never move it. The paths written are printed on stdout.

    Only OU targets, --lookup-names and inputs without an instance need AWS access (the
    admin credentials, as for the other admin commands); everything else works offline.
    """
    if csv_only and csv_path is None:
        raise click.UsageError("--assignments-csv-only needs --assignments-csv FILE")
    if macro and base_template is not None:
        raise click.UsageError("--base-template-file cannot be used with --macro (the templates are their own base)")
    settings = Settings(num_child_stacks, max_assignments_allocation, default_session_duration, max_resources_per_template, max_concurrent_assignments)
    request = Request(tuple(inputs), macro=macro, base_template=base_template, instance=source.instance_arn, settings=settings, suffix=suffix,
                      output_dir=output_dir, csv_path=csv_path, csv_only=csv_only, lookup_names=lookup_names)
    resolver = LiveResolver(source.open)
    result = plan(request, resolver)
    if show_id and resolver.opened is not None:
        show_instance(resolver.opened)
    write(result)
    for path in result.files:
        click.echo(str(path))
    for unit in result.units:
        if not csv_only:
            spread = f" over {unit.children} child stack{'s' if unit.children != 1 else ''}" if unit.children else ""
            note(f"{unit.input}: {unit.assignments:,} assignment{'s' if unit.assignments != 1 else ''}{spread} -> {unit.parent}")
