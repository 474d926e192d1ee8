"""One profile (and its sso-session) from a big config, without parsing the whole file.

credential-process's warm path runs on every credential refresh of every SDK, so it cannot
parse a 5 MB config each time. It only needs two sections. Every header botocore could
read as ``[profile NAME]`` contains NAME as written, or a quote or backslash (shlex
quoting), so searching the file's bytes for those finds every candidate line; each candidate
is then read with the rest of its chunk (from the unindented header line before it to the
next one, which configparser reads exactly as inside the whole file) by the same loop that
parses the whole file. When this cannot be sure of botocore's answer (a ``[DEFAULT]``
section, too many candidates, a parse error nearby, the same header twice, the section
absent) it answers None and the caller parses the whole file. What it does not do is
check the rest of the file: a mistake elsewhere is reported by the commands that read it all.
"""

from __future__ import annotations

import mmap

from app.services import ini
from app.services.awsconfig import AwsConfig, Section, raw_sections, section_identity, text_value
from app.services.errors import ConfigError

MAX_LINES = 2000  # candidate lines looked at before giving up on a search
QUOTING = (b'"', b"'", b"\\")


def find_profile(path: str, name: str) -> AwsConfig | None:
    """The profile and the ``[sso-session]`` it names, as botocore reads them; None if unsure."""
    try:
        with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view:
            # searched where the page cache holds it: no copy of megabytes, no decoding
            data = view[:].replace(b"\r\n", b"\n").replace(b"\r", b"\n") if view.find(b"\r") >= 0 else view
            return _find_both(data, path, name)
    except (OSError, ValueError, UnicodeDecodeError, ConfigError):  # ValueError: an empty file
        return None


def _find_both(data: bytes | mmap.mmap, path: str, name: str) -> AwsConfig | None:
    if data.find(b"[DEFAULT") >= 0:  # its keys go into every section
        return None
    found = AwsConfig(path)
    profile = _find(data, path, "profile", name, (name.encode(), *QUOTING))
    if profile is None:
        return None
    found.profiles[name] = profile
    session = text_value(profile, "sso_session")
    if session:
        values = _find(data, path, "sso-session", session, (b"[sso-session",))
        if values is not None:
            found.sso_sessions[session] = values
    return found


def _find(data: bytes | mmap.mmap, path: str, kind: str, name: str, needles: tuple[bytes, ...]) -> Section | None:
    """The last section botocore calls ``kind name``, searching lines that hold a needle."""
    if not name or "\n" in name:
        return None
    lines = _candidate_lines(data, needles, ("[" + kind, "[default"))
    if lines is None:
        return None
    matches: list[tuple[str, Section]] = []
    for start, end in sorted({(ini.chunk_start(data, line), ini.chunk_end(data, line)) for line in lines}):
        for header, values in raw_sections(data[start:end].decode(), path).items():
            if section_identity(header) == (kind, name):
                matches.append((header, values))
    headers = [header for header, _ in matches]
    if not matches or len(set(headers)) != len(headers):  # absent, or a header botocore refuses as repeated
        return None
    return matches[-1][1]


def _candidate_lines(data: bytes | mmap.mmap, needles: tuple[bytes, ...], starts: tuple[str, ...]) -> set[int] | None:
    """Starts of the lines holding a needle whose text begins with one of ``starts`` once
    stripped as configparser strips it; None past MAX_LINES."""
    found: set[int] = set()
    looked = 0
    for needle in needles:
        at = data.find(needle)
        while at >= 0:
            looked += 1
            if looked > MAX_LINES:
                return None
            begin = data.rfind(b"\n", 0, at) + 1
            end = ini.line_end(data, at)
            if data[begin:end].decode().strip().startswith(starts):
                found.add(begin)
            at = data.find(needle, end)
    return found
