"""botocore clients for the Identity Center data plane (sso-oidc and the portal).

These APIs take no SigV4 signature, so clients are unsigned and never look for AWS
credentials; the AWS_PROFILE of the caller is ignored (a missing profile must not break
sign-in). Endpoints still follow botocore's own resolution, so ``AWS_ENDPOINT_URL_SSO`` and
``AWS_ENDPOINT_URL_SSO_OIDC`` point them at a local emulator exactly as they do for the
AWS CLI. Clients are cached per process because creating one costs tens of milliseconds.
"""

from __future__ import annotations

import os
import threading
from typing import Any

_lock = threading.Lock()
_clients: dict[tuple, Any] = {}


def _endpoint_env(service: str) -> tuple[str, str]:
    name = "AWS_ENDPOINT_URL_" + service.upper().replace("-", "_")
    return os.environ.get(name, ""), os.environ.get("AWS_ENDPOINT_URL", "")


def client(service: str, region: str, *, max_attempts: int = 1, max_pool: int = 10) -> Any:
    """An unsigned botocore client; retries are left to ssodeck's own limiter by default."""
    key = (service, region, max_attempts, max_pool, _endpoint_env(service))
    with _lock:
        cached = _clients.get(key)
        if cached is None:
            cached = _clients[key] = _make(service, region, max_attempts, max_pool)
        return cached


def _make(service: str, region: str, max_attempts: int, max_pool: int) -> Any:
    import botocore.session
    from botocore import UNSIGNED
    from botocore.config import Config
    from botocore.configprovider import ConstantProvider
    from botocore.exceptions import ConfigParseError

    session = botocore.session.Session()
    # The data plane needs no profile, and a caller's AWS_PROFILE naming a profile that does
    # not exist would otherwise make botocore fail before any request.
    session.get_component("config_store").set_config_provider("profile", ConstantProvider(None))
    config = Config(
        signature_version=UNSIGNED,
        region_name=region,
        retries={"total_max_attempts": max_attempts, "mode": "standard"},
        connect_timeout=10,
        read_timeout=30,
        max_pool_connections=max_pool,
        user_agent_extra="ssodeck",
    )
    try:
        return session.create_client(service, region_name=region, config=config)
    except ConfigParseError:
        from app.services.awsconfig import load_config

        load_config()  # raises ConfigError naming the file and line
        raise


def error_code(error: Exception) -> str:
    """The modelled error code of a botocore ClientError ('' for anything else)."""
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def endpoint_of(client_: Any) -> str:
    return str(client_.meta.endpoint_url).rstrip("/")


def transport_problem(error: Exception) -> str:
    """A botocore transport failure in words, with the endpoint (never a token) when known."""
    url = (getattr(error, "kwargs", None) or {}).get("endpoint_url")
    kind = {"EndpointConnectionError": "connection failed", "ConnectTimeoutError": "connect timeout", "ReadTimeoutError": "read timeout"}.get(type(error).__name__, type(error).__name__)
    return f"{kind} at {url.split('?')[0]}" if url else kind
