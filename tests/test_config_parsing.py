"""ssodeck's config reader against botocore's own, on awkward generated files.

The generator writes text line by line from pieces that stress configparser's rules:
headers of every form (quoted, escaped, indented, with junk after them, ``[DEFAULT]``),
both delimiters, continuation lines at several indents, blank and comment lines inside
values, bad lines, repeated sections and keys, and CR, LF and CRLF line ends.
"""

from __future__ import annotations

import configparser
import re
import tempfile
from pathlib import Path

import botocore.configloader
import botocore.exceptions
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.services import ini
from app.services.awsconfig import build_config
from app.services.errors import ConfigError

NAMES = ["dev", "a b", "x.y", "default", "d'q", "corp"]
HEADERS = st.one_of(
    st.sampled_from(["default", "DEFAULT", "preview", "profile", "profiles dev", "profile a b", "profile-x dev", 'profile "unclosed', "services local", "sso-session corp"]),
    st.builds(lambda kind, name, gap: f"{kind}{gap}{name}", st.sampled_from(["profile", "sso-session", "services"]), st.sampled_from(NAMES), st.sampled_from([" ", "  ", "\t", " \x0b "])),
    st.builds(lambda kind, name: f'{kind} "{name}"', st.sampled_from(["profile", "sso-session"]), st.sampled_from(NAMES)),
    st.builds(lambda name: f"profile {name} ", st.sampled_from(NAMES)),
    st.just("profile d\\ev"),
)
INDENT = st.sampled_from(["", "", "", " ", "  ", "\t", "    ", "\x0c"])
KEY = st.sampled_from(["region", "Region", "sso_session", "s3", "services", "endpoint_url", "output", "x y", "a[b]"])
VALUE = st.text(alphabet="abc =:#;[]%'\"\\-./", max_size=10)
LINE = st.one_of(
    st.builds(lambda indent, header, junk: f"{indent}[{header}]{junk}", INDENT, HEADERS, st.sampled_from(["", "", " ", " x", "]", " ; c"])),
    st.builds(lambda indent, key, delim, value: f"{indent}{key}{delim}{value}", INDENT, KEY, st.sampled_from(["=", " = ", ":", " : ", "= ", " ="]), VALUE),
    st.builds(lambda indent, key, value: f"{indent}{key} = {value}", st.sampled_from(["  ", "    ", "\t"]), st.sampled_from(["endpoint_url", "max", "k"]), VALUE),
    st.builds(lambda indent, mark, text: f"{indent}{mark}{text}", INDENT, st.sampled_from("#;"), VALUE),
    st.sampled_from(["", " ", "\t", "novalue", "=x", "[]", "[unclosed", "  continued text", "\xa0", "\u2003region = x"]),
)
TEXT = st.builds(
    lambda lines, ends, final: "".join(line + end for line, end in zip(lines, ends))[: None if final else -1] or "",
    st.lists(LINE, max_size=24),
    st.lists(st.sampled_from(["\n", "\n", "\n", "\r\n", "\r"]), min_size=24, max_size=24),
    st.booleans(),
)


def botocore_reading(text: str) -> dict | int:
    """botocore's profile map of the text as a file, or the line number of its parse error (0 if it has none)."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "config"
        path.write_bytes(text.encode("utf-8"))
        try:
            return botocore.configloader.load_config(str(path))
        except botocore.exceptions.ConfigParseError as error:
            cause = error.kwargs["error"]
            if isinstance(cause, configparser.ParsingError) and not isinstance(cause, configparser.MissingSectionHeaderError):
                return cause.errors[0][0]
            return getattr(cause, "lineno", 0)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT)
def test_any_text_reads_as_botocore_reads_it(text: str) -> None:
    theirs = botocore_reading(text)
    try:
        ours = build_config(text, "/cfg/config")
    except ConfigError as error:
        assert isinstance(theirs, int), (str(error), theirs)
        if theirs:
            assert re.search(rf"\bline {theirs}\b", str(error)), (str(error), theirs)
        return
    assert not isinstance(theirs, int), f"botocore refuses this file (line {theirs}) but ssodeck read it"
    assert ours.profiles == theirs["profiles"]
    assert ours.sso_sessions == theirs.get("sso_sessions", {})
    assert ours.services == theirs.get("services", {})


@settings(max_examples=400, deadline=None)
@given(text=TEXT)
def test_the_fast_loop_agrees_with_configparser_or_hands_over(text: str) -> None:
    text = ini.universal_newlines(text)
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text)
    except configparser.Error:
        with pytest.raises(ini.Unsupported):
            ini.scan(text)
        return
    expected = {name: {option: parser.get(name, option) for option in parser.options(name)} for name in parser.sections()}
    try:
        assert ini.scan(text) == expected
    except ini.Unsupported:
        assert "DEFAULT" in text  # the only valid file it leaves to configparser


@given(line=st.text(alphabet="[] ab\t]x", max_size=12))
def test_the_header_pattern_and_default_section_are_configparsers_own(line: str) -> None:
    theirs = configparser.RawConfigParser.SECTCRE.match(line)
    ours = ini._HEADER.match(line)
    assert (ours and ours.group("header")) == (theirs and theirs.group("header"))
    assert ini.DEFAULT_SECTION == configparser.DEFAULTSECT


def test_reading_a_config_does_not_load_configparser_unless_it_must(tmp_path: Path) -> None:
    """The app and credential-process read the config at every start: configparser (a
    module as big as all of ssodeck's first screen) is loaded only for a file it must read."""
    import subprocess
    import sys

    good, bad = tmp_path / "good", tmp_path / "bad"
    good.write_text("[profile a]\nregion = eu-west-1\n[sso-session s]\nsso_start_url = https://x/start\n", encoding="utf-8")
    bad.write_text("[profile a]\nregion = eu-west-1\nregion = us-east-1\n", encoding="utf-8")
    code = """
import sys
from app.services.awsconfig import build_config
from app.services.errors import ConfigError
path = sys.argv[1]
try:
    print(sorted(build_config(open(path).read(), path).profiles), "configparser" in sys.modules)
except ConfigError as error:
    print(error, "configparser" in sys.modules)
"""
    read = [subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True).stdout.strip() for path in (good, bad)]
    assert read[0] == "['a'] False"
    assert read[1] == f"{bad}, line 3: key 'region' appears twice in [profile a] (botocore refuses this file) True"


def test_default_section_keys_reach_every_profile_as_in_botocore(tmp_path: Path) -> None:
    text = "[DEFAULT]\nregion = eu-west-1\n[profile a]\noutput = json\n[profile b]\nregion = us-east-1\n"
    config = build_config(text, tmp_path / "config")
    assert config.profiles == {"a": {"output": "json", "region": "eu-west-1"}, "b": {"region": "us-east-1"}}
    assert botocore_reading(text)["profiles"] == config.profiles


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[profile a]\nregion = x\n[profile a]\n", 3),
        ("[profile a]\nregion = x\n\nREGION = y\n", 4),
        ("region = x\n[profile a]\n", 1),
        ("[profile a]\nregion = x\nno delimiter here\n[profile a]\n", 4),  # the duplicate stops configparser first
        ("[profile a]\r\nregion = x\r\nbad line\r\n", 3),
        ("[profile a]\rregion = x\rbad line\r", 3),  # a lone CR ends a line for botocore too
    ],
)
def test_malformed_files_name_the_line_botocore_stops_at(text: str, line: int) -> None:
    assert botocore_reading(text) == line
    with pytest.raises(ConfigError, match=rf"^/cfg/config, line {line}: "):
        build_config(text, "/cfg/config")
