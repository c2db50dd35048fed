"""What the EventBridge panels say when they cannot know: figures AWS refuses, a Scheduler
AWS refuses, an expression schedule.py rejects, and the timeline's partial, empty and
loading states."""

from __future__ import annotations

import dataclasses

import pytest
from botocore.exceptions import ClientError

from console.demo import control
from screens.dashboard import DashboardScreen
from screens.events.timeline import TimelineScreen
from tests.app.conftest import T0, rule, schedule, settle
from tests.app.conftest import clock, estate, make_app  # noqa: F401 - fixtures
from tests.events_tui.test_panels import SIZE, cell
from tests.events_tui.test_panels import account, clock as shared_at_noon  # noqa: F401 - fixtures
from tests.lambda_tui.conftest import start_app
from tests.pilot import wait_until
from widgets.panel import ResourcePanel


def title(app, panel_id: str) -> str:
    return str(app.screen.query_one(f"#{panel_id}-panel", ResourcePanel)._border_title.plain)


async def test_figures_and_schedules_aws_refuses_leave_the_rules_and_say_so(account, shared_at_noon):
    """CloudWatch's GetMetricData and Scheduler's ListSchedules denied to this account's key:
    the rules are still listed with their targets; their figures are unknown ("–"), never a
    missed fire; the Scheduler panel says access is denied."""
    control.deny(account.endpoint, account.access_key, "cloudwatch", "GetMetricData")
    control.deny(account.endpoint, account.access_key, "scheduler", "ListSchedules")
    app = start_app(account.endpoint, shared_at_noon)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        rules = app.screen.panel("events").table
        await wait_until(pilot, lambda: len(rules.items) == 5 and all(r.read for r in rules.items),
                         clock=shared_at_noon)
        assert cell(rules, "nightly", "targets") == "2"
        assert cell(rules, "hourly", "invocations") == "–" and cell(rules, "hourly", "failed") == "–"
        assert cell(rules, "hourly", "fired") == "? metrics unreadable"
        assert cell(rules, "hourly", "name") == "hourly"  # not marked failing on what is unknown
        await wait_until(pilot, lambda: "error" in title(app, "scheduler"), clock=shared_at_noon)
        assert "denied" in title(app, "scheduler").lower()
        assert title(app, "events") == "EventBridge · 5"


async def open_timeline(pilot) -> TimelineScreen:
    """`T` on the EventBridge panel, once the dashboard has drawn."""
    app = pilot.app
    await settle(pilot, 6)
    app.screen.panel("events").table.focus()
    await pilot.press("T")
    screen = await wait_until(pilot, lambda: isinstance(app.screen, TimelineScreen) and app.screen)
    await settle(pilot)
    return screen


@pytest.fixture
def odd_estate(estate):  # noqa: F811 - the tests/app estate, with expressions schedule.py rejects
    bad = rule("typo", "cron(0 3 * * ?)")
    estate.items["events"] = (rule("nightly", "cron(0 3 * * ? *)"), bad, rule("on-upload", None))
    from console.services.events import fires

    mars = dataclasses.replace(schedule("mars-report"), timezone="Mars/Base",
                               timing=fires.timing("cron(0 9 * * ? *)", "Mars/Base", T0))
    estate.items["scheduler"] = (schedule("berlin-report"), mars)
    return estate


async def test_an_invalid_expression_shows_its_reason_in_the_english_column(make_app, odd_estate):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, 6)
        rules = app.screen.panel("events").table
        assert cell(rules, "typo", "english").startswith("invalid: ")
        assert cell(rules, "typo", "next") == "–"
        assert cell(rules, "nightly", "english") != "" and cell(rules, "nightly", "next") == "Sat 03:00"
        schedules = app.screen.panel("scheduler").table
        assert cell(schedules, "mars-report", "english").startswith("invalid: ")
        assert cell(schedules, "berlin-report", "next") == "Sat 09:00 CET"


async def test_the_timeline_keeps_the_rules_when_schedules_cannot_be_read(make_app, odd_estate):  # noqa: F811
    odd_estate.failures["scheduler"] = ClientError(
        {"Error": {"Code": "AccessDeniedException", "Message": "not allowed: scheduler:ListSchedules"},
         "ResponseMetadata": {"HTTPStatusCode": 403}}, "ListSchedules")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_timeline(pilot)
        heading = str(screen.query_one("#timeline-title").content)
        assert "schedules: " in heading and "denied" in heading.lower()
        assert "03:00 nightly (rule, default)" in screen.lines  # the rules' fires are still there
        assert not any("typo" in line or "berlin" in line for line in screen.lines)


async def test_the_timeline_says_when_nothing_fires(make_app, estate):  # noqa: F811
    estate.items["events"] = (rule("on-upload", None), dataclasses.replace(rule("off"), state="DISABLED"))
    estate.items["scheduler"] = ()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_timeline(pilot)
        assert screen.lines == ["No fires in the next 24 hours: no enabled scheduled rule or schedule."]
