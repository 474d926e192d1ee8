"""Reading cfn inputs: CloudFormation tags, account IDs that stay text, lines for errors; and writing templates."""

from __future__ import annotations

import datetime

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.services.cfn.reader import load_text
from app.services.cfn.template_text import render
from app.services.errors import InvalidInput


def test_short_tags_become_the_long_forms():
    text = """
A: !Ref Param
B: !GetAtt Res.Attr.Deep
C: !GetAtt [Res, Attr]
D: !Sub "arn:${AWS::Partition}:x"
E: !ImportValue Shared
F: !Join ["", [a, !Ref P]]
G: !If [Cond, a, b]
H: !Condition Cond
I: !Select [0, !Split [",", "a,b"]]
"""
    data = load_text(text, "t.yaml")[0].data
    assert data == {
        "A": {"Ref": "Param"},
        "B": {"Fn::GetAtt": ["Res", "Attr.Deep"]},
        "C": {"Fn::GetAtt": ["Res", "Attr"]},
        "D": {"Fn::Sub": "arn:${AWS::Partition}:x"},
        "E": {"Fn::ImportValue": "Shared"},
        "F": {"Fn::Join": ["", ["a", {"Ref": "P"}]]},
        "G": {"Fn::If": ["Cond", "a", "b"]},
        "H": {"Condition": "Cond"},
        "I": {"Fn::Select": [0, {"Fn::Split": [",", "a,b"]}]},
    }


def test_numbers_yaml_would_corrupt_stay_as_written_and_dates_stay_text():
    text = "a: 012345670123\nb: 012345678901\nc: 0o17\nd: 0x1F\ne: 1:30\nf: 123456789012\ng: 2012-10-17\nh: 42\n"
    data = load_text(text, "t.yaml")[0].data
    assert data == {"a": "012345670123", "b": "012345678901", "c": "0o17", "d": "0x1F", "e": "1:30", "f": 123456789012, "g": "2012-10-17", "h": 42}


def test_every_key_and_item_has_its_line():
    doc = load_text("Groups:\n  - a\n  - b\nAccounts: 1\n", "t.yaml")[0]
    assert doc.lines[("Groups",)] == 1 and doc.lines[("Groups", 1)] == 3 and doc.lines[("Accounts",)] == 4
    assert doc.line_of(("Groups", 1, "deeper")) == 3
    assert str(doc.fail(("Groups", 1), "bad")) == "t.yaml:3: Groups[1]: bad"


def test_duplicate_keys_are_refused_with_both_lines():
    with pytest.raises(InvalidInput, match=r"^t.yaml:3: Groups: duplicate key \(first at line 1\)$"):
        load_text("Groups: a\nUsers: b\nGroups: c\n", "t.yaml")
    with pytest.raises(InvalidInput, match="duplicate key 'Groups'"):
        load_text('{"Groups": "a", "Groups": "b"}', "t.json")


def test_json_with_tabs_reads_with_lines():
    doc = load_text('{\n\t"Groups": [\n\t\t"a",\n\t\t"b"\n\t],\n\t"Accounts": 12\n}\n', "t.json")[0]
    assert doc.data == {"Groups": ["a", "b"], "Accounts": 12}
    assert doc.lines[("Groups", 1)] == 4 and doc.lines[("Accounts",)] == 6


def test_several_documents():
    documents = load_text("Groups: a\n---\nGroups: b\n", "t.yaml")
    assert [d.data for d in documents] == [{"Groups": "a"}, {"Groups": "b"}]
    assert documents[1].lines[("Groups",)] == 3


@pytest.mark.parametrize(("text", "message"), [
    ("Groups: [a\n", r"^t.yaml:2: not valid YAML: "),
    ("A: !Bogus x\n", r"^t.yaml:1: not valid YAML: unknown tag !Bogus$"),
    ("A: *nowhere\n", r"^t.yaml:1: not valid YAML: found undefined alias"),
])
def test_malformed_yaml_is_one_line_with_the_line(text, message):
    with pytest.raises(InvalidInput, match=message):
        load_text(text, "t.yaml")


def test_yaml_output_quotes_what_readers_would_misread():
    data = {"TargetId": "012345678901", "Other": "123456789012", "Word": "yes", "N": "n", "Colon": "a: b", "Hash": "a #b",
            "Arn": "arn:aws:sso:::instance/ssoins-1", "Date": "2012-10-17", "Empty": "", "Line": "a\nb", "Sep": "x\u2028y",
            "Number": 5, "Flag": True, "Nothing": None, "List": [], "Map": {}}
    text = render(data, "yaml")
    assert 'TargetId: "012345678901"' in text and "Arn: arn:aws:sso:::instance/ssoins-1" in text
    assert yaml.safe_load(text) == data
    assert load_text(text, "t.yaml")[0].data == data


_scalars = st.one_of(st.text(), st.integers(), st.booleans(), st.none())
_data = st.recursive(_scalars, lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)), max_leaves=12)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.dictionaries(st.text(max_size=8), _data, max_size=5))
def test_any_data_survives_yaml_and_json_output(data):
    assert yaml.safe_load(render(data, "yaml")) == data
    assert load_text(render(data, "yaml"), "t.yaml")[0].data == data
    assert load_text(render(data, "json"), "t.json")[0].data == data


def test_a_timestamp_tagged_explicitly_is_still_a_date():
    assert load_text("d: !!timestamp 2012-10-17\n", "t.yaml")[0].data == {"d": datetime.date(2012, 10, 17)}
