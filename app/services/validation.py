"""Checks on values a user types before anything is sent or written.

A region with a space in it would be written into every populated profile, a start URL
without a host or an account ID that is no account's would be sent to Identity Center; all
are refused here with one line that says where the value came from.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from app.services.errors import BadValue

# Every AWS region name: area (us, eu, cn, il, eusc, ...), optional qualifier (gov, iso, isob,
# isof, isoe), direction, number: us-east-1, us-gov-west-1, cn-north-1, eusc-de-east-1.
REGION = re.compile(r"[a-z]{2,4}(-[a-z]{2,4})?-[a-z]+-[0-9]{1,2}")
ACCOUNT_ID = re.compile(r"[0-9]{12}")


def region(value: str, source: str = "the region") -> str:
    """``value`` if it is shaped like an AWS region name, else BadValue (exit 2)."""
    if not isinstance(value, str) or not REGION.fullmatch(value):
        raise BadValue(f"{value!r} ({source}) is not an AWS region name like us-east-1 or eu-west-1")
    return value


def regions(values: list[str] | tuple[str, ...], source: str = "--region") -> list[str]:
    return [region(value, source) for value in values]


def account_id(value: str, source: str = "--account-id") -> str:
    """``value`` if it is an AWS account ID (12 digits; ``targets.format_account_id`` pads a
    shorter number first), else BadValue (exit 2)."""
    if not isinstance(value, str) or not ACCOUNT_ID.fullmatch(value):
        raise BadValue(f"{value!r} ({source}) is not an AWS account ID like 123456789012 (12 digits)")
    return value


def looks_like_url(value: str) -> bool:
    """Start URLs are given either as URLs or, in filters, as patterns to match one."""
    return "://" in value


def start_url(value: str, source: str = "the start URL") -> str:
    """``value`` if it is an http(s) URL with a host and no spaces, else BadValue (exit 2)."""
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        parts = parts._replace(netloc="")
    if parts.scheme not in ("https", "http") or not parts.hostname or any(char.isspace() for char in value):
        raise BadValue(f"{value!r} ({source}) is not an Identity Center start URL like https://my-org.awsapps.com/start")
    return value
