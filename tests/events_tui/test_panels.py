"""The EventBridge and Scheduler panels through the whole app on the embedded AWS, in an
account of the test's own, on a clock the server shares (Tuesday 2026-12-01 10:17 UTC).

AWS/Events and AWS/Scheduler datapoints are written with PutMetricData, as EventBridge
would publish them (by RuleName on the default bus, EventBusName and RuleName on a custom
one; by ScheduleGroup for Scheduler), and read back through the panels."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from screens.dashboard import DashboardScreen
from screens.events.timeline import TimelineScreen
from tests.clock import SharedClock
from tests.lambda_tui.conftest import start_app
from tests.pilot import wait_until

SIZE = (240, 60)
NOW = datetime(2026, 12, 1, 10, 17, tzinfo=timezone.utc)
FN = "arn:aws:lambda:us-east-1:{account}:function:{name}"


@pytest.fixture
def clock(endpoint):
    """The server's clock and the console's at NOW (a Tuesday), back to real time after."""
    from console.demo import control

    clock = SharedClock(endpoint, NOW)
    try:
        yield clock
    finally:
        control.set_clock(endpoint, None)


@pytest.fixture
def account(fresh_account, monkeypatch, clock):
    """An account of the test's own with the rules, schedule and datapoints of `seed`."""
    fresh_account.use(monkeypatch)
    seed(fresh_account)
    return fresh_account


