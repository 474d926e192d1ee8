"""The emulator's knobs: how sign-in approval behaves, how slow and flaky each operation is,
how long tokens live and how big portal and admin pages are.

One dataclass serves Python callers (``Emulator(..., max_rps=5)``, ``emu.configure(...)``)
and HTTP callers (``POST /_emu/config`` with the same names), and the validation is shared,
so a bad value is rejected the same way everywhere and never half-applied.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Callable

# The admin APIs, per service; their operations are counted as "<service>.<Operation>"
# (organizations.ListAccounts is not the portal's ListAccounts).
ADMIN_SERVICES: dict[str, tuple[str, ...]] = {
    "sso-admin": (
        "ListInstances", "ListPermissionSets", "DescribePermissionSet", "ListAccountsForProvisionedPermissionSet",
        "ListPermissionSetsProvisionedToAccount", "ListAccountAssignments", "ListAccountAssignmentsForPrincipal",
        "ListTagsForResource",
    ),
    "identitystore": (
        "ListUsers", "ListGroups", "DescribeUser", "DescribeGroup", "GetUserId", "GetGroupId", "ListGroupMemberships",
        "ListGroupMembershipsForMember",
    ),
    "organizations": (
        "DescribeOrganization", "ListAccounts", "DescribeAccount", "ListRoots", "ListOrganizationalUnitsForParent",
        "ListAccountsForParent", "ListChildren", "ListParents",
    ),
}
ADMIN_OPS: tuple[str, ...] = tuple(f"{service}.{op}" for service, ops in ADMIN_SERVICES.items() for op in ops)
OPS: tuple[str, ...] = (
    "RegisterClient", "StartDeviceAuthorization", "CreateToken.device_code", "CreateToken.authorization_code",
    "CreateToken.refresh_token", "Authorize", "DeviceApproval", "ListAccounts", "ListAccountRoles",
    "GetRoleCredentials", "Logout", "GetSigninToken", "FederationLogin", "GetCallerIdentity",
) + ADMIN_OPS
PORTAL_OPS = frozenset({"ListAccounts", "ListAccountRoles", "GetRoleCredentials", "Logout"})
# One token bucket (max_rps) serves the portal and the admin APIs, as one instance's quota.
RATE_LIMITED_OPS = PORTAL_OPS | frozenset(ADMIN_OPS)
APPROVAL_MODES = ("auto", "manual", "deny", "expire")
EXPIRABLE = ("access_token", "refresh_token", "registration", "device_code", "role_credentials")
HANG = "hang"


@dataclass
class Controls:
    """Current settings. Assigning attributes directly works but skips validation."""

    approval: str = "manual"
    pending_polls: int = 0
    approve_delay: float = 0.0
    slow_down_first: int = 0
    device_interval: int = 1
    device_expires_in: int = 600
    latency_ms: float | str | dict[str, float | str] = 0
    max_rps: float | None = None
    failures: dict[str, dict[str, Any]] = field(default_factory=dict)
    seed: int = 0
    token_ttl: int = 3600
    refresh_token_ttl: int = 8 * 3600
    role_credentials_ttl: int = 3600
    registration_ttl: int = 90 * 86400
    rotate_refresh_token: bool = True
    page_size_accounts: int = 20
    page_size_roles: int = 10
    page_size_admin: int = 100  # organizations pages are also capped at 20, as in AWS

    def update(self, **changes: Any) -> None:
        """Validate every change, then apply them all. ``auto_approve=True`` means approval="auto"."""
        known = {f.name for f in fields(self)}
        clean: dict[str, Any] = {}
        for name, value in changes.items():
            if name == "auto_approve":
                if not isinstance(value, bool):
                    raise ValueError("auto_approve must be true or false")
                name, value = "approval", "auto" if value else "manual"
            if name not in known:
                raise ValueError(f"unknown emulator control {name!r}; known: {', '.join(sorted(known))}")
            clean[name] = _VALIDATORS[name](name, value)
        for name, value in clean.items():
            setattr(self, name, value)

    def latency_for(self, op: str) -> float | None:
        """Seconds to wait before answering ``op``; None means never answer."""
        value = self.latency_ms.get(op, 0) if isinstance(self.latency_ms, dict) else self.latency_ms
        return None if value == HANG else float(value) / 1000.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _number(name: str, value: Any, minimum: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise ValueError(f"{name} must be a number >= {minimum:g}, not {value!r}")
    return value


def _count(name: str, value: Any, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, not {value!r}")
    return value


def _positive(name: str, value: Any) -> int:
    return _count(name, value, 1)


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false, not {value!r}")
    return value


def _approval(name: str, value: Any) -> str:
    if value not in APPROVAL_MODES:
        raise ValueError(f"{name} must be one of {', '.join(APPROVAL_MODES)}, not {value!r}")
    return value


def _op(name: str, op: Any) -> str:
    if op not in OPS:
        raise ValueError(f"{name}: unknown operation {op!r}; known: {', '.join(OPS)}")
    return op


def _latency(name: str, value: Any) -> float | str | dict[str, float | str]:
    if isinstance(value, dict):
        return {_op(name, op): _latency(f"{name}[{op}]", ms) for op, ms in value.items()}  # type: ignore[misc]
    if value == HANG:
        return HANG
    return _number(name, value)


def _max_rps(name: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError(f"{name} must be a positive number or null, not {value!r}")
    return value


def _failures(name: str, value: Any) -> dict[str, dict[str, Any]]:
    """Each op maps to {"status", "count"} or {"status", "rate"}, plus optional "shape"/"message"."""
    if not isinstance(value, dict):
        raise ValueError(f"{name} must map operation names to failure specs")
    clean: dict[str, dict[str, Any]] = {}
    for op, spec in value.items():
        label = f"{name}[{_op(name, op)}]"
        if not isinstance(spec, dict) or set(spec) - {"status", "count", "rate", "shape", "message"}:
            raise ValueError(f"{label} must be a dict of status, count or rate, shape, message")
        status = spec.get("status")
        if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
            raise ValueError(f"{label}.status must be an HTTP error status (400-599), not {status!r}")
        if ("count" in spec) == ("rate" in spec):
            raise ValueError(f"{label} needs exactly one of count or rate")
        if "count" in spec:
            _count(f"{label}.count", spec["count"])
        elif _number(f"{label}.rate", spec["rate"]) > 1:
            raise ValueError(f"{label}.rate must be between 0 and 1")
        for key in ("shape", "message"):
            if key in spec and not isinstance(spec[key], str):
                raise ValueError(f"{label}.{key} must be a string")
        clean[op] = copy.deepcopy(spec)
    return clean


_VALIDATORS: dict[str, Callable[[str, Any], Any]] = {
    "approval": _approval,
    "pending_polls": _count,
    "approve_delay": _number,
    "slow_down_first": _count,
    "device_interval": _count,
    "device_expires_in": _positive,
    "latency_ms": _latency,
    "max_rps": _max_rps,
    "failures": _failures,
    "seed": lambda name, value: _count(name, value, -(2**63)),
    "token_ttl": _positive,
    "refresh_token_ttl": _positive,
    "role_credentials_ttl": _positive,
    "registration_ttl": _positive,
    "rotate_refresh_token": _flag,
    "page_size_accounts": lambda name, value: min(_positive(name, value), 100),
    "page_size_roles": lambda name, value: min(_positive(name, value), 100),
    "page_size_admin": lambda name, value: min(_positive(name, value), 100),
}
