"""``admin export``: live assignments as code, so an existing setup can move to infrastructure
as code: a config file for ``admin cfn`` (CloudFormation) or Terraform.

The assignments are exactly those ``admin assignments`` lists for the same filters (its
walk, its rate limit, its once-per-run name lookups); names only go into comments, so
``lookup_names=False`` saves the requests and changes nothing that is generated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from app.admin_models import AssignmentRow
from app.services.admin.assignments import list_assignments
from app.services.admin.context import AdminContext
from app.services.admin.errors import NotFound
from app.services.admin.filters import AssignmentQuery
from app.services.admin.tasks import Progress
from app.services.admin.terraform import render_terraform
from app.services.atomic import atomic_write
from app.services.cfn.config_doc import Triple, render_config
from app.services.errors import ConfigError, OutputExists

Renderer = Callable[[str, Iterable[Triple], Mapping[str, str]], str]
FORMATS: dict[str, Renderer] = {"cfn-config": render_config, "terraform": render_terraform}


@dataclass(frozen=True)
class Exported:
    text: str
    assignments: int


def export_assignments(ctx: AdminContext, query: AssignmentQuery, fmt: str, *, on_progress: Progress | None = None) -> Exported:
    """The assignments the query selects, rendered; NotFound when there are none (an empty
    config is no input for ``admin cfn``, and an empty export is most likely a mistake)."""
    if query.expand_groups:
        raise ConfigError("an export holds assignments as they are: group members are not expanded")
    rows = list_assignments(ctx, query, on_progress=on_progress)
    if not rows:
        raise NotFound("no assignments to export: " + ("the filters match none" if query.filtered else "the instance has none"))
    return render_rows(ctx.instance.arn, rows, fmt)


def render_rows(instance_arn: str, rows: Iterable[AssignmentRow], fmt: str) -> Exported:
    """Assignment rows (a listing, or what the explorer shows) as code. A user's row that
    comes through a group is that group's assignment: code holds assignments as they are."""
    triples: set[Triple] = set()
    names: dict[str, str] = {}
    for row in rows:
        if row.via_group_id:
            triples.add(("GROUP", row.via_group_id, row.permission_set_arn, row.target_id))
            principal = (row.via_group_id, row.via_group_name)
        else:
            triples.add((row.principal_type, row.principal_id, row.permission_set_arn, row.target_id))
            principal = (row.principal_id, row.principal_name)
        names.update((key, name) for key, name in (principal, (row.permission_set_arn, row.permission_set_name), (row.target_id, row.target_name)) if name)
    return Exported(FORMATS[fmt](instance_arn, triples, names), len(triples))


def check_output(path: Path, *, replace: bool) -> None:
    """Refuse an existing file unless asked to replace it: before any request, and again just
    before writing."""
    if not replace and Path(path).exists():
        raise OutputExists(f"{path} already exists; it was left as it was")


def write_output(path: Path, text: str, *, replace: bool) -> None:
    check_output(path, replace=replace)
    atomic_write(path, text)
