"""Signed clients for the admin APIs, from ordinary AWS credentials or one of the user's own
Identity Center roles, behind one rate limiter.

Unlike the portal, sso-admin, identitystore and organizations need SigV4 credentials: a
``--profile`` (any kind botocore knows, SSO and credential_process included), the
environment, or ``RoleCredentials`` the portal handed out. Endpoints follow botocore's own
resolution, so ``AWS_ENDPOINT_URL_SSO_ADMIN``, ``AWS_ENDPOINT_URL_IDENTITYSTORE`` and
``AWS_ENDPOINT_URL_ORGANIZATIONS`` point them at the emulator or moto exactly as they do for
the AWS CLI. The region is the Identity Center instance's home region: ``--region``, then the
profile or ``AWS_DEFAULT_REGION``, then ``AWS_DEFAULT_SSO_REGION``.

Every call takes a permit from one limiter shared by the three services and keyed by the
credentials and region (one account's quota), and every failure becomes one line.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from typing import Any

from app.models import RoleCredentials
from app.services.admin.errors import CredentialsError, NotFound
from app.services.clients import error_code, transport_problem
from app.services.errors import AccessDenied, Cancelled, ConfigError, LoginRequired, ServiceError, SsodeckError
from app.services.ratelimit import THROTTLE_CODES, call_limited, configured_rps, limiter_for

SERVICES = ("sso-admin", "identitystore", "organizations")
POOL_CONNECTIONS = 32
ACCESS_DENIED_CODES = frozenset({"AccessDeniedException", "AccessDenied", "UnauthorizedOperation"})
REJECTED_CODES = frozenset({
    "UnrecognizedClientException", "InvalidClientTokenId", "ExpiredTokenException", "ExpiredToken",
    "InvalidSignatureException", "SignatureDoesNotMatch", "MissingAuthenticationTokenException",
})
INVALID_CODES = frozenset({"ValidationException", "InvalidInputException"})


class AdminClients:
    """The three admin clients of one set of credentials in one region (created on first use)."""

    def __init__(self, session: Any, region: str, *, limiter_key: str, rate: float, profile: str | None) -> None:
        self.region = region
        self.profile = profile
        self.rate = rate
        self.limiter_key = limiter_key
        self._session = session
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    @property
    def partition(self) -> str:
        """``aws``, ``aws-us-gov``, ``aws-cn``...: the partition of the region, for ARNs."""
        return self._session.get_partition_for_region(self.region) or "aws"

    def client(self, service: str) -> Any:
        with self._lock:  # botocore's client creation is not thread-safe; calls are
            found = self._clients.get(service)
            if found is None:
                found = self._clients[service] = self._create(service)
            return found

    def call(self, service: str, operation: str, what: str, **params: Any) -> dict[str, Any]:
        """One request through the shared limiter (throttling retried); failures become one line."""
        try:
            method = getattr(self.client(service), operation)
            return call_limited(limiter_for(self.limiter_key, self.rate), lambda: method(**params))
        except Cancelled:  # the work was given up: not a failure of the request
            raise
        except Exception as error:
            raise self.error(error, what) from None

    def page(self, service: str, operation: str, key: str, what: str, token: str | None = None, **params: Any) -> tuple[list[Any], str | None]:
        """One page of a listing and the token of the next (None at the end)."""
        if token:
            params["NextToken"] = token
        answer = self.call(service, operation, what, **params)
        return list(answer.get(key) or []), answer.get("NextToken") or None

    def pages(self, service: str, operation: str, key: str, what: str, **params: Any) -> Iterator[Any]:
        """Every item of a paginated listing, page by page."""
        token: str | None = None
        while True:
            items, token = self.page(service, operation, key, what, token, **params)
            yield from items
            if token is None:
                return

    def error(self, error: Exception, what: str) -> Exception:
        return admin_error(error, what, profile=self.profile)

    def _create(self, service: str) -> Any:
        from botocore.config import Config

        config = Config(
            region_name=self.region,
            retries={"total_max_attempts": 1, "mode": "standard"},  # the limiter retries
            connect_timeout=10,
            read_timeout=30,
            max_pool_connections=POOL_CONNECTIONS,
            user_agent_extra="ssodeck",
        )
        return self._session.create_client(service, region_name=self.region, config=config)


def admin_error(error: Exception, what: str, *, profile: str | None) -> Exception:
    """The one line a user should read for a failed admin call."""
    from botocore import exceptions as bx

    if isinstance(error, SsodeckError):
        return error
    hint = f"--profile {profile}" if profile else "--profile, AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
    if isinstance(error, bx.NoCredentialsError):
        return CredentialsError(f"no AWS credentials for the admin APIs: use {hint}")
    if isinstance(error, (bx.UnauthorizedSSOTokenError, bx.SSOTokenLoadError, bx.TokenRetrievalError)):
        return LoginRequired(f"the Identity Center session behind profile {profile} has ended; run `ssodeck login --profile {profile}`")
    if isinstance(error, bx.CredentialRetrievalError):
        return CredentialsError(f"could not get credentials from {hint} ({type(error).__name__})")
    if isinstance(error, bx.ProfileNotFound):
        return ConfigError(f"profile {error.kwargs.get('profile')} is not in the AWS config (from --profile or AWS_PROFILE)")
    if isinstance(error, bx.ParamValidationError):  # botocore checks lengths and patterns before sending
        return ConfigError(f"invalid input while {what}: {' '.join(str(error).split())}")
    if isinstance(error, bx.BotoCoreError):
        return ServiceError(f"cannot reach AWS ({transport_problem(error)}) while {what}")
    code = error_code(error)
    message = _message(error)
    if code in ACCESS_DENIED_CODES:
        return AccessDenied(f"access denied while {what}: {message or 'the credentials lack permission'}")
    if code in REJECTED_CODES:
        return CredentialsError(f"AWS rejected the credentials ({code}) while {what}: check {hint}")
    if code in THROTTLE_CODES:
        return ServiceError(f"AWS kept throttling requests while {what}; try again shortly, or lower --max-rps")
    if code.endswith("NotFoundException"):  # ResourceNotFound, AccountNotFound, ParentNotFound...
        return NotFound(f"not found while {what}: {message}")
    if code in INVALID_CODES:
        return ConfigError(f"AWS refused the input while {what}: {message}")
    if code == "AWSOrganizationsNotInUseException":
        return ServiceError(f"the account of these credentials is not in an organization (while {what})")
    if code:
        return ServiceError(f"AWS error {code} while {what}" + (f": {message}" if message else ""))
    return error


def _message(error: Exception) -> str:
    response = getattr(error, "response", None)
    text = str(response.get("Error", {}).get("Message", "")) if isinstance(response, dict) else ""
    return " ".join(text.split())[:300]


def open_clients(
    *,
    profile: str | None = None,
    region: str | None = None,
    role_credentials: RoleCredentials | None = None,
    max_rps: float | None = None,
) -> AdminClients:
    """Clients for a profile (or the default chain) or for role credentials, checked for
    credentials and a region up front so those mistakes are one line before any request."""
    import botocore.session
    from botocore import exceptions as bx
    from botocore.configprovider import ConstantProvider

    session = botocore.session.Session(profile=profile)
    try:
        if role_credentials is not None:
            # The role's own keys: no profile is involved (not even AWS_PROFILE's).
            session.get_component("config_store").set_config_provider("profile", ConstantProvider(None))
            session.set_credentials(role_credentials.access_key_id, role_credentials.secret_access_key, role_credentials.session_token)
        profile = session.profile  # also AWS_PROFILE / AWS_DEFAULT_PROFILE, for messages
        credentials = session.get_credentials()
        region = region or session.get_config_variable("region") or os.environ.get("AWS_DEFAULT_SSO_REGION") or None
    except bx.ConfigParseError:
        from app.services.awsconfig import load_config

        load_config()  # raises ConfigError naming the file and line
        raise
    except bx.BotoCoreError as error:
        raise admin_error(error, "loading credentials", profile=profile) from None
    if credentials is None:
        where = f"profile {profile} has none" if profile else "use --profile, or set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
        raise CredentialsError(f"no AWS credentials for the admin APIs: {where}")
    if not region:
        raise ConfigError("no region for the admin APIs: use --region (the Identity Center instance's region), or set one in the profile or AWS_DEFAULT_REGION")
    source = role_credentials.account_id if role_credentials is not None else f"profile {profile or 'default'}"
    key = f"admin:{source}:{region}"
    return AdminClients(session, region, limiter_key=key, rate=max_rps or configured_rps(), profile=profile)
