"""The Identity Center portal (the ``sso`` API): accounts, roles, role credentials, logout."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any

from app.models import Account, Instance, Role, RoleCredentials, Token
from app.services.clients import client, error_code, transport_problem
from app.services.errors import AccessDenied, Cancelled, LoginRequired, ServiceError
from app.services.ratelimit import call_limited, limiter_for


def _portal(region: str) -> Any:
    return client("sso", region, max_pool=32)


def _call(instance: Instance, method: str, cancelled: Callable[[], bool] | None = None, **kwargs: Any) -> dict:
    """Every portal request goes through the instance's shared limiter (``cancelled``: see
    ``RateLimiter.acquire``)."""
    operation = getattr(_portal(instance.region), method)
    return call_limited(limiter_for(instance.start_url), lambda: operation(**kwargs), cancelled=cancelled)


def portal_error(error: Exception, what: str, instance: Instance, token: Token) -> Exception:
    """Map a portal failure to the one line a user should see.

    A rejected token is remembered as such (``auth.reject``), so that the next attempt
    refreshes it or signs in instead of trusting its local expiry time.
    """
    from botocore.exceptions import BotoCoreError

    if isinstance(error, BotoCoreError):
        return ServiceError(f"cannot reach the Identity Center portal ({transport_problem(error)}) while {what}")
    code = error_code(error)
    if code == "UnauthorizedException":
        from app.services.auth import reject

        reject(instance, token.access_token)
        return LoginRequired(f"Identity Center rejected the session token while {what} (session ended or revoked)", instance=instance)
    if code == "ForbiddenException":
        return AccessDenied(f"no access while {what}")
    if code == "TooManyRequestsException":
        return ServiceError(f"Identity Center is rate limiting requests while {what}; try again shortly")
    if code:
        return ServiceError(f"Identity Center error {code} while {what}")
    return error


def iter_accounts(instance: Instance, token: Token, cancelled: Callable[[], bool] | None = None) -> Iterator[Account]:
    kwargs: dict[str, Any] = {"accessToken": token.access_token, "maxResults": 100}
    while True:
        try:
            page = _call(instance, "list_accounts", cancelled, **kwargs)
        except Cancelled:
            raise
        except Exception as error:
            raise portal_error(error, "listing accounts", instance, token) from None
        for item in page.get("accountList", []):
            yield Account(item["accountId"], item.get("accountName") or item["accountId"], item.get("emailAddress", ""))
        if not page.get("nextToken"):
            return
        kwargs["nextToken"] = page["nextToken"]


def iter_roles(instance: Instance, token: Token, account_id: str, account_name: str = "", cancelled: Callable[[], bool] | None = None) -> Iterator[Role]:
    kwargs: dict[str, Any] = {"accessToken": token.access_token, "accountId": account_id, "maxResults": 100}
    while True:
        try:
            page = _call(instance, "list_account_roles", cancelled, **kwargs)
        except Cancelled:
            raise
        except Exception as error:
            raise portal_error(error, f"listing roles of account {account_id}", instance, token) from None
        for item in page.get("roleList", []):
            yield Role(item.get("accountId", account_id), item["roleName"], account_name)
        if not page.get("nextToken"):
            return
        kwargs["nextToken"] = page["nextToken"]


def server_logout(start_url: str, region: str, access_token: str) -> bool:
    """Revoke the token at Identity Center; False if the service could not be told."""
    try:
        logout_call = _portal(region).logout
        call_limited(limiter_for(start_url), lambda: logout_call(accessToken=access_token), attempts=3)
    except Exception:  # logging out must never fail on the server half (AWS CLI does the same)
        return False
    return True


def get_role_credentials(instance: Instance, token: Token, account_id: str, role_name: str) -> RoleCredentials:
    """GetRoleCredentials; the portal's expiration is epoch milliseconds."""
    try:
        answer = _call(instance, "get_role_credentials", accessToken=token.access_token, accountId=account_id, roleName=role_name)
    except Cancelled:
        raise
    except Exception as error:
        mapped = portal_error(error, f"getting credentials for role {role_name} in account {account_id}", instance, token)
        if isinstance(mapped, AccessDenied):
            mapped = AccessDenied(f"no access to role {role_name} in account {account_id} (not assigned, or mistyped)")
        raise mapped from None
    creds = answer["roleCredentials"]
    return RoleCredentials(
        access_key_id=creds["accessKeyId"],
        secret_access_key=creds["secretAccessKey"],
        session_token=creds["sessionToken"],
        expiration=datetime.fromtimestamp(creds["expiration"] / 1000, timezone.utc),
        account_id=account_id,
    )
