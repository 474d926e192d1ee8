"""Console sign-in through the AWS federation endpoint, and the config token that carries a launch.

Role credentials are swapped for a sign-in token (``getSigninToken``), and the token goes into
a login URL that opens the AWS console. Everything here except ``get_signin_token`` is pure, so
the region, partition and destination rules are tested without a network. The login URL works
once, for 15 minutes, and signs whoever holds it in: it is a secret and never goes into an
error message (protocols.md 5.2).
"""

from __future__ import annotations

import http.client
import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from urllib.parse import quote, unquote_plus, urlencode, urljoin, urlsplit, urlunsplit

from app.models import RoleCredentials
from app.services.errors import ConfigError, ServiceError

ENDPOINT_ENV = "SSODECK_FEDERATION_ENDPOINT"
TIMEOUT_SECONDS = 30.0

# Region prefix -> partition. The ISO partitions (us-iso-*, us-isob-*, ...) are left as "aws":
# their sign-in hosts are not public, so nothing better than the commercial default is known.
_PARTITION_PREFIXES = (("us-gov-", "aws-us-gov"), ("cn-", "aws-cn"))
# Partition -> (global sign-in host, console host). GovCloud and China have one sign-in host
# each (protocols.md 5.3); the commercial partition also has regional ones.
_HOSTS = {
    "aws": ("signin.aws.amazon.com", "console.aws.amazon.com"),
    "aws-us-gov": ("signin.amazonaws-us-gov.com", "console.amazonaws-us-gov.com"),
    "aws-cn": ("signin.amazonaws.cn", "console.amazonaws.cn"),
}
# Where the browser lands after --logout-first in the commercial partition; GovCloud and China
# have no public equivalent, so they end on the sign-in page.
_SIGNED_OUT_PAGE = "https://aws.amazon.com/premiumsupport/knowledge-center/sign-out-account/"


def partition_of(region: str | None) -> str:
    for prefix, partition in _PARTITION_PREFIXES:
        if region and region.startswith(prefix):
            return partition
    return "aws"


