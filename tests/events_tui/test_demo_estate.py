"""The demo estate's rules and schedules on the panels, with the history the embedded AWS
wrote for them from AWS's documentation (console/demo: inventory-sync misses one fire two
hours before seeding; the reports group's partner-sync fails every half hour)."""

from __future__ import annotations

from console.demo import estate as E
from screens.dashboard import DashboardScreen
from tests.events_tui.test_panels import SIZE, cell
from tests.lambda_tui.conftest import start_app
from tests.pilot import wait_until


async def test_the_seeded_missed_fire_is_flagged_and_schedules_are_never_called_failing_on_their_group(
        endpoint, shared_clock):
    app = start_app(endpoint, shared_clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        rules = app.screen.panel("events").table
        await wait_until(pilot, lambda: any(r.name == E.MISSED_RULE and r.read for r in rules.items),
                         clock=shared_clock)
        assert cell(rules, E.MISSED_RULE, "fired").startswith("✗ missed ")
        assert cell(rules, E.MISSED_RULE, "name") == f"✗ {E.MISSED_RULE}"
        assert cell(rules, E.SWEEPER_RULE, "fired").startswith("✓ ")

        schedules = app.screen.panel("scheduler").table
        await wait_until(pilot, lambda: any(s.name == E.FAILING_SCHEDULE and s.read for s in schedules.items),
                         clock=shared_clock)
        assert int(cell(schedules, E.FAILING_SCHEDULE, "errors").split()[-1]) > 0  # the group's figure
        assert cell(schedules, E.FAILING_SCHEDULE, "name") == E.FAILING_SCHEDULE  # not marked on it
        assert cell(schedules, "weekday-digest", "next").endswith("08:30 CET")
