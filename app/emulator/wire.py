"""Wire plumbing shared by the route handlers: the parsed request, the reply, and errors
rendered in the shape each AWS protocol uses.

botocore classifies an error only by what it finds on the wire (the ``x-amzn-ErrorType``
header for rest-json, ``<Error><Code>`` for the query protocol, ``__type`` for JSON 1.1),
so handlers raise one ApiError and the renderer picks the body and headers for the route's
protocol family: ``oidc`` (OAuth-style JSON), ``portal`` (``{"message"}`` JSON), ``sts``
(query XML), the JSON 1.1 admin services (``sso-admin``, ``identitystore``,
``organizations``) and ``text`` (federation and the browser pages, which are plain HTTP).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
_CREDENTIAL = re.compile(r"Credential=([A-Za-z0-9]+)/\d{8}/([a-z0-9-]+)/")

OAUTH_CODES = {
    "AuthorizationPendingException": "authorization_pending",
    "SlowDownException": "slow_down",
    "ExpiredTokenException": "expired_token",
    "AccessDeniedException": "access_denied",
    "InvalidGrantException": "invalid_grant",
    "InvalidClientException": "invalid_client",
    "UnauthorizedClientException": "unauthorized_client",
    "UnsupportedGrantTypeException": "unsupported_grant_type",
    "InvalidScopeException": "invalid_scope",
    "InvalidRequestException": "invalid_request",
    "InvalidClientMetadataException": "invalid_client_metadata",
    "InvalidRedirectUriException": "invalid_redirect_uri",
    "InternalServerException": "server_error",
}
# The shape an error of a given status takes when nothing more specific was asked for
# (injected failures): one table per family.
DEFAULT_SHAPES: dict[str, dict[int, str]] = {
    "oidc": {400: "InvalidRequestException", 401: "InvalidClientException", 403: "AccessDeniedException",
             429: "SlowDownException", 500: "InternalServerException"},
    "portal": {400: "InvalidRequestException", 401: "UnauthorizedException", 403: "ForbiddenException",
               404: "ResourceNotFoundException", 429: "TooManyRequestsException", 500: "InternalServerException"},
    "sts": {400: "InvalidParameterValue", 403: "AccessDenied", 429: "Throttling", 500: "InternalFailure",
            503: "ServiceUnavailable"},
    "sso-admin": {400: "ValidationException", 403: "AccessDeniedException", 404: "ResourceNotFoundException",
                  429: "ThrottlingException", 500: "InternalServerException"},
    "identitystore": {400: "ValidationException", 403: "AccessDeniedException", 404: "ResourceNotFoundException",
                      429: "ThrottlingException", 500: "InternalServerException"},
    "organizations": {400: "InvalidInputException", 403: "AccessDeniedException", 429: "TooManyRequestsException",
                      500: "ServiceException"},
}
JSON_FAMILIES = frozenset({"sso-admin", "identitystore", "organizations"})
JSON_11 = "application/x-amz-json-1.1"


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)

    def json(self) -> dict[str, Any]:
        """The JSON object body; a malformed one is the caller's error, not ours."""
        try:
            value = json.loads(self.body or b"{}")
        except ValueError:
            raise ApiError(400, "InvalidRequestException", "Request body is not valid JSON") from None
        if not isinstance(value, dict):
            raise ApiError(400, "InvalidRequestException", "Request body must be a JSON object")
        return value

    def log_entry(self, op: str | None) -> dict[str, Any]:
        """The request as tests see it in ``Emulator.requests()`` (headers include the bearer)."""
        return {
            "method": self.method,
            "path": self.path,
            "query": dict(self.query),
            "headers": dict(self.headers),
            "body": self.body.decode("utf-8", errors="replace"),
            "op": op,
            "time": time.time(),
        }

    def signer(self) -> tuple[str, str] | None:
        """The access key id and region of a SigV4 signature (never verified), if signed."""
        match = _CREDENTIAL.search(self.header("authorization") or "")
        return (match.group(1), match.group(2)) if match else None

    def params(self) -> dict[str, str]:
        """Query parameters merged with a form-encoded body (form wins), for GET-or-POST routes."""
        merged = dict(self.query)
        content_type = self.header("content-type") or ""
        if self.method == "POST" and "json" not in content_type:
            merged.update(parse_params(self.body.decode("utf-8", errors="replace")))
        return merged


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    family: str  # how errors are rendered: oidc | portal | sts | text | a JSON 1.1 service
    handler: Callable[..., Reply]  # (State, Request) -> Reply; state.py imports this module
    op: str | Callable[[Request], str | None]


class ApiError(Exception):
    """An error answer. ``shape`` None means "the usual shape for this status in this family";
    ``fields`` are extra members of a JSON 1.1 error body (e.g. ``ResourceType``)."""

    def __init__(
        self, status: int, shape: str | None, message: str, *, reason: str | None = None, fields: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.shape = shape
        self.message = message
        self.reason = reason
        self.fields = fields or {}


def page_of(items: list[Any], limit: int, token: str | None, scope: str) -> tuple[list[Any], str | None]:
    """One page of a listing and the opaque token of the next; the token names its listing
    (``scope``), so it cannot be replayed on another. A bad token is the caller's error."""
    start = 0
    if token:
        try:
            tag, _, offset = base64.urlsafe_b64decode(token.encode()).decode().rpartition("|")
            start = int(offset)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            tag = ""
        if tag != scope or not 0 <= start <= len(items):
            raise ApiError(400, None, "Invalid pagination token")
    end = start + limit
    return items[start:end], base64.urlsafe_b64encode(f"{scope}|{end}".encode()).decode() if end < len(items) else None


def parse_params(text: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(text, keep_blank_values=True).items()}


def json_reply(payload: dict[str, Any], status: int = 200) -> Reply:
    return Reply(status, json.dumps(payload).encode("utf-8"))


def text_reply(status: int, text: str, content_type: str = "text/plain; charset=utf-8") -> Reply:
    return Reply(status, text.encode("utf-8"), content_type)


def redirect(location: str) -> Reply:
    return Reply(302, b"", "text/plain; charset=utf-8", {"Location": location})


def xml_reply(xml: str, status: int = 200) -> Reply:
    return Reply(status, xml.encode("utf-8"), "text/xml")


def render_error(error: ApiError, family: str, request_id: str) -> Reply:
    status = error.status
    table = DEFAULT_SHAPES.get(family, {})
    shape = error.shape or table.get(status) or table.get(500 if status >= 500 else 400, "UnknownError")
    if family == "oidc":
        payload = {"error": OAUTH_CODES.get(shape, "invalid_request"), "error_description": error.message}
        if error.reason:
            payload["reason"] = error.reason
        reply = json_reply(payload, status)
    elif family == "portal":
        reply = json_reply({"message": error.message}, status)
    elif family in JSON_FAMILIES:
        # organizations and identitystore capitalise Message; sso-admin does not
        key = "message" if family == "sso-admin" else "Message"
        reply = json_reply({"__type": shape, key: error.message, **error.fields}, status)
        reply.content_type = JSON_11
    elif family == "sts":
        kind = "Receiver" if status >= 500 else "Sender"
        reply = xml_reply(
            f'<ErrorResponse xmlns="{STS_NS}"><Error><Type>{kind}</Type><Code>{escape(shape)}</Code>'
            f"<Message>{escape(error.message)}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>",
            status,
        )
        return reply
    else:
        return text_reply(status, error.message + "\n")
    reply.headers["x-amzn-ErrorType"] = shape
    return reply
