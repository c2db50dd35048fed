"""Exact next fires: the EventBridge guide's examples, the calendar's edge cases, DST.

Every expected time here is worked out by hand from a calendar (noted beside it), not
taken from the engine. Sources: the examples table of
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html and the
daylight-saving rules of https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from console.services.events.schedule import parse

UTC = timezone.utc


def iso(fires: list[datetime]) -> list[str]:
    return [fire.isoformat() for fire in fires]


def next3(expression: str, after: str, zone: str | None = None) -> list[str]:
    return iso(parse(expression, zone).next_fires(datetime.fromisoformat(after), 3))


# 2026-12-01 is a Tuesday; 2027-01-01 a Friday; 2027-02-01 a Monday.
@pytest.mark.parametrize("expression, after, expected", [
    ("cron(0 10 * * ? *)", "2026-12-01T00:00:00+00:00",
     ["2026-12-01T10:00:00+00:00", "2026-12-02T10:00:00+00:00", "2026-12-03T10:00:00+00:00"]),
    ("cron(15 12 * * ? *)", "2026-12-01T12:15:00+00:00",  # strictly after: not the 12:15 given
     ["2026-12-02T12:15:00+00:00", "2026-12-03T12:15:00+00:00", "2026-12-04T12:15:00+00:00"]),
    ("cron(0 18 ? * MON-FRI *)", "2026-12-03T19:00:00+00:00",  # Thu evening: Fri, then Mon, Tue
     ["2026-12-04T18:00:00+00:00", "2026-12-07T18:00:00+00:00", "2026-12-08T18:00:00+00:00"]),
    ("cron(0 8 1 * ? *)", "2026-12-01T00:00:00+00:00",
     ["2026-12-01T08:00:00+00:00", "2027-01-01T08:00:00+00:00", "2027-02-01T08:00:00+00:00"]),
    ("cron(0/15 * * * ? *)", "2026-12-31T23:40:00+00:00",  # across a year's end
     ["2026-12-31T23:45:00+00:00", "2027-01-01T00:00:00+00:00", "2027-01-01T00:15:00+00:00"]),
    ("cron(0/10 * ? * MON-FRI *)", "2026-12-04T23:50:00+00:00",  # Fri night: the weekend is skipped
     ["2026-12-07T00:00:00+00:00", "2026-12-07T00:10:00+00:00", "2026-12-07T00:20:00+00:00"]),
    ("cron(0/5 8-17 ? * MON-FRI *)", "2026-12-04T17:52:00+00:00",  # 17:55 is the day's last
     ["2026-12-04T17:55:00+00:00", "2026-12-07T08:00:00+00:00", "2026-12-07T08:05:00+00:00"]),
    ("cron(0 9 ? * 2#1 *)", "2026-12-01T00:00:00+00:00",  # first Mondays: Dec 7, Jan 4, Feb 1
     ["2026-12-07T09:00:00+00:00", "2027-01-04T09:00:00+00:00", "2027-02-01T09:00:00+00:00"]),
])
def test_the_guides_examples(expression, after, expected):
    assert next3(expression, after) == expected


@pytest.mark.parametrize("expression, after, expected", [
    # Feb 29 in a non-leap year: on to the next leap years
    ("cron(0 10 29 2 ? *)", "2026-03-01T00:00:00+00:00",
     ["2028-02-29T10:00:00+00:00", "2032-02-29T10:00:00+00:00", "2036-02-29T10:00:00+00:00"]),
    # L: the last day, whatever the month's length (2028 is a leap year)
    ("cron(0 10 L * ? *)", "2028-02-01T00:00:00+00:00",
     ["2028-02-29T10:00:00+00:00", "2028-03-31T10:00:00+00:00", "2028-04-30T10:00:00+00:00"]),
    # 5L: the last Thursday (Dec 2026: 31st; Jan 2027: 28th; Feb 2027: 25th)
    ("cron(0 10 ? * 5L *)", "2026-12-01T00:00:00+00:00",
     ["2026-12-31T10:00:00+00:00", "2027-01-28T10:00:00+00:00", "2027-02-25T10:00:00+00:00"]),
    # L alone in day-of-week: the week's last day, Saturday
    ("cron(0 10 ? * L *)", "2026-12-01T00:00:00+00:00",
     ["2026-12-26T10:00:00+00:00", "2027-01-30T10:00:00+00:00", "2027-02-27T10:00:00+00:00"]),
    # #5 skips months without a fifth Monday: March, May and August 2027 have one
    ("cron(0 10 ? * 2#5 *)", "2026-12-01T00:00:00+00:00",
     ["2027-03-29T10:00:00+00:00", "2027-05-31T10:00:00+00:00", "2027-08-30T10:00:00+00:00"]),
    # 1W: May 1 2027 is a Saturday: Monday the 3rd, not Friday April 30
    ("cron(0 10 1W * ? *)", "2027-04-02T00:00:00+00:00",
     ["2027-05-03T10:00:00+00:00", "2027-06-01T10:00:00+00:00", "2027-07-01T10:00:00+00:00"]),
    # 31W: Jan 31 2027 is a Sunday: Friday the 29th, not Monday Feb 1; months without a
    # 31st do not fire; Mar 31 2027 is a Wednesday, May 31 a Monday
    ("cron(0 10 31W * ? *)", "2027-01-01T00:00:00+00:00",
     ["2027-01-29T10:00:00+00:00", "2027-03-31T10:00:00+00:00", "2027-05-31T10:00:00+00:00"]),
    # LW: Jan 2027 ends on a Sunday (Fri 29th), Feb on a Sunday (Fri 26th), Mar on a Wednesday
    ("cron(0 10 LW * ? *)", "2027-01-01T00:00:00+00:00",
     ["2027-01-29T10:00:00+00:00", "2027-02-26T10:00:00+00:00", "2027-03-31T10:00:00+00:00"]),
    # 15W: Aug 15 2027 is a Sunday: Monday the 16th
    ("cron(0 10 15W 8 ? *)", "2027-01-01T00:00:00+00:00",
     ["2027-08-16T10:00:00+00:00", "2028-08-15T10:00:00+00:00", "2029-08-15T10:00:00+00:00"]),
    # a range that wraps midnight (Quartz): 22, 23, 0
    ("cron(0 22-0 * * ? *)", "2026-12-01T21:00:00+00:00",
     ["2026-12-01T22:00:00+00:00", "2026-12-01T23:00:00+00:00", "2026-12-02T00:00:00+00:00"]),
    # a weekday range that wraps the week: Fri, Sat, Sun, Mon; names in any case
    ("cron(0 10 ? * fri-MON *)", "2026-12-01T00:00:00+00:00",
     ["2026-12-04T10:00:00+00:00", "2026-12-05T10:00:00+00:00", "2026-12-06T10:00:00+00:00"]),
    # months by name, a year list
    ("cron(30 6 1 JAN,JUL ? 2027,2029)", "2026-12-01T00:00:00+00:00",
     ["2027-01-01T06:30:00+00:00", "2027-07-01T06:30:00+00:00", "2029-01-01T06:30:00+00:00"]),
])
def test_edge_cases(expression, after, expected):
    assert next3(expression, after) == expected


@pytest.mark.parametrize("expression, after", [
    ("cron(0 10 29 2 ? 2029-2031)", "2026-01-01T00:00:00+00:00"),  # no leap year in those
    ("cron(0 0 1 1 ? 2199)", "2199-01-01T00:00:00+00:00"),  # the last year AWS cron has
    ("cron(0 0 30 2 ? *)", "2026-01-01T00:00:00+00:00"),  # a day February never has
    ("at(2026-12-24T18:00:00)", "2026-12-24T18:00:00+00:00"),  # a one-time schedule that has fired
])
def test_schedules_that_never_fire_again_have_no_next_fire(expression, after):
    assert next3(expression, after) == []


# ---------------------------------------------------------------- time zones and DST
# Europe/Berlin: 2027-03-28 02:00 CET jumps to 03:00 CEST; 2026-10-25 03:00 CEST falls
# back to 02:00 CET. America/New_York: 2027-03-14 02:00 EST jumps to 03:00 EDT;
# 2026-11-01 02:00 EDT falls back to 01:00 EST.


@pytest.mark.parametrize("zone, expression, after, expected", [
    ("Europe/Berlin", "cron(30 2 * * ? *)", "2027-03-27T00:00:00+00:00",
     ["2027-03-27T02:30:00+01:00", "2027-03-29T02:30:00+02:00", "2027-03-30T02:30:00+02:00"]),
    ("America/New_York", "cron(30 2 * * ? *)", "2027-03-13T00:00:00+00:00",
     ["2027-03-13T02:30:00-05:00", "2027-03-15T02:30:00-04:00", "2027-03-16T02:30:00-04:00"]),
    # every 30 minutes: 01:30 EST is followed by 03:00 EDT (02:00 and 02:30 never happen)
    ("America/New_York", "cron(0/30 * * * ? *)", "2027-03-14T06:15:00+00:00",
     ["2027-03-14T01:30:00-05:00", "2027-03-14T03:00:00-04:00", "2027-03-14T03:30:00-04:00"]),
])
def test_a_time_skipped_by_spring_forward_does_not_fire(zone, expression, after, expected):
    assert next3(expression, after, zone) == expected


@pytest.mark.parametrize("zone, expression, after, expected", [
    ("Europe/Berlin", "cron(30 2 * * ? *)", "2026-10-24T12:00:00+00:00",
     ["2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00", "2026-10-27T02:30:00+01:00"]),
    ("America/New_York", "cron(30 1 * * ? *)", "2026-10-31T12:00:00+00:00",
     ["2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00", "2026-11-03T01:30:00-05:00"]),
    # hourly: 02:00 fires in its first pass (CEST) only; next is 03:00 CET, two hours later
    ("Europe/Berlin", "cron(0 * * * ? *)", "2026-10-24T23:30:00+00:00",
     ["2026-10-25T02:00:00+02:00", "2026-10-25T03:00:00+01:00", "2026-10-25T04:00:00+01:00"]),
    # asked during the second pass (01:40 EST): 01:45 already fired in the first pass
    ("America/New_York", "cron(0/15 * * * ? *)", "2026-11-01T01:40:00-05:00",
     ["2026-11-01T02:00:00-05:00", "2026-11-01T02:15:00-05:00", "2026-11-01T02:30:00-05:00"]),
])
def test_a_time_repeated_by_fall_back_fires_once_at_its_first_occurrence(zone, expression, after, expected):
    assert next3(expression, after, zone) == expected


def test_cron_follows_the_zones_wall_clock_not_utc():
    # 09:00 in Tokyo is 00:00 UTC; in Berlin's winter 08:00 UTC, its summer 07:00 UTC
    tokyo = parse("cron(0 9 * * ? *)", "Asia/Tokyo").next_fires(datetime(2026, 11, 30, 12, tzinfo=UTC), 1)
    assert iso(tokyo) == ["2026-12-01T09:00:00+09:00"]
    berlin = parse("cron(0 9 ? * MON *)", "Europe/Berlin").next_fires(datetime(2027, 3, 20, tzinfo=UTC), 2)
    assert [fire.astimezone(UTC).hour for fire in berlin] == [8, 7]  # Mar 22 CET, Mar 29 CEST


def test_rate_is_a_fixed_duration_from_creation_across_dst():
    created = datetime(2026, 10, 24, 10, 0, tzinfo=UTC)  # 12:00 CEST
    schedule = parse("rate(1 day)", "Europe/Berlin", created=created)
    # 24 hours later, after the fall-back: 11:00 CET on the wall clock
    assert iso(schedule.next_fires(created, 2)) == ["2026-10-25T11:00:00+01:00", "2026-10-26T11:00:00+01:00"]


def test_rate_counts_from_the_created_minute():
    created = datetime(2026, 12, 1, 9, 3, 27, tzinfo=UTC)
    schedule = parse("rate(5 minutes)", created=created)
    assert iso(schedule.next_fires(datetime(2026, 12, 1, 9, 10, tzinfo=UTC), 2)) == [
        "2026-12-01T09:13:00+00:00", "2026-12-01T09:18:00+00:00"]
    # asked before the creation: the first fire is the creation itself
    assert iso(schedule.next_fires(datetime(2026, 12, 1, tzinfo=UTC), 1)) == ["2026-12-01T09:03:00+00:00"]
    hourly = parse("rate(2 hours)", created=created)
    assert iso(hourly.next_fires(datetime(2026, 12, 1, 11, 3, tzinfo=UTC), 1)) == ["2026-12-01T13:03:00+00:00"]


def test_at_fires_once_in_its_zone():
    schedule = parse("at(2026-12-24T18:00:00)", "America/New_York")
    assert iso(schedule.next_fires(datetime(2026, 12, 1, tzinfo=UTC), 3)) == ["2026-12-24T18:00:00-05:00"]
    # a time inside the spring-forward gap never comes (our reading, as for cron())
    assert parse("at(2027-03-28T02:30:00)", "Europe/Berlin").next_fires(datetime(2027, 1, 1, tzinfo=UTC)) == []
    # a repeated time: its first occurrence (CEST)
    assert iso(parse("at(2026-10-25T02:30:00)", "Europe/Berlin").next_fires(datetime(2026, 10, 1, tzinfo=UTC))) == [
        "2026-10-25T02:30:00+02:00"]


def test_fires_between_is_open_at_the_start_and_closed_at_the_end():
    schedule = parse("cron(0 * * * ? *)")
    start = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    fires = schedule.fires_between(start, start + timedelta(hours=3))
    assert iso(fires) == ["2026-12-01T11:00:00+00:00", "2026-12-01T12:00:00+00:00", "2026-12-01T13:00:00+00:00"]
    # a day of a Scheduler schedule, in its own zone, across the fall-back: 23 hours fire, not 25
    berlin = parse("cron(0 * * * ? *)", "Europe/Berlin")
    day = berlin.fires_between(datetime(2026, 10, 24, 22, 0, tzinfo=UTC), datetime(2026, 10, 25, 23, 0, tzinfo=UTC))
    assert len(day) == 24 and len({fire.astimezone(UTC) for fire in day}) == 24


def test_fires_come_in_the_schedules_zone_or_utc():
    assert parse("cron(0 10 * * ? *)").next_fires(datetime(2026, 12, 1, tzinfo=UTC), 1)[0].utcoffset() == timedelta(0)
    fire = parse("cron(0 10 * * ? *)", "Asia/Kolkata").next_fires(datetime(2026, 12, 1, tzinfo=UTC), 1)[0]
    assert fire.isoformat() == "2026-12-01T10:00:00+05:30"


@pytest.mark.parametrize("expression, zone", [("cron(0 10 * * ? *)", None), ("cron(0 10 * * ? *)", "Europe/Berlin"),
                                              ("rate(1 day)", None), ("at(2026-12-24T18:00:00)", "Asia/Tokyo")])
def test_the_end_of_time_has_no_fires_and_no_error(expression, zone):
    assert parse(expression, zone).next_fires(datetime(9999, 12, 31, 23, 59, tzinfo=UTC)) == []
    assert parse(expression, zone).next_fires(datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-5)))) == []
