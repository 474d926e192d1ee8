"""``--dry-run`` diffs are computed around the rewritten stretches only: they must still be
exact patches from the file to the plan, with the whole file's line numbers. A planned text
botocore cannot read is still refused."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.models import ProfilePlan
from app.services import config_render
from app.services.config_diff import lines
from app.services.config_editor import plan_sections
from app.services.errors import ConfigError
from support import count_full_parses
from test_config_properties import configs, plans, render

PATH = Path("/cfg/config")


def whole_file_diff(before: str, after: str) -> str:
    out = difflib.unified_diff(lines(before), lines(after), str(PATH), str(PATH))
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in out)


def patched(before: str, diff: str) -> str:
    """Apply a unified diff, checking every context and removed line and every hunk position."""
    old, new = lines(before), []
    at = 0
    body = diff.splitlines(keepends=True)[2:]
    index = 0
    while index < len(body):
        header = re.fullmatch(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@\n", body[index])
        assert header, body[index]
        old_start, old_count, new_start, new_count = (int(value) if value is not None else 1 for value in header.groups())
        old_start -= old_count > 0
        new_start -= new_count > 0
        assert old_start >= at
        new += old[at:old_start]
        at = old_start
        assert new_start == len(new)
        index += 1
        while index < len(body) and not body[index].startswith("@@"):
            line = body[index]
            if index + 1 < len(body) and body[index + 1].startswith("\\ No newline"):
                line = line[:-1]
                index += 1
            if line[0] in " -":
                assert old[at] == line[1:], (old[at], line)
                at += 1
            if line[0] in " +":
                new.append(line[1:])
            index += 1
        assert (at - old_start, len(new) - new_start) == (old_count, new_count)
    return "".join(new + old[at:])


def padded(text: str, count: int) -> str:
    """``text`` between runs of profiles nobody edits, so hunks land far apart in a long file."""
    filler = "".join(f"[profile filler-{n}]\nregion = eu-west-1\n\n" for n in range(count))
    return filler + text.replace("\r\n", "\n") + ("\n" if text and not text.endswith("\n") else "") + filler.replace("filler", "tail")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), padding=st.sampled_from([0, 1, 40]))
def test_dry_run_diff_is_an_exact_patch(data: st.DataObject, padding: int) -> None:
    preamble, sections, eol, final_newline = data.draw(configs())
    before = render(preamble, sections, eol, final_newline)
    if padding:
        before = padded(before, padding)
    upserts, removals, action = data.draw(plans(sections))
    edit = plan_sections(PATH, before, upserts, removals, action)
    diff = edit.diff()
    assert patched(edit.before, diff) == edit.after
    assert len(diff.splitlines()) <= len(whole_file_diff(edit.before, edit.after).splitlines()) + 2 * diff.count("\n@@")


def test_far_apart_changes_give_separate_hunks_with_their_line_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    before = "".join(f"[profile p{n}]\nregion = eu-west-1\n" for n in range(2000))
    upserts = [ProfilePlan("p5", (("region", "us-east-1"),)), ProfilePlan("p1500", (("region", "us-east-1"),)), ProfilePlan("new", (("region", "x"),))]
    parses = count_full_parses(monkeypatch, len(before))
    compared: list[int] = []
    real_diff = difflib.unified_diff
    monkeypatch.setattr(difflib, "unified_diff", lambda old, new, *args, **kwargs: compared.append(len(old)) or real_diff(old, new, *args, **kwargs))
    edit = plan_sections(PATH, before, upserts, [], "overwrite")
    diff = edit.diff()
    assert parses() == 1  # the file as read; the planned text is checked where it changed, not parsed whole
    assert max(compared) < 20  # lines around each change, not the 4,000 of the file
    monkeypatch.setattr(difflib, "unified_diff", real_diff)
    assert [line for line in diff.splitlines() if line.startswith("@@")] == ["@@ -9,7 +9,7 @@", "@@ -2999,7 +2999,7 @@", "@@ -3998,3 +3998,6 @@"]
    assert diff == whole_file_diff(edit.before, edit.after)


def test_a_planned_text_botocore_cannot_read_is_refused_with_its_line(monkeypatch: pytest.MonkeyPatch) -> None:
    before = "".join(f"[profile p{n}]\nregion = eu-west-1\n" for n in range(500))
    monkeypatch.setattr(config_render, "_new_line", lambda key, value, eol: f"{key} {value}{eol}")  # a renderer that drops the '='
    with pytest.raises(ConfigError, match=r"cannot read, so nothing was written \(/cfg/config, line 1003: "):  # 1,000 lines, a blank one, the new header
        plan_sections(PATH, before, [ProfilePlan("new", (("region", "x"),))], [], "keep")
