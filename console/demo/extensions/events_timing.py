"""Minute arithmetic shared by the firing of scheduled rules and of schedules.

The minute is the precision of both ("the minimum precision for schedules is one minute",
EventBridge user guide, eb-scheduled-rule-pattern): a fire is played in the minute its time
falls in. rate() fires at its start + n x its period (n >= 1).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from typing import Iterable

MINUTE = timedelta(minutes=1)
CATCH_UP = timedelta(hours=2)  # after a jump of the clock, only its last two hours are played
RATE_UNITS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}


def floor_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def rate_seconds(expression: str) -> int:
    value, unit = expression[5:-1].split()
    return int(value) * RATE_UNITS[unit]


def rate_fires(started: datetime, period: int, first: datetime, last: datetime) -> list[datetime]:
    """The minutes in [first, last] in which started + n x period (n >= 1) falls."""
    low = max(1, math.ceil((first - started).total_seconds() / period))
    high = math.ceil((last + MINUTE - started).total_seconds() / period) - 1
    return [floor_minute(started + timedelta(seconds=n * period)) for n in range(low, high + 1)]


def minutes(first: datetime, last: datetime) -> Iterable[datetime]:
    moment = first
    while moment <= last:
        yield moment
        moment += MINUTE


class FiredMinutes:
    """The minutes each rule (or schedule) has fired for, so none fires twice when a test sets
    the embedded clock back and moves it on again. Kept from two hours before real time on
    (the clock goes back to real time, or near it, never further); what lies ahead of it
    after a jump is kept until real time passes it. A last-fire mark alone kept a shared
    server's rules silent until real time reached a test's jump ten days ahead."""

    def __init__(self) -> None:
        self._by_arn: dict[str, set[datetime]] = {}

    def unfired(self, arn: str, due: list[datetime]) -> list[datetime]:
        fired = self._by_arn.get(arn)
        return [m for m in due if m not in fired] if fired else due

    def record(self, arn: str, fired: list[datetime]) -> None:
        self._by_arn.setdefault(arn, set()).update(fired)

    def forget_old(self) -> None:
        """Drop what no played minute can reach any more (those before real time's last two hours)."""
        oldest = floor_minute(datetime.now(timezone.utc)) - CATCH_UP
        for arn in list(self._by_arn):
            kept = {m for m in self._by_arn[arn] if m > oldest}
            if kept:
                self._by_arn[arn] = kept
            else:
                del self._by_arn[arn]
