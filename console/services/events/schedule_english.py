"""A schedule in plain, short English: "at 03:00 UTC every day", "every 5 minutes".

Written here rather than taken from cron-descriptor: that library needs a flag to count
days of the week from 1 = Sunday as AWS does, and has no words for a time zone, rate()
or at(); the sentences here are built from the parsed values, so they cannot disagree
with the next fires. Where a field is too irregular for a short phrase, the phrase says
the values plainly ("at minutes 5, 17 and 43 past hours 1 and 9").
"""

from __future__ import annotations

from datetime import datetime

from console.services.events.schedule_cron import CronFields, DayRule

MONTH_WORDS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")
DAY_WORDS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
NTH = ("first", "second", "third", "fourth", "fifth")
ALL_HOURS = tuple(range(24))
ALL_MINUTES = tuple(range(60))


def rate(value: int, unit: str) -> str:
    """A fixed interval ("every 5 minutes", "every hour"): no zone to name."""
    unit = unit.rstrip("s")
    return f"every {unit}" if value == 1 else f"every {value} {unit}s"


def once(wall: datetime, zone: str | None) -> str:
    when = wall.strftime("%Y-%m-%d %H:%M")
    return f"once at {when} ({zone})" if zone else f"once at {when} UTC"


def cron(fields: CronFields, zone: str | None) -> str:
    times, has_clock = _times(fields.minutes, fields.hours)
    if has_clock and not zone:
        times += " UTC"
    days = _days(fields.days, fields.months)
    if days == "every day" and not times[3:4].isdigit():  # "every 5 minutes", ":15 past every hour"
        days = ""
    text = " ".join(part for part in (times, days, _years(fields.years)) if part)
    return f"{text} ({zone})" if zone else text


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _step(values: tuple[int, ...], span: int) -> int | None:
    """The step of values that start below it and repeat to the end of the span
    (0, 15, 30, 45 in 60: 15), else None."""
    if len(values) < 2:
        return None
    step = values[1] - values[0]
    regular = all(b - a == step for a, b in zip(values, values[1:]))
    return step if regular and values[0] < step and values[-1] + step >= span else None


def _progression(values: tuple[int, ...]) -> int | None:
    """The step of four or more evenly spaced values (1/3 in day-of-month: 1, 4, 7, ...)."""
    step = values[1] - values[0] if len(values) >= 4 else 0
    return step if step > 1 and all(b - a == step for a, b in zip(values, values[1:])) else None


def _run(values: tuple[int, ...]) -> bool:
    return len(values) > 2 and values == tuple(range(values[0], values[-1] + 1))


def _numbers(values: tuple[int, ...]) -> str:
    return f"{values[0]} to {values[-1]}" if _run(values) else _and([str(v) for v in values])


def _times(minutes: tuple[int, ...], hours: tuple[int, ...]) -> tuple[str, bool]:
    """The time-of-day phrase, and whether it names clock times (which need the zone)."""
    if len(minutes) * len(hours) <= 4:
        return "at " + _and([f"{h:02d}:{m:02d}" for h in hours for m in minutes]), True
    hour_step = _step(hours, 24)
    if minutes == ALL_MINUTES:
        every = "every minute"
    elif (step := _step(minutes, 60)) is not None:
        every = f"every {step} minutes" + (f" from :{minutes[0]:02d}" if minutes[0] else "")
    else:
        past = "at " + _and([f":{m:02d}" for m in minutes])
        if hours == ALL_HOURS:
            return f"{past} past every hour", False
        if hour_step is not None:
            start = f" from {hours[0]:02d}:{minutes[0]:02d}" if hours[0] else ""
            return f"every {hour_step} hours {past}{start}", bool(start)
        return f"{past} past hours {_numbers(hours)}", False
    if hours == ALL_HOURS:
        return every, False
    if _run(hours) or len(hours) == 1:
        return f"{every} from {hours[0]:02d}:{minutes[0]:02d} to {hours[-1]:02d}:{minutes[-1]:02d}", True
    if hour_step is not None:
        start = f" from {hours[0]:02d}:00" if hours[0] else ""
        return f"{every} in every {_ordinal(hour_step)} hour{start}", bool(start)
    return f"{every} during hours {_numbers(hours)}", False


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _months(months: tuple[int, ...]) -> str:
    if len(months) == 12:
        return "every month"
    if _run(months):
        return f"{MONTH_WORDS[months[0] - 1]} to {MONTH_WORDS[months[-1] - 1]}"
    return _and([MONTH_WORDS[m - 1] for m in months])


def _days(rule: DayRule, months: tuple[int, ...]) -> str:
    of_months = _months(months)
    within = "" if len(months) == 12 else f" in {of_months}"
    kind = rule.kind
    if kind == "dom":
        days = tuple(sorted(rule.values))
        if len(days) == 31:
            return "every day" + within
        if _run(days):
            listed = f"days {days[0]} to {days[-1]}"
        elif step := _progression(days):
            until = f" to the {_ordinal(days[-1])}" if days[-1] + step <= 31 else ""
            listed = f"every {_ordinal(step)} day from the {_ordinal(days[0])}{until}"
        else:
            listed = "the " + _and([_ordinal(d) for d in days])
        return f"on {listed} of {of_months}"
    if kind == "last":
        return f"on the last day of {of_months}"
    if kind == "last-weekday":
        return f"on the last weekday of {of_months}"
    if kind == "nearest-weekday":
        return f"on the weekday nearest the {_ordinal(rule.n)} of {of_months}"
    weekdays = tuple(sorted(rule.values))
    if kind == "last-dow":
        return f"on the last {DAY_WORDS[weekdays[0] - 1]} of {of_months}"
    if kind == "nth-dow":
        return f"on the {NTH[rule.n - 1]} {DAY_WORDS[weekdays[0] - 1]} of {of_months}"
    if len(weekdays) == 7:
        return "every day" + within
    if weekdays == (2, 3, 4, 5, 6):
        return "on weekdays" + within
    if weekdays == (1, 7):
        return "on weekends" + within
    return "on " + _and([DAY_WORDS[d - 1] + "s" for d in weekdays]) + within


def _years(years: tuple[int, ...]) -> str:
    if len(years) == 230:
        return ""
    if len(years) == 1:
        return f"in {years[0]}"
    if _run(years) and years[-1] == 2199:
        return f"from {years[0]}"
    if _run(years):
        return f"from {years[0]} to {years[-1]}"
    if step := _progression(years):
        return f"in every {_ordinal(step)} year from {years[0]}" + (f" to {years[-1]}" if years[-1] + step <= 2199 else "")
    return "in " + _and([str(y) for y in years])