def seed(account) -> None:
    events = account.client("events")
    fn = lambda name: FN.format(account=account.id, name=name)  # noqa: E731
    events.put_rule(Name="nightly", ScheduleExpression="cron(0 3 * * ? *)")
    events.put_targets(Rule="nightly", Targets=[{"Id": "1", "Arn": fn("report")}, {"Id": "2", "Arn": fn("mail")}])
    events.put_rule(Name="hourly", ScheduleExpression="cron(0 * * * ? *)")
    events.put_targets(Rule="hourly", Targets=[{"Id": "1", "Arn": fn("sync")}])
    events.put_rule(Name="legacy-report", ScheduleExpression="cron(0 12 * * ? *)", State="DISABLED")
    events.put_targets(Rule="legacy-report", Targets=[{"Id": "1", "Arn": fn("report")}])
    events.put_rule(Name="on-stop", EventPattern=json.dumps(
        {"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]}))
    events.create_event_bus(Name="orders")
    events.put_rule(Name="order-created", EventBusName="orders", EventPattern=json.dumps(
        {"source": ["shop.orders"], "detail-type": ["OrderCreated"]}))
    events.put_targets(Rule="order-created", EventBusName="orders", Targets=[{"Id": "1", "Arn": fn("orders")}])

    scheduler = account.client("scheduler")
    scheduler.create_schedule(
        Name="berlin-report", ScheduleExpression="cron(0 9 * * ? *)", ScheduleExpressionTimezone="Europe/Berlin",
        FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15},
        Target={"Arn": fn("report"), "RoleArn": f"arn:aws:iam::{account.id}:role/scheduler",
                "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600},
                "DeadLetterConfig": {"Arn": f"arn:aws:sqs:us-east-1:{account.id}:report-dlq"}})

    cloudwatch = account.client("cloudwatch")
    hour = NOW.replace(minute=0, second=0)
    hourly_fires = [hour - timedelta(hours=h) for h in range(24) if (hour - timedelta(hours=h)).hour != 5]
    data = [{"MetricName": "Invocations", "Dimensions": [{"Name": "RuleName", "Value": "hourly"}],
             "Timestamp": at, "Value": 1, "Unit": "Count"} for at in hourly_fires]
    data.append({"MetricName": "Invocations", "Dimensions": [{"Name": "RuleName", "Value": "nightly"}],
                 "Timestamp": NOW.replace(hour=3, minute=0, second=0), "Value": 2, "Unit": "Count"})
    data.append({"MetricName": "Invocations", "Dimensions": [{"Name": "EventBusName", "Value": "orders"},
                                                             {"Name": "RuleName", "Value": "order-created"}],
                 "Timestamp": NOW - timedelta(minutes=20), "Value": 7, "Unit": "Count"})
    data.append({"MetricName": "FailedInvocations", "Dimensions": [{"Name": "RuleName", "Value": "hourly"}],
                 "Timestamp": hour, "Value": 1, "Unit": "Count"})
    for start in range(0, len(data), 20):
        cloudwatch.put_metric_data(Namespace="AWS/Events", MetricData=data[start:start + 20])
    cloudwatch.put_metric_data(Namespace="AWS/Scheduler", MetricData=[
        {"MetricName": "InvocationAttemptCount", "Dimensions": [{"Name": "ScheduleGroup", "Value": "default"}],
         "Timestamp": hour - timedelta(minutes=10), "Value": 2, "Unit": "Count"}])


def cell(table, name: str, column: str) -> str:
    return table.get_cell(next(i.key for i in table.items if i.name == name), column).plain


def row_styles(table, name: str, column: str) -> str:
    text = table.get_cell(next(i.key for i in table.items if i.name == name), column)
    return " ".join(str(span.style) for span in text.spans) + " " + str(text.style)


async def test_rules_and_schedules_with_targets_next_fires_figures_and_a_missed_fire(account, clock, tmp_path):
    app = start_app(account.endpoint, clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        rules = app.screen.panel("events").table
        await wait_until(pilot, lambda: len(rules.items) == 5 and all(r.read for r in rules.items), clock=clock)

        # targets from ListTargetsByRule (issue 12: every rule showed "–")
        assert [cell(rules, n, "targets") for n in ("nightly", "hourly", "on-stop", "order-created")] == \
            ["2", "1", "0", "1"]
        # next three fires in UTC, from the clock's Tuesday 10:17
        assert cell(rules, "nightly", "next") == "Wed 03:00"
        assert cell(rules, "nightly", "then") == "Thu 03:00, Fri 03:00"
        assert cell(rules, "hourly", "next") == "11:00"
        assert cell(rules, "nightly", "kind") == "schedule" and cell(rules, "on-stop", "kind") == "pattern"
        assert cell(rules, "on-stop", "expression") == \
            'source=aws.ec2 detail-type="EC2 Instance State-change Notification"'
        assert "03:00" in cell(rules, "nightly", "english")

        # did it fire: the 05:00 fire has no invocation; the nightly's 03:00 has (two targets)
        assert cell(rules, "hourly", "fired") == "✗ missed 05:00"
        assert cell(rules, "nightly", "fired") == "✓ 1/1"
        # a custom bus's rule: its figures by EventBusName and RuleName
        assert cell(rules, "order-created", "invocations").endswith(" 7")
        assert cell(rules, "order-created", "bus") == "orders"
        # failing first, marked and toned; its last hour's figures with sparklines
        assert rules.items and rules.visible_keys[0].endswith("rule/hourly")
        assert cell(rules, "hourly", "name") == "✗ hourly"
        assert cell(rules, "hourly", "failed").endswith(" 1")
        assert cell(rules, "hourly", "invocations").endswith(" 1")
        # the disabled rule is dim and not judged
        assert "dim" in row_styles(rules, "legacy-report", "name")
        assert "dim" not in row_styles(rules, "nightly", "name")
        assert cell(rules, "legacy-report", "fired") == "–"

        schedules = app.screen.panel("scheduler").table
        await wait_until(pilot, lambda: schedules.items and schedules.items[0].read, clock=clock)
        assert cell(schedules, "berlin-report", "zone") == "Europe/Berlin"
        assert cell(schedules, "berlin-report", "next") == "Wed 09:00 CET"  # 08:00 UTC
        assert cell(schedules, "berlin-report", "then") == "Thu 09:00, Fri 09:00"
        assert [cell(schedules, "berlin-report", c) for c in ("window", "target", "retry", "DLQ".lower())] == \
            ["15 min", "Lambda report", "3× 1h", "report-dlq"]
        assert cell(schedules, "berlin-report", "attempts").endswith(" 2")  # the group's, not the schedule's

        app.save_screenshot("events-panels.svg", str(_screenshots(tmp_path)))


async def test_the_timeline_lists_the_next_day_of_fires_by_hour_in_order(account, clock):
    app = start_app(account.endpoint, clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        panel = app.screen.panel("events")
        await wait_until(pilot, lambda: len(panel.table.items) == 5, clock=clock)
        await wait_until(pilot, lambda: app.screen.panel("scheduler").table.items, clock=clock)
        panel.table.focus()
        await pilot.press("T")
        screen = await wait_until(pilot, lambda: isinstance(app.screen, TimelineScreen) and app.screen)
        await pilot.pause()
        lines = screen.lines
        assert lines[:2] == ["Tue 11:00–12:00 UTC", "11:00 hourly (rule, default)"]
        assert "03:00 nightly (rule, default)" in lines
        assert "08:00 berlin-report (schedule, default) · 09:00 Europe/Berlin" in lines
        # in time order, each under its hour; the disabled rule's 12:00 is not there
        order = [lines.index(x) for x in ("Wed 02:00–03:00 UTC", "02:00 hourly (rule, default)",
                                          "Wed 03:00–04:00 UTC", "03:00 nightly (rule, default)",
                                          "Wed 08:00–09:00 UTC", "08:00 berlin-report (schedule, default) · "
                                                                 "09:00 Europe/Berlin")]
        assert order == sorted(order)
        assert not any("legacy-report" in line for line in lines)
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


def _screenshots(tmp_path: Path) -> Path:
    import os

    path = Path(os.environ.get("OPSDECK_SCREENSHOTS") or tmp_path)
    path.mkdir(parents=True, exist_ok=True)
    return path
