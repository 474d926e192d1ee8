"""The one timestamp format every AWS cache file uses: UTC with a ``Z`` suffix."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

# botocore, the AWS CLI and ssodeck all treat a token or credential with less than this
# left as due for refresh (protocols.md 1.3, 1.5, 4).
REFRESH_WINDOW = timedelta(minutes=15)


def to_z(moment: datetime) -> str:
    """Format an aware datetime as ``YYYY-MM-DDTHH:MM:SSZ`` (botocore rejects naive values)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_z(text: str) -> datetime:
    """Parse the timestamps botocore and the AWS CLI write (``Z``, ``UTC`` or an offset).

    Naive values are taken as UTC, which is what every writer of these files meant.
    """
    value = text.strip()
    if value.endswith("UTC"):
        value = value[:-3].rstrip() + "+00:00"
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def local_display(moment: datetime) -> str:
    """Render a moment in the user's local zone, for humans."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M %Z")
