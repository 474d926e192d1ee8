"""The one timestamp format every AWS cache file uses: UTC with a ``Z`` suffix.

datetime is imported on first use, not with this module: credential-process's fast path
compares ``Z`` strings with :func:`z_in` and never needs it.
"""

from __future__ import annotations

import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime

# botocore, the AWS CLI and ssodeck all treat a token or credential with less than this
# left as due for refresh (protocols.md 1.3, 1.5, 4). models.REFRESH_WINDOW is the timedelta.
REFRESH_SECONDS = 15 * 60
Z_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def to_z(moment: datetime) -> str:
    """Format an aware datetime as ``YYYY-MM-DDTHH:MM:SSZ`` (botocore rejects naive values)."""
    from datetime import timezone

    return moment.astimezone(timezone.utc).strftime(Z_FORMAT)


def from_z(text: str) -> datetime:
    """Parse the timestamps botocore and the AWS CLI write (``Z``, ``UTC`` or an offset).

    Naive values are taken as UTC, which is what every writer of these files meant.
    """
    from datetime import datetime, timezone

    if not isinstance(text, str):
        raise TypeError(f"a timestamp must be a string, not {type(text).__name__}")
    value = text.strip()
    if value.endswith("UTC"):
        value = value[:-3].rstrip() + "+00:00"
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def is_z(text: str) -> bool:
    """True for exactly ``YYYY-MM-DDTHH:MM:SSZ``, the form whose string order is time order."""
    if len(text) != 20 or not text.isascii() or text[4] + text[7] + text[10] + text[13] + text[16] + text[19] != "--T::Z":
        return False
    digits = text[:4] + text[5:7] + text[8:10] + text[11:13] + text[14:16] + text[17:19]
    if not digits.isdigit():
        return False
    month, day, hour, minute, second = (int(text[i : i + 2]) for i in (5, 8, 11, 14, 17))
    return 1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60 and second < 60


def z_in(seconds: float) -> str:
    """The moment ``seconds`` from now, in the ``Z`` form."""
    return time.strftime(Z_FORMAT, time.gmtime(time.time() + seconds))


def local_display(moment: datetime) -> str:
    """Render a moment in the user's local zone, for humans."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M %Z")
