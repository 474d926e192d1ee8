"""The one writer of ``~/.aws/config``: plan an edit as a pure function, then apply it once.

Planning decides every change from the file as botocore reads it (``parse_config_text``), so
"unchanged" means unchanged for the AWS tools, and a re-run with nothing new costs one parse
and leaves the file byte for byte. Only when something changes is the text loaded into
configupdater, whose block tree keeps every original line; the edit is rendered from that
tree, touching only the lines of keys that change. The result is parsed again and checked
before anyone may write it.
"""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from configupdater import ConfigUpdater, Option, Section, Space

from app.models import ProfilePlan
from app.services.atomic import atomic_write
from app.services.awsconfig import AwsConfig, parse_config_text
from app.services.errors import ConfigError
from app.services.locks import exclusive

EXISTING_ACTIONS = ("keep", "overwrite", "discard")
ChangeKind = Literal["add", "change", "remove", "unchanged", "skip"]  # skip: left alone on purpose
_KEY = re.compile(r"[^\s=:\[\]#;][^\s=:]*")
_SHLEX_WHITESPACE = re.compile(r"[ \t\r\n]+")
# configparser's header pattern, at the start of an unindented line (never a value's continuation)
_HEADER = re.compile(r"^\[(.+)\]", re.MULTILINE)
_INDENTED_HEADER = re.compile(r"^[^\S\n]+\[.+\]", re.MULTILINE)


@dataclass(frozen=True)
class SectionChange:
    kind: ChangeKind
    section: str  # as botocore names it: "profile dev", "sso-session corp"


@dataclass(frozen=True)
class ConfigEdit:
    path: Path
    before: str
    after: str
    changes: tuple[SectionChange, ...]

    @property
    def changed(self) -> bool:
        return self.after != self.before

    def diff(self) -> str:
        """A unified diff of the planned edit, as ``--dry-run`` shows it."""
        if not self.changed:
            return ""
        lines = difflib.unified_diff(_lines(self.before), _lines(self.after), str(self.path), str(self.path))
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)

    def summary(self) -> dict[str, int]:
        """How many profiles the edit adds, changes, removes and leaves alone."""
        counts = dict.fromkeys(("add", "change", "remove", "unchanged"), 0)
        for change in self.changes:
            if change.section.startswith("profile "):
                counts[change.kind] = counts.get(change.kind, 0) + 1
        return counts  # "skip" appears only when something was left alone on purpose


@dataclass
class _SectionEdit:
    plan: ProfilePlan
    writes: dict[str, str] = field(default_factory=dict)
    deletes: set[str] = field(default_factory=set)
    new: bool = False


