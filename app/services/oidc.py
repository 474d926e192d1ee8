"""sso-oidc sign-in flows: device authorization and authorization code with PKCE.

These mirror the AWS CLI v2 (protocols.md 2.1, 2.2): the same client registration cache,
one immediate CreateToken attempt before showing a device code, ``slow_down`` adding to the
poll interval, and a loopback redirect on 127.0.0.1 for PKCE. Faces supply a ``LoginUI`` to
show the code or open the browser; nothing here prints.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from app.models import ClientRegistration, Instance, Token, utcnow
from app.services import best_effort, token_cache
from app.services.clients import client, endpoint_of, error_code, transport_problem
from app.services.errors import CANCEL_CHECK, Cancelled, LoginDenied, LoginExpired, LoginRequired, ServiceError
from app.services.login_ui import LoginUI
from app.services.ratelimit import is_retryable, pause, retrying

if TYPE_CHECKING:
    from app.services.loopback import LoopbackRedirect

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
REFRESH_ATTEMPTS = 4  # a refresh retries a passing 429/5xx this often before giving up
# Answers that mean the refresh token (or its client registration) is dead for good.
REFUSED_REFRESH = ("InvalidGrantException", "InvalidClientException", "ExpiredTokenException", "AccessDeniedException", "UnauthorizedClientException")
PKCE_GRANTS = ("authorization_code", "refresh_token")
REDIRECT_URI = "http://127.0.0.1/oauth/callback"  # registered for PKCE; the loopback's port is added at sign-in (RFC 8252)
DEFAULT_SCOPES = ("sso:account:access",)


@dataclass(frozen=True)
class DevicePrompt:
    user_code: str
    verification_uri: str
    verification_uri_complete: str
    expires_at: datetime


class RefreshRefused(LoginRequired):
    """Identity Center refused the refresh token itself: only a new sign-in helps."""


@dataclass
class FlowOptions:
    """Knobs tests turn down; the defaults are the AWS CLI's. ``cancelled`` is asked while
    the flow waits for the person (between device-code polls, for the browser's redirect):
    once it says so the sign-in ends with ``Cancelled`` (an app closing does not wait
    minutes for a code nobody will approve)."""

    slow_down_step: float = 5.0
    default_interval: float = 5.0
    pkce_timeout: float = 600.0
    sleep: Callable[[float], None] = time.sleep
    cancelled: Callable[[], bool] | None = None

    def pause(self, seconds: float) -> None:
        """``sleep`` for ``seconds``, a slice at a time when the flow can be given up."""
        pause(seconds, self.cancelled, self.sleep)

    def redirect(self, loopback: LoopbackRedirect) -> dict[str, str] | None:
        """What the browser's redirect brought, or None once ``pkce_timeout`` has passed."""
        if self.cancelled is None:
            return loopback.wait(self.pkce_timeout)
        end = time.monotonic() + self.pkce_timeout
        while not self.cancelled():
            left = end - time.monotonic()
            if left <= 0:
                return None
            result = loopback.wait(min(left, CANCEL_CHECK))
            if result is not None:
                return result
        raise Cancelled


def _oidc(instance: Instance) -> Any:
    return client("sso-oidc", instance.region)


def _call(fn: Callable[..., dict], **kwargs: Any) -> dict:
    """Run an sso-oidc call, turning transport failures into one clear line."""
    from botocore.exceptions import BotoCoreError

    try:
        return fn(**kwargs)
    except BotoCoreError as error:
        raise ServiceError(f"cannot reach the Identity Center sign-in service ({transport_problem(error)})") from None


def _cached_registration(instance: Instance, *, pkce: bool) -> ClientRegistration | None:
    cached = token_cache.load_registration(instance, instance.registration_scopes or None)
    if cached and cached.usable() and (("authorization_code" in cached.grant_types) == pkce):
        return cached
    return None


def register(instance: Instance, *, pkce: bool, redirect_uri: str | None = None) -> ClientRegistration:
    """A client registration, reused from the cache when still good for this flow."""
    cached = _cached_registration(instance, pkce=pkce)
    if cached is not None:
        return cached
    scopes = instance.registration_scopes or (DEFAULT_SCOPES if pkce else ())
    key_scopes = instance.registration_scopes or None
    name = f"botocore-client-{instance.session_name}" if instance.session_name else f"botocore-client-{int(time.time())}"
    kwargs: dict[str, Any] = {"clientName": name, "clientType": "public"}
    if scopes:
        kwargs["scopes"] = list(scopes)
    if pkce:
        kwargs.update(grantTypes=list(PKCE_GRANTS), redirectUris=[REDIRECT_URI], issuerUrl=instance.start_url)
    try:
        response = _call(_oidc(instance).register_client, **kwargs)
    except Exception as error:
        raise _map(error, instance) from None
    registration = ClientRegistration(
        client_id=response["clientId"],
        client_secret=response["clientSecret"],
        expires_at=datetime.fromtimestamp(response["clientSecretExpiresAt"], timezone.utc),
        scopes=tuple(scopes),
        grant_types=PKCE_GRANTS if pkce else (),
    )
    best_effort.save(
        lambda: token_cache.save_registration(instance, key_scopes, registration),
        "the client registration was not cached, so the next sign-in registers again",
    )
    return registration


def _token_from(instance: Instance, response: dict, registration: ClientRegistration, old_refresh: str | None = None) -> Token:
    return Token(
        start_url=instance.start_url,
        region=instance.region,
        access_token=response["accessToken"],
        expires_at=utcnow() + timedelta(seconds=int(response["expiresIn"])),
        refresh_token=response.get("refreshToken") or old_refresh,
        client_id=registration.client_id,
        client_secret=registration.client_secret,
        registration_expires_at=registration.expires_at,
    )


def device_login(instance: Instance, ui: LoginUI, options: FlowOptions | None = None) -> Token:
    """The device-code flow. A registration Identity Center no longer knows (it forgot it, or
    it expired early) is replaced once; a passing error while polling is polled through
    until the code expires, so the person approving never has to start over."""
    options = options or FlowOptions()
    oidc = _oidc(instance)
    registration = register(instance, pkce=False)
    try:
        auth = _start_device(oidc, instance, registration)
    except Exception as error:
        if error_code(error) != "InvalidClientException":
            raise _map(error, instance) from None
        _forget_registration(instance, registration, error)
        registration = register(instance, pkce=False)
        try:
            auth = _start_device(oidc, instance, registration)
        except Exception as again:
            _forget_registration(instance, registration, again)
            raise _map(again, instance) from None
    interval = float(auth.get("interval") or options.default_interval)
    prompt = DevicePrompt(
        user_code=auth["userCode"],
        verification_uri=auth["verificationUri"],
        verification_uri_complete=auth.get("verificationUriComplete") or auth["verificationUri"],
        expires_at=utcnow() + timedelta(seconds=int(auth.get("expiresIn") or 600)),
    )
    shown = False
    while True:
        try:
            response = oidc.create_token(
                grantType=DEVICE_GRANT,
                deviceCode=auth["deviceCode"],
                clientId=registration.client_id,
                clientSecret=registration.client_secret,
            )
            return _token_from(instance, response, registration)
        except Exception as error:
            code = error_code(error)
            if code == "SlowDownException":
                interval += options.slow_down_step
            elif code != "AuthorizationPendingException" and not _passing(error):
                _forget_registration(instance, registration, error)
                raise _map(error, instance) from None
        if utcnow() >= prompt.expires_at:
            raise LoginExpired("the sign-in request expired before it was approved; run the login again")
        if not shown:
            ui.show_device_code(prompt)
            shown = True
        options.pause(interval)


def _start_device(oidc: Any, instance: Instance, registration: ClientRegistration) -> dict:
    return _call(oidc.start_device_authorization, clientId=registration.client_id, clientSecret=registration.client_secret, startUrl=instance.start_url)


def _passing(error: Exception) -> bool:
    """A throttle, a 5xx or a dropped connection: worth asking again rather than giving up."""
    from botocore.exceptions import BotoCoreError

    return is_retryable(error) or isinstance(error, BotoCoreError)


def pkce_login(instance: Instance, ui: LoginUI, options: FlowOptions | None = None) -> Token:
    """The authorization-code flow with PKCE, through the browser and a loopback redirect. A
    cached registration is checked with Identity Center before the browser is sent to sign in
    with it (see ``_still_known``); one it has forgotten is replaced first."""
    options = options or FlowOptions()
    oidc = _oidc(instance)
    registration = _cached_registration(instance, pkce=True)
    if registration is None or not _still_known(oidc, instance, registration):
        registration = register(instance, pkce=True)
    verifier = _verifier()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).decode("ascii").rstrip("=")
    state = str(uuid.uuid4())
    from app.services.loopback import LoopbackRedirect  # an HTTP server: loaded only for a PKCE sign-in

    with LoopbackRedirect() as loopback:
        query = {
            "response_type": "code",
            "client_id": registration.client_id,
            "redirect_uri": loopback.redirect_uri,
            "state": state,
            "code_challenge_method": "S256",
            "scopes": " ".join(registration.scopes or DEFAULT_SCOPES),
            "code_challenge": challenge,
        }
        ui.open_authorize_url(f"{endpoint_of(oidc)}/authorize?{urlencode(query)}")
        result = options.redirect(loopback)
    if result is None:
        raise LoginExpired("the browser sign-in was not completed in time; run the login again")
    if result.get("state") != state:
        raise LoginDenied("the browser sign-in answered with the wrong state; run the login again")
    if result.get("error"):
        raise LoginDenied(f"sign-in was refused: {result.get('error_description') or result['error']}")
    if not result.get("code"):
        raise LoginDenied("the browser sign-in returned no authorization code")
    try:
        response = _call(
            oidc.create_token,
            grantType="authorization_code",
            clientId=registration.client_id,
            clientSecret=registration.client_secret,
            redirectUri=loopback.redirect_uri,
            codeVerifier=verifier,
            code=result["code"],
        )
    except Exception as error:
        _forget_registration(instance, registration, error)
        raise _map(error, instance) from None
    return _token_from(instance, response, registration)


