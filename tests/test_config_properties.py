"""Property tests for the config writer: any valid config, any plan, nothing else moves.

Configs are generated as structures (sections of every kind, comments, blank lines, nested
keys, values with spaces, % and :, LF or CRLF, with or without a final newline) and rendered
to text, so each test knows exactly which bytes belong to which section.
"""

from __future__ import annotations

import re
import shlex
import string
import tempfile
from dataclasses import dataclass
from pathlib import Path

import botocore.configloader
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.models import Instance, ProfilePlan, Role
from app.services.config_editor import apply_edit, plan_sections
from app.services.errors import ConfigError
from app.services.populate import plan_populate
from app.services.profile_names import NamingOptions

PROFILE_NAMES = ["dev", "prod", "Dev Sandbox", "a.b-c_d", "default", "x%y", "team:1", "Ops Team.Admin"]
SESSION_NAMES = ["corp", "dev", "my sso"]
OTHER_SECTIONS = ["preview", "plugins", "services local", "services other one"]
KEYS = ["region", "output", "sso_start_url", "sso_region", "sso_session", "sso_account_id", "sso_role_name",
        "credential_process", "cli_pager", "role_arn", "source_profile", "s3", "duration_seconds"]  # fmt: skip
VALUE = st.text(alphabet=string.ascii_letters + string.digits + " %:/=#;.,-_@[]", max_size=16).map(str.strip)
COMMENT = st.builds(lambda mark, text: f"{mark} {text}".rstrip(), st.sampled_from("#;"), VALUE)


@dataclass(frozen=True)
class Entry:
    kind: str  # "option" | "nested" | "comment" | "blank"
    key: str = ""
    lines: tuple[str, ...] = ()  # without line endings


@dataclass(frozen=True)
class Sect:
    identity: str | None  # what botocore calls it, None for sections outside profiles and sessions
    header: str
    entries: tuple[Entry, ...]


def header_for(kind: str, name: str) -> str:
    return f'{kind} "{name}"' if " " in name else f"{kind} {name}"


@st.composite
def entries(draw) -> tuple[Entry, ...]:
    keys = draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=6))
    result = []
    for key in keys:
        written = draw(st.sampled_from([key, key.capitalize()]))
        for _ in range(draw(st.integers(0, 1))):
            result.append(draw(st.sampled_from([Entry("blank", lines=("",)), Entry("comment", lines=(draw(COMMENT),))])))
        if draw(st.integers(0, 4)) == 0:
            children = draw(st.lists(st.sampled_from(["max_concurrent_requests", "addressing_style", "endpoint_url"]), unique=True, min_size=1))
            indent = draw(st.sampled_from(["  ", "    ", "\t"]))
            lines = (f"{written} =", *(f"{indent}{child} = {draw(VALUE) or 'x'}" for child in children))
            result.append(Entry("nested", key, lines))
        else:
            delimiter = draw(st.sampled_from([" = ", "=", " : ", ":"]))
            result.append(Entry("option", key, (f"{written}{delimiter}{draw(VALUE)}".rstrip(),)))
    result += draw(st.lists(st.sampled_from([Entry("blank", lines=("",)), Entry("comment", lines=("# trailing",))]), max_size=2))
    return tuple(result)


@st.composite
def configs(draw) -> tuple[list[str], list[Sect], str, bool]:
    preamble = draw(st.lists(st.one_of(COMMENT, st.just("")), max_size=3))
    identities = draw(
        st.lists(
            st.one_of(
                st.sampled_from(PROFILE_NAMES).map(lambda name: ("profile", name)),
                st.just(("default", "default")),
                st.sampled_from(SESSION_NAMES).map(lambda name: ("sso-session", name)),
                st.sampled_from(OTHER_SECTIONS).map(lambda name: ("other", name)),
            ),
            max_size=7,
            unique_by=lambda pair: "profile default" if pair[0] == "default" else f"{pair[0]} {pair[1]}",
        )
    )
    sections = []
    for kind, name in identities:
        if kind == "default":
            sect = Sect("profile default", draw(st.sampled_from(["default", "profile default"])), draw(entries()))
        elif kind == "other":
            sect = Sect(None, name, draw(entries()))
        else:
            sect = Sect(f"{kind} {name}", header_for(kind, name), draw(entries()))
        sections.append(sect)
    return preamble, sections, draw(st.sampled_from(["\n", "\r\n"])), draw(st.booleans())


