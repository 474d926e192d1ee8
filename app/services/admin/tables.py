"""Assignment rows and access paths as tables, in aws-sso-util's columns, for every face's
output and exports."""

from __future__ import annotations

from collections.abc import Sequence

from app.admin_models import AccessPath, AssignmentRow
from app.services.admin.permission_sets import arn_id
from app.services.tabular import Table

ASSIGNMENT_COLUMNS = (
    "instance_arn", "principal_type", "principal_id", "principal_name", "permission_set_arn", "permission_set_name",
    "target_type", "target_id", "target_name",
)
VIA_COLUMNS = ("via_group_id", "via_group_name")
PATH_COLUMNS = (
    "user_name", "user_id", "account_name", "account_id", "permission_set_name", "permission_set_arn", "via_group_name", "via_group_id",
)
ARN_STYLES = ("arn", "id")


def assignment_table(rows: Sequence[AssignmentRow], *, arn_style: str = "arn", via: bool = False) -> Table:
    """The reference tool's nine columns (``--arn-style id``: ``instance_id`` and
    ``permission_set_id`` hold ``ssoins-...`` and ``ssoins-.../ps-...``), plus the group a
    user's row comes through when ``via`` (``--expand-groups``)."""
    columns = ASSIGNMENT_COLUMNS + (VIA_COLUMNS if via else ())
    headers = tuple({"instance_arn": "instance_id", "permission_set_arn": "permission_set_id"}.get(c, c) if arn_style == "id" else c for c in columns)
    shown = []
    for row in rows:
        values = {c: getattr(row, c) for c in columns}
        if arn_style == "id":
            values["instance_arn"] = arn_id(row.instance_arn)
            values["permission_set_arn"] = arn_id(row.permission_set_arn)
        shown.append(tuple(values[c] for c in columns))
    return Table(headers, headers, tuple(shown))


def path_table(paths: Sequence[AccessPath]) -> Table:
    """Access paths (why a user reaches an account): empty via columns mean a direct assignment."""
    rows = tuple(
        (
            path.user.user_name, path.user.user_id, path.account.name, path.account.account_id,
            path.permission_set.name, path.permission_set.arn,
            path.via.display_name if path.via else "", path.via.group_id if path.via else "",
        )
        for path in paths
    )
    return Table(PATH_COLUMNS, PATH_COLUMNS, rows)
