"""Metrics for every function come in ceil(queries / 500) GetMetricData calls, whatever the window.

The sources run on a ManualClock the tests move only between reads; while a read runs, time
flies (tests/clock.py): a retry botocore makes on a loaded machine (a read timing out) waits
on that clock, and on a clock nothing moved it hung the test until pytest-timeout ended it.
"""

from __future__ import annotations

import asyncio
import math

import pytest

from console.clock import ManualClock
from console.demo import control
from console.services.lambda_.sources import FunctionsSource
from console.services.lambda_.metrics import QUERIES_PER_FUNCTION, MetricWindow
from tests.clock import time_flies
from tests.integration.test_sources import make_function
from tests.lambda_panel.conftest import context_for, now_at_half_minute

FUNCTIONS = 90  # 630 queries: two calls


@pytest.mark.parametrize("minutes", [5, 60])
async def test_one_get_metric_data_call_per_500_queries(fresh_account, monkeypatch, minutes):
    fresh_account.use(monkeypatch)
    for i in range(FUNCTIONS):
        make_function(fresh_account, f"batch-{i:03d}")
    source = FunctionsSource(MetricWindow(minutes))
    clock = ManualClock(now_at_half_minute())
    ctx = context_for(fresh_account.endpoint, clock)
    before = control.request_counts(fresh_account.endpoint)
    try:
        async with time_flies(clock):
            functions = await source(ctx)
    finally:
        await ctx.pool.close()
    after = control.request_counts(fresh_account.endpoint)

    def calls(counts):
        return control.count_of(counts, "cloudwatch", "GetMetricData", fresh_account.id)

    assert QUERIES_PER_FUNCTION == 7
    assert len(functions) == FUNCTIONS and all(f.metrics.window_minutes == minutes for f in functions)
    assert calls(after) - calls(before) == math.ceil(FUNCTIONS * QUERIES_PER_FUNCTION / 500) == 2


def test_the_window_cycles_and_refuses_other_lengths():
    window = MetricWindow()
    assert [window.minutes] + [window.cycle() for _ in range(5)] == [15, 60, 180, 1440, 5, 15]
    assert [MetricWindow(m).label for m in (5, 15, 60, 180, 1440)] == ["5m", "15m", "60m", "3h", "24h"]
    with pytest.raises(ValueError, match="expected one of 5, 15, 60, 180, 1440 minutes, got 30"):
        MetricWindow(30)


async def test_metrics_are_asked_for_once_a_minute_and_when_something_changes(fresh_account, monkeypatch):
    """The list every tick; GetMetricData only when a minute has passed, the window
    changed, the user asked (fresh), or for a function that appeared since."""
    from dataclasses import replace

    fresh_account.use(monkeypatch)
    for name in ("cad-a", "cad-b"):
        make_function(fresh_account, name)
    clock = ManualClock(now_at_half_minute())
    source = FunctionsSource(MetricWindow(15))
    ctx = context_for(fresh_account.endpoint, clock)

    async def metric_calls(context=None) -> tuple[int, list[str]]:
        before = control.count_of(control.request_counts(fresh_account.endpoint), "cloudwatch", "GetMetricData",
                                  fresh_account.id)
        async with time_flies(clock):
            functions = await source(context or ctx)
        after = control.count_of(control.request_counts(fresh_account.endpoint), "cloudwatch", "GetMetricData",
                                 fresh_account.id)
        assert all(f.metrics is not None for f in functions)
        return after - before, sorted(f.name for f in functions)

    try:
        assert await metric_calls() == (1, ["cad-a", "cad-b"])
        await clock.advance(5)
        assert await metric_calls() == (0, ["cad-a", "cad-b"])  # same minute's figures
        make_function(fresh_account, "cad-c")
        assert await metric_calls() == (1, ["cad-a", "cad-b", "cad-c"])  # only the newcomer's
        await clock.advance(5)
        assert (await metric_calls(replace(ctx, fresh=True)))[0] == 1  # ctrl+r
        source.window.cycle()
        assert (await metric_calls())[0] == 1  # another window
        await clock.advance(30)
        assert (await metric_calls())[0] == 0
        await clock.advance(30)
        # a minute since the last: the window-long queries, and apart (another start time) the
        # minutes not yet final (tests/lambda_panel/test_settled_minutes.py)
        assert (await metric_calls())[0] == 2
    finally:
        await ctx.pool.close()


