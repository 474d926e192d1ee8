"""The macro format (``admin cfn --macro``) and the deployed macro's Lambda handler, against moto's S3."""

from __future__ import annotations

import copy
import importlib
import importlib.resources
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import boto3
import pytest
import yaml
from cfn_support import GROUP, INSTANCE, PS, USER, FakeOrg, account, check_templates, read_template, templates_in
from moto.server import ThreadedMotoServer

from app.services.cfn.files import Request, plan, write
from app.services.cfn.macro import handler, object_url
from app.services.cfn.reader import load_text
from app.services.errors import InvalidInput

TEMPLATE = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Transform": ["AWS-SSO-Util-2020-11-08"],
    "Metadata": {"SSO": {"MaxConcurrentAssignments": 2}},
    "Parameters": {"Env": {"Type": "String"}},
    "Resources": {
        "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Fn::Sub": "${Env}-alerts"}}},
        "Ops": {"Type": "SSOUtil::SSO::PermissionSet", "Properties": {"Name": "Ops", "InstanceArn": INSTANCE}},
        "Admins": {
            "Type": "SSOUtil::SSO::AssignmentGroup",
            "Properties": {
                "Name": "admins",
                "Instance": INSTANCE,
                "Principal": [{"Type": "GROUP", "Id": GROUP}, {"PrincipalType": "USER", "PrincipalIds": [USER]}],
                "PermissionSets": [PS, {"Fn::GetAtt": ["Ops", "PermissionSetArn"]}],
                "Targets": [{"TargetType": "AWS_ACCOUNT", "TargetIds": [account(1), int(account(2))]}],
                "UpdateNonce": "1",
            },
        },
        "Readers": {
            "Type": "SSOUtil::SSO::AssignmentGroup",
            "Properties": {"InstanceArn": INSTANCE, "Principals": {"Type": "USER", "Id": USER}, "PermissionSetArn": PS,
                           "Target": {"Type": "AWS_ACCOUNT", "Id": account(3)}},
        },
    },
}
EVENT = {"region": "eu-west-1", "accountId": "123456789012", "transformId": "123456789012::AWS-SSO-Util-2020-11-08", "params": {},
         "requestId": "req-1", "templateParameterValues": {}}


def expand_locally(tmp_path: Path, template: dict, resolver=None) -> dict:
    source = tmp_path / "stack.yaml"
    source.write_text(yaml.safe_dump(template))
    write(plan(Request((source,), macro=True, output_dir=tmp_path / "out"), resolver))
    check_templates(templates_in(tmp_path / "out"))
    return read_template(tmp_path / "out" / "stack.yaml")


def test_the_macro_format_expands_groups_keeps_the_rest_and_drops_the_transform(tmp_path):
    parent = expand_locally(tmp_path, TEMPLATE)
    assert "Transform" not in parent and parent["Parameters"] == {"Env": {"Type": "String"}} and parent["Metadata"] == TEMPLATE["Metadata"]
    resources = parent["Resources"]
    assert resources["Topic"] == TEMPLATE["Resources"]["Topic"] and resources["Ops"]["Type"] == "AWS::SSO::PermissionSet"
    assignments = [r for r in resources.values() if r["Type"] == "AWS::SSO::Assignment"]
    assert len(assignments) == 2 * 2 * 2 + 1
    by_group = {r["Metadata"]["SSO"]["AssignmentGroupResourceName"] for r in assignments}
    assert by_group == {"Admins", "Readers"}
    assert {r["Metadata"]["SSO"].get("AssignmentGroupName") for r in assignments} == {"admins", None}
    assert sum("DependsOn" in r for r in assignments) == len(assignments) - 2


def test_an_assignment_in_two_groups_is_generated_once(tmp_path):
    template = copy.deepcopy(TEMPLATE)
    template["Resources"]["Readers"]["Properties"]["Target"]["Id"] = account(1)
    template["Resources"]["Readers"]["Properties"]["PermissionSetArn"] = PS
    parent = expand_locally(tmp_path, template)
    assert sum(r["Type"] == "AWS::SSO::Assignment" for r in parent["Resources"].values()) == 8