def _still_known(oidc: Any, instance: Instance, registration: ClientRegistration) -> bool:
    """Whether Identity Center still knows this cached client. The browser cannot tell: its
    authorize page shows the person an error for a client it does not know and never comes
    back to ssodeck. A token request with no valid code answers ``invalid_grant`` for a known
    client and ``invalid_client`` for a forgotten one (which is then dropped from the cache)."""
    try:
        _call(
            oidc.create_token,
            grantType="authorization_code",
            clientId=registration.client_id,
            clientSecret=registration.client_secret,
            redirectUri=REDIRECT_URI,
            codeVerifier="-" * 43,
            code="-",
        )
    except ServiceError:
        raise
    except Exception as error:
        if error_code(error) == "InvalidClientException":
            _forget_registration(instance, registration, error)
            return False
    return True


def refresh(instance: Instance, token: Token, *, sleep: Callable[[float], None] = time.sleep) -> Token:
    """Use the refresh-token grant.

    A 429 or 5xx is retried (bounded, with backoff) as portal calls are; only an answer about
    the grant or the client itself (``invalid_grant`` and kin) means the session is over
    (RefreshRefused). When the retries run out, ServiceError names the service's answer.
    """
    if not token.refreshable():
        raise RefreshRefused("the cached token cannot be refreshed", instance=instance)
    registration = ClientRegistration(token.client_id or "", token.client_secret or "", token.registration_expires_at or utcnow())
    create_token = _oidc(instance).create_token
    try:
        response = retrying(
            lambda: _call(
                create_token,
                grantType="refresh_token",
                clientId=registration.client_id,
                clientSecret=registration.client_secret,
                refreshToken=token.refresh_token,
            ),
            attempts=REFRESH_ATTEMPTS,
            sleep=sleep,
        )
    except Exception as error:
        _forget_registration(instance, registration, error)
        if error_code(error) in REFUSED_REFRESH:
            raise RefreshRefused(f"Identity Center refused to refresh the session for {instance.label()}", instance=instance) from None
        raise _refresh_failure(error, instance) from None
    return _token_from(instance, response, registration, old_refresh=token.refresh_token)


