"""Where a log read starts: `now`, a time ago (`-5m`, `1h`, `2d`), or a moment.

The same words in the log view and `opsdeck logs tail --since`. A time ago may carry a
leading minus (`-5m` reads as "5 minutes ago", as `5m` does); a moment is ISO 8601
(`2026-11-27T12:00:00Z`, an offset, or no zone: UTC) or epoch milliseconds.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

_AGO = re.compile(r"^-?\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d|w)$", re.IGNORECASE)
_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
EXPECTED = ("now, a time ago such as -5m, 1h or 2d (s, m, h, d, w), "
            "or a time such as 2026-11-27T12:00:00Z")


class StartError(ValueError):
    """A start that is none of the accepted forms; the message says what was expected."""


def parse_start(text: str, now: datetime) -> datetime:
    """The UTC moment `text` names, relative to `now`."""
    value = (text or "").strip()
    if value.lower() == "now":
        return now
    match = _AGO.match(value)
    if match:
        return now - timedelta(seconds=float(match.group(1)) * _SECONDS[match.group(2).lower()])
    if value.isdigit() and len(value) >= 12:  # epoch milliseconds, CloudWatch's own unit
        return datetime.fromtimestamp(int(value) / 1000, timezone.utc)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise StartError(f"expected {EXPECTED}; got {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