def test_ou_targets_in_the_macro_format(tmp_path):
    template = copy.deepcopy(TEMPLATE)
    template["Resources"]["Readers"]["Properties"]["Target"] = {"Type": "AWS_OU", "Id": "ou-ab12-aaaaaaaa", "Recursive": True}
    org = FakeOrg(ous={"ou-ab12-bbbbbbbb": [account(7)]}, children={"ou-ab12-aaaaaaaa": ["ou-ab12-bbbbbbbb"]})
    parent = expand_locally(tmp_path, template, resolver=org)
    readers = [r for r in parent["Resources"].values() if r.get("Metadata", {}).get("SSO", {}).get("AssignmentGroupResourceName") == "Readers"]
    assert [(r["Properties"]["TargetId"], r["Metadata"]["SSO"]["AccountSourceOU"]) for r in readers] == [(account(7), "ou-ab12-aaaaaaaa")]


@pytest.mark.parametrize(("change", "message"), [
    (lambda p: p.update(Princpals=[]), r":\d+: Resources.Admins.Properties.Princpals: unknown key \(did you mean Principals\?\)"),
    (lambda p: p.update(Principals=p["Principal"]), r":\d+: Resources.Admins.Properties.Principals: same key as Principal"),
    (lambda p: p["Targets"][0].update(Recursive=True), r":\d+: Resources.Admins.Properties.Targets\[0\].Recursive: Recursive is true or false, and only for AWS_OU"),
    (lambda p: p["Principal"][0].update(Type="ROLE"), r":\d+: Resources.Admins.Properties.Principal\[0\].Type: expected GROUP or USER, got 'ROLE'"),
    (lambda p: p["Principal"][0].pop("Id"), r":\d+: Resources.Admins.Properties.Principal\[0\]: needs an Id \(or Ids\)"),
    (lambda p: p.pop("Targets"), r":\d+: Resources.Admins.Properties: no Targets"),
])
def test_macro_schema_errors_name_line_and_key(tmp_path, change, message):
    template = copy.deepcopy(TEMPLATE)
    change(template["Resources"]["Admins"]["Properties"])
    source = tmp_path / "stack.yaml"
    source.write_text(yaml.safe_dump(template, sort_keys=False))
    with pytest.raises(InvalidInput, match=f"^{source}{message}"):
        plan(Request((source,), macro=True))


@pytest.fixture(scope="module")
def moto_url():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(moto_url, monkeypatch):
    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST")).close()
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", moto_url)
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "eu-west-1",
                        "BUCKET_NAME": "macro-templates", "KEY_PREFIX": "team-a"}.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", region_name="eu-west-1")
    client.create_bucket(Bucket="macro-templates", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    return client


def fetch(s3, url: str) -> bytes:
    """What CloudFormation reads at a TemplateURL (with the stack creator's credentials, as it does)."""
    prefix = f"{s3.meta.endpoint_url}/macro-templates/"
    assert url.startswith(prefix), url
    return s3.get_object(Bucket="macro-templates", Key=url[len(prefix):])["Body"].read()


def test_the_handler_expands_a_transform_event_and_uploads_children(s3, tmp_path, monkeypatch):
    monkeypatch.setenv("NUM_CHILD_STACKS", "2")
    monkeypatch.setenv("S3_PUT_OBJECT_ARGS", json.dumps({"Metadata": {"origin": "macro"}}))
    reply = handler({**EVENT, "fragment": copy.deepcopy(TEMPLATE)}, None)
    assert reply["status"] == "success" and reply["requestId"] == "req-1"
    fragment = reply["fragment"]
    stacks = {name: r for name, r in fragment["Resources"].items() if r["Type"] == "AWS::CloudFormation::Stack"}
    assert set(stacks) == {"Assignments000", "Assignments001"} and stacks["Assignments001"]["DependsOn"] == "Assignments000"
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="macro-templates")["Contents"])
    assert len(keys) == 2 and all(k.startswith("team-a/templates/") and k.endswith(".json") for k in keys)
    assert s3.head_object(Bucket="macro-templates", Key=keys[0])["Metadata"] == {"origin": "macro"}
    children = []
    for index, stack in enumerate(stacks.values()):
        url = stack["Properties"]["TemplateURL"]
        assert url.startswith(f"{s3.meta.endpoint_url}/macro-templates/team-a/templates/")
        children.append(tmp_path / f"child{index}.json")
        children[-1].write_bytes(fetch(s3, url))
    assert sum(len(read_template(c)["Resources"]) for c in children) == 9
    (tmp_path / "parent.json").write_text(json.dumps(fragment))
    check_templates([tmp_path / "parent.json", *children])
    again = handler({**EVENT, "fragment": copy.deepcopy(TEMPLATE)}, None)
    assert again["fragment"] == fragment  # same children, same keys