def render(preamble: list[str], sections: list[Sect], eol: str, final_newline: bool) -> str:
    lines = [*preamble]
    for sect in sections:
        lines.append(f"[{sect.header}]")
        lines += [line for entry in sect.entries for line in entry.lines]
    text = "".join(line + eol for line in lines)
    return text if final_newline or not lines or not lines[-1] else text[: -len(eol)]


@st.composite
def plans(draw, sections: list[Sect]) -> tuple[list[ProfilePlan], list[str], str]:
    targets = draw(
        st.lists(
            st.one_of(st.sampled_from(PROFILE_NAMES).map(lambda n: ("profile", n)), st.sampled_from(SESSION_NAMES).map(lambda n: ("sso-session", n))),
            unique=True,
            max_size=4,
        )
    )
    upserts = []
    for kind, name in targets:
        keys = draw(st.lists(st.sampled_from(KEYS), unique=True, min_size=1, max_size=6))
        values = tuple((key, draw(VALUE)) for key in keys)
        drop = tuple(draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=2)))
        upserts.append(ProfilePlan(name, values, kind=kind, drop_keys=drop))
    planned = {plan.section for plan in upserts}
    existing = [sect.identity for sect in sections if sect.identity and sect.identity.startswith("profile ") and sect.identity not in planned]
    removals = draw(st.lists(st.sampled_from(existing), unique=True)) if existing else []
    return upserts, removals, draw(st.sampled_from(["keep", "overwrite", "discard"]))


def botocore_view(text: str) -> dict:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "config"
        path.write_bytes(text.encode())
        raw = botocore.configloader.raw_config_parse(str(path))
    mapped = botocore.configloader.build_profile_map(raw)
    view = {f"profile {name}": values for name, values in mapped["profiles"].items()}
    view.update((f"sso-session {name}", values) for name, values in mapped["sso_sessions"].items())
    view.update((section, values) for section, values in raw.items() if not section.startswith(("profile", "sso-session")) and section != "default")
    return view


def expected_section(plan: ProfilePlan, before: dict | None, action: str) -> dict:
    planned = {key: value.strip() for key, value in plan.values}
    if before is None:
        return planned
    if plan.kind == "sso-session" and action == "discard":
        action = "overwrite"  # sessions are never discarded
    result = dict(before)
    for key, value in planned.items():
        if not (action == "keep" and key in before and not (key.startswith("sso_") or key in ("region", "credential_process"))):
            result[key] = value
    for key in plan.drop_keys:
        if key not in planned:
            result.pop(key, None)
    if action == "discard":
        result = {key: result[key] for key in planned}
    return result


_HEADER_LINE = re.compile(r"^\[", re.MULTILINE)


def chunks(text: str) -> dict[str | None, str]:
    """Header line (without ending) -> the text from it to the next header; None for the preamble."""
    starts = [0, *(m.start() for m in _HEADER_LINE.finditer(text) if m.start() != 0), len(text)]
    result: dict[str | None, str] = {}
    for start, end in zip(starts, starts[1:]):
        piece = text[start:end]
        if not piece:
            continue
        key = piece.split("\n", 1)[0].rstrip("\r") if piece.startswith("[") else None
        result[key] = piece
    return result


def only_blank_or_comment(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith(("#", ";")) for line in text.splitlines())


