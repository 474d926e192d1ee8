"""The admin APIs' common front: JSON 1.1 dispatch on ``X-Amz-Target``, who is calling, and
the checks and paging every operation shares.

sso-admin, identitystore and organizations all speak JSON 1.1: ``POST /`` with
``X-Amz-Target: <Prefix>.<Operation>``. STS also answers ``POST /`` (form-encoded), so the
server asks this module first and falls back to its own routes. Signatures are never
verified, so any credentials work, with one exception that makes permission failures
testable: role credentials the portal minted for an account other than the management
account see no instance (``ListInstances`` is empty) and are refused everything else, as
a member account's role would be.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.emulator.controls import ADMIN_SERVICES
from app.emulator.state import State
from app.emulator.sts import reserved_role_name
from app.emulator.wire import JSON_11, ApiError, Reply, Request, Route, json_reply, page_of

TARGET_PREFIXES = {
    "SWBExternalService": "sso-admin",
    "AWSIdentityStore": "identitystore",
    "AWSOrganizationsV20161128": "organizations",
}
# The IAM action prefix AWS names in an access-denied message, per service.
IAM_PREFIXES = {"sso-admin": "sso", "identitystore": "identitystore", "organizations": "organizations"}
INSTANCE_ARN = re.compile(r"arn:aws[a-z-]*:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}")
PERMISSION_SET_ARN = re.compile(r"arn:aws[a-z-]*:sso:::permissionSet/(sso)?ins-[a-zA-Z0-9-.]{16}/ps-[a-zA-Z0-9-./]{16}")
IDENTITY_STORE_ID = re.compile(r"d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ACCOUNT_ID = re.compile(r"\d{12}")

Handler = Callable[["Call"], dict[str, Any]]


@dataclass(frozen=True)
class Call:
    """One admin request: the parsed body, the caller, and the state to answer from."""

    state: State
    service: str
    operation: str
    body: dict[str, Any]
    member_account: str | None  # a minted role of a member account: no admin rights
    signing_region: str

    @property
    def org(self) -> Any:
        return self.state.org

    def text(self, name: str, pattern: re.Pattern[str] | None = None, *, required: bool = True) -> str:
        """A string member, validated like AWS does (``ValidationException`` otherwise)."""
        value = self.body.get(name)
        if value is None or value == "":
            if required:
                raise self.invalid(f"Value null at '{_camel(name)}' failed to satisfy constraint: Member must not be null")
            return ""
        if not isinstance(value, str) or (pattern is not None and not pattern.fullmatch(value)):
            raise self.invalid(f"Value '{value}' at '{_camel(name)}' failed to satisfy constraint: Member must satisfy regular expression pattern")
        return value

    def invalid(self, detail: str) -> ApiError:
        shape = "InvalidInputException" if self.service == "organizations" else "ValidationException"
        return ApiError(400, shape, f"1 validation error detected: {detail}")

    def instance(self) -> str:
        """The InstanceArn member, which must name the org's instance."""
        arn = self.text("InstanceArn", INSTANCE_ARN)
        if arn != self.org.instance_arn:
            raise ApiError(400, "ResourceNotFoundException", f"Instance {arn} does not exist")
        return arn

    def identity_store(self) -> str:
        store = self.text("IdentityStoreId", IDENTITY_STORE_ID)
        if store != self.org.identity_store_id:
            raise ApiError(400, "ResourceNotFoundException", "IDENTITY_STORE not found.",
                           fields={"ResourceType": "IDENTITY_STORE", "ResourceId": store})
        return store

    def page(self, items: list[Any], scope: str, *, cap: int = 100) -> tuple[list[Any], str | None]:
        """A page capped by ``MaxResults``, the service's cap and the emulator's page size."""
        limit = min(cap, self.state.controls.page_size_admin)
        asked = self.body.get("MaxResults")
        if asked is not None:
            if isinstance(asked, bool) or not isinstance(asked, int) or not 1 <= asked <= cap:
                raise self.invalid(f"Value '{asked}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and {cap}")
            limit = min(limit, asked)
        token = self.body.get("NextToken")
        return page_of(items, limit, token if isinstance(token, str) else None, f"{self.operation}:{scope}")


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def admin_op(request: Request) -> str | None:
    """The counter name of an admin request (``sso-admin.ListInstances``), None if unknown."""
    service, operation = _target(request)
    return f"{service}.{operation}" if service and operation in ADMIN_SERVICES[service] else None


def _target(request: Request) -> tuple[str | None, str]:
    prefix, _, operation = (request.header("x-amz-target") or "").partition(".")
    return TARGET_PREFIXES.get(prefix), operation


def route(request: Request, handlers: dict[str, dict[str, Handler]]) -> Route | None:
    """The route of a JSON 1.1 admin request; None for anything else (STS, other paths)."""
    if request.method != "POST" or request.path != "/" or request.header("x-amz-target") is None:
        return None
    service, _ = _target(request)
    return Route(service or "sso-admin", lambda state, req: _answer(state, req, handlers), admin_op)


def _answer(state: State, request: Request, handlers: dict[str, dict[str, Handler]]) -> Reply:
    service, operation = _target(request)
    handler = handlers.get(service or "", {}).get(operation)
    if service is None or handler is None:
        raise ApiError(400, "UnknownOperationException", f"Unknown operation {request.header('x-amz-target')}")
    signer = request.signer()
    if signer is None:
        raise ApiError(403, "MissingAuthenticationTokenException", "Missing Authentication Token")
    call = Call(state, service, operation, request.json(), _member_account(state, signer[0]), signer[1])
    if call.member_account is not None and (service, operation) != ("sso-admin", "ListInstances"):
        raise ApiError(400, "AccessDeniedException", _denied(state, signer[0], service, operation))
    reply = json_reply(handler(call))
    reply.content_type = JSON_11
    return reply


def _member_account(state: State, access_key_id: str) -> str | None:
    """The account of portal-minted credentials, unless it is the management account."""
    creds = state.live_role_creds(access_key_id)
    if creds is None or creds.account_id == state.org.management_account.account_id:
        return None
    return creds.account_id


def _denied(state: State, access_key_id: str, service: str, operation: str) -> str:
    creds = state.live_role_creds(access_key_id)
    assert creds is not None
    who = f"arn:aws:sts::{creds.account_id}:assumed-role/{reserved_role_name(creds.account_id, creds.role_name)}/{creds.user}"
    return f"User: {who} is not authorized to perform: {IAM_PREFIXES[service]}:{operation}"
