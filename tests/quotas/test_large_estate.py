"""Ten simulated minutes of the console on the large estate, with AWS's quotas enforced.

The embedded AWS serves the large estate (2,008 functions, 202 services and 2,005 tasks,
100+ state machines, 500+ rules and schedules) in its realistic mode: every documented
per-account request rate is enforced (tests/contract/test_throttling.py). The real App
runs headless on a clock the embedded AWS follows; time moves one second a step. AWS
must never throttle the console (counted by the server and by the console), and from
the third minute on -- steady state, after the first load's burst -- each quota's
calls average at most a tenth of its rate: a console left open shares the account's
quotas with its pipelines and everyone else's tools.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

import pytest

from console.app import OpsdeckApp
from console.aws.clients import ClientPool
from console.aws.limits import quota_for
from console.demo import control
from console.demo.process import EmbeddedAws
from console.target import Target
from screens.dashboard import DashboardScreen
from tests.clock import SharedClock

ACCOUNT = "123456789012"
REGION = "us-east-1"
WARM_UP = 120  # seconds: the first load may burst up to the quotas
STEADY = 480  # seconds of steady state measured (minutes 3 to 10)


@pytest.fixture(scope="module")
def large_estate():
    server = EmbeddedAws.start(size="large", simulate=False, realism="off", timeout=300)
    try:
        control.realism(server.endpoint, throttling=True)
        yield server.endpoint
    finally:
        server.stop()


def calls_per_quota(counts: dict) -> tuple[Counter, int]:
    per_quota: Counter = Counter()
    throttled = 0
    for row in counts["requests"]:
        if row["account"] != ACCOUNT:
            continue
        throttled += row["throttled"]
        quota = quota_for(row["service"], row["operation"], REGION)
        if quota is not None:
            per_quota[quota] += row["count"]
    return per_quota, throttled


async def settle(pilot, app) -> None:
    """Let the app work until no request is in flight twice in a row: what is left waits
    on the clock (a tick's interval, a quota's token) and needs time to move."""
    quiet = 0
    for _ in range(6000):
        await pilot.pause(0.01)
        quiet = quiet + 1 if app.pool.stats.in_flight == 0 else 0
        if quiet >= 3:
            return
    raise AssertionError("requests stayed in flight for a minute of real time")


async def run_for(pilot, app, clock, seconds: int) -> None:
    for _ in range(seconds):
        await clock.advance(1.0)
        await settle(pilot, app)


async def test_the_console_stays_within_a_tenth_of_every_quota_and_is_never_throttled(large_estate):
    clock = SharedClock(large_estate, datetime.now(timezone.utc).replace(microsecond=0))
    app = OpsdeckApp(Target(None, REGION, large_estate, demo=True), ClientPool(clock), clock)
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            for _ in range(600):
                await pilot.pause(0.05)
                if isinstance(app.screen, DashboardScreen) and app.engine is not None:
                    break
            await run_for(pilot, app, clock, WARM_UP)
            control.reset_request_counts(large_estate)
            await run_for(pilot, app, clock, STEADY)
            per_quota, throttled = calls_per_quota(control.request_counts(large_estate))
            panels = {panel.spec.id: panel.table.row_count for panel in app.screen.panels}
            client_throttles = app.pool.stats.throttles
    finally:
        control.set_clock(large_estate, None)
    assert throttled == 0 and client_throttles == 0
    assert all(rows > 50 for rows in panels.values()), panels  # it did show the large estate
    over = {quota.name: round(calls / (STEADY / 60), 1)
            for quota, calls in per_quota.items() if calls / (STEADY / 60) > quota.per_minute / 10}
    rates = {quota.name: (round(calls / (STEADY / 60), 1), quota.per_minute / 10)
             for quota, calls in per_quota.items()}
    assert over == {}, rates
