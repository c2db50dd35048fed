"""The deploy progress screen shows each version's figures minute by minute as CloudWatch
delivers them (60 s late: the embedded AWS's realism on the shared clock), and rolls back
on errors counted in a minute still arriving; the alias read back with boto3."""

from __future__ import annotations

from datetime import timedelta

import pytest

from console.services.lambda_.deploy.health import minute_end
from tests.deploy_tui.conftest import advance, fill, open_form, plan_and_confirm, start_app
from tests.pilot import wait_until


@pytest.fixture
def clock(shared_clock):
    return shared_clock


async def test_minutes_arrive_on_screen_and_errors_in_a_partial_minute_roll_back(functions, source, clock,
                                                                                  realism):
    realism(metric_delay=60)
    # the minutes below are reasoned about from 5 s into a minute, whatever the time of day:
    # started late in a minute, the failing minute was already final when it rolled back
    if (to_second_5 := (65 - clock.now().second) % 60):
        await clock.advance(to_second_5)
    name = functions.create()
    app = start_app(functions, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        form = await open_form(pilot, app, name)
        fill(form, source=str(source), strategy="canary", step="10%:5m")  # grace: timeout 3 s + 60 s
        progress, _ = await plan_and_confirm(pilot, app, form)
        await wait_until(pilot, lambda: progress.event is not None and progress.event.phase == "watching")
        first = clock.now()
        assert functions.traffic(name, first, 100) == {"1": (90, 0), "2": (10, 0)}
        minute = f"{minute_end(first) - timedelta(minutes=1):%H:%M}"
        await advance(pilot, clock, 45)
        assert "no minute has arrived from CloudWatch yet" in progress.view_text()
        await advance(pilot, clock, 25)
        await wait_until(pilot, lambda: f"{minute}   10 invocations, 0 errors so far" in progress.view_text())
        assert "90 invocations, 0 errors so far" in progress.view_text()  # version 1 beside it
        assert functions.alias(name) == ("1", {"2": 0.1})
        await advance(pilot, clock, 65)  # the timeout (3 s) and CloudWatch's delay after the minute ends
        await wait_until(pilot, lambda: f"{minute}   10 invocations, 0 errors (0.0%)" in progress.view_text())
        assert "90 invocations, 0 errors (0.0%)" in progress.view_text()

        functions.fail(name, "2")
        failing = clock.now()
        assert functions.traffic(name, failing, 100) == {"1": (90, 0), "2": (10, 10)}
        await advance(pilot, clock, 70)  # visible 60 s later, in a minute not yet final: enough
        await wait_until(pilot, lambda: progress.state == "done")
        assert clock.now() - failing <= timedelta(seconds=75)
        assert progress.outcome_text().startswith("ROLLED BACK AUTOMATICALLY: 10 errors on version 2")
        assert "10 invocations, 10 errors so far" in progress.view_text()
    assert functions.alias(name) == ("1", {})
