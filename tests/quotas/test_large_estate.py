"""Ten simulated minutes of polling the large estate, with AWS's quotas enforced.

The embedded AWS serves the large estate (2,008 functions, 2,000 ECS services and about 4,000 tasks,
100+ state machines, 500+ rules and schedules) in its realistic mode: every documented
per-account request rate is enforced (tests/contract/test_throttling.py). Every source of
every registered service runs, as the dashboard runs them, on a clock the embedded AWS
follows; a screen shows the first rows of each (the dashboard reports them the same way:
tests/quotas/test_rows_in_view.py). AWS must never throttle the console (counted by the
server and by the console), and from the third minute on -- steady state, after the
first load -- every simulated minute stays within a tenth of each quota's rate, not only
on average: a console left open shares the account's quotas with its pipelines and
everyone else's tools, and a re-read of every row in one minute (2,000 ECS services:
220 calls) takes that minute from them however quiet the others are.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timezone

import pytest

from console.aws.clients import ClientPool
from console.aws.limits import quota_for
from console.demo import control
from console.demo.process import EmbeddedAws
from console.polling import PollingEngine, Store
from console.services import dashboard_sources
from console.target import Target
from tests.clock import SharedClock

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROWS_ON_SCREEN = 20
WARM_UP = 120  # seconds: the first load may burst up to the quotas
STEADY_MINUTES = 8  # minutes of steady state measured, each on its own (minutes 3 to 10)


@pytest.fixture(scope="module")
def large_estate():
    server = EmbeddedAws.start(size="large", simulate=False, realism="off", timeout=300)
    try:
        control.realism(server.endpoint, throttling=True)
        yield server.endpoint
    finally:
        server.stop()


def calls_per_quota(counts: dict) -> tuple[Counter, dict[str, int]]:
    per_quota: Counter = Counter()
    throttled = {}
    for row in counts["requests"]:
        if row["account"] != ACCOUNT:
            continue
        if row["throttled"]:
            throttled[f"{row['service']}:{row['operation']}"] = row["throttled"]
        quota = quota_for(row["service"], row["operation"], REGION)
        if quota is not None:
            per_quota[quota] += row["count"]
    return per_quota, throttled


async def settle(pool: ClientPool) -> None:
    """Let the sources work until no request is in flight a few times in a row: what is
    left waits on the clock (a tick's interval, a quota's token)."""
    quiet = 0
    for _ in range(20_000):
        await asyncio.sleep(0.005)
        quiet = quiet + 1 if pool.stats.in_flight == 0 else 0
        if quiet >= 3:
            return
    raise AssertionError("requests stayed in flight for a minute and a half of real time")


async def run_for(pool: ClientPool, clock: SharedClock, seconds: int) -> None:
    for _ in range(seconds):
        await clock.advance(1.0)
        await settle(pool)


async def test_the_console_stays_within_a_tenth_of_every_quota_and_is_never_throttled(large_estate):
    clock = SharedClock(large_estate, datetime.now(timezone.utc).replace(microsecond=0))
    pool = ClientPool(clock)
    store = Store(clock)
    engine = PollingEngine(pool, store, Target(None, REGION, large_estate, account=ACCOUNT))
    store.listen(lambda snapshot: engine.show_keys(
        snapshot.source, frozenset(item.key for item in snapshot.items[:ROWS_ON_SCREEN])))
    screen = object()
    for name, source in dashboard_sources().items():
        engine.register(name, *source)
        engine.subscribe(name, screen)
    engine.start()
    try:
        await run_for(pool, clock, WARM_UP)
        loaded = {name: (snap.loaded, snap.error) for name in engine.sources if (snap := store.latest(name))}
        shown = {name: len(store.latest(name).items) for name in loaded}
        assert calls_per_quota(control.request_counts(large_estate))[1] == {}  # not even at first load
        minutes = []
        for _ in range(STEADY_MINUTES):
            control.reset_request_counts(large_estate)
            await run_for(pool, clock, 60)
            minutes.append(calls_per_quota(control.request_counts(large_estate)))
    finally:
        await engine.stop()
        await pool.close()
        control.set_clock(large_estate, None)
    assert [throttled for _, throttled in minutes if throttled] == [] and pool.stats.throttles == 0
    assert loaded == {name: (True, None) for name in engine.sources}
    print("items loaded per source:", shown)
    assert sum(shown.values()) > 4_500  # it did poll the large estate (2,008 functions, 2,000 services, ...)
    busiest: Counter = Counter()
    over = []
    for minute, (per_quota, _) in enumerate(minutes, start=WARM_UP // 60 + 1):
        for quota, calls in per_quota.items():
            busiest[quota] = max(busiest[quota], calls)
            if calls > quota.per_minute / 10:
                over.append((minute, quota.name, calls, quota.per_minute / 10))
    print("busiest minute at steady state, and a tenth of each quota:",  # shown with -s
          {quota.name: (calls, quota.per_minute / 10) for quota, calls in busiest.items()})
    assert over == [], over  # (minute, quota, calls in it, a tenth of the quota's minute)
