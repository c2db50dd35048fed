"""Cell formatting: every value a table shows becomes an inert Text, numbers too.

One place decides how a count, a percentage, a duration or an age looks, so the
panels agree and nothing from AWS is ever parsed as markup.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from console.text import inert

DASH = "–"


def text(value: object) -> Text:
    """Any value, shown literally; None becomes a dash."""
    return inert(DASH if value is None or value == "" else value)


def count(value: float | int | None) -> Text:
    """A whole number, right-aligned; None becomes a dash."""
    if value is None:
        return _right(DASH)
    return _right(f"{int(round(value)):,}")


def percent(value: float | None) -> Text:
    """`12.0%`; None (no invocations) becomes a dash."""
    return _right(DASH if value is None else f"{value:.1f}%")


def millis(value: float | None) -> Text:
    """A duration in ms, switching to seconds past 10 s."""
    if value is None:
        return _right(DASH)
    if value >= 10_000:
        return _right(f"{value / 1000:.1f}s")
    return _right(f"{value:.0f}ms")


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
