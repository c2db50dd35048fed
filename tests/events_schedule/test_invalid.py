"""Invalid expressions are refused with the field and the reason, by the console's parser
and by the embedded AWS's reading (console.demo.cron_minutes.check) alike.

Rules from https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
and eb-rate-expressions.html; at() from the Scheduler guide's schedule types page.
"""

from __future__ import annotations

import pytest

from console.demo import cron_minutes
from console.services.events.schedule import ScheduleError, parse


@pytest.mark.parametrize("expression, field, reason", [
    ("cron(bad)", "expression", "cron() takes 6 fields"),
    ("cron(0 10 * * ?)", "expression", "got 5"),
    ("cron(0 10 * * ? * *)", "expression", "got 7"),
    ("cron(61 * * * ? *)", "minutes", "61 is outside 0-59"),
    ("cron(x * * * ? *)", "minutes", "'x' is not a value"),
    ("cron(*/0 * * * ? *)", "minutes", "step 0 is outside 1-59"),
    ("cron(*/60 * * * ? *)", "minutes", "step 60 is outside 1-59"),
    ("cron(0/x * * * ? *)", "minutes", "the step after / must be a number"),
    ("cron(1,,2 * * * ? *)", "minutes", "empty value"),
    ("cron(? * * * ? *)", "minutes", "? is only for day-of-month or day-of-week"),
    ("cron(0 24 * * ? *)", "hours", "24 is outside 0-23"),
    ("cron(0 1-2-3 * * ? *)", "hours", "not a value"),
    ("cron(0 10 32 * ? *)", "day-of-month", "32 is outside 1-31"),
    ("cron(0 10 0 * ? *)", "day-of-month", "0 is outside 1-31"),
    ("cron(0 10 L-3 * ? *)", "day-of-month", "L-n"),
    ("cron(0 10 1W,15W * ? *)", "day-of-month", "stand alone"),
    ("cron(0 10 L,15 * ? *)", "day-of-month", "stand alone"),
    ("cron(0 10 32W * ? *)", "day-of-month", "32 is outside 1-31"),
    ("cron(0 10 1,? * ? *)", "day-of-month", "? stands alone"),
    ("cron(0 10 * 13 ? *)", "month", "13 is outside 1-12"),
    ("cron(0 10 * JAX ? *)", "month", "'JAX' is not a value"),
    ("cron(0 10 * MON ? *)", "month", "'MON' is not a value"),
    ("cron(0 10 ? * 8 *)", "day-of-week", "8 is outside 1-7"),
    ("cron(0 10 ? * 0 *)", "day-of-week", "0 is outside 1-7"),  # AWS counts 1-7, Sunday = 1
    ("cron(0 10 ? * JAN *)", "day-of-week", "'JAN' is not a value"),
    ("cron(0 10 ? * 2#6 *)", "day-of-week", "the week after # must be 1-5"),
    ("cron(0 10 ? * 2#0 *)", "day-of-week", "the week after # must be 1-5"),
    ("cron(0 10 ? * 3#1,6#3 *)", "day-of-week", "stand alone"),  # the guide's own invalid example
    ("cron(0 10 ? * 2L,6L *)", "day-of-week", "stand alone"),
    ("cron(0 10 ? * 2-6L *)", "day-of-week", "L takes one day"),
    ("cron(0 10 * * * *)", "day-of-week", "one of day-of-month and day-of-week must be ?"),
    ("cron(0 10 1 * MON *)", "day-of-week", "one of day-of-month and day-of-week must be ?"),
    ("cron(0 10 ? * ? *)", "day-of-month", "only one of day-of-month and day-of-week can be ?"),
    ("cron(0 10 * * ? 1969)", "year", "1969 is outside 1970-2199"),
    ("cron(0 10 * * ? 2200)", "year", "2200 is outside 1970-2199"),
    ("cron(0 10 * * ? 2030-2026)", "year", "runs backwards"),
    ("rate(1 minutes)", "rate unit", "a value of 1 takes 'minute'"),
    ("rate(5 minute)", "rate unit", "a value above 1 takes 'minutes'"),
    ("rate(2 weeks)", "rate unit", "must be minute(s), hour(s) or day(s)"),
    ("rate(1 minutess)", "rate unit", "must be minute(s)"),
    ("rate(0 minutes)", "rate value", "must be a positive whole number"),
    ("rate(-5 minutes)", "rate value", "must be a positive whole number"),
    ("rate(five minutes)", "rate value", "must be a positive whole number"),
    ("rate(5)", "rate", "expected rate(value unit)"),
    ("at(2026-12-24 18:00:00)", "at", "expected yyyy-mm-ddThh:mm:ss"),
    ("at(2026-12-24T18:00)", "at", "expected yyyy-mm-ddThh:mm:ss"),
    ("at(2027-02-29T10:00:00)", "at", "not a real date"),
    ("at(2026-12-24T24:00:00)", "at", "not a real date"),
    ("every day at 3", "expression", "expected cron(...), rate(...) or at(...)"),
    ("Cron(0 10 * * ? *)", "expression", "expected cron(...)"),
    ("", "expression", "expected cron(...)"),
])
def test_invalid_expressions_name_the_field_and_the_reason(expression, field, reason):
    with pytest.raises(ScheduleError) as raised:
        parse(expression)
    assert raised.value.field == field
    assert reason in raised.value.reason
    assert str(raised.value) == f"{field}: {raised.value.reason}"
    with pytest.raises(ValueError):  # the embedded AWS refuses it too
        cron_minutes.check(expression)


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(ScheduleError) as raised:
        parse("cron(0 10 * * ? *)", "Mars/Olympus_Mons")
    assert raised.value.field == "timezone"
    assert "Mars/Olympus_Mons" in raised.value.reason


@pytest.mark.parametrize("expression", [
    "cron(0 10 * * ? *)", "cron(0 18 ? * MON-FRI *)", "cron(0/5 8-17 ? * MON-FRI *)", "cron(0 9 ? * 2#1 *)",
    "cron(0 10 L * ? *)", "cron(0 10 LW * ? *)", "cron(0 10 15W * ? *)", "cron(0 10 ? * 6L *)",
    "cron(0 10 ? * FRIL *)", "cron(0 10 ? * L *)", "cron(0 10 ? * fri#2 *)", "cron(0 10 ? jan-MAR 2-6 *)",
    "cron(*/7 */5 1/3 2/4 ? 2026/2)", "cron(0 22-2 ? * FRI-MON *)", "cron( 0 10 * * ? * )",
    "cron(05 09 * * ? *)", "rate(1 minute)", "rate(1 hour)", "rate(1 day)", "rate(90 minutes)",
    "rate(2 hours)", "rate(7 days)", "at(2026-12-24T18:00:00)",
])
def test_valid_expressions_are_accepted_by_both_readings(expression):
    parse(expression)
    cron_minutes.check(expression)


def test_the_embedded_reading_gives_a_rates_fixed_interval():
    from datetime import timedelta

    assert cron_minutes.rate_period("rate(1 minute)") == timedelta(minutes=1)
    assert cron_minutes.rate_period("rate(36 hours)") == timedelta(hours=36)
    assert cron_minutes.rate_period("rate(1 day)") == timedelta(hours=24)
    with pytest.raises(ValueError):
        cron_minutes.rate_period("cron(0 10 * * ? *)")