def is_subsequence(needles: list[str], haystack: list[str]) -> bool:
    remaining = iter(haystack)
    return all(any(needle == line for line in remaining) for needle in needles)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_plan_on_any_config_touches_only_its_sections(data: st.DataObject) -> None:
    preamble, sections, eol, final_newline = data.draw(configs())
    before = render(preamble, sections, eol, final_newline)
    upserts, removals, action = data.draw(plans(sections))
    edit = plan_sections(Path("/cfg/config"), before, upserts, removals, action)
    after = edit.after

    # botocore reads every planned section as planned, removed ones are gone, the rest is as it was
    before_view, after_view = botocore_view(before), botocore_view(after)
    for plan in upserts:
        assert after_view[plan.section] == expected_section(plan, before_view.get(plan.section), action), plan
    touched = {plan.section for plan in upserts} | set(removals)
    for section in removals:
        assert section not in after_view
    for section, values in before_view.items():
        if section not in touched:
            assert after_view[section] == values, section

    # every byte outside touched sections is where it was; they may only gain trailing blank/comment lines
    before_chunks, after_chunks = chunks(before), chunks(after)
    by_header = {f"[{sect.header}]": sect for sect in sections}
    untouched = [h for h in before_chunks if h is None or by_header[h].identity not in touched]
    assert [h for h in after_chunks if h in untouched] == untouched
    for header in untouched:
        assert after_chunks[header].startswith(before_chunks[header]) and only_blank_or_comment(after_chunks[header][len(before_chunks[header]) :])

    # inside an updated section, lines of keys the plan does not change keep their bytes and order
    for plan in upserts:
        sect = next((s for s in sections if s.identity == plan.section), None)
        if sect is None:
            continue
        old = before_view[plan.section]
        expected = expected_section(plan, old, action)
        kept = [f"[{sect.header}]"] + [
            line
            for entry in sect.entries
            if entry.kind in ("comment", "blank") or (entry.key in expected and expected[entry.key] == old.get(entry.key))
            for line in entry.lines
        ]
        assert is_subsequence(kept, [line.rstrip("\r\n") for line in after_chunks[f"[{sect.header}]"].splitlines(True)])

    # the file keeps its line endings, and the same plan again is a no-op
    if "\r\n" in before:
        assert "\n" not in after.replace("\r\n", "")
    again = plan_sections(Path("/cfg/config"), after, upserts, removals, action)
    assert again.after == after and again.summary()["add"] == again.summary()["change"] == 0


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_applied_edits_are_what_botocore_reads_from_disk(data: st.DataObject) -> None:
    preamble, sections, eol, final_newline = data.draw(configs())
    before = render(preamble, sections, eol, final_newline)
    upserts, removals, action = data.draw(plans(sections))
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "config"
        path.write_bytes(before.encode())
        edit = plan_sections(path, before, upserts, removals, action)
        apply_edit(edit)
        assert path.read_bytes() == edit.after.encode()
        mapped = botocore.configloader.build_profile_map(botocore.configloader.raw_config_parse(str(path)))
        for plan in upserts:
            section = mapped["profiles" if plan.kind == "profile" else "sso_sessions"][plan.name]
            assert set(section) >= {key for key, _ in plan.values}


ACCOUNT_NAME = st.text(alphabet=string.ascii_letters + string.digits + " []'\"\\%:;#=./,-_é", min_size=0, max_size=14)


@settings(max_examples=60, deadline=None)
@given(
    accounts=st.lists(st.tuples(st.integers(1, 10**12 - 1), ACCOUNT_NAME), min_size=1, max_size=6, unique_by=lambda a: a[0]),
    roles=st.lists(st.sampled_from(["Admin", "ReadOnly", "Power User", "Billing"]), min_size=1, max_size=3, unique=True),
    regions=st.lists(st.sampled_from(["us-east-1", "eu-west-1", "ap-southeast-2"]), min_size=1, max_size=2, unique=True),
    safe=st.booleans(),
    session=st.sampled_from([None, "corp"]),
    data=st.data(),
)
def test_any_populate_plan_is_read_back_by_botocore(accounts, roles, regions, safe, session, data) -> None:
    preamble, sections, eol, final_newline = data.draw(configs())
    before = render(preamble, sections, eol, final_newline)
    instance = Instance("https://d-1234567890.awsapps.com/start", "eu-west-1")
    all_roles = [Role(f"{number:012d}", role, name) for number, name in accounts for role in roles]
    options = dict(
        instance=instance, regions=regions, naming=NamingOptions(safe_account_names=safe), defaults={"output": "json"},
        existing_action=data.draw(st.sampled_from(["keep", "overwrite", "discard"])),
        credential_process="ssodeck credential-process", sso_session=session, prune=data.draw(st.booleans()),
    )  # fmt: skip
    try:
        edit = plan_populate(Path("/cfg/config"), before, all_roles, **options)
    except ConfigError as error:
        assert "would be shared by several roles" in str(error) or "[sso-session corp]" in str(error)
        return
    view = botocore_view(edit.after)
    for change in edit.changes:
        if change.kind == "remove":
            assert change.section not in view
        else:
            section = view[change.section]
            assert section.get("sso_auto_populated", "true") == "true"
            if change.section.startswith("profile "):
                assert section["sso_account_id"] in {role.account_id for role in all_roles}
                assert section["sso_role_name"] in roles and section["region"] in regions
                assert section.get("sso_session") == session
                assert ("sso_start_url" in section) == (session is None)
                name = change.section[len("profile ") :]
                assert section["credential_process"].endswith(f"--profile {shlex.quote(name)}") or options["existing_action"] == "keep"
    again = plan_populate(Path("/cfg/config"), edit.after, all_roles, **options)
    assert again.after == edit.after
