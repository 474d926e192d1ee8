"""Rendering a planned ``~/.aws/config`` edit: only the sections being changed are parsed
(with configupdater) and re-emitted; every other byte of the file is copied as it is."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from configupdater import ConfigUpdater, Option, Section, Space

from app.models import ProfilePlan
from app.services.awsconfig import section_identity
from app.services.errors import ConfigError

_HEADER = re.compile(r"^\[(.+)\]", re.MULTILINE)
_INDENTED_HEADER = re.compile(r"^[^\S\n]+\[.+\]", re.MULTILINE)


@dataclass
class SectionEdit:
    plan: ProfilePlan
    writes: dict[str, str] = field(default_factory=dict)
    deletes: set[str] = field(default_factory=set)
    new: bool = False


def section_header(kind: str, name: str) -> str:
    """The text between the brackets that botocore reads back as ``kind name``."""
    if not name or any(char in name for char in "\r\n\0"):
        raise ConfigError(f"{name!r} cannot be a {kind} name in an AWS config file")
    if kind == "profile" and name == "default":
        return "default"
    for candidate in (name, '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'):
        header = f"{kind} {candidate}"
        if identity(header) == f"{kind} {name}":
            return header
    raise ConfigError(f"{name!r} cannot be written as a {kind} name that botocore reads back")


def identity(section: str) -> str | None:
    """What botocore calls a section (``profile NAME``, ``sso-session NAME``); None if it is not addressable."""
    found = section_identity(section)
    return f"{found[0]} {found[1]}" if found is not None else None


class _Out:
    """The output being rendered, with the two questions the renderer asks about its end."""

    def __init__(self, eol: str) -> None:
        self.eol = eol
        self.chunks: list[str] = []
        self.size = 0

    def add(self, text: str) -> None:
        if text:
            self.chunks.append(text)
            self.size += len(text)

    def end_line(self) -> None:
        if self.chunks and not self.chunks[-1].endswith("\n"):
            self.add(self.eol)

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


Span = tuple[int, int, int, int]  # a rewritten stretch: start and end in the old text, then in the new


def render(path: Path, text: str, edits: dict[str, SectionEdit], removed: set[str]) -> tuple[str, list[Span]]:
    """The new text, and the stretches of it that differ from ``text`` (whole lines, in order);
    everything between them is copied unchanged, so checks and diffs need look only there."""
    newline = text.find("\n")
    out = _Out("\r\n" if newline > 0 and text[newline - 1] == "\r" else "\n")
    spans: list[Span] = []
    if removed or any(not edit.new for edit in edits.values()):
        _render_existing(path, text, edits, removed, out, spans)
    else:
        out.add(text)  # only additions: the existing text is kept whole, no tree needed
    new = [edit for edit in edits.values() if edit.new]
    if new:
        if spans and spans[-1][1] == len(text):  # the last chunk was rewritten: one stretch to the end
            old_start, _, new_start, _ = spans.pop()
        else:  # the last line, if it lacks its line end, gains one
            unended = len(text) - (text.rfind("\n") + 1)
            old_start, new_start = len(text) - unended, out.size - unended
        for edit in new:
            out.end_line()
            if not out.at_blank_line():
                out.add(out.eol)
            out.add(f"[{section_header(edit.plan.kind, edit.plan.name)}]{out.eol}")
            out.add("".join(_new_line(key, value, out.eol) for key, value in edit.writes.items()))
        spans.append((old_start, len(text), new_start, out.size))
    return out.text(), spans


def _render_existing(path: Path, text: str, edits: dict[str, SectionEdit], removed: set[str], out: _Out, spans: list[Span]) -> None:
    """Copy the text chunk by chunk; only chunks holding a touched section go through configupdater.

    A chunk starts at an unindented header line, which configparser can never read as part of
    a value, so each chunk parses on its own exactly as it does inside the whole file. That
    keeps an edit of a few sections in a 70,000-line file from building a tree of all of it.
    """
    wanted = set(edits) | removed
    bounds = _chunk_bounds(text)
    chunks = [text[start:end] for start, end in bounds]
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
            name = identity(header)
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
        begin = out.size
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
        spans.append((*bounds[index], begin, out.size))


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


def _render_edited(section: Section, edit: SectionEdit, out: _Out) -> None:
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
