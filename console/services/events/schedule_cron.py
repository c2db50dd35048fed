"""AWS cron's six fields read into sorted values and a day rule, for an exact, fast search.

The grammar is EventBridge's (eb-cron-expressions.html): minutes 0-59, hours 0-23,
day-of-month 1-31, month 1-12 or JAN-DEC, day-of-week 1-7 or SUN-SAT (1 = Sunday), year
1970-2199; `,` `-` `*` `/` everywhere; `?` in exactly one of the two day fields; `L` and
`W` in day-of-month; `L` and `#` in day-of-week, where `#` must be the only expression.
Where the guide gives no example, Quartz (which AWS cron derives from) decides, and the
reading is said where it is applied: backwards ranges wrap (FRI-MON); L alone in
day-of-week is Saturday; W never leaves its month, and nW in a month without day n does
not fire; L-n is refused (not in the guide); L, W and # stand alone (no lists); "/" is
accepted in day-of-week (Quartz does; the guide's table lists it only for the other
numeric fields); steps go up to Quartz's limits; names are read in any case. console.demo.cron_minutes reads the same rules,
written separately and naively; tests/events_schedule holds the two to each other.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import lru_cache

FIELDS = ("minutes", "hours", "day-of-month", "month", "day-of-week", "year")
BOUNDS = {"minutes": (0, 59), "hours": (0, 23), "day-of-month": (1, 31), "month": (1, 12),
          "day-of-week": (1, 7), "year": (1970, 2199)}
# Quartz's largest increments (59, 23, 31, 12, 7); the year has none in Quartz: its span.
MAX_STEP = {"minutes": 59, "hours": 23, "day-of-month": 31, "month": 12, "day-of-week": 7, "year": 229}
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")  # AWS: 1 = Sunday
NAMES = {"month": MONTHS, "day-of-week": WEEKDAYS}

_ITEM = re.compile(r"(?:(\*)|([^-/]*)(?:-([^/]*))?)(?:/(.*))?", re.S)
_DOW_LAST = re.compile(r"([0-9A-Za-z]*)L", re.I)
_DOW_NTH = re.compile(r"([^#]*)#(.*)")


class CronSyntaxError(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(field, reason)
        self.field, self.reason = field, reason


@dataclass(frozen=True)
class DayRule:
    """Which days of a month fire. kind: "dom" (days), "last", "last-weekday",
    "nearest-weekday" (n), "dow" (weekdays, 1 = Sunday), "last-dow" (weekday),
    "nth-dow" (weekday, n)."""

    kind: str
    values: frozenset[int] = frozenset()
    n: int = 0

    def days(self, year: int, month: int) -> tuple[int, ...]:
        """The firing days of that month, ascending."""
        monday_based, length = calendar.monthrange(year, month)
        first = (monday_based + 1) % 7 + 1  # AWS weekday of the 1st
        kind = self.kind
        if kind == "dom":
            return tuple(day for day in sorted(self.values) if day <= length)
        if kind == "dow":
            return tuple(day for day in range(1, length + 1) if (first + day - 2) % 7 + 1 in self.values)
        if kind == "last":
            return (length,)
        if kind == "last-weekday":
            return (_nearest_weekday(length, first, length),)
        if kind == "nearest-weekday":
            # A month without day n (31W in April) has no fire, as plain 31 has none: our
            # reading; Quartz leaves it undefined.
            return (_nearest_weekday(self.n, first, length),) if self.n <= length else ()
        weekday = next(iter(self.values))
        first_such = 1 + (weekday - first) % 7
        if kind == "last-dow":
            return (first_such + 7 * ((length - first_such) // 7),)
        nth = first_such + 7 * (self.n - 1)  # "nth-dow": none in a month without a fifth one
        return (nth,) if nth <= length else ()


def _nearest_weekday(day: int, first: int, length: int) -> int:
    """Quartz's W: the weekday nearest `day` without leaving the month (Saturday the 1st
    moves to Monday the 3rd, Sunday the last to Friday)."""
    weekday = (first + day - 2) % 7 + 1
    if weekday == 7:
        return day - 1 if day > 1 else day + 2
    if weekday == 1:
        return day + 1 if day < length else day - 2
    return day


@dataclass(frozen=True)
class CronFields:
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    months: tuple[int, ...]
    years: tuple[int, ...]
    days: DayRule
    texts: tuple[str, ...]  # the six fields as written, for the English


def read_cron(body: str) -> CronFields:
    """The fields of `cron(body)`, or CronSyntaxError(field, reason)."""
    texts = tuple(body.split())
    if len(texts) != 6:
        raise CronSyntaxError("expression", "cron() takes 6 fields (minutes hours day-of-month month "
                                            f"day-of-week year), got {len(texts)}")
    for name, text in zip(FIELDS, texts):
        if "?" in text and (text != "?" or name not in ("day-of-month", "day-of-week")):
            where = "stands alone, not in a list or range" if text != "?" else "is only for day-of-month or day-of-week"
            raise CronSyntaxError(name, "? " + where)
    minutes, hours, dom, month, dow, year = texts
    values = {name: _values(name, text) for name, text in zip(FIELDS, texts) if "day" not in name}
    days = _day_rule(dom, dow)
    return CronFields(values["minutes"], values["hours"], values["month"], values["year"], days, texts)


def _value(field: str, text: str) -> int:
    names = NAMES.get(field, ())
    if text.upper() in names:
        return names.index(text.upper()) + 1
    if not (text.isascii() and text.isdigit()):
        raise CronSyntaxError(field, f"{text!r} is not a value of this field")
    low, high = BOUNDS[field]
    if not low <= int(text) <= high:
        raise CronSyntaxError(field, f"{int(text)} is outside {low}-{high}")
    return int(text)


@lru_cache(maxsize=2048)  # "*", "0", "MON-FRI" recur across a panel's rules
def _values(field: str, text: str) -> tuple[int, ...]:
    """Every value the field's list stands for, sorted. A backwards range wraps (Quartz:
    FRI-MON, 22-2), except in the year."""
    low, high = BOUNDS[field]
    if text == "*":
        return tuple(range(low, high + 1))
    span = high - low + 1
    found: set[int] = set()
    for item in text.split(","):
        if not item:
            raise CronSyntaxError(field, "a list has an empty value")
        star, start, end, step_text = _ITEM.fullmatch(item).groups()
        step = 1
        if step_text is not None:
            if not (step_text.isascii() and step_text.isdigit()):
                raise CronSyntaxError(field, f"the step after / must be a number, got {step_text!r}")
            step = int(step_text)
            if not 1 <= step <= MAX_STEP[field]:
                raise CronSyntaxError(field, f"step {step} is outside 1-{MAX_STEP[field]}")
        if star:
            first, last = low, high
        else:
            first = _value(field, start)
            if end is not None:
                last = _value(field, end)
            else:
                last = high if step_text is not None else first  # 0/15: from 0 on, every 15
        if last < first:
            if field == "year":
                raise CronSyntaxError(field, f"the range {first}-{last} runs backwards")
            last += span
        found.update(low + (value - low) % span for value in range(first, last + 1, step))
    return tuple(sorted(found))


def _day_rule(dom: str, dow: str) -> DayRule:
    if dom == "?" and dow == "?":
        raise CronSyntaxError("day-of-month", "only one of day-of-month and day-of-week can be ?")
    if dom != "?" and dow != "?":
        raise CronSyntaxError("day-of-week", "one of day-of-month and day-of-week must be ?")
    if dow == "?":
        upper = dom.upper()
        if "L" not in upper and "W" not in upper:
            return DayRule("dom", frozenset(_values("day-of-month", dom)))
        if upper == "L":
            return DayRule("last")
        if upper == "LW":
            return DayRule("last-weekday")
        if upper.startswith("L-"):
            # Quartz's L-n is not in EventBridge's guide: refused rather than guessed.
            raise CronSyntaxError("day-of-month", "L-n (days before the last) is not in EventBridge's cron syntax")
        if upper.endswith("W") and dom[:-1].isascii() and dom[:-1].isdigit():
            return DayRule("nearest-weekday", n=_value("day-of-month", dom[:-1]))
        raise CronSyntaxError("day-of-month", f"{dom!r}: L, LW and nW (e.g. 15W) stand alone, not in lists or ranges")
    if "L" not in dow.upper() and "#" not in dow:
        return DayRule("dow", frozenset(_values("day-of-week", dow)))
    if "," in dow or "/" in dow:
        # The guide: with #, day-of-week holds one expression ("3#1,6#3" is invalid);
        # Quartz refuses L in lists too.
        raise CronSyntaxError("day-of-week", f"{dow!r}: L and # stand alone, not in a list (e.g. 6L or 2#1)")
    if dow.upper() == "L":
        return DayRule("last-dow", frozenset({7}))  # L alone: the week's last day, Saturday (Quartz)
    nth = _DOW_NTH.fullmatch(dow)
    if nth:
        weekday = _value("day-of-week", nth.group(1))
        if not (nth.group(2).isascii() and nth.group(2).isdigit() and 1 <= int(nth.group(2)) <= 5):
            raise CronSyntaxError("day-of-week", f"the week after # must be 1-5, got {nth.group(2)!r}")
        return DayRule("nth-dow", frozenset({weekday}), int(nth.group(2)))
    last = _DOW_LAST.fullmatch(dow)
    if last:
        return DayRule("last-dow", frozenset({_value("day-of-week", last.group(1))}))
    raise CronSyntaxError("day-of-week", f"{dow!r}: L takes one day (e.g. 6L, FRIL)")
