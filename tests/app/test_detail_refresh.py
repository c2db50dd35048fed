"""A detail screen follows its resource while it is open (issue 9, item 1): a change made
with boto3 shows once the ManualClock passes the feed's interval, a refused refresh keeps
the last values marked stale with their age, and the status bar says how old the data is.
The embedded AWS. (The generic DetailScreen's following of its row's source, with fake
sources: tests/app/test_dashboard.py.)"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from console.app import OpsdeckApp
from console.aws.clients import ClientPool
from console.clock import ManualClock
from console.demo import control
from console.target import Target
from screens.dashboard import DashboardScreen
from tests.pilot import wait_until
from widgets.status_bar import StatusBar


async def test_a_rule_detail_follows_the_rule(fresh_account, monkeypatch):
    """(It followed an ECS service until ECS got screens of its own, then an EventBridge rule
    in this generic screen until EventBridge got its own, screens/events/rule.py: that
    screen's feed follows the rule the same way, tested here.)"""
    from screens.events.rule import RuleDetailScreen
    from tests.function_detail.conftest import static_text

    fresh_account.use(monkeypatch)
    events = fresh_account.client("events")
    events.put_rule(Name="nightly", ScheduleExpression="rate(5 minutes)")
    clock = ManualClock(datetime.now(timezone.utc).replace(microsecond=0))
    app = OpsdeckApp(Target(None, "us-east-1", fresh_account.endpoint), ClientPool(clock), clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        table = app.screen.panel("events").table
        await wait_until(pilot, lambda: any(item.name == "nightly" for item in table.items), clock=clock, step=0.5)
        table.focus()
        assert table.select_key(next(item.key for item in table.items if item.name == "nightly"))
        await pilot.pause()
        await pilot.press("enter")
        screen = await wait_until(pilot, lambda: isinstance(app.screen, RuleDetailScreen) and app.screen)
        when = screen.sections["when"]

        def shown() -> str:
            return static_text(screen, "when-body")

        await wait_until(pilot, lambda: "rate(5 minutes)" in shown(), clock=clock, step=0.5)
        events.put_rule(Name="nightly", ScheduleExpression="rate(10 minutes)")
        await wait_until(pilot, lambda: "rate(10 minutes)" in shown(), clock=clock, step=1.0)
        app.refresh_status()
        assert re.search(r"data \d+s old", screen.query_one(StatusBar).text())

        control.deny(fresh_account.endpoint, fresh_account.access_key, "events", "DescribeRule")
        try:
            events.put_rule(Name="nightly", ScheduleExpression="rate(15 minutes)")
            await wait_until(pilot, lambda: when.stale_since is not None, clock=clock, step=1.0)
            assert "rate(10 minutes)" in shown()  # what was read stays
            screen.refresh_ages()
            before = int(re.search(r"stale · (\d+)s old", when.stale_since).group(1))
            await clock.advance(4)
            screen.refresh_ages()
            assert int(re.search(r"stale · (\d+)s old", when.stale_since).group(1)) == before + 4
        finally:
            control.clear_denials(fresh_account.endpoint)
        await wait_until(pilot, lambda: "rate(15 minutes)" in shown(), clock=clock, step=1.0)
        assert when.stale_since is None
