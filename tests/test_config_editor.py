"""The ~/.aws/config writer: lossless edits, botocore-faithful matching, atomic apply."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import botocore.configloader
import pytest

from app.models import ProfilePlan
from app.services.config_editor import ConfigEdit, SectionChange, apply_edit, plan_sections, read_config_text, section_header
from app.services.errors import ConfigError

HAND_WRITTEN = """\
# my settings; do not lose me
[default]
region = eu-west-1
cli_pager =
s3 =
  max_concurrent_requests = 20
  addressing_style = path

; the dev account
[profile dev]
sso_start_url = https://old.awsapps.com/start
Region : us-west-2
output = text
s3 =
    signature_version = s3v4
tool_setting = 50% of the time: yes
# end of dev

[services local]
dynamodb =
  endpoint_url = http://localhost:8000
"""

DEV = ProfilePlan("dev", (("sso_start_url", "https://new.awsapps.com/start"), ("region", "eu-central-1"), ("output", "json"), ("credential_process", "tool --profile dev")))


def plan(text: str, *upserts: ProfilePlan, removals=(), action: str = "keep", path: Path = Path("/cfg/config")) -> ConfigEdit:
    return plan_sections(path, text, list(upserts), list(removals), action)


def botocore_profiles(text: str, tmp_path: Path) -> dict:
    config = tmp_path / "read-back"
    config.write_bytes(text.encode())
    return botocore.configloader.build_profile_map(botocore.configloader.raw_config_parse(str(config)))["profiles"]


def test_keep_updates_sso_and_region_in_place_and_keeps_everything_else() -> None:
    edit = plan(HAND_WRITTEN, DEV, action="keep")
    assert edit.after == HAND_WRITTEN.replace(
        "sso_start_url = https://old.awsapps.com/start", "sso_start_url = https://new.awsapps.com/start"
    ).replace("Region : us-west-2", "Region : eu-central-1").replace(
        "tool_setting = 50% of the time: yes\n", "tool_setting = 50% of the time: yes\ncredential_process = tool --profile dev\n"
    )
    assert edit.changes == (SectionChange("change", "profile dev"),)


def test_overwrite_also_replaces_other_keys() -> None:
    edit = plan(HAND_WRITTEN, DEV, action="overwrite")
    assert "output = json\n" in edit.after and "output = text" not in edit.after
    assert "s3 =\n    signature_version = s3v4\ntool_setting = 50% of the time: yes\ncredential_process" in edit.after


def test_discard_keeps_only_new_keys_and_comments(tmp_path: Path) -> None:
    edit = plan(HAND_WRITTEN, DEV, action="discard")
    dev = edit.after.split("; the dev account\n")[1].split("[services local]")[0]
    assert dev == (
        "[profile dev]\n"
        "sso_start_url = https://new.awsapps.com/start\n"
        "Region : eu-central-1\n"
        "output = json\n"
        "credential_process = tool --profile dev\n"
        "# end of dev\n"
        "\n"
    )
    assert botocore_profiles(edit.after, tmp_path)["dev"] == dict(DEV.values)


def test_nested_keys_survive_byte_for_byte(tmp_path: Path) -> None:
    edit = plan(HAND_WRITTEN, ProfilePlan("default", (("region", "us-east-1"),)), DEV, action="overwrite")
    assert "cli_pager =\ns3 =\n  max_concurrent_requests = 20\n  addressing_style = path\n" in edit.after
    assert "    signature_version = s3v4\n" in edit.after
    assert "dynamodb =\n  endpoint_url = http://localhost:8000\n" in edit.after
    profiles = botocore_profiles(edit.after, tmp_path)
    assert profiles["default"]["s3"] == {"max_concurrent_requests": "20", "addressing_style": "path"}
    assert profiles["dev"]["s3"] == {"signature_version": "s3v4"}


def test_a_re_run_with_nothing_new_is_byte_identical() -> None:
    first = plan(HAND_WRITTEN, DEV, ProfilePlan("new", (("region", "us-east-1"),)), action="keep")
    again = plan(first.after, DEV, ProfilePlan("new", (("region", "us-east-1"),)), action="keep")
    assert again.after == first.after
    assert not again.changed and again.diff() == ""
    assert again.summary() == {"add": 0, "change": 0, "remove": 0, "unchanged": 2}


def test_new_sections_follow_exactly_one_blank_line() -> None:
    new = ProfilePlan("new", (("region", "us-east-1"), ("cli_pager", "")))
    assert plan("[profile a]\nregion = x\n", new).after == "[profile a]\nregion = x\n\n[profile new]\nregion = us-east-1\ncli_pager =\n"
    assert plan("[profile a]\nregion = x", new).after.startswith("[profile a]\nregion = x\n\n[profile new]\n")
    assert plan("[profile a]\nregion = x\n\n", new).after.startswith("[profile a]\nregion = x\n\n[profile new]\n")
    assert plan("", new).after == "[profile new]\nregion = us-east-1\ncli_pager =\n"
    two = plan("# c\n", new, ProfilePlan("other", (("output", "json"),))).after
    assert two == "# c\n\n[profile new]\nregion = us-east-1\ncli_pager =\n\n[profile other]\noutput = json\n"


def test_crlf_files_stay_crlf() -> None:
    text = "[profile a]\r\nregion = x\r\n\r\n[profile b]\r\noutput = json\r\n"
    edit = plan(text, ProfilePlan("a", (("region", "y"), ("output", "json"))), ProfilePlan("c", (("region", "z"),)))
    assert edit.after == (
        "[profile a]\r\nregion = y\r\noutput = json\r\n\r\n[profile b]\r\noutput = json\r\n\r\n[profile c]\r\nregion = z\r\n"
    )


def test_file_without_trailing_newline_gets_one_only_when_edited_at_the_end() -> None:
    assert plan("[profile a]\nregion = x", ProfilePlan("a", (("region", "x"),))).after == "[profile a]\nregion = x"
    assert plan("[profile a]\nregion = x", ProfilePlan("a", (("region", "y"),))).after == "[profile a]\nregion = y"
    assert plan("[profile a]\nregion = x", ProfilePlan("a", (("output", "j"),))).after == "[profile a]\nregion = x\noutput = j\n"
    assert plan("[profile a]", ProfilePlan("a", (("output", "j"),))).after == "[profile a]\noutput = j\n"


@pytest.mark.parametrize(
    ("header", "name"),
    [("profile dev", "dev"), ('profile "dev"', "dev"), ("profile   dev ", "dev"), ('profile "my dev"', "my dev"), ("default", "default"), ("profile default", "default")],
)
def test_existing_sections_are_matched_as_botocore_reads_them(header: str, name: str) -> None:
    text = f"[{header}]\nregion = x\n"
    edit = plan(text, ProfilePlan(name, (("region", "y"),)))
    assert edit.after == f"[{header}]\nregion = y\n"


def test_when_two_sections_mean_one_profile_the_later_one_is_edited() -> None:
    text = "[default]\nregion = a\n\n[profile default]\nregion = b\n"
    assert plan(text, ProfilePlan("default", (("region", "c"),))).after == "[default]\nregion = a\n\n[profile default]\nregion = c\n"


@pytest.mark.parametrize(
    ("name", "header"),
    [("Dev Sandbox.Admin", '[profile "Dev Sandbox.Admin"]'), ("plain.name", "[profile plain.name]"), ('a"b', '[profile "a\\"b"]'), ("it's", '[profile "it\'s"]'), ("default", "[default]")],
)
def test_names_that_need_quoting_are_double_quoted(name: str, header: str, tmp_path: Path) -> None:
    edit = plan("", ProfilePlan(name, (("region", "x"),)))
    assert edit.after.splitlines()[0] == header
    assert botocore_profiles(edit.after, tmp_path)[name] == {"region": "x"}


def test_unwritable_names_and_keys_are_refused() -> None:
    with pytest.raises(ConfigError):
        section_header("profile", "two\nlines")
    with pytest.raises(ConfigError, match="cannot be written as a key"):
        plan("", ProfilePlan("a", (("bad key", "x"),)))
    with pytest.raises(ConfigError, match="cannot span lines"):
        plan("", ProfilePlan("a", (("region", "x\ny"),)))


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        ("[profile a]\nregion = x\n[profile a]\n", 3, "appears twice"),
        ("[profile a]\nregion = x\nRegion = y\n", 3, "'region' appears twice"),
        ("[profile a]\nregion = x\nthis is not a key\n", 3, "cannot parse"),
        ("region = x\n[profile a]\n", 1, "before any [section]"),
    ],
)
def test_malformed_files_name_file_and_line_and_are_left_untouched(text: str, line: int, what: str, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text(text)
    with pytest.raises(ConfigError) as error:
        plan_sections(config, read_config_text(config), [ProfilePlan("a", (("region", "z"),))], [], "keep")
    assert f"{config}, line {line}" in str(error.value) and what in str(error.value)
    assert config.read_text() == text


def test_removal_takes_the_section_and_one_blank_line_but_keeps_neighbours() -> None:
    text = "[profile a]\nregion = 1\n\n[profile old]\nsso_auto_populated = true\n\n# about b\n[profile b]\nregion = 2\n"
    edit = plan(text, removals=["profile old"])
    assert edit.after == "[profile a]\nregion = 1\n\n# about b\n[profile b]\nregion = 2\n"
    assert edit.summary() == {"add": 0, "change": 0, "remove": 1, "unchanged": 0}
    assert plan(text, removals=["profile missing"]).after == text


def test_drop_keys_remove_lines_whatever_the_action() -> None:
    text = "[profile a]\nregion = 1\ncredential_process = old\noutput = json\n"
    edit = plan(text, ProfilePlan("a", (("region", "1"),), drop_keys=("credential_process",)), action="keep")
    assert edit.after == "[profile a]\nregion = 1\noutput = json\n"


def test_sso_session_sections_merge_even_in_discard_mode() -> None:
    text = "[sso-session corp]\nsso_start_url = https://a/start\nsso_registration_scopes = sso:account:access,extra\n"
    session = ProfilePlan("corp", (("sso_start_url", "https://a/start"), ("sso_region", "us-east-1")), kind="sso-session")
    edit = plan(text, session, action="discard")
    assert edit.after == text + "sso_region = us-east-1\n"
    assert edit.changes == (SectionChange("change", "sso-session corp"),)


def test_diff_names_the_file(tmp_path: Path) -> None:
    edit = plan("[profile a]\nregion = 1", ProfilePlan("a", (("region", "2"),)), path=tmp_path / "config")
    assert edit.diff() == (
        f"--- {tmp_path / 'config'}\n+++ {tmp_path / 'config'}\n@@ -1,2 +1,2 @@\n [profile a]\n"
        "-region = 1\n\\ No newline at end of file\n+region = 2\n\\ No newline at end of file\n"
    )


def test_apply_creates_the_file_with_mode_0600(tmp_path: Path) -> None:
    config = tmp_path / "nested" / "config"
    edit = plan_sections(config, read_config_text(config), [ProfilePlan("a", (("region", "1"),))], [], "keep")
    apply_edit(edit)
    assert config.read_text() == "[profile a]\nregion = 1\n"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert not (tmp_path / "nested" / "config.bak").exists()


def test_apply_keeps_one_backup_and_crlf_bytes(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_bytes(b"[profile a]\r\nregion = 1\r\n")
    os.chmod(config, 0o644)
    apply_edit(plan_sections(config, read_config_text(config), [ProfilePlan("a", (("region", "2"),))], [], "keep"))
    assert config.read_bytes() == b"[profile a]\r\nregion = 2\r\n"
    assert (tmp_path / "config.bak").read_bytes() == b"[profile a]\r\nregion = 1\r\n"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600


def test_apply_writes_nothing_when_nothing_changes(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text("[profile a]\nregion = 1\n")
    os.utime(config, (1_000_000, 1_000_000))
    apply_edit(plan_sections(config, read_config_text(config), [ProfilePlan("a", (("region", "1"),))], [], "keep"))
    assert config.stat().st_mtime == 1_000_000
    apply_edit(plan_sections(tmp_path / "missing", "", [], [], "keep"))
    assert not (tmp_path / "missing").exists()


def test_apply_refuses_when_the_file_changed_since_planning(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text("[profile a]\nregion = 1\n")
    edit = plan_sections(config, read_config_text(config), [ProfilePlan("a", (("region", "2"),))], [], "keep")
    config.write_text("[profile a]\nregion = 1\n# edited meanwhile\n")
    with pytest.raises(ConfigError, match="changed on disk"):
        apply_edit(edit)
    assert config.read_text().endswith("# edited meanwhile\n")


def test_apply_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "aws-config"
    real.parent.mkdir()
    real.write_text("[profile a]\nregion = 1\n")
    link = tmp_path / "config"
    link.symlink_to(real)
    apply_edit(plan_sections(link, read_config_text(link), [ProfilePlan("a", (("region", "2"),))], [], "keep"))
    assert link.is_symlink() and real.read_text() == "[profile a]\nregion = 2\n"


def test_indented_headers_are_located_like_configparser_does() -> None:
    text = "  [profile a]\nregion = 1\n[profile b]\n  region = 2\n    [not a header]\n"
    edit = plan(text, ProfilePlan("a", (("output", "json"),)), ProfilePlan("b", (("output", "text"),)), action="overwrite")
    assert edit.after == "  [profile a]\nregion = 1\noutput = json\n[profile b]\n  region = 2\n    [not a header]\noutput = text\n"


def test_keep_moves_credential_process_to_ssodeck_but_never_adds_or_keeps_it_unasked() -> None:
    text = "[profile a]\nregion = 1\ncredential_process = aws-sso-util credential-process --profile a\noutput = text\n"
    ours = ProfilePlan("a", (("region", "1"), ("output", "json"), ("credential_process", "ssodeck credential-process --profile a")))
    assert plan(text, ours, action="keep").after == text.replace("aws-sso-util", "ssodeck")  # output stays the user's
    # --no-credential-process: the line goes; a profile without one and no line planned stays without
    dropped = ProfilePlan("a", (("region", "1"),), drop_keys=("credential_process",))
    assert plan(text, dropped, action="keep").after == "[profile a]\nregion = 1\noutput = text\n"
    bare = "[profile a]\nregion = 1\n"
    assert plan(bare, ProfilePlan("a", (("region", "1"),)), action="keep").after == bare


def test_apply_waits_for_a_concurrent_writer_and_then_refuses_its_stale_plan(tmp_path: Path) -> None:
    import threading

    from app.services.locks import exclusive

    config = tmp_path / "config"
    config.write_text("[profile a]\nregion = 1\n")
    edit = plan_sections(config, read_config_text(config), [ProfilePlan("a", (("region", "2"),))], [], "keep")
    errors: list[Exception] = []

    def apply() -> None:
        try:
            apply_edit(edit)
        except ConfigError as error:
            errors.append(error)

    with exclusive(f"config:{config.resolve()}"):  # another populate is between its check and its replace
        writer = threading.Thread(target=apply)
        writer.start()
        writer.join(0.5)
        assert writer.is_alive(), "apply_edit did not wait for the config lock"
        config.write_text("[profile a]\nregion = 1\n[profile b]\nregion = 3\n")
    writer.join(10)
    assert len(errors) == 1 and "changed on disk" in str(errors[0])
    assert config.read_text() == "[profile a]\nregion = 1\n[profile b]\nregion = 3\n"
