"""Did it fire: the fires a scheduled rule was due against its Invocations, in 5-minute
datapoints as CloudWatch returns them; and the timeline's order across rules and schedules."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from console.services.events import fires
from console.services.events.models import EventRule, SchedulerSchedule
from console.target import Target

TARGET = Target(profile=None, region="us-east-1", endpoint="http://127.0.0.1:1", account="123456789012")
NOW = datetime(2026, 12, 1, 10, 17, tzinfo=timezone.utc)
UTC = timezone.utc


def rule(name: str, schedule: str | None, state: str = "ENABLED", targets: int | None = 1) -> EventRule:
    return EventRule(TARGET, f"arn:aws:events:us-east-1:123456789012:rule/{name}", name, "rule", "default", state,
                     schedule, None, None if schedule else '{"source":["x"]}', "", targets,
                     timing=fires.timing(schedule, None, NOW))


def schedule(name: str, expression: str, zone: str | None, state: str = "ENABLED") -> SchedulerSchedule:
    return SchedulerSchedule(TARGET, f"arn:aws:scheduler:us-east-1:123456789012:schedule/default/{name}", name,
                             "default", state, expression, zone, "", None, "arn:aws:lambda:us-east-1:1:function:f",
                             "Lambda", 185, 86400, None)


def points(*stamps: datetime, value: float = 1.0) -> list[tuple[datetime, float]]:
    return [(at, value) for at in stamps]


def hourly_points(skip: set[int] = frozenset(), minute: int = 0) -> list[tuple[datetime, float]]:
    """One invocation an hour over the last day, in the 5-minute period of HH:`minute`."""
    start = (NOW - timedelta(hours=24)).replace(minute=0)
    stamps = [start + timedelta(hours=h, minutes=minute // 5 * 5) for h in range(26)]
    return points(*(at for at in stamps if at.hour not in skip and at <= NOW))


def test_a_daily_rule_that_fired_is_one_of_one():
    nightly = rule("nightly", "cron(0 3 * * ? *)")
    check = fires.judge(nightly, points(datetime(2026, 12, 1, 3, 0, tzinfo=UTC)), NOW)
    assert (check.due, check.missed, check.seen) == (1, (), 1)


def test_a_daily_rule_without_its_invocation_missed_that_fire():
    nightly = rule("nightly", "cron(0 3 * * ? *)")
    check = fires.judge(nightly, points(datetime(2026, 11, 30, 3, 0, tzinfo=UTC)), NOW)  # two days ago's
    assert check.missed == (datetime(2026, 12, 1, 3, 0, tzinfo=UTC),)


def test_delivery_in_the_next_period_still_counts_but_not_later():
    nightly = rule("nightly", "cron(0 3 * * ? *)")
    assert not fires.judge(nightly, points(datetime(2026, 12, 1, 3, 5, tzinfo=UTC)), NOW).missed
    assert fires.judge(nightly, points(datetime(2026, 12, 1, 3, 10, tzinfo=UTC)), NOW).missed


def test_an_hourly_rule_missing_one_hour_is_flagged_at_that_hour_only():
    hourly = rule("hourly", "cron(0 * * * ? *)")
    check = fires.judge(hourly, hourly_points(skip={4}), NOW)
    assert check.missed == (datetime(2026, 12, 1, 4, 0, tzinfo=UTC),)
    assert check.due == 24 and check.seen == 23


def test_one_invocation_accounts_for_one_fire_only():
    every_five = rule("five", "cron(0/5 * * * ? *)")
    # the 10:00 and 10:05 fires both land in reach of the single 10:05 datapoint
    check = fires.judge(every_five, [(datetime(2026, 12, 1, 10, 5, tzinfo=UTC), 1.0)],
                        datetime(2026, 12, 1, 10, 17, tzinfo=UTC))
    assert datetime(2026, 12, 1, 10, 5, tzinfo=UTC) in check.missed or \
        datetime(2026, 12, 1, 10, 0, tzinfo=UTC) in check.missed


def test_fires_of_the_last_minutes_are_not_judged():
    every_five = rule("five", "cron(0/5 * * * ? *)")
    # a datapoint in every 5-minute period up to 10:10; nothing yet for the 10:15 fire, two
    # minutes ago: too recent to call missed (CloudWatch's delay)
    first = datetime(2026, 11, 30, 10, 15, tzinfo=UTC)
    series = points(*(first + timedelta(minutes=5 * i) for i in range(24 * 12)))
    assert series[-1][0] == datetime(2026, 12, 1, 10, 10, tzinfo=UTC)
    check = fires.judge(every_five, series, NOW)
    assert (check.missed, check.pending, check.due) == ((), 1, 24 * 12 - 1)


def test_a_rate_counted_from_an_unknown_creation_is_not_called_missed():
    """AWS counts rate(1 hour) from the rule's creation (here at :40); schedule.py, knowing
    no creation, from the epoch (:00)."""
    hourly = rule("hourly", "rate(1 hour)")
    assert fires.judge(hourly, hourly_points(minute=40), NOW).missed == ()
    assert len(fires.judge(hourly, hourly_points(skip={4, 5, 6}, minute=40), NOW).missed) >= 2


def test_what_cannot_be_judged_says_why():
    assert fires.judge(rule("n", "cron(0 3 * * ? *)", targets=0), [], NOW).unknown.startswith("no targets")
    assert fires.judge(rule("n", "cron(0 3 * * ? *)"), None, NOW).unknown == "metrics unreadable"
    assert fires.judge(rule("n", "cron(0 3 * * ? *)", state="DISABLED"), [], NOW) is None
    assert fires.judge(rule("p", None), [], NOW) is None


def test_an_invalid_expression_says_why_instead_of_failing():
    bad = fires.timing("cron(bad)", None, NOW)
    assert bad.invalid and not bad.next_fires
    assert fires.judge(rule("bad", "cron(bad)"), [], NOW) is None


def test_next_fires_of_a_berlin_schedule_are_on_its_wall_clock():
    timing = fires.timing("cron(0 9 * * ? *)", "Europe/Berlin", NOW)
    assert [f"{at:%Y-%m-%d %H:%M %Z}" for at in timing.next_fires] == [
        "2026-12-02 09:00 CET", "2026-12-03 09:00 CET", "2026-12-04 09:00 CET"]
    assert timing.next_fires[0].astimezone(UTC).hour == 8


def test_timeline_is_in_time_order_across_rules_and_schedules_and_leaves_out_disabled():
    items = [
        rule("nightly", "cron(0 3 * * ? *)"),
        rule("every-six", "cron(0 0/6 * * ? *)"),
        rule("off", "cron(30 11 * * ? *)", state="DISABLED"),
        rule("on-upload", None),
        schedule("berlin-report", "cron(0 9 * * ? *)", "Europe/Berlin"),
        schedule("once", "at(2026-12-01T12:30:00)", None),
    ]
    entries = fires.upcoming(items, NOW)
    assert [(e.at.astimezone(UTC).strftime("%m-%d %H:%M"), e.name) for e in entries] == [
        ("12-01 12:00", "every-six"), ("12-01 12:30", "once"), ("12-01 18:00", "every-six"),
        ("12-02 00:00", "every-six"), ("12-02 03:00", "nightly"), ("12-02 06:00", "every-six"),
        ("12-02 08:00", "berlin-report")]
    berlin = entries[-1]
    assert berlin.at.tzinfo == ZoneInfo("Europe/Berlin") and berlin.at.hour == 9


def test_a_failing_rule_is_one_with_failed_invocations_or_a_missed_fire():
    nightly = rule("nightly", "cron(0 3 * * ? *)")
    assert not nightly.failing
    missed = replace(nightly, fired=fires.judge(nightly, [], NOW))
    assert missed.failing
