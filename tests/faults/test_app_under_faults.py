"""The whole app behind the fault proxy: throttles, 500s, stalls and dropped connections
never crash it; affected panels keep their data marked stale with its age; the status bar
counts what went wrong; throttled sources back off (counted at the proxy); and everything
recovers by itself once the faults stop.

Poll intervals run on a ManualClock; botocore's retries and timeouts run on real time,
so stalls are kept short and the read timeout is lowered where a stall must time out.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from aiobotocore.config import AioConfig

import console.aws.clients as clients
from console.app import OpsdeckApp
from console.aws.clients import ClientPool
from console.clock import ManualClock
from console.demo.faultproxy import FaultProxy
from console.target import Target
from screens.dashboard import DashboardScreen
from tests.integration.test_sources import make_function
from widgets.panel import ResourcePanel
from widgets.status_bar import StatusBar

PANELS = ("lambda", "ecs", "stepfunctions", "events")


@pytest.fixture
def estate(fresh_account, monkeypatch):
    """A fresh account with one function and one rule, seen through a fault proxy."""
    fresh_account.use(monkeypatch)
    make_function(fresh_account, "pay")
    fresh_account.client("events").put_rule(Name="nightly", ScheduleExpression="rate(1 day)")
    with FaultProxy(fresh_account.endpoint, seed=11) as proxy:
        yield proxy


def make_app(proxy: FaultProxy) -> tuple[OpsdeckApp, ManualClock]:
    clock = ManualClock(datetime.now(timezone.utc).replace(microsecond=0))
    return OpsdeckApp(Target(None, "us-east-1", proxy.endpoint), ClientPool(clock), clock), clock


async def wait_until(pilot, predicate, seconds: float = 60.0):
    for _ in range(int(seconds / 0.05)):
        if value := predicate():
            return value
        await pilot.pause(0.05)
    raise AssertionError("condition never became true")


def idle(app: OpsdeckApp, clock: ManualClock) -> bool:
    """Every running source loop is asleep on the clock: no tick is in flight."""
    running = [s for s in app.engine._sources.values() if s.task is not None]
    asleep = [f for _, _, f in clock._sleepers if not f.done()]
    return len(asleep) >= len(running)


async def run_for(pilot, app, clock, seconds: float, step: float = 5.0) -> None:
    """Let `seconds` of poll time pass, letting each tick (and its real-time retries) finish."""
    for _ in range(int(seconds / step)):
        await clock.advance(step)
        await wait_until(pilot, lambda: idle(app, clock))


def panel(app, name: str) -> ResourcePanel:
    # the dashboard keeps its panels: a query races the grid mounting them after the screen
    return app.screen.panel(name)


def status(app) -> str:
    app.refresh_status()
    return app.screen.query_one(StatusBar).text()


def counts(status_line: str) -> tuple[int, int]:
    match = re.search(r"(\d+) throttled (\d+) errors", status_line)
    assert match, status_line
    return int(match.group(1)), int(match.group(2))


async def loaded(pilot, app, clock) -> None:
    await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen)
                     and all(panel(app, name).state.loaded for name in PANELS))
    await wait_until(pilot, lambda: idle(app, clock))
    assert panel(app, "lambda").table.items and panel(app, "events").table.items


async def test_throttled_panel_goes_stale_backs_off_and_recovers(estate):
    proxy = estate
    app, clock = make_app(proxy)
    async with app.run_test(size=(160, 50)) as pilot:
        await loaded(pilot, app, clock)
        lam = panel(app, "lambda")

        proxy.reset_counts()  # healthy: ListFunctions every 5 s (the alias sweep reads that list)
        await run_for(pilot, app, clock, 60)
        healthy_per_minute = proxy.count("lambda", "ListFunctions")
        assert healthy_per_minute == 12

        proxy.set(throttle=1.0, services={"lambda"})
        await run_for(pilot, app, clock, 40)  # long enough to reach the longest back-off
        assert lam.state.name == "stale"
        assert lam.table.items, "the last data stays on screen"
        assert re.search(r"stale \d+[sm] — AWS is throttling requests", lam.border_title), lam.border_title
        assert panel(app, "events").state.name == "ok", "only the throttled service's panels go stale"
        throttled, _ = counts(status(app))
        assert throttled >= proxy.count("lambda", fault="throttle") > 0

        proxy.reset_counts()  # throttled, backed off: far fewer requests, retries included
        await run_for(pilot, app, clock, 120)
        throttled_per_minute = proxy.count("lambda", "ListFunctions") / 2
        # Ticks are 8x apart, but each throttled tick still costs botocore's 4 attempts.
        assert 0 < throttled_per_minute < healthy_per_minute, (throttled_per_minute, healthy_per_minute)
        print("ListFunctions per minute: healthy", healthy_per_minute, "throttled", throttled_per_minute)
        assert lam.state.name == "stale"
        old_age = lam.state.age

        proxy.off()
        await run_for(pilot, app, clock, 90)  # every source's next tick, however far back-off pushed it (80 s)
        assert lam.state.name == "ok" and "stale" not in str(lam.border_title)
        assert old_age is not None and old_age >= 120
        assert [lam.table.get_cell(k, "name").plain for k in lam.table.visible_keys] == ["pay"]
        proxy.reset_counts()
        await run_for(pilot, app, clock, 60)
        assert proxy.count("lambda", "ListFunctions") == healthy_per_minute, "back to the normal rate"
        assert "Traceback" not in app.export_screenshot()


async def test_500s_stalls_and_drops_never_crash_it_and_it_recovers(estate, monkeypatch):
    standard = clients.client_config
    # a 2 s stall must exceed the read timeout, as an 8 s stall exceeds the real one
    monkeypatch.setattr(clients, "client_config", lambda: standard().merge(AioConfig(read_timeout=1)))
    proxy = estate
    app, clock = make_app(proxy)
    async with app.run_test(size=(160, 50)) as pilot:
        await loaded(pilot, app, clock)
        _, errors_before = counts(status(app))

        proxy.set(error=1.0, services={"events"})
        await run_for(pilot, app, clock, 30)
        events = panel(app, "events")
        assert events.state.name == "stale" and "AWS returned an error" in events.border_title
        assert counts(status(app))[1] > errors_before

        proxy.set(stall=1.0, stall_seconds=2.0, services={"lambda"})
        await run_for(pilot, app, clock, 10)
        lam = panel(app, "lambda")
        assert lam.state.name == "stale" and "Cannot reach" in str(lam.border_title), lam.border_title

        proxy.set(drop=1.0, services={"events", "lambda"})
        await run_for(pilot, app, clock, 30)
        assert proxy.faults()["drop"] > 0
        assert {panel(app, name).state.name for name in ("lambda", "events")} == {"stale"}

        proxy.set(throttle=0.25, error=0.25, stall=0.1, drop=0.25, stall_seconds=2.0)  # everything, everywhere
        await run_for(pilot, app, clock, 60)
        assert app.is_running and isinstance(app.screen, DashboardScreen)
        assert set(proxy.faults()) == {"throttle", "error", "stall", "drop"}
        assert "Traceback" not in app.export_screenshot()

        proxy.off()
        await run_for(pilot, app, clock, 240)  # events polls every 30 s, up to 8x that when throttled
        states = {name: panel(app, name).state.name for name in PANELS}
        assert states == {"lambda": "ok", "ecs": "empty", "stepfunctions": "empty", "events": "ok"}, states
        assert all("stale" not in panel(app, name).border_title for name in PANELS)
        assert "Traceback" not in app.export_screenshot()