def test_template_metadata_wins_over_the_macro_settings(s3, monkeypatch, tmp_path):
    monkeypatch.setenv("NUM_CHILD_STACKS", "2")
    template = copy.deepcopy(TEMPLATE)
    template["Metadata"]["SSO"]["NumChildStacks"] = 0
    reply = handler({**EVENT, "fragment": template}, None)
    assert not [r for r in reply["fragment"]["Resources"].values() if r["Type"] == "AWS::CloudFormation::Stack"]
    (tmp_path / "fragment.json").write_text(json.dumps(reply["fragment"]))
    check_templates([tmp_path / "fragment.json"])


@pytest.mark.parametrize(("env", "change", "message"), [
    ({}, lambda t: t["Resources"]["Admins"]["Properties"].update(Bogus=1), "template: Resources.Admins.Properties.Bogus: unknown key"),
    ({"BUCKET_NAME": ""}, lambda t: None, "BUCKET_NAME is not set: child templates need a bucket"),
    ({"S3_PUT_OBJECT_ARGS": "{nope"}, lambda t: None, "S3_PUT_OBJECT_ARGS: not JSON"),
    ({"MAX_RESOURCES_PER_TEMPLATE": "900"}, lambda t: None, "MAX_RESOURCES_PER_TEMPLATE: CloudFormation allows at most 500"),
    ({"BUCKET_NAME": "no-such-bucket"}, lambda t: None, "internal error: NoSuchBucket"),
    ({}, lambda t: t.update(Resources=[]), "template: not a CloudFormation template with Resources"),
])
def test_failures_are_answered_as_failures(s3, monkeypatch, env, change, message):
    monkeypatch.setenv("NUM_CHILD_STACKS", "2")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    template = copy.deepcopy(TEMPLATE)
    change(template)
    reply = handler({**EVENT, "fragment": template}, None)
    assert reply["status"] == "failure" and reply["requestId"] == "req-1" and "fragment" not in reply
    assert reply["errorMessage"].startswith(message), reply["errorMessage"]


def test_child_template_urls_use_the_regional_endpoint():
    assert object_url("https://s3.eu-west-1.amazonaws.com", "bucket", "t/a b.json") == "https://bucket.s3.eu-west-1.amazonaws.com/t/a%20b.json"
    assert object_url("https://s3.cn-north-1.amazonaws.com.cn", "bucket", "k") == "https://bucket.s3.cn-north-1.amazonaws.com.cn/k"
    assert object_url("https://s3.eu-west-1.amazonaws.com", "my.bucket", "k") == "https://s3.eu-west-1.amazonaws.com/my.bucket/k"


def test_the_deployable_template_lints_and_names_a_real_handler(tmp_path):
    text = importlib.resources.files("app.services.cfn").joinpath("macro-template.yaml").read_text()
    (tmp_path / "macro.yaml").write_text(text)
    check_templates([tmp_path / "macro.yaml"])
    template = load_text(text, "macro-template.yaml")[0].data
    module, _, function = template["Resources"]["Function"]["Properties"]["Handler"].rpartition(".")
    assert getattr(importlib.import_module(module), function) is handler
    assert set(template["Resources"]["Function"]["Properties"]["Environment"]["Variables"]) >= {"BUCKET_NAME", "KEY_PREFIX", "NUM_CHILD_STACKS"}


def test_the_handler_runs_without_pyyaml_as_in_lambda(s3, monkeypatch, tmp_path):
    monkeypatch.setenv("CHILD_TEMPLATES_IN_YAML", "true")
    monkeypatch.setenv("NUM_CHILD_STACKS", "1")
    code = ("import json, sys\nsys.modules['yaml'] = None\nfrom app.services.cfn.macro import handler\n"
            "print(json.dumps(handler(json.loads(sys.stdin.read()))))")
    done = subprocess.run([sys.executable, "-c", code], input=json.dumps({**EVENT, "fragment": TEMPLATE}), capture_output=True, text=True, check=True)
    reply = json.loads(done.stdout)
    assert reply["status"] == "success", reply
    url = reply["fragment"]["Resources"]["Assignments000"]["Properties"]["TemplateURL"]
    assert url.endswith(".yaml")
    (tmp_path / "child.yaml").write_bytes(fetch(s3, url))
    (tmp_path / "parent.json").write_text(json.dumps(reply["fragment"]))
    check_templates([tmp_path / "child.yaml", tmp_path / "parent.json"])
    assert len(yaml.safe_load((tmp_path / "child.yaml").read_text())["Resources"]) == 9