def _refresh_failure(error: Exception, instance: Instance) -> Exception:
    if isinstance(error, ServiceError):  # transport: already names the endpoint
        return ServiceError(f"could not refresh the session for {instance.label()}: {error}")
    status = getattr(error, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode", "?")
    what = f"HTTP {status} {error_code(error) or 'error'}"
    return ServiceError(f"Identity Center's sign-in service failed to refresh the session for {instance.label()} ({what}, {REFRESH_ATTEMPTS} attempts); the cached session was kept, try again shortly")


def _verifier() -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    return "".join(secrets.choice(alphabet) for _ in range(64))


def _expired(registration: ClientRegistration) -> ClientRegistration:
    return ClientRegistration(registration.client_id, registration.client_secret, utcnow() - timedelta(seconds=1), registration.scopes, registration.grant_types)


def _forget_registration(instance: Instance, registration: ClientRegistration, error: Exception) -> None:
    """A registration Identity Center no longer accepts is dropped, so the next try registers anew."""
    if error_code(error) == "InvalidClientException":
        best_effort.save(lambda: token_cache.save_registration(instance, instance.registration_scopes or None, _expired(registration)), "it will be tried once more")


def _map(error: Exception, instance: Instance) -> Exception:
    """One clear domain error for each sso-oidc failure (never the token or secret)."""
    if not hasattr(error, "response"):
        return error
    code = error_code(error)
    if code == "ExpiredTokenException":
        return LoginExpired("the sign-in request expired before it was approved; run the login again")
    if code == "AccessDeniedException":
        return LoginDenied("the sign-in request was denied")
    if code == "InvalidGrantException":
        return LoginDenied("Identity Center rejected the sign-in grant (invalid_grant); run the login again")
    if code == "InvalidClientException":
        return ServiceError("Identity Center rejected the client registration; run the login again to register anew")
    if code == "InvalidRequestException":
        message = error.response.get("Error", {}).get("Message") or "invalid request"
        return ServiceError(f"Identity Center refused the sign-in for {instance.start_url}: {message}")
    return ServiceError(f"Identity Center sign-in failed: {code or 'unknown error'}")
