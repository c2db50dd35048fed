"""Minute arithmetic shared by the firing of scheduled rules and of schedules.

The minute is the precision of both ("the minimum precision for schedules is one minute",
EventBridge user guide, eb-scheduled-rule-pattern): a fire is played in the minute its time
falls in. rate() fires at its start + n x its period (n >= 1).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Iterable

MINUTE = timedelta(minutes=1)
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
