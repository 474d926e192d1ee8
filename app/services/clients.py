"""botocore clients for the Identity Center data plane (sso-oidc and the portal).

These APIs take no SigV4 signature, so clients are unsigned and never look for AWS
credentials; the AWS_PROFILE of the caller is ignored (a missing profile must not break
sign-in). Endpoints still follow botocore's own resolution, so ``AWS_ENDPOINT_URL_SSO`` and
``AWS_ENDPOINT_URL_SSO_OIDC`` point them at a local emulator exactly as they do for the
AWS CLI, and so do ``[services]`` sections and ``endpoint_url`` in ``[default]``. botocore
gets those file settings from ssodeck's own parse of the config, which the command has
made already, instead of parsing the file again itself. Clients are cached per process
because creating one costs tens of milliseconds.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from app.services.awsconfig import load_config, raw_sections, read_config_text
from app.services.paths import aws_credentials_name

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
    from botocore import UNSIGNED
    from botocore.config import Config
    from botocore.configprovider import ConstantProvider

    session = _session(_file_settings())
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
    return session.create_client(service, region_name=region, config=config)


def _file_settings() -> dict[str, Any]:
    """What botocore's ``Session.full_config`` holds for a session without a profile: the
    ``[default]`` profile with the credentials file's ``[default]`` merged over it, as
    botocore merges them, and the ``[services]`` sections. Raises ConfigError naming the
    file and line for a file botocore could not read either."""
    config = load_config()
    credentials = aws_credentials_name()
    merged = dict(config.profiles.get("default", {}))
    merged.update(raw_sections(read_config_text(credentials), credentials).get("default", {}))
    return {"profiles": {"default": merged} if merged else {}, "sso_sessions": config.sso_sessions, "services": config.services}


def _session(full_config: dict[str, Any]) -> Any:
    """A botocore Session that reads its file settings from ``full_config`` rather than the files.

    botocore takes every file setting a client uses (endpoint URLs, ``[services]``,
    ``ca_bundle``, retry and defaults modes, ...) through the public ``Session.full_config``
    property, so overriding it is all it takes. This is the one place that relies on that;
    tests/test_clients.py fails loudly if botocore ever parses a file behind it.
    """
    import botocore.session

    class ParsedSession(botocore.session.Session):
        @property
        def full_config(self) -> dict[str, Any]:
            return full_config

    return ParsedSession()


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
