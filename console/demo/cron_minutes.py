"""Is this minute a fire of this cron()? A deliberately naive reading of AWS schedules.

The embedded AWS asks, minute by minute of its simulated clock, whether a scheduled rule
or schedule fires; the console's tests step it the same way to check the console's fast
next-fire search. So this module is written for obviousness, not speed: every field is
read from the text and every value compared literally (the text's reading is cached,
so stepping through a year of minutes stays quick). It sits below console.services and never imports it: it is written from
AWS's documentation, independently of the console's code.

Sources:
- https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
  (six fields, their values and wildcards, "#" only as the one day-of-week expression,
  exactly one of day-of-month / day-of-week is "?")
- https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rate-expressions.html
  (rate(value unit): 1 takes a singular unit, more a plural one)
- https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
  (at(yyyy-mm-ddThh:mm:ss); time zones) and
  https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst (a wall-clock time
  skipped by a spring-forward change does not fire, a repeated fall-back time fires once)
- Quartz's CronTrigger (AWS cron derives from it) for what the guide leaves open: L, W,
  # in detail, wrap-around ranges ("FRI-MON"), names in any case, L alone in
  day-of-week meaning Saturday, W never leaving its month.

Readings chosen where the documentation is silent (the console's engine keeps the same):
- A repeated fall-back wall time fires at its first occurrence only (the guide says it
  runs once; the first occurrence is when the clock first shows it).
- "nW" in a month that has no day n (31W in April) does not fire that month, as plain 31
  does not; Quartz leaves this undefined.
- "L-3" (Quartz's offset from the last day) is not in EventBridge's documentation and is
  rejected; so are L, W and # inside lists or ranges (Quartz rejects those too).
- "/" is accepted in day-of-week (Quartz accepts it; the guide lists it for the other
  numeric fields and some of its versions for day-of-week).
- A step may be at most the field's largest value (Quartz's limits: 59, 23, 31, 12, 7;
  229 for the year).
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

FIELD_NAMES = ("minutes", "hours", "day-of-month", "month", "day-of-week", "year")
LOWEST = {"minutes": 0, "hours": 0, "day-of-month": 1, "month": 1, "day-of-week": 1, "year": 1970}
HIGHEST = {"minutes": 59, "hours": 23, "day-of-month": 31, "month": 12, "day-of-week": 7, "year": 2199}
LARGEST_STEP = {"minutes": 59, "hours": 23, "day-of-month": 31, "month": 12, "day-of-week": 7, "year": 229}
MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]  # 1 = Sunday, as AWS numbers them

RATE_UNITS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}


class Invalid(ValueError):
    """`field: reason`."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


# ---------------------------------------------------------------- the public questions


@lru_cache(maxsize=4096)
def check(expression: str) -> None:
    """Return if `expression` is a valid cron(), rate() or at(); raise ValueError
    ("field: reason") if not."""
    if expression.startswith("cron(") and expression.endswith(")"):
        fields = _cron_fields(expression)
        for name, text in zip(FIELD_NAMES, fields):
            _check_field(name, text)
        _check_day_fields(fields[2], fields[4])
    elif expression.startswith("rate(") and expression.endswith(")"):
        _check_rate(expression[5:-1])
    elif expression.startswith("at(") and expression.endswith(")"):
        _at_time(expression[3:-1])
    else:
        raise Invalid("expression", "expected cron(...), rate(...) or at(...)")


def rate_period(expression: str) -> timedelta:
    """The fixed interval of a valid rate() (rate(5 minutes): 5 minutes; a day is 24
    hours, whatever the wall clock does), or ValueError."""
    check(expression)
    if not expression.startswith("rate("):
        raise ValueError(f"{expression!r} is not a rate() expression")
    value, unit = expression[5:-1].split()
    return timedelta(seconds=int(value) * RATE_UNITS[unit])


def fires_at(expression: str, minute: datetime, timezone: str | None = None) -> bool:
    """Whether `minute` (seconds ignored) is a fire of the cron() or at() `expression`
    in `timezone` (None: UTC). An aware `minute` is an instant, read on the zone's wall
    clock; a naive one is a wall-clock time in the zone (its `fold` says which of a
    repeated hour's two passes). The second pass of a repeated hour never fires."""
    zone = _zone(timezone)
    check(expression)
    if minute.tzinfo is not None:
        wall = minute.astimezone(zone)  # an instant: its wall time exists
    else:
        wall = minute.replace(tzinfo=zone)
        if not _exists(wall):
            return False
    if _second_pass(wall):
        return False
    if expression.startswith("at("):
        fire = _at_time(expression[3:-1])
        return (wall.year, wall.month, wall.day, wall.hour, wall.minute) == (
            fire.year, fire.month, fire.day, fire.hour, fire.minute)
    if expression.startswith("rate("):
        raise ValueError("rate() counts from its creation, not the wall clock: fires_at cannot say")
    m, h, dom, month, dow, year = _cron_fields(expression)
    return (
        _matches_plain("minutes", m, wall.minute)
        and _matches_plain("hours", h, wall.hour)
        and _matches_plain("month", month, wall.month)
        and _matches_plain("year", year, wall.year)
        and _matches_day_of_month(dom, wall)
        and _matches_day_of_week(dow, wall)
    )


