"""Schedule expressions as EventBridge and Scheduler read them: cron(), rate(), at().

Exact next fires (AWS cron's six fields with L, W, #, the year; IANA time zones with
their DST changes) and validation that names the field and the reason. No textual.
(Interface first; the implementation lands with issue 12.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ScheduleError(ValueError):
    """An invalid expression: which field (e.g. "minutes", "day-of-week", "rate unit",
    "at", "timezone") and why, in words for the person who typed it."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


class Schedule:
    """A parsed cron(), rate() or at() expression, with the time zone it runs in
    (None: UTC, as EventBridge rules always are)."""

    expression: str
    timezone: str | None

    def next_fires(self, after: datetime, count: int = 3) -> list[datetime]:
        """The next `count` fires strictly after `after` (aware), as aware datetimes in
        the schedule's zone (UTC when none). Fewer when the schedule ends (at(), a year)."""
        raise NotImplementedError

    def fires_between(self, start: datetime, end: datetime) -> list[datetime]:
        """Every fire in (start, end]."""
        raise NotImplementedError

    def describe(self) -> str:
        """The schedule in plain English, e.g. "at 03:00 UTC every day"."""
        raise NotImplementedError


def parse(expression: str, timezone: str | None = None, *, created: datetime | None = None) -> Schedule:
    """`expression` parsed, or ScheduleError naming the field. `created`: when a rate()
    schedule started counting (AWS counts rates from the rule's creation)."""
    raise NotImplementedError
