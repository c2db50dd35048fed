"""The English of a schedule, and `opsdeck events next|describe` as a script sees them."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from console.cli import main
from console.services.events.schedule import parse


@pytest.mark.parametrize("expression, zone, english", [
    ("cron(0 3 * * ? *)", None, "at 03:00 UTC every day"),
    ("rate(5 minutes)", None, "every 5 minutes"),
    ("rate(1 minute)", None, "every minute"),
    ("rate(1 day)", "Europe/Berlin", "every day"),
    ("cron(15 10 ? * 6L *)", "Europe/Berlin", "at 10:15 on the last Friday of every month (Europe/Berlin)"),
    ("at(2026-12-24T18:00:00)", "America/New_York", "once at 2026-12-24 18:00 (America/New_York)"),
    ("at(2026-12-24T18:00:00)", None, "once at 2026-12-24 18:00 UTC"),
    # the EventBridge guide's examples, with the meaning it gives them
    ("cron(0 10 * * ? *)", None, "at 10:00 UTC every day"),
    ("cron(15 12 * * ? *)", None, "at 12:15 UTC every day"),
    ("cron(0 18 ? * MON-FRI *)", None, "at 18:00 UTC on weekdays"),
    ("cron(0 8 1 * ? *)", None, "at 08:00 UTC on the 1st of every month"),
    ("cron(0/15 * * * ? *)", None, "every 15 minutes"),
    ("cron(0/10 * ? * MON-FRI *)", None, "every 10 minutes on weekdays"),
    ("cron(0/5 8-17 ? * MON-FRI *)", None, "every 5 minutes from 08:00 to 17:55 UTC on weekdays"),
    ("cron(0 9 ? * 2#1 *)", None, "at 09:00 UTC on the first Monday of every month"),
    # L, W, months, years
    ("cron(0 10 29 2 ? *)", None, "at 10:00 UTC on the 29th of February"),
    ("cron(0 10 LW * ? 2027)", None, "at 10:00 UTC on the last weekday of every month in 2027"),
    ("cron(0 10 15W 1,7 ? 2026-2030)", None,
     "at 10:00 UTC on the weekday nearest the 15th of January and July from 2026 to 2030"),
    ("cron(0 0 L * ? *)", None, "at 00:00 UTC on the last day of every month"),
    ("cron(30 9 ? * L *)", None, "at 09:30 UTC on the last Saturday of every month"),
    ("cron(0 12 1-15 * ? *)", None, "at 12:00 UTC on days 1 to 15 of every month"),
    ("cron(0 8,12,17 ? * SAT,SUN *)", None, "at 08:00, 12:00 and 17:00 UTC on weekends"),
    ("cron(15 * * * ? *)", None, "at :15 past every hour"),
    ("cron(0 */2 * * ? *)", None, "every 2 hours at :00"),
    ("cron(* * ? * MON,WED *)", "Asia/Tokyo", "every minute on Mondays and Wednesdays (Asia/Tokyo)"),
    ("cron(0 0 * JAN-MAR ? *)", None, "at 00:00 UTC every day in January to March"),
])
def test_describe_in_plain_english(expression, zone, english):
    assert parse(expression, zone).describe() == english


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_next_prints_one_iso_time_with_offset_per_line():
    result = run("events", "next", "cron(0 9 ? * 2#1 *)", "--after", "2026-12-01T00:00:00Z", "--count", "2")
    assert result.exit_code == 0, result.output
    assert result.stdout == "2026-12-07T09:00:00+00:00\n2027-01-04T09:00:00+00:00\n"


def test_next_in_a_zone_skips_the_spring_forward_gap():
    result = run("events", "next", "cron(30 2 * * ? *)", "--tz", "Europe/Berlin", "--after",
                 "2027-03-27T00:00:00+00:00")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["2027-03-27T02:30:00+01:00", "2027-03-29T02:30:00+02:00",
                                          "2027-03-30T02:30:00+02:00"]


def test_next_of_a_schedule_that_has_ended_prints_nothing():
    result = run("events", "next", "at(2026-12-24T18:00:00)", "--after", "2027-01-01T00:00:00+00:00")
    assert result.exit_code == 0 and result.stdout == ""


def test_describe_prints_the_english():
    result = run("events", "describe", "cron(15 10 ? * 6L *)", "--tz", "Europe/Berlin")
    assert result.exit_code == 0
    assert result.stdout == "at 10:15 on the last Friday of every month (Europe/Berlin)\n"


@pytest.mark.parametrize("args, message", [
    (("events", "next", "cron(61 * * * ? *)"), "minutes: 61 is outside 0-59"),
    (("events", "describe", "cron(0 10 * * * *)"), "day-of-week: one of day-of-month and day-of-week must be ?"),
    (("events", "next", "rate(1 minutes)"), "rate unit: a value of 1 takes 'minute', not 'minutes'"),
    (("events", "next", "cron(0 10 * * ? *)", "--tz", "Mars/Base"), "timezone: 'Mars/Base' is not an IANA"),
    (("events", "next", "cron(0 10 * * ? *)", "--after", "yesterday"), "--after: expected an ISO 8601 time"),
    (("events", "describe", "cron(\x1b[31m * * * ? *)"), "minutes: '\\x1b[31m' is not a value"),
])
def test_invalid_input_exits_2_with_the_field_and_reason_and_no_traceback(args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output and "\x1b" not in result.output
    assert result.stdout == ""


@pytest.mark.parametrize("expression, english", [
    ("cron(0/30 1/2 * * ? *)", "every 30 minutes in every 2nd hour from 01:00 UTC"),
    ("cron(0 10 1/3 * ? *)", "at 10:00 UTC on every 3rd day from the 1st of every month"),
    ("cron(0 10 * * ? 2026-2040/2)", "at 10:00 UTC every day in every 2nd year from 2026 to 2040"),
])
def test_steps_read_as_steps_not_as_long_lists(expression, english):
    assert parse(expression).describe() == english
