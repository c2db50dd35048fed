"""Cell formatting: every value a table shows becomes an inert Text, numbers too.

One place decides how a count, a percentage, a duration or an age looks, so the
panels agree and nothing from AWS is ever parsed as markup.
"""

from __future__ import annotations

from datetime import datetime
from typing import Sequence

from rich.text import Text

from console.text import inert

DASH = "–"  # known to be nothing, or unknown (a failed call, a minute still arriving)
PENDING = "…"  # not read yet: a first load's early part. Never a zero, never a dash.


def text(value: object) -> Text:
    """Any value, shown literally; None becomes a dash."""
    return inert(DASH if value is None or value == "" else value)


def pending(right: bool = False) -> Text:
    """A value not read yet."""
    return _RIGHT_PENDING if right else _PENDING


def count(value: float | int | None) -> Text:
    """A whole number, right-aligned; None becomes a dash."""
    if value is None:
        return _RIGHT_DASH
    return _right(f"{int(round(value)):,}")


def percent(value: float | None) -> Text:
    """`12.0%`; None (no invocations) becomes a dash."""
    return _RIGHT_DASH if value is None else _right(f"{value:.1f}%")


def millis(value: float | None) -> Text:
    """A duration in ms, switching to seconds past 10 s."""
    if value is None:
        return _RIGHT_DASH
    if value >= 10_000:
        return _right(f"{value / 1000:.1f}s")
    return _right(f"{value:.0f}ms")


SPARK_LEVELS = "▁▂▃▄▅▆▇█"
SPARK_NONE = "·"


def spark(values: Sequence[float | None], floor: float = 0.0) -> str:
    """`▁▂▅█`: one block per value, scaled to the largest (or `floor` when that is
    larger, so a small error rate stays low); 0 is the lowest block and anything above
    0 at least the second, so a single error never looks like none; None (no data in
    that bar, e.g. no invocations to have a duration) is a dot."""
    top = max([v for v in values if v is not None] + [floor])
    out = []
    for value in values:
        if value is None:
            out.append(SPARK_NONE)
        elif value <= 0 or top <= 0:
            out.append(SPARK_LEVELS[0])
        else:
            out.append(SPARK_LEVELS[max(1, round(value / top * (len(SPARK_LEVELS) - 1)))])
    return "".join(out)


def with_spark(figure: Text, values: Sequence[float | None], floor: float = 0.0) -> Text:
    """`▁▂▅█ 123`: the sparkline before the figure, right-aligned like the figure;
    without a figure (a dash) the sparkline is left out."""
    if not values or figure.plain == DASH:
        return figure
    result = inert(f"{spark(values, floor)} {figure.plain}")
    result.justify = "right"
    return result


def ratio(part: int, whole: int) -> Text:
    return _right(f"{part}/{whole}")


def timestamp(value: datetime | None) -> Text:
    """An absolute UTC time to the minute."""
    return text(None if value is None else value.strftime("%Y-%m-%d %H:%M"))


def age(seconds: float | None) -> str:
    """A short human age: `42s`, `5m`, `3h`, `2d`."""
    if seconds is None:
        return DASH
    seconds = max(0, int(seconds))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def since(then: datetime | None, now: datetime) -> str:
    return age(None if then is None else (now - then).total_seconds())


def _right(value: str) -> Text:
    result = inert(value)
    result.justify = "right"
    return result


# One shared dash for every empty number: a first load shows 2,000 functions before their
# metrics, and tables never change a cell in place (widgets copy before styling one).
_RIGHT_DASH = _right(DASH)
_RIGHT_PENDING = _right(PENDING)
_PENDING = inert(PENDING)
