"""Schedule expressions as EventBridge and Scheduler read them: cron(), rate(), at().

Exact next fires (AWS cron's six fields with L, W, #, the year; IANA time zones with
their DST changes) and validation that names the field and the reason. No textual.

No library gets AWS cron right (measured for issue 12: pyawscron is UTC-only, does not
validate and crashes on Feb 29 in non-leap years; croniter and cronsim number weekdays
0-6 and have no year), hence this engine, property-tested against the embedded AWS's
independent minute-by-minute reading (console.demo.cron_minutes).

The search is exact and does not step through minutes: it walks the sorted values of
each field (years, months, the firing days of each month, hours, minutes) from the
starting wall-clock time, so a rule that fires once in four years costs a few steps.

Time zones (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html,
and AWS's knowledge-center answer https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst):
cron() and at() follow the zone's wall clock. A wall time skipped by a spring-forward
change does not fire ("your schedule invocation gets skipped"). A wall time repeated by
a fall-back change fires once, at its FIRST occurrence: AWS says it "runs only once and
doesn't repeat its invocation", and the first occurrence is when the clock first shows
that time, so a repeat is the second one. rate() is a fixed duration ("days represents
a 24-hour duration") and ignores the wall clock. EventBridge rules always run in UTC
(timezone None).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone as fixed_zone
from functools import lru_cache
from typing import Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from console.services.events import schedule_english as english
from console.services.events.schedule_cron import CronFields, CronSyntaxError, read_cron

UTC = fixed_zone.utc
_MINUTE = timedelta(minutes=1)
_RATE = re.compile(r"rate\((.*)\)", re.S)
_AT_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
RATE_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
RATE_UNITS = frozenset(RATE_SECONDS) | {unit + "s" for unit in RATE_SECONDS}
# rate() counts from when the rule was created; without that, from the epoch, so that
# rate(5 minutes) lands on :00, :05, ... (a stated choice: the console knows no better).
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


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

    def __init__(self, expression: str, timezone: str | None) -> None:
        self.expression = expression
        self.timezone = timezone
        self.zone = ZoneInfo(timezone) if timezone else UTC

    def next_fires(self, after: datetime, count: int = 3) -> list[datetime]:
        """The next `count` fires strictly after `after` (aware), as aware datetimes in
        the schedule's zone (UTC when none). Fewer when the schedule ends (at(), a year)."""
        fires = []
        if count > 0:
            for fire in self._fires(after):
                fires.append(fire)
                if len(fires) == count:
                    break
        return fires

    def fires_between(self, start: datetime, end: datetime) -> list[datetime]:
        """Every fire in (start, end]."""
        end_utc = _aware(end).astimezone(UTC)
        fires = []
        for fire in self._fires(start):
            if fire > end_utc:
                break
            fires.append(fire)
        return fires

    def describe(self) -> str:
        """The schedule in plain English, e.g. "at 03:00 UTC every day"."""
        raise NotImplementedError

    def _fires(self, after: datetime) -> Iterator[datetime]:
        try:
            yield from self._fires_after(_aware(after))
        except OverflowError:  # past datetime's year 9999: no fires to tell of
            return

    def _fires_after(self, after: datetime) -> Iterator[datetime]:
        """Every fire strictly after `after` (aware), in order."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.expression!r}, {self.timezone!r})"


class CronSchedule(Schedule):
    def __init__(self, expression: str, timezone: str | None, fields: CronFields) -> None:
        super().__init__(expression, timezone)
        self.fields = fields
        self._days: dict[tuple[int, int], tuple[int, ...]] = {}

    def describe(self) -> str:
        return english.cron(self.fields, self.timezone)

    def _fires_after(self, after: datetime) -> Iterator[datetime]:
        zone = self.zone
        after_local = after.astimezone(zone)
        start = after_local.replace(second=0, microsecond=0, tzinfo=None, fold=0) + _MINUTE
        if zone is UTC:  # no DST: every wall time exists once
            for year, month, day, hour, minute in self._walls_from(start):
                yield datetime(year, month, day, hour, minute, tzinfo=UTC)
            return
        after_timestamp = after.timestamp()
        for year, month, day, hour, minute in self._walls_from(start):
            fire = datetime(year, month, day, hour, minute, tzinfo=zone)
            # In a gap or a repeat, fold=0 reads the time with the offset from before the
            # change and fold=1 with the one after (PEP 495). A larger offset after means
            # the clock jumped forward over this time: it never shows it, so no fire. A
            # smaller one means a repeat, and fold=0 is its first occurrence: it fires.
            if fire.utcoffset() < fire.replace(fold=1).utcoffset():
                continue
            # After `after` in time, not just on the wall clock: `after` may lie in the
            # second pass of a repeated hour, whose wall times already fired in the first.
            if fire.timestamp() > after_timestamp:
                yield fire

    def _walls_from(self, start: datetime) -> Iterator[tuple[int, int, int, int, int]]:
        """Every firing wall-clock minute at or after `start` (naive), in order."""
        fields = self.fields
        minutes, hours, months, years = fields.minutes, fields.hours, fields.months, fields.years
        y0, mo0, d0, h0, mi0 = start.year, start.month, start.day, start.hour, start.minute
        for year in years[bisect_left(years, y0):]:
            first_year = year == y0
            for month in months[bisect_left(months, mo0) if first_year else 0:]:
                first_month = first_year and month == mo0
                days = self._days.get((year, month))
                if days is None:
                    days = self._days[(year, month)] = fields.days.days(year, month)
                for day in days[bisect_left(days, d0) if first_month else 0:]:
                    first_day = first_month and day == d0
                    for hour in hours[bisect_left(hours, h0) if first_day else 0:]:
                        first_hour = first_day and hour == h0
                        for minute in minutes[bisect_left(minutes, mi0) if first_hour else 0:]:
                            yield year, month, day, hour, minute


class RateSchedule(Schedule):
    def __init__(self, expression: str, timezone: str | None, value: int, unit: str,
                 created: datetime | None) -> None:
        super().__init__(expression, timezone)
        self.value, self.unit = value, unit
        self.period = timedelta(seconds=value * RATE_SECONDS[unit.rstrip("s")])
        # Schedules fire with minute precision: the count starts at the created minute.
        self.start = _aware(created).astimezone(UTC).replace(second=0, microsecond=0) if created else EPOCH

    def describe(self) -> str:
        return english.rate(self.value, self.unit)

    def _fires_after(self, after: datetime) -> Iterator[datetime]:
        # Fires at start, start + period, ... (the Scheduler guide: with no start date a
        # rate schedule "begins invoking the target immediately").
        after = after.astimezone(UTC)
        if after < self.start:
            index = 0
        else:
            index = (after - self.start) // self.period + 1
        fire = self.start + index * self.period
        while True:
            yield fire.astimezone(self.zone)
            fire += self.period


class AtSchedule(Schedule):
    def __init__(self, expression: str, timezone: str | None, wall: datetime) -> None:
        super().__init__(expression, timezone)
        self.wall = wall  # naive, on the zone's clock

    def describe(self) -> str:
        return english.once(self.wall, self.timezone)

    def _fires_after(self, after: datetime) -> Iterator[datetime]:
        fire = self.wall.replace(second=0, tzinfo=self.zone)
        if self.zone is not UTC and fire.utcoffset() < fire.replace(fold=1).utcoffset():
            return  # a time the spring-forward change skips never comes: as cron(), no fire
        if fire.timestamp() > after.timestamp():
            yield fire


def _aware(moment: datetime) -> datetime:
    """Naive datetimes are read as UTC (AWS's and the Clock's zone)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def parse(expression: str, timezone: str | None = None, *, created: datetime | None = None) -> Schedule:
    """`expression` parsed, or ScheduleError naming the field. `created`: when a rate()
    schedule started counting (AWS counts rates from the rule's creation)."""
    return _parse(expression, timezone, created)


