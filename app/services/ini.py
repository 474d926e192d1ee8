"""The INI reading botocore does, at a fraction of configparser's cost.

botocore reads ``~/.aws/config`` with ``configparser.RawConfigParser`` (strict, ``=`` and
``:`` delimiters, ``#`` and ``;`` full-line comments, indented continuation lines, option
names lower-cased). That costs about 20 microseconds a line, seconds for a config with tens
of thousands of profiles. ``scan`` is the same line loop as ``RawConfigParser._read`` for
exactly those settings, with configparser's own patterns, and nothing else: no section
proxies, no per-value lookups through a ChainMap. Whatever it does not handle itself (any
parse error, a ``[DEFAULT]`` section, whose keys configparser copies into every section) it
leaves to configparser, so errors name the same line and carry the same type. configparser
itself is imported only then: the app, and credential-process, read a config on every start.
"""

from __future__ import annotations

import re

# configparser's section header pattern (``RawConfigParser.SECTCRE``) and the name of its
# default section, so that reading a config does not import it (a test holds them equal)
_HEADER = re.compile(r"\[(?P<header>.+)\]")
DEFAULT_SECTION = "DEFAULT"

Sections = dict  # header as written between the brackets -> {option: value}, in file order


class Unsupported(Exception):
    """The text needs configparser itself: it has an error or a [DEFAULT] section."""


class Refused(Exception):
    """configparser refused the text, as botocore would: ``error`` is its own error, which
    says where and why."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def universal_newlines(text: str) -> str:
    """Line ends as Python's text files (and so botocore) see them: ``\\r\\n`` and ``\\r`` end lines too."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def chunk_start(text: str | bytes, line: int) -> int:
    """The unindented section header line at or before the line starting at ``line`` (or 0).

    configparser never reads an unindented line as a continuation, so from such a header on
    (up to the next one: ``chunk_end``) a text scans on its own exactly as inside the whole.
    Works on the text or on its UTF-8 bytes, also mapped (a big file is searched faster undecoded).
    """
    newline, bracket = _marks(text)
    at = line
    while at > 0 and not (text[at : at + 1] == bracket and _is_header(text, at)):
        at = text.rfind(newline + bracket, 0, at) + 1
    return at


def chunk_end(text: str | bytes, line: int) -> int:
    """The next unindented section header line after the line starting at ``line`` (or the end)."""
    newline, bracket = _marks(text)
    at = line_end(text, line)
    while True:
        at = text.find(newline + bracket, at)
        if at < 0:
            return len(text)
        if _is_header(text, at + 1):
            return at + 1
        at += 1


def line_end(text: str | bytes, at: int) -> int:
    end = text.find(_marks(text)[0], at)
    return len(text) if end < 0 else end


def _marks(text: str | bytes) -> tuple:
    return ("\n", "[") if isinstance(text, str) else (b"\n", b"[")


def _is_header(text: str | bytes, begin: int) -> bool:
    line = text[begin : line_end(text, begin)]
    return _HEADER.match((line if isinstance(line, str) else line.decode()).strip()) is not None


def read(text: str, source: str) -> Sections:
    """Every section and its values, as ``RawConfigParser.read_string`` then ``options`` and
    ``get`` give them; ``Refused`` (with configparser's error) for a file botocore refuses."""
    text = universal_newlines(text)
    try:
        return scan(text)
    except Unsupported:
        import configparser

        parser = configparser.RawConfigParser()
        try:
            parser.read_string(text, source=source)
        except configparser.Error as error:
            raise Refused(error) from None
        return {name: {option: parser.get(name, option) for option in parser.options(name)} for name in parser.sections()}


def scan(text: str) -> Sections:
    """``RawConfigParser._read`` and ``_join_multiline_values`` for text with ``\\n`` line ends.

    Raises Unsupported at the first line configparser would reject (or treat specially).
    A fragment of a file scans on its own exactly as inside the file when it starts at an
    unindented section header, because such a line is never a continuation. Values are kept
    as strings, and lists made only for continued values, which keeps this fast: containers
    of strings alone are not tracked by the garbage collector.
    """
    sections: Sections = {}
    current: dict[str, str] | None = None
    option = ""
    parts: list[str] | None = None  # the value of ``option`` so far, once it is continued
    blanks = 0  # blank lines since then: kept inside a value, dropped at its end
    indent_level = 0
    for line in text.split("\n"):
        value = line.strip()
        if not value:
            blanks += 1
            continue
        if value[0] in "#;":
            continue
        indent = len(line) - len(line.lstrip()) if line[0].isspace() else 0
        if option and indent > indent_level:
            if parts is None:
                parts = [current[option]]
            parts += [""] * blanks
            parts.append(value)
            blanks = 0
            continue
        blanks = 0
        if parts is not None:
            current[option] = "\n".join(parts)
            parts = None
        indent_level = indent
        match = _HEADER.match(value) if value[0] == "[" else None
        if match:
            name = match.group("header")
            if name in sections or name == DEFAULT_SECTION:
                raise Unsupported(name)
            current = sections[name] = {}
            option = ""
            continue
        equals, colon = value.find("="), value.find(":")
        split = colon if equals < 0 or 0 <= colon < equals else equals
        option = value[:split].rstrip().lower() if split > 0 else ""
        if current is None or not option or option in current:
            raise Unsupported(value)  # no header yet, no delimiter, no key, or a repeated key
        current[option] = value[split + 1 :].strip()
    if parts is not None:
        current[option] = "\n".join(parts)
    return sections
