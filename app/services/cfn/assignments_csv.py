"""``--assignments-csv``: one row per generated assignment, quoted by the csv module.

aws-sso-util's columns come first (references written as the names they refer to), then
where each assignment was placed: its template file and logical ID.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from app.services.cfn.assignments import Assignment
from app.services.cfn.intrinsics import Term, canonical

HEADER = ("instance_arn", "principal_type", "principal_id", "principal_name", "permission_set_arn", "permission_set_name",
          "target_type", "target_id", "target_name", "source_ou", "template", "logical_id")


def csv_rows(assignments: list[Assignment], template_of: dict[str, str], parent: str) -> list[tuple[str, ...]]:
    rows = []
    for assignment in sorted(assignments, key=lambda a: (template_of.get(a.logical_id, parent), a.logical_id)):
        names = assignment.names
        rows.append((
            _text(assignment.instance), assignment.principal_type, _text(assignment.principal_id), names.get("PrincipalName", ""),
            _text(assignment.permission_set), names.get("PermissionSetName", ""), "AWS_ACCOUNT", _text(assignment.account),
            names.get("TargetName", ""), assignment.source_ou or "", template_of.get(assignment.logical_id, parent), assignment.logical_id,
        ))
    return rows


def render_csv(rows: list[tuple[str, ...]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue()


def _text(term: Term) -> str:
    """A literal as is; ``!Ref X`` as X, ``!GetAtt X.Y`` as X.Y, ``!Sub`` as its string, others as JSON."""
    value: Any = term.value
    if term.is_literal:
        return value
    ((function, argument),) = value.items()
    if function == "Ref":
        return str(argument)
    if function == "Fn::GetAtt" and isinstance(argument, list):
        return ".".join(str(part) for part in argument)
    if function == "Fn::Sub" and isinstance(argument, str):
        return argument
    return canonical(value)
