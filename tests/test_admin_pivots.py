"""The explorer's pivots over an index (pure) and the export writer."""

from __future__ import annotations

import json
import stat

import pytest

from app.services.admin.explain import AssignmentIndex
from app.services.admin.pivots import COLUMNS, PATH_COLUMNS, Link, Pivots, paths, principal_key
from app.services.errors import BadValue
from app.services.tabular import ExportExists, Table, export_table
from test_admin_index import ALICE, BOB, DEV, DEVS, GONE, OPS, PROD, READ, snapshot


def test_every_subject_is_listed_even_when_its_name_is_gone() -> None:
    pivots = Pivots(AssignmentIndex(snapshot()))
    accounts = {s.name: (s.key, s.count) for s in pivots.subjects["account"]}
    assert accounts == {"Dev": (DEV.account_id, 3), "Prod, EU": (PROD.account_id, 2), "333333333333": ("333333333333", 1)}
    principals = {s.key: (s.name, s.detail, s.count) for s in pivots.subjects["principal"]}
    assert principals[principal_key("USER", ALICE.user_id)] == ("alice", "user", 3)  # one direct, two through Developers
    assert principals[principal_key("USER", GONE)] == (GONE, "user", 1)  # deleted, still assigned
    assert principals[principal_key("GROUP", DEVS.group_id)] == ("Developers", "group · 2 members", 2)
    assert [s.name for s in pivots.subjects["permission_set"]] == ["AdministratorAccess", "Billing, EU", "ReadOnlyAccess"]
    assert pivots.find(Link("principal", principal_key("GROUP", OPS.group_id))) is not None
    assert pivots.find(Link("account", "999999999999")) is None


def test_rows_columns_and_where_each_cell_leads() -> None:
    pivots = Pivots(AssignmentIndex(snapshot()))
    alice = next(s for s in pivots.subjects["principal"] if s.name == "alice")
    rows = pivots.rows(alice)
    cells = {tuple(c.value(r) for c in COLUMNS["principal"]) for r in rows}
    assert cells == {("Dev", DEV.account_id, "AdministratorAccess", "(direct)"), ("Dev", DEV.account_id, "AdministratorAccess", "Developers"),
                     ("Prod, EU", PROD.account_id, "ReadOnlyAccess", "Developers")}  # fmt: skip
    through = next(r for r in rows if r.via_group_id)
    assert [c.link(through) for c in COLUMNS["principal"]] == [
        Link("account", through.target_id), Link("account", through.target_id), Link("permission_set", through.permission_set_arn),
        Link("principal", principal_key("GROUP", DEVS.group_id))]
    direct = next(r for r in rows if not r.via_group_id)
    assert COLUMNS["principal"][-1].link(direct) is None
    table = pivots.table("principal", [alice])
    assert table.headers[-2:] == ("via_group_id", "via_group_name") and len(table.rows) == 3
    assert len(pivots.table("account", pivots.subjects["account"]).rows) == len(snapshot().assignments)


def test_paths_answer_why_where_and_who() -> None:
    index = AssignmentIndex(snapshot())
    assert paths(index, BOB.user_id, DEV.account_id) == index.why(BOB.user_id, DEV.account_id)
    assert paths(index, BOB.user_id, None) == index.paths_of(BOB.user_id)
    assert paths(index, None, PROD.account_id) == index.who_can_reach(PROD.account_id)
    assert paths(index, None, None) == []
    shown = [tuple(c.value(p) for c in PATH_COLUMNS) for p in paths(index, None, DEV.account_id)]
    assert ("bob", "Dev", DEV.account_id, READ.name, "Ops") in shown


def test_export_writes_atomically_and_privately_and_never_replaces_unasked(tmp_path, monkeypatch, aws_home) -> None:
    monkeypatch.chdir(tmp_path)
    table = Table(("a", "b"), ("a", "b"), (("x,y", "z"),))
    written = export_table(table, "out.csv", "csv")
    assert written == tmp_path / "out.csv" and written.read_text() == 'a,b\n"x,y",z\n'
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    with pytest.raises(ExportExists):
        export_table(table, "out.csv", "json")
    assert written.read_text() == 'a,b\n"x,y",z\n'
    export_table(table, "out.csv", "json", replace=True)
    assert json.loads(written.read_text()) == [{"a": "x,y", "b": "z"}]
    nested = export_table(table, "~/exports/out.json", "json")
    assert nested == aws_home / "exports" / "out.json" and nested.exists()
    for bad in ("", "  ", str(tmp_path)):
        with pytest.raises(BadValue):
            export_table(table, bad, "csv")