def read_config_text(path: Path) -> str:
    """The file exactly as stored (CRLF kept); a missing file reads as empty."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except FileNotFoundError:
        return ""
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not valid UTF-8 ({error.reason})") from None
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from None


def writable_key(key: str) -> bool:
    """Whether ``key`` can be a key line that configparser reads back as the same key."""
    return bool(_KEY.fullmatch(key))


def section_header(kind: str, name: str) -> str:
    """The text between the brackets that botocore reads back as ``kind name``."""
    if not name or any(char in name for char in "\r\n\0"):
        raise ConfigError(f"{name!r} cannot be a {kind} name in an AWS config file")
    if kind == "profile" and name == "default":
        return "default"
    for candidate in (name, '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'):
        header = f"{kind} {candidate}"
        if _identity(header) == f"{kind} {name}":
            return header
    raise ConfigError(f"{name!r} cannot be written as a {kind} name that botocore reads back")


def plan_sections(
    path: Path,
    before_text: str,
    upserts: Iterable[ProfilePlan],
    removals: Iterable[str],
    existing_action: str,
    *,
    parsed: AwsConfig | None = None,
) -> ConfigEdit:
    """Plan upserting ``upserts`` and removing ``removals`` ("profile x") from the file.

    ``existing_action`` is keep, overwrite or discard; an sso-session section is never
    discarded (its other keys, e.g. extra registration scopes, stay), only overwritten. ``parsed`` is ``parse_config_text(before_text, path)`` if the caller
    already has it.
    """
    if existing_action not in EXISTING_ACTIONS:
        raise ConfigError(f"existing config action must be one of {', '.join(EXISTING_ACTIONS)}, not {existing_action!r}")
    path = Path(path)
    parsed = parsed if parsed is not None else parse_config_text(before_text, path)
    existing = {f"profile {name}": values for name, values in parsed.profiles.items()}
    existing.update((f"sso-session {name}", values) for name, values in parsed.sso_sessions.items())
    edits: dict[str, _SectionEdit] = {}
    changes: list[SectionChange] = []
    for plan in upserts:
        if plan.section in edits:
            raise ValueError(f"[{plan.section}] is planned twice")
        action = "overwrite" if plan.kind != "profile" and existing_action == "discard" else existing_action
        edit = _plan_upsert(plan, existing.get(plan.section), action)
        edits[plan.section] = edit
        kind = "add" if edit.new else "change" if edit.writes or edit.deletes else "unchanged"
        changes.append(SectionChange(kind, plan.section))
    removed = set()
    for section in removals:
        if section in edits:
            raise ValueError(f"[{section}] is planned both for update and removal")
        if section in existing and section not in removed:
            removed.add(section)
            changes.append(SectionChange("remove", section))
    touched = {name: edit for name, edit in edits.items() if edit.new or edit.writes or edit.deletes}
    if not touched and not removed:
        return ConfigEdit(path, before_text, before_text, tuple(changes))
    after = _render(path, before_text, touched, removed)
    _verify(path, after, touched.values())
    return ConfigEdit(path, before_text, after, tuple(changes))


def apply_edit(edit: ConfigEdit) -> None:
    """Write the planned text atomically (mode 0600, one ``.bak``) unless the file moved on.

    The check and the replace happen under one cross-process lock per file, so of two
    concurrent writers planned from the same text, the second is refused instead of
    silently undoing the first.
    """
    if not edit.changed:
        return
    target = edit.path.resolve() if edit.path.is_symlink() else edit.path
    with exclusive(f"config:{target.resolve()}"):
        current = read_config_text(target) if target.exists() else None
        if current != edit.before and not (current is None and edit.before == ""):
            raise ConfigError(f"{edit.path} changed on disk since it was read; nothing was written (run the command again)")
        atomic_write(target, edit.after, mode=0o600, backup=True)


def _plan_upsert(plan: ProfilePlan, current: dict[str, object] | None, action: str) -> _SectionEdit:
    section_header(plan.kind, plan.name)
    values: dict[str, str] = {}
    for key, value in plan.values:
        key = key.strip().lower()
        if not writable_key(key) or key in values:
            raise ConfigError(f"[{plan.section}]: {key!r} cannot be written as a key (empty, repeated or with = : [ ])")
        if any(char in value for char in "\r\n"):
            raise ConfigError(f"[{plan.section}]: the value of {key} cannot span lines")
        values[key] = value.strip()
    if current is None:
        return _SectionEdit(plan, writes=values, new=True)
    edit = _SectionEdit(plan)
    for key, value in values.items():
        if key in current and (current[key] == value or (action == "keep" and not _always_updated(key))):
            continue
        edit.writes[key] = value
    edit.deletes = {key.lower() for key in plan.drop_keys if key.lower() in current and key.lower() not in values}
    if action == "discard":
        edit.deletes.update(key for key in current if key not in values)
    return edit


def _always_updated(key: str) -> bool:
    """Keys that follow ssodeck even in keep mode: the sign-in and the command that uses it
    (so an ``aws-sso-util credential-process`` line moves to ssodeck's)."""
    return key.startswith("sso_") or key in ("region", "credential_process")


def _identity(section: str) -> str | None:
    """What botocore calls a section (``build_profile_map``); None if it is not addressable."""
    for kind in ("profile", "sso-session", "services"):
        if section.startswith(kind):
            parts = _shlex_split(section)
            return f"{kind} {parts[1]}" if parts is not None and len(parts) == 2 else None
    return "profile default" if section == "default" else None


def _shlex_split(text: str) -> list[str] | None:
    """``shlex.split`` as botocore calls it, with a fast path for the usual unquoted header."""
    if not any(char in text for char in "'\"\\"):
        return _SHLEX_WHITESPACE.split(text.strip(" \t\r\n")) if text.strip(" \t\r\n") else []
    try:
        return shlex.split(text)
    except ValueError:
        return None


class _Out:
    """The output being rendered, with the two questions the renderer asks about its end."""

    def __init__(self, eol: str) -> None:
        self.eol = eol
        self.chunks: list[str] = []

    def add(self, text: str) -> None:
        if text:
            self.chunks.append(text)

    def end_line(self) -> None:
        if self.chunks and not self.chunks[-1].endswith("\n"):
            self.chunks.append(self.eol)

    def at_blank_line(self) -> bool:
        """True at the start of the file or right after a blank line."""
        tail = ""
        for chunk in reversed(self.chunks):
            tail = chunk + tail
            if tail.count("\n") >= 2:
                break
        if not tail:
            return True
        return tail.endswith("\n") and not tail[:-1].rpartition("\n")[2].strip()

    def text(self) -> str:
        return "".join(self.chunks)


def _render(path: Path, text: str, edits: dict[str, _SectionEdit], removed: set[str]) -> str:
    newline = text.find("\n")
    out = _Out("\r\n" if newline > 0 and text[newline - 1] == "\r" else "\n")
    if removed or any(not edit.new for edit in edits.values()):
        _render_existing(path, text, edits, removed, out)
    else:
        out.add(text)  # only additions: the existing text is kept whole, no tree needed
    for edit in edits.values():
        if edit.new:
            out.end_line()
            if not out.at_blank_line():
                out.add(out.eol)
            out.add(f"[{section_header(edit.plan.kind, edit.plan.name)}]{out.eol}")
            out.add("".join(_new_line(key, value, out.eol) for key, value in edit.writes.items()))
    return out.text()


def _render_existing(path: Path, text: str, edits: dict[str, _SectionEdit], removed: set[str], out: _Out) -> None:
    """Copy the text chunk by chunk; only chunks holding a touched section go through configupdater.

    A chunk starts at an unindented header line, which configparser can never read as part of
    a value, so each chunk parses on its own exactly as it does inside the whole file. That
    keeps an edit of a few sections in a 70,000-line file from building a tree of all of it.
    """
    wanted = set(edits) | removed
    chunks = [text[start:end] for start, end in _chunk_bounds(text)]
    trees: dict[int, ConfigUpdater] = {}
    chosen: dict[str, tuple[int, int]] = {}  # the last section botocore knows by that name wins
    for index, chunk in enumerate(chunks):
        if _INDENTED_HEADER.search(chunk):
            trees[index] = _tree(path, chunk)
            headers = [section.name for section in trees[index].iter_sections()]
        else:
            match = _HEADER.match(chunk)
            headers = [match.group(1)] if match else []
        for position, header in enumerate(headers):
            name = _identity(header)
            if name in wanted:
                chosen[name] = (index, position)
    missing = wanted - chosen.keys() - {name for name, edit in edits.items() if edit.new}
    if missing:
        raise ConfigError(f"{path}: could not locate [{sorted(missing)[0]}] for editing; nothing was written")
    targets: dict[int, dict[int, str]] = {}
    for name, (index, position) in chosen.items():
        targets.setdefault(index, {})[position] = name
    for index, chunk in enumerate(chunks):
        if index not in targets:
            out.add(chunk)
            continue
        position = -1
        for block in (trees.get(index) or _tree(path, chunk)).iter_blocks():
            position += isinstance(block, Section)
            name = targets[index].get(position) if isinstance(block, Section) else None
            if name in removed:
                _render_removed(block, out)
            elif name is not None:
                _render_edited(block, edits[name], out)
            else:
                out.add(str(block))


def _chunk_bounds(text: str) -> list[tuple[int, int]]:
    starts = [match.start() for match in _HEADER.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    return list(zip(starts, starts[1:] + [len(text)]))


def _tree(path: Path, text: str) -> ConfigUpdater:
    document = ConfigUpdater().read_string(text, source=str(path))
    if str(document) != text:
        raise ConfigError(f"{path}: cannot be edited without changing unrelated lines; nothing was written")
    return document


def _render_edited(section: Section, edit: _SectionEdit, out: _Out) -> None:
    out.add("".join(section.lines))
    children = section.structure
    present = {child.raw_key.lower() for child in children if isinstance(child, Option)}
    appended = "".join(_new_line(key, value, out.eol) for key, value in edit.writes.items() if key not in present)
    last_option = max((i for i, child in enumerate(children) if isinstance(child, Option)), default=-1)
    if last_option < 0:
        out.end_line()
        out.add(appended)
    for index, child in enumerate(children):
        key = child.raw_key.lower() if isinstance(child, Option) else None
        if key in edit.writes:
            out.add(_replaced_line(child, edit.writes[key]))
        elif key not in edit.deletes:
            out.add(str(child))
        if index == last_option and appended:
            out.end_line()
            out.add(appended)


def _render_removed(section: Section, out: _Out) -> None:
    """Drop the header and options; comments and blank lines after the last option stay,
    bar one blank line when that would double the one before the section."""
    children = section.structure
    last_option = max((i for i, child in enumerate(children) if isinstance(child, Option)), default=-1)
    trailing = children[last_option + 1 :]
    if trailing and isinstance(trailing[0], Space) and out.at_blank_line():
        trailing = trailing[1:]
    for child in trailing:
        out.add(str(child))


def _replaced_line(option: Option, value: str) -> str:
    """The option's first line with only the value swapped; nested lines go with the old value."""
    first = option.lines[0]
    match = re.match(r"\s*" + re.escape(option.raw_key) + r"\s*[=:][ \t]*", first)
    prefix = match.group(0) if match else f"{option.raw_key} = "
    ending = first[len(first.rstrip("\r\n")) :]
    if not value:
        return prefix.rstrip(" \t") + ending
    if prefix[-1] in "=:" and len(prefix) > 1 and prefix[-2] in " \t":
        prefix += " "
    return prefix + value + ending


def _new_line(key: str, value: str, eol: str) -> str:
    return f"{key} = {value}{eol}" if value else f"{key} ={eol}"


def _verify(path: Path, after: str, edits: Iterable[_SectionEdit]) -> None:
    """Refuse to hand out a plan whose text botocore would read differently from the plan."""
    try:
        parsed = parse_config_text(after, path)
    except ConfigError as error:
        raise ConfigError(f"ssodeck planned a file botocore cannot read, so nothing was written ({error})") from None
    for edit in edits:
        plan = edit.plan
        sections = parsed.profiles if plan.kind == "profile" else parsed.sso_sessions
        values = sections.get(plan.name, {})
        wrong = [key for key, value in edit.writes.items() if values.get(key) != value]
        wrong += [key for key in edit.deletes if key in values]
        if wrong:
            raise ConfigError(f"{path}: the planned [{plan.section}] would not read back as planned ({wrong[0]}); nothing was written")


def _lines(text: str) -> list[str]:
    """Lines split on newlines only (``str.splitlines`` would also split on form feeds etc.)."""
    return re.findall(r"[^\n]*\n|[^\n]+\Z", text)
