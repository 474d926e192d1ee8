"""Console config tokens (reference 2.8): a shareable, credential-free description of a
console launch, as compact JSON in URL-safe base64, byte-compatible with aws-sso-util's."""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.services.console import ENDPOINT_ENV, endpoint_host, is_aws_signin_endpoint
from app.services.errors import ConfigError

TOKEN_VERSION = "1"
# Long name -> compact name, in the order a token is written.
_COMPACT = {
    "version": "v",
    "sso_start_url": "ssourl",
    "sso_region": "ssoreg",
    "federation_endpoint": "url",
    "destination": "dst",
    "account_id": "acc",
    "role_name": "rol",
    "region": "reg",
    "duration": "dur",
    "issuer": "iss",
}
_LONG = {compact: long for long, compact in _COMPACT.items()}
_REQUIRED = ("sso_start_url", "sso_region", "federation_endpoint", "destination")


@dataclass(frozen=True)
class ConfigToken:
    """A console launch to share: where to sign in, and optionally which role and for how long.

    The endpoint and destination are computed when the token is made, as aws-sso-util does,
    so tokens pass between the two tools. ``duration`` is in minutes. ``warnings`` lists
    what decoding ignored, for the caller to show.
    """

    sso_start_url: str
    sso_region: str
    federation_endpoint: str
    destination: str
    account_id: str | None = None
    role_name: str | None = None
    region: str | None = None
    duration: int | None = None
    issuer: str | None = None
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def as_dict(self) -> dict[str, Any]:
        """Long key names, version first, optional keys only when set."""
        data: dict[str, Any] = {"version": TOKEN_VERSION}
        for name in _COMPACT:
            value = getattr(self, name, None)
            if name != "version" and value is not None:
                data[name] = value
        return data


def encode_config_token(token: ConfigToken) -> str:
    compact = {_COMPACT[name]: value for name, value in token.as_dict().items()}
    text = json.dumps(compact, ensure_ascii=True, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode("ascii")).decode("ascii")


def decode_config_token(text: str) -> ConfigToken:
    """Read a token in compact or long key names; unknown keys become warnings."""
    raw = "".join(text.split())
    try:
        decoded = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        data = json.loads(decoded.decode("utf-8"))
    except (binascii.Error, ValueError) as error:
        raise ConfigError(f"The config token is invalid: {_describe(error)}") from None
    if not isinstance(data, dict):
        raise ConfigError("The config token is invalid: it does not hold a JSON object")
    values: dict[str, Any] = {}
    unknown: list[str] = []
    for key, value in data.items():
        name = _LONG.get(key, key if key in _COMPACT else None)
        if name is None:
            unknown.append(key)
        elif name in values:
            raise ConfigError(f"The config token is invalid: {name} is given twice")
        else:
            values[name] = value
    version = values.pop("version", None)
    if version != TOKEN_VERSION:
        shown = "missing" if version is None else repr(version)
        raise ConfigError(f"unsupported config token version ({shown}); this ssodeck reads version {TOKEN_VERSION}")
    for name in _REQUIRED:
        if not isinstance(values.get(name), str) or not values[name]:
            raise ConfigError(f"The config token is invalid: {name} is missing")
    for name, value in values.items():
        expected = int if name == "duration" else str
        if value is not None and (not isinstance(value, expected) or isinstance(value, bool)):
            raise ConfigError(f"The config token is invalid: {name} must be {'a whole number' if expected is int else 'text'}")
    warnings = tuple(f"the config token has an unknown key {key!r}; ignoring it" for key in unknown)
    return ConfigToken(**values, warnings=warnings)


def token_endpoint(token: ConfigToken, environ: Mapping[str, str] | None = None) -> str:
    """Where to exchange credentials for a launch from ``token``.

    The override wins, as everywhere. Otherwise the token's own endpoint is used only if it
    is an AWS sign-in host: role credentials are sent there, and a token handed over by
    someone else must not be able to send them to an arbitrary server.
    """
    env = os.environ if environ is None else environ
    override = env.get(ENDPOINT_ENV, "").strip()
    if override:
        return override
    if not is_aws_signin_endpoint(token.federation_endpoint):
        raise ConfigError(
            f"the config token names {endpoint_host(token.federation_endpoint)} as its federation endpoint, which is not "
            "an AWS sign-in endpoint; refusing to send role credentials there"
        )
    return token.federation_endpoint


def _describe(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "not UTF-8 text"
    if isinstance(error, json.JSONDecodeError):
        return f"not JSON ({error.msg})"
    return "not URL-safe base64"