@lru_cache(maxsize=4096)
def _parse(expression: str, timezone: str | None, created: datetime | None) -> Schedule:
    # Cached: a panel asks again on every refresh, and a CronSchedule keeps the firing
    # days of the months it has seen.
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ScheduleError("timezone", f"{timezone!r} is not an IANA time zone (e.g. Europe/Berlin)") from None
    if expression.startswith("cron(") and expression.endswith(")"):
        try:
            return CronSchedule(expression, timezone, read_cron(expression[5:-1]))
        except CronSyntaxError as exc:
            raise ScheduleError(exc.field, exc.reason) from None
    rate = _RATE.fullmatch(expression)
    if rate:
        value, unit = _rate_parts(rate.group(1))
        return RateSchedule(expression, timezone, value, unit, created)
    if expression.startswith("at(") and expression.endswith(")"):
        return AtSchedule(expression, timezone, _at_wall(expression[3:-1]))
    raise ScheduleError("expression", "expected cron(...), rate(...) or at(...), e.g. cron(0 3 * * ? *)")


def _rate_parts(body: str) -> tuple[int, str]:
    """rate(value unit), with the guide's rule: a value of 1 takes a singular unit,
    a larger one a plural (eb-rate-expressions.html)."""
    parts = body.split()
    if len(parts) != 2:
        raise ScheduleError("rate", "expected rate(value unit), e.g. rate(5 minutes)")
    value_text, unit = parts
    if not (value_text.isascii() and value_text.isdigit()) or int(value_text) == 0:
        raise ScheduleError("rate value", f"must be a positive whole number, got {value_text!r}")
    if unit not in RATE_UNITS:
        raise ScheduleError("rate unit", f"must be minute(s), hour(s) or day(s), got {unit!r}")
    value = int(value_text)
    if value == 1 and unit.endswith("s"):
        raise ScheduleError("rate unit", f"a value of 1 takes {unit[:-1]!r}, not {unit!r}")
    if value > 1 and not unit.endswith("s"):
        raise ScheduleError("rate unit", f"a value above 1 takes {unit + 's'!r}, not {unit!r}")
    return value, unit


def _at_wall(body: str) -> datetime:
    if not _AT_TIME.fullmatch(body):
        raise ScheduleError("at", f"expected yyyy-mm-ddThh:mm:ss, got {body!r}")
    try:
        return datetime.fromisoformat(body)
    except ValueError:
        raise ScheduleError("at", f"{body} is not a real date and time") from None