def federation_endpoint(region: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The endpoint for the *console* region (not the SSO region), or the override as given."""
    env = os.environ if environ is None else environ
    override = env.get(ENDPOINT_ENV, "").strip()
    if override:
        return override
    partition = partition_of(region)
    host = _HOSTS[partition][0]
    if partition == "aws" and region and region != "us-east-1":
        host = f"{region}.{host}"
    return f"https://{host}/federation"


def is_aws_signin_endpoint(endpoint: str) -> bool:
    """True for an https URL on an AWS sign-in host (any partition, global or regional)."""
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        return False
    if parts.scheme != "https" or parts.username or parts.password or port not in (None, 443):
        return False
    return any(host == signin or host.endswith("." + signin) for signin, _ in _HOSTS.values())


def console_destination(region: str | None, destination: str | None = None, *, override_region: bool = False) -> str:
    """The console URL to land on, built the way aws-sso-util builds it (reference 2.7).

    Only the path, query and fragment of ``destination`` are kept, so a full console URL
    copied from another region lands on this region's host. With a region, ``region=R`` is
    added to the query unless one is there; ``override_region`` replaces an existing one.
    """
    partition = partition_of(region)
    console_host = _HOSTS[partition][1]
    if partition == "aws" and region:
        console_host = f"{region}.{console_host}"
    url = f"https://{console_host}/"
    if destination:
        parts = urlsplit(destination)
        url = urljoin(url, urlunsplit(("", "", parts.path, parts.query, parts.fragment)))
    return _with_region(url, region, override_region) if region else url


def _with_region(url: str, region: str, override: bool) -> str:
    parts = urlsplit(url)
    pairs = [pair for pair in parts.query.split("&") if pair]
    has_region = any(unquote_plus(pair.split("=", 1)[0]) == "region" for pair in pairs)
    if has_region and not override:
        return url
    kept = [pair for pair in pairs if unquote_plus(pair.split("=", 1)[0]) != "region"]
    query = "&".join([*kept, urlencode({"region": region})])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def logout_url(federation_endpoint: str, region: str | None = None) -> str:
    """The URL that ends an existing console session, on the same host as the sign-in."""
    parts = urlsplit(federation_endpoint)
    base = parts.path.rsplit("/", 1)[0]
    query = {"Action": "logout"}
    if partition_of(region) == "aws":
        query["redirect_uri"] = _SIGNED_OUT_PAGE
    return urlunsplit((parts.scheme, parts.netloc, f"{base}/oauth", urlencode(query), ""))


def endpoint_host(endpoint: str) -> str:
    """The endpoint's host for messages: no user info, no query."""
    parts = urlsplit(endpoint)
    host = parts.hostname or "?"
    return f"{host}:{parts.port}" if parts.port else host


def _query_url(endpoint: str, params: Mapping[str, str]) -> str:
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"


def get_signin_token(
    credentials: RoleCredentials,
    federation_endpoint: str,
    duration_seconds: int | None,
    *,
    notify: Callable[[str], None] | None = None,
) -> str:
    """Exchange role credentials for a sign-in token.

    ``SessionDuration`` is sent only when asked for; the endpoint refuses it for some
    credentials with a plain 400, so a 400 then gets one retry without it (protocols.md 5.1),
    and ``notify`` hears that the console session will last as long as the credentials.
    """
    if urlsplit(federation_endpoint).scheme not in ("http", "https"):
        raise ConfigError(f"the federation endpoint must be an http(s) URL, not {federation_endpoint!r}")
    session = json.dumps(
        {
            "sessionId": credentials.access_key_id,
            "sessionKey": credentials.secret_access_key,
            "sessionToken": credentials.session_token,
        }
    )
    params = {"Action": "getSigninToken", "Session": session}
    if duration_seconds is not None:
        status, body = _get(_query_url(federation_endpoint, {**params, "SessionDuration": str(duration_seconds)}), federation_endpoint)
        if status == 400:
            if notify is not None:
                notify(
                    f"the federation endpoint refused a {duration_seconds // 60}-minute session; "
                    "retrying without it, so the console session lasts as long as the role credentials"
                )
            status, body = _get(_query_url(federation_endpoint, params), federation_endpoint)
    else:
        status, body = _get(_query_url(federation_endpoint, params), federation_endpoint)
    if status != 200:
        hint = " (the role credentials were not accepted)" if status == 400 else ""
        raise ServiceError(f"the federation endpoint {endpoint_host(federation_endpoint)} refused the console sign-in: HTTP {status}{hint}")
    try:
        token = json.loads(body)["SigninToken"]
    except (ValueError, KeyError, TypeError):
        token = None
    if not isinstance(token, str) or not token:
        raise ServiceError(f"the federation endpoint {endpoint_host(federation_endpoint)} answered without a sign-in token")
    return token


def _get(url: str, endpoint: str) -> tuple[int, bytes]:
    """One GET; returns (status, body) for any HTTP answer. ``url`` holds credentials, so no
    error text is derived from it: messages name ``endpoint``'s host only."""
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        error.close()
        return error.code, b""
    except urllib.error.URLError as error:
        reason = getattr(error.reason, "strerror", None) or type(error.reason).__name__
        raise ServiceError(f"cannot reach the federation endpoint {endpoint_host(endpoint)}: {reason}") from None
    except OSError as error:
        raise ServiceError(f"cannot reach the federation endpoint {endpoint_host(endpoint)}: {error.strerror or 'timed out'}") from None
    except http.client.HTTPException as error:
        raise ServiceError(f"the federation endpoint {endpoint_host(endpoint)} sent a malformed answer ({type(error).__name__})") from None


def login_url(federation_endpoint: str, signin_token: str, destination: str, issuer: str) -> str:
    """The one-time console sign-in URL. A secret: print it only when asked to."""
    return _query_url(
        federation_endpoint,
        {"Action": "login", "Issuer": issuer, "Destination": destination, "SigninToken": signin_token},
    )


def portal_shortcut_url(start_url: str, account_id: str, role_name: str, destination: str | None = None) -> str:
    """An access-portal shortcut link: it signs in through the portal, so it holds no secret."""
    base = start_url.rstrip("/")
    if base.endswith("#"):
        base = base[:-1].rstrip("/")
    params = {"account_id": account_id, "role_name": role_name}
    if destination:
        params["destination"] = destination
    return f"{base}/#/console?{urlencode(params, quote_via=quote)}"
