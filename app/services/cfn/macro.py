"""The deployed macro: CloudFormation sends a template, Lambda returns it with its groups expanded.

Handler: ``app.services.cfn.macro.handler``. It runs exactly the planning ``admin cfn --macro``
runs; child templates go to S3 under a key made of their content's hash (an unchanged child
keeps its URL, so its stack is left alone) and are referenced by a URL on the bucket's
regional endpoint. Any failure is returned to CloudFormation as a failure with its message,
never raised. Lambda has no PyYAML, and this module needs none.

Settings come from the environment (as aws-sso-util's macro: ``BUCKET_NAME``, ``KEY_PREFIX``,
``S3_PUT_OBJECT_ARGS`` as JSON, ``CHILD_TEMPLATES_IN_YAML``, ``MAX_RESOURCES_PER_TEMPLATE``,
``MAX_CONCURRENT_ASSIGNMENTS``, ``MAX_ASSIGNMENTS_ALLOCATION``, ``NUM_CHILD_STACKS``,
``DEFAULT_SESSION_DURATION``, ``LOG_LEVEL``); a template's ``Metadata.SSO`` wins over them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from app.services.cfn.generate import build_unit
from app.services.cfn.identifiers import BadIdentifier
from app.services.cfn.located import Document
from app.services.cfn.macro_input import macro_groups
from app.services.cfn.model import Settings, Unit
from app.services.cfn.resolver import OuAccounts, fallback_instance
from app.services.cfn.schema import Context, check_setting
from app.services.cfn.template_text import render
from app.services.errors import InvalidInput, SsodeckError

LOG = logging.getLogger(__name__)
ENV_SETTINGS = {
    "num_child_stacks": "NUM_CHILD_STACKS",
    "max_assignments_allocation": "MAX_ASSIGNMENTS_ALLOCATION",
    "default_session_duration": "DEFAULT_SESSION_DURATION",
    "max_resources_per_template": "MAX_RESOURCES_PER_TEMPLATE",
    "max_concurrent_assignments": "MAX_CONCURRENT_ASSIGNMENTS",
}
STEM = "Assignments"  # names the child stacks: Assignments000, ...


def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """The Lambda entry point for the CloudFormation macro."""
    request_id = event.get("requestId", "")
    try:
        LOG.setLevel(os.environ.get("LOG_LEVEL", "INFO").upper())
        fragment = expand(event, os.environ)
    except SsodeckError as error:
        LOG.error("request %s failed: %s", request_id, error)
        return {"requestId": request_id, "status": "failure", "errorMessage": str(error)}
    except Exception as error:  # CloudFormation must get an answer, whatever went wrong
        LOG.exception("request %s failed", request_id)
        return {"requestId": request_id, "status": "failure", "errorMessage": f"internal error: {type(error).__name__}: {error}"}
    return {"requestId": request_id, "status": "success", "fragment": fragment}


def expand(event: dict[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    fragment = event.get("fragment")
    doc = Document("template", fragment)
    base, groups, metadata_settings = macro_groups(doc, Context(None, fallback_instance(None)))
    unit = Unit("template", STEM, base, groups, metadata_settings.over(env_settings(environ)))
    store = ChildStore(environ, event.get("region") or environ.get("AWS_REGION"))
    return build_unit(unit, publish=store.publish, ou_accounts=OuAccounts(None)).parent


def env_settings(environ: Mapping[str, str]) -> Settings:
    """Settings from the environment; empty or -1 (the deployable template's defaults) means unset."""
    values: dict[str, Any] = {}
    for field, name in ENV_SETTINGS.items():
        raw = environ.get(name, "").strip()
        if raw in ("", "-1"):
            continue
        try:
            values[field] = check_setting(field, raw if field == "default_session_duration" else _integer(raw))
        except BadIdentifier as error:
            raise InvalidInput(f"{name}: {error}") from None
    return Settings(**values)


def _integer(raw: str) -> int | str:
    return int(raw) if raw.lstrip("-").isdigit() else raw


class ChildStore:
    """Uploads child templates to ``s3://BUCKET_NAME/[KEY_PREFIX/]templates/<sha256>.json``."""

    def __init__(self, environ: Mapping[str, str], region: str | None) -> None:
        self.bucket = environ.get("BUCKET_NAME", "")
        self.prefix = environ.get("KEY_PREFIX", "").strip("/")
        self.yaml = environ.get("CHILD_TEMPLATES_IN_YAML", "").strip().lower() in ("1", "true", "yes")
        self.region = region
        try:
            self.put_args = json.loads(environ.get("S3_PUT_OBJECT_ARGS") or "{}")
        except json.JSONDecodeError as error:
            raise InvalidInput(f"S3_PUT_OBJECT_ARGS: not JSON: {error}") from None
        if not isinstance(self.put_args, dict):
            raise InvalidInput("S3_PUT_OBJECT_ARGS: expected a JSON object")
        self._client = None

    def publish(self, index: int, template: dict[str, Any]) -> str:
        if not self.bucket:
            raise InvalidInput("BUCKET_NAME is not set: child templates need a bucket")
        text = render(template, "yaml" if self.yaml else "json")
        extension = "yaml" if self.yaml else "json"
        key = "/".join(part for part in (self.prefix, "templates", f"{hashlib.sha256(text.encode()).hexdigest()}.{extension}") if part)
        client = self._s3()
        content_type = "application/x-yaml" if self.yaml else "application/json"
        client.put_object(Bucket=self.bucket, Key=key, Body=text.encode(), ContentType=content_type, **self.put_args)
        return object_url(client.meta.endpoint_url, self.bucket, key)

    def _s3(self):
        if self._client is None:
            import boto3

            self._client = boto3.client("s3", region_name=self.region)
        return self._client


def object_url(endpoint_url: str, bucket: str, key: str) -> str:
    """The object's URL on the client's (regional) endpoint: ``https://BUCKET.s3.REGION.amazonaws.com/KEY``.

    The global ``s3.amazonaws.com`` form fails outside us-east-1. A bucket name with dots
    cannot be a TLS host name, so it goes in the path instead, as it does for endpoints that
    are not S3's own (a local test server).
    """
    parts = urlsplit(endpoint_url)
    path = quote(key, safe="/")
    if parts.hostname and parts.hostname.startswith("s3.") and "." not in bucket:
        return f"{parts.scheme}://{bucket}.{parts.netloc}/{path}"
    return f"{endpoint_url.rstrip('/')}/{quote(bucket)}/{path}"