# ---------------------------------------------------------------- time zones


@lru_cache(maxsize=None)
def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid("timezone", f"{name!r} is not an IANA time zone") from None


def _exists(wall: datetime) -> bool:
    """A wall time inside a spring-forward gap does not survive a round trip."""
    back = wall.astimezone(UTC).astimezone(wall.tzinfo)
    return back.replace(tzinfo=None) == wall.replace(tzinfo=None)


def _second_pass(wall: datetime) -> bool:
    """True for the later of a repeated hour's two passes."""
    if wall.fold == 0:
        return False
    return wall.utcoffset() != wall.replace(fold=0).utcoffset()


# ---------------------------------------------------------------- cron: reading the text


@lru_cache(maxsize=4096)
def _cron_fields(expression: str) -> tuple[str, ...]:
    fields = tuple(expression[5:-1].split())
    if len(fields) != 6:
        raise Invalid(
            "expression",
            f"cron() takes 6 fields (minutes hours day-of-month month day-of-week year), got {len(fields)}",
        )
    return fields


def _number(field: str, text: str) -> int:
    """A value of the field: digits, or a month or day name (any case)."""
    upper = text.upper()
    if field == "month" and upper in MONTH_NAMES:
        return MONTH_NAMES.index(upper) + 1
    if field == "day-of-week" and upper in DAY_NAMES:
        return DAY_NAMES.index(upper) + 1
    if not text.isdigit() or not text.isascii():
        raise Invalid(field, f"{text!r} is not a value of this field")
    value = int(text)
    if not LOWEST[field] <= value <= HIGHEST[field]:
        raise Invalid(field, f"{value} is outside {LOWEST[field]}-{HIGHEST[field]}")
    return value


def _listed_values(field: str, item: str) -> list[int]:
    """The values one list item (`*`, `5`, `1-5`, `*/10`, `0/15`, `10-40/5`) stands for,
    in the order a clock meets them; ranges that run backwards wrap around (Quartz)."""
    step = 1
    stepped = "/" in item
    if stepped:
        item, step_text = item.split("/", 1)
        if not step_text.isdigit():
            raise Invalid(field, f"the step after / must be a number, got {step_text!r}")
        step = int(step_text)
        if not 1 <= step <= LARGEST_STEP[field]:
            raise Invalid(field, f"step {step} is outside 1-{LARGEST_STEP[field]}")
    if item == "*":
        first, last = LOWEST[field], HIGHEST[field]
    elif "-" in item:
        start_text, end_text = item.split("-", 1)
        first, last = _number(field, start_text), _number(field, end_text)
    else:
        first = _number(field, item)
        last = HIGHEST[field] if stepped else first  # 0/15: from 0 to the end, every 15
    values = []
    size = HIGHEST[field] - LOWEST[field] + 1
    if last < first:
        if field == "year":
            raise Invalid(field, f"the range {first}-{last} runs backwards")
        last += size  # wraps: FRI-MON is FRI, SAT, SUN, MON
    value = first
    while value <= last:
        values.append(LOWEST[field] + (value - LOWEST[field]) % size)
        value += step
    return values


@lru_cache(maxsize=4096)
def _plain_values(field: str, text: str) -> tuple[int, ...]:
    values = []
    for item in text.split(","):
        if item == "":
            raise Invalid(field, "a list has an empty value")
        values.extend(_listed_values(field, item))
    return tuple(values)


def _check_field(field: str, text: str) -> None:
    if text == "?":
        if field not in ("day-of-month", "day-of-week"):
            raise Invalid(field, "? is only for day-of-month or day-of-week")
        return
    if "?" in text:
        raise Invalid(field, "? stands alone, not in a list or range")
    if field == "day-of-month" and ("L" in text.upper() or "W" in text.upper()):
        _day_of_month_special(text)
        return
    if field == "day-of-week" and ("L" in text.upper() or "#" in text):
        _day_of_week_special(text)
        return
    _plain_values(field, text)


def _check_day_fields(day_of_month: str, day_of_week: str) -> None:
    if day_of_month == "?" and day_of_week == "?":
        raise Invalid("day-of-month", "only one of day-of-month and day-of-week can be ?")
    if day_of_month != "?" and day_of_week != "?":
        raise Invalid("day-of-week", "one of day-of-month and day-of-week must be ?")


