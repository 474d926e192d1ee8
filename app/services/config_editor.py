"""The one writer of ``~/.aws/config``: plan an edit as a pure function, then apply it once.

Planning decides every change from the file as botocore reads it (``parse_config_text``), so
"unchanged" means unchanged for the AWS tools, and a re-run with nothing new costs one parse
and leaves the file byte for byte. Only when something changes is the text loaded into
configupdater, whose block tree keeps every original line; the edit is rendered from that
tree, touching only the lines of keys that change. What was rewritten is parsed again and
checked before anyone may write it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal


from app.models import ProfilePlan
from app.services.atomic import atomic_write, backup_path
from app.services import ini
from app.services.awsconfig import AwsConfig, Section, build_config, parse_config_text, raw_sections, read_config_text, section_identity
from app.services.config_diff import unified
from app.services.config_render import SectionEdit, Span, render, section_header
from app.services.errors import ConfigError
from app.services.locks import exclusive

EXISTING_ACTIONS = ("keep", "overwrite", "discard")
ChangeKind = Literal["add", "change", "remove", "unchanged", "skip"]  # skip: left alone on purpose
_KEY = re.compile(r"[^\s=:\[\]#;][^\s=:]*")
# configparser's header pattern, at the start of an unindented line (never a value's continuation)


@dataclass(frozen=True)
class SectionChange:
    kind: ChangeKind
    section: str  # as botocore names it: "profile dev", "sso-session corp"


@dataclass(frozen=True)
class ConfigEdit:
    """A planned edit. ``renamed`` lists (name, new name) pairs a plan changed to keep names
    unique; ``notes`` are one-line remarks about the input (a name that had to be cleaned),
    for the face to show beside the diff."""

    path: Path
    before: str
    after: str
    changes: tuple[SectionChange, ...]
    renamed: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    spans: tuple[Span, ...] = ()  # where after differs from before (all of it when not given)

    @property
    def changed(self) -> bool:
        return self.after != self.before

    def diff(self, name: str | None = None) -> str:
        """A unified diff of the planned edit, as ``--dry-run`` shows it; ``name`` is the
        file's name in its header (default: the path)."""
        if not self.changed:
            return ""
        return unified(Path(name) if name else self.path, self.before, self.after, self.spans or ((0, len(self.before), 0, len(self.after)),))

    def summary(self) -> dict[str, int]:
        """How many profiles the edit adds, changes, removes and leaves alone."""
        counts = dict.fromkeys(("add", "change", "remove", "unchanged"), 0)
        for change in self.changes:
            if change.section.startswith("profile "):
                counts[change.kind] = counts.get(change.kind, 0) + 1
        return counts  # "skip" appears only when something was left alone on purpose


def writable_key(key: str) -> bool:
    """Whether ``key`` can be a key line that configparser reads back as the same key."""
    return bool(_KEY.fullmatch(key))


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
    edits: dict[str, SectionEdit] = {}
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
    after, spans = render(path, before_text, touched, removed)
    _verify(path, after, spans, touched.values())
    return ConfigEdit(path, before_text, after, tuple(changes), spans=tuple(spans))


def apply_edit(edit: ConfigEdit) -> Path | None:
    """Write the planned text atomically (mode 0600, one ``.bak``) unless the file moved on;
    returns where the previous file was kept (None: nothing was written, or no file was there).

    The check and the replace happen under one cross-process lock per file, so of two
    concurrent writers planned from the same text, the second is refused instead of
    silently undoing the first.
    """
    if not edit.changed:
        return None
    target = edit.path.resolve() if edit.path.is_symlink() else edit.path
    with exclusive(f"config:{target.resolve()}"):
        current = read_config_text(target) if target.exists() else None
        if current != edit.before and not (current is None and edit.before == ""):
            raise ConfigError(f"{edit.path} changed on disk since it was read; nothing was written (run the command again)")
        atomic_write(target, edit.after, mode=0o600, backup=True)
    return backup_path(target) if current is not None else None


def _plan_upsert(plan: ProfilePlan, current: dict[str, object] | None, action: str) -> SectionEdit:
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
        return SectionEdit(plan, writes=values, new=True)
    edit = SectionEdit(plan)
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


def _verify(path: Path, after: str, spans: list[Span], edits: Iterable[SectionEdit]) -> None:
    """Refuse to hand out a plan whose text botocore would read differently from the plan.

    Only the rewritten stretches are read, each from the unindented header line at or before
    it (from there on configparser reads a text exactly as inside the whole file); the rest
    is the file as it was read. A ``[DEFAULT]`` section reaches into every section, so with
    one the whole text is read.
    """
    if "[DEFAULT" in after:
        ranges = [(0, len(after))]
    else:
        ranges = []
        for start, end in sorted((ini.chunk_start(after, start), end) for _, _, start, end in spans if end > start):
            if ranges and start <= ranges[-1][1]:
                ranges[-1] = (ranges[-1][0], max(end, ranges[-1][1]))
            else:
                ranges.append((start, end))
    sections: dict[tuple[str, str], Section] = {}
    try:
        for start, end in ranges:
            for header, values in raw_sections(after[start:end], path).items():
                found = section_identity(header)
                if found is not None:
                    sections[found] = values
    except ConfigError as error:
        try:  # the whole text, for the line number in the message
            build_config(after, path)
        except ConfigError as whole:
            error = whole
        raise ConfigError(f"ssodeck planned a file botocore cannot read, so nothing was written ({error})") from None
    for edit in edits:
        plan = edit.plan
        values = sections.get((plan.kind, plan.name), {})
        wrong = [key for key, value in edit.writes.items() if values.get(key) != value]
        wrong += [key for key in edit.deletes if key in values]
        if wrong:
            raise ConfigError(f"{path}: the planned [{plan.section}] would not read back as planned ({wrong[0]}); nothing was written")