@pytest.mark.parametrize("minutes, calls", [(180, 2), (1440, 4)])
async def test_long_windows_stay_within_the_datapoints_of_a_call(fresh_account, monkeypatch, minutes, calls):
    """3 h by the minute (180 datapoints a query: 500 queries stay under 100,800); 24 h at
    10-minute periods, read beside its last 15 minutes by the minute (two fetches)."""
    from console.cloudwatch.metrics import MAX_DATAPOINTS_PER_CALL, batches
    from console.services.lambda_ import metrics as lambda_metrics

    fresh_account.use(monkeypatch)
    for i in range(FUNCTIONS):
        make_function(fresh_account, f"long-{i:03d}")
    clock = ManualClock(now_at_half_minute())
    ctx = context_for(fresh_account.endpoint, clock)
    before = control.request_counts(fresh_account.endpoint)
    try:
        async with time_flies(clock):
            functions = await FunctionsSource(MetricWindow(minutes))(ctx)
    finally:
        await ctx.pool.close()
    after = control.request_counts(fresh_account.endpoint)
    made = (control.count_of(after, "cloudwatch", "GetMetricData", fresh_account.id)
            - control.count_of(before, "cloudwatch", "GetMetricData", fresh_account.id))
    assert made == calls and all(f.metrics.window_minutes == minutes for f in functions)
    names = [f.name for f in functions]
    start, end = lambda_metrics.window_bounds(clock.now(), minutes)
    for batch in batches(lambda_metrics.coarse_queries(names, minutes) or
                         lambda_metrics.metric_queries(names, minutes), start, end):
        assert len(batch) <= 500
        assert sum((end - start).total_seconds() // q.period for q in batch) <= MAX_DATAPOINTS_PER_CALL


def test_periods_for_each_window():
    from console.cloudwatch.metrics import MetricQuery, batches
    from console.services.lambda_.metrics import period_for

    assert [period_for(m) for m in (5, 15, 60, 180, 1440)] == [60, 60, 60, 60, 600]
    # by the minute, 24 hours is 1,440 datapoints a query: 70 fit a call, not 500
    start = now_at_half_minute().replace(second=0)
    from datetime import timedelta
    queries = [MetricQuery(f"q{i}", "AWS/Lambda", "Errors", (), "Sum", 60) for i in range(500)]
    assert [len(b) for b in batches(queries, start - timedelta(days=1), start)] == [70] * 7 + [10]


async def test_a_first_load_shows_each_calls_metrics_as_it_lands(fresh_account, monkeypatch):
    """The rows fill as GetMetricData calls land instead of all at once after the last
    (2,008 functions: 25 calls); the tick's result has them all."""
    from dataclasses import replace

    from console.services.lambda_ import sources

    fresh_account.use(monkeypatch)
    for i in range(FUNCTIONS):
        make_function(fresh_account, f"land-{i:03d}")
    gates: list[asyncio.Event] = []
    fetch = sources.fetch_window_metrics

    async def gated(ctx, names, *args, **kwargs):
        gate = asyncio.Event()
        gates.append(gate)
        found = await fetch(ctx, names, *args, **kwargs)
        await gate.wait()
        return found

    monkeypatch.setattr(sources, "fetch_window_metrics", gated)
    published: list[tuple] = []
    ctx = replace(context_for(fresh_account.endpoint, ManualClock(now_at_half_minute())),
                  partial=lambda items, whole: published.append(items))

    def with_metrics(items) -> int:
        return sum(1 for f in items if f.metrics is not None)

    tick = asyncio.ensure_future(FunctionsSource(MetricWindow(15))(ctx))
    try:
        for _ in range(3000):
            if len(gates) == 2 and published and len(published[-1]) == FUNCTIONS:
                break
            await asyncio.sleep(0.01)
        assert len(gates) == 2 and with_metrics(published[-1]) == 0  # listed, both calls held
        gates[0].set()
        for _ in range(300):
            if with_metrics(published[-1]):
                break
            await asyncio.sleep(0.01)
        first = with_metrics(published[-1])
        assert 0 < first < FUNCTIONS and len(published[-1]) == FUNCTIONS  # the first call's rows
        gates[1].set()
        functions = await asyncio.wait_for(tick, 30)
    finally:
        tick.cancel()
        await ctx.pool.close()
    assert with_metrics(functions) == FUNCTIONS


async def test_the_alias_sweep_reads_the_rows_on_screen_then_waits_for_every_panels_screen(
        fresh_account, monkeypatch):
    """The sweep's next rows (off screen) would compete with what the user waits for: they
    wait until every source has read its part of the screen; the rows on screen do not."""
    from dataclasses import replace

    from console.services.lambda_.sources import AliasSweep

    fresh_account.use(monkeypatch)
    for name in ("sweep-a", "sweep-b", "sweep-c"):
        make_function(fresh_account, name)
    ctx = context_for(fresh_account.endpoint, ManualClock(now_at_half_minute()))
    functions = await FunctionsSource(MetricWindow(15))(ctx)
    shown = next(f for f in functions if f.name == "sweep-b")
    complete = asyncio.Event()
    ctx = replace(ctx, peer_items=lambda source: functions, visible=lambda source: frozenset({shown.key}),
                  screen_complete=complete.wait, partial=lambda items, whole: None)

    def alias_calls() -> int:
        return ctx.pool.stats.by_operation[("lambda", "ListAliases")]

    sweep = AliasSweep()
    tick = asyncio.ensure_future(sweep(ctx))
    try:
        for _ in range(500):
            if alias_calls() == 1:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)  # time for any read that would not wait
        assert alias_calls() == 1 and sweep.has_read("sweep-b") and not tick.done()
        complete.set()
        await asyncio.wait_for(tick, 30)
    finally:
        tick.cancel()
        await ctx.pool.close()
    assert alias_calls() == 3 and all(sweep.has_read(f.name) for f in functions)