def _day_of_month_special(text: str) -> tuple[str, int]:
    """("last", 0) for L, ("last weekday", 0) for LW, ("weekday", n) for nW."""
    upper = text.upper()
    if upper == "L":
        return ("last", 0)
    if upper == "LW":
        return ("last weekday", 0)
    if upper.startswith("L-"):
        raise Invalid("day-of-month", "L-n (days before the last) is not in EventBridge's cron syntax")
    if upper.endswith("W") and text[:-1].isdigit():
        return ("weekday", _number("day-of-month", text[:-1]))
    raise Invalid("day-of-month", f"{text!r}: L, LW and nW (e.g. 15W) stand alone, not in lists or ranges")


def _day_of_week_special(text: str) -> tuple[str, int, int]:
    """("last", day, 0) for L (Saturday) or 5L; ("nth", day, n) for 2#1."""
    upper = text.upper()
    if "," in text or "/" in text:
        raise Invalid("day-of-week", f"{text!r}: L and # stand alone, not in a list (e.g. 6L or 2#1)")
    if upper == "L":
        return ("last", 7, 0)
    if "#" in text:
        day_text, nth_text = text.split("#", 1)
        day = _number("day-of-week", day_text)
        if not nth_text.isdigit() or not 1 <= int(nth_text) <= 5:
            raise Invalid("day-of-week", f"the week after # must be 1-5, got {nth_text!r}")
        return ("nth", day, int(nth_text))
    if upper.endswith("L") and "-" not in text:
        return ("last", _number("day-of-week", text[:-1]), 0)
    raise Invalid("day-of-week", f"{text!r}: L takes one day (e.g. 6L, FRIL)")


def _check_rate(body: str) -> None:
    parts = body.split()
    if len(parts) != 2:
        raise Invalid("rate", "expected rate(value unit), e.g. rate(5 minutes)")
    value_text, unit = parts
    if not value_text.isdigit() or not value_text.isascii() or int(value_text) < 1:
        raise Invalid("rate value", f"must be a positive whole number, got {value_text!r}")
    if unit not in RATE_UNITS:
        raise Invalid("rate unit", f"must be minute(s), hour(s) or day(s), got {unit!r}")
    value = int(value_text)
    if value == 1 and unit.endswith("s"):
        raise Invalid("rate unit", f"a value of 1 takes {unit[:-1]!r}, not {unit!r}")
    if value > 1 and not unit.endswith("s"):
        raise Invalid("rate unit", f"a value above 1 takes {unit + 's'!r}, not {unit!r}")


def _at_time(body: str) -> datetime:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", body):
        raise Invalid("at", f"expected yyyy-mm-ddThh:mm:ss, got {body!r}")
    try:
        return datetime.strptime(body, "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        raise Invalid("at", f"{body} is not a real date and time") from None


# ---------------------------------------------------------------- cron: matching a minute


def _matches_plain(field: str, text: str, value: int) -> bool:
    return value in _plain_values(field, text)


def _weekday_number(day: datetime) -> int:
    """AWS numbering: 1 = Sunday ... 7 = Saturday."""
    return (day.weekday() + 1) % 7 + 1


def _matches_day_of_month(text: str, wall: datetime) -> bool:
    if text == "?":
        return True
    days_in_month = calendar.monthrange(wall.year, wall.month)[1]
    upper = text.upper()
    if "L" not in upper and "W" not in upper:
        return wall.day in _plain_values("day-of-month", text)
    kind, day = _day_of_month_special(text)
    if kind == "last":
        return wall.day == days_in_month
    if kind == "last weekday":
        target = days_in_month
    else:
        if day > days_in_month:
            return False  # 31W in a 30-day month: no such day, no fire (our reading)
        target = day
    # The weekday nearest `target`, never leaving the month (Quartz): walk to the nearer
    # weekday; Saturday the 1st goes to Monday the 3rd, Sunday the last to Friday.
    candidate = wall.replace(day=target)
    weekday = _weekday_number(candidate)
    if weekday == 7:  # Saturday
        candidate = candidate - timedelta(days=1) if target > 1 else candidate + timedelta(days=2)
    elif weekday == 1:  # Sunday
        candidate = candidate + timedelta(days=1) if target < days_in_month else candidate - timedelta(days=2)
    return wall.day == candidate.day


def _matches_day_of_week(text: str, wall: datetime) -> bool:
    if text == "?":
        return True
    upper = text.upper()
    weekday = _weekday_number(wall)
    if "L" not in upper and "#" not in text:
        return weekday in _plain_values("day-of-week", text)
    kind, day, nth = _day_of_week_special(text)
    if weekday != day:
        return False
    if kind == "last":
        return wall.day + 7 > calendar.monthrange(wall.year, wall.month)[1]
    return (wall.day - 1) // 7 + 1 == nth
