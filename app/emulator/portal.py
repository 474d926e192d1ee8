"""The SSO access portal: ListAccounts, ListAccountRoles, GetRoleCredentials and Logout.

Every answer is computed from the org's portal view of the session's user, so what a face
shows is exactly what the org model says that person can reach. Pages are capped by the
configured page size whatever ``max_result`` asks for, as the real portal does, so
pagination bugs show up with small orgs too.
"""

from __future__ import annotations

from typing import Any

from app.emulator.state import State
from app.emulator.wire import ApiError, Reply, Request, json_reply, page_of

BEARER_HEADER = "x-amz-sso_bearer_token"


def _user(state: State, request: Request) -> str:
    return state.session_for(request.header(BEARER_HEADER)).user


def _required(request: Request, *names: str) -> list[str]:
    missing = [name for name in names if not request.query.get(name)]
    if missing:
        raise ApiError(400, "InvalidRequestException", f"Missing required parameter: {', '.join(missing)}")
    return [request.query[name] for name in names]


def _page(request: Request, items: list[dict[str, Any]], page_size: int, scope: str) -> tuple[list[dict[str, Any]], str | None]:
    """Slice one page, capped by the configured page size whatever ``max_result`` asks."""
    limit = page_size
    if "max_result" in request.query:
        try:
            asked = int(request.query["max_result"])
        except ValueError:
            asked = 0
        if not 1 <= asked <= 100:
            raise ApiError(400, "InvalidRequestException", "max_result must be between 1 and 100")
        limit = min(asked, page_size)
    return page_of(items, limit, request.query.get("next_token"), scope)


def list_accounts(state: State, request: Request) -> Reply:
    user = _user(state, request)
    items = [
        {"accountId": account.account_id, "accountName": account.name, "emailAddress": account.email}
        for account, _ in state.org.portal_view(user)
    ]
    page, token = _page(request, items, state.controls.page_size_accounts, "accounts")
    return json_reply({"accountList": page, "nextToken": token})


def _roles(state: State, user: str, account_id: str) -> tuple[str, ...]:
    roles = state.org.roles_for(user, account_id)
    if roles is None:
        raise ApiError(403, "ForbiddenException", "No access")
    return roles


def list_account_roles(state: State, request: Request) -> Reply:
    user = _user(state, request)
    (account_id,) = _required(request, "account_id")
    items = [{"roleName": role, "accountId": account_id} for role in _roles(state, user, account_id)]
    page, token = _page(request, items, state.controls.page_size_roles, "roles:" + account_id)
    return json_reply({"roleList": page, "nextToken": token})


def get_role_credentials(state: State, request: Request) -> Reply:
    user = _user(state, request)
    role_name, account_id = _required(request, "role_name", "account_id")
    if role_name not in _roles(state, user, account_id):
        raise ApiError(403, "ForbiddenException", "No access")
    creds = state.mint_role_credentials(user, account_id, role_name)
    return json_reply(
        {
            "roleCredentials": {
                "accessKeyId": creds.access_key_id,
                "secretAccessKey": creds.secret_access_key,
                "sessionToken": creds.session_token,
                "expiration": int(creds.expires_at * 1000),
            }
        }
    )


def logout(state: State, request: Request) -> Reply:
    """End the whole sign-in: the access token and every refresh token it came with."""
    with state.lock:
        state.session_for(request.header(BEARER_HEADER)).revoked = True
    return Reply(200, b"")
