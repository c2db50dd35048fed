"""A minute later, the Lambda panel reads by the minute only the minutes that can still
change (console.services.lambda_.metrics.unsettled_from) and keeps the rest: its figures
equal a read of the whole span, from the embedded CloudWatch.

Lambda stamps a datapoint with the invocation's start and emits it once the invocation
ends; CloudWatch returns it up to its ingestion delay later (the Lambda metrics page of the
Lambda developer guide; tests/contract/test_lambda.py). A minute is final once the
function's timeout plus that delay have passed since its end.
"""

from __future__ import annotations

from datetime import timedelta

from console.clock import ManualClock
from console.services.lambda_ import sources
from console.services.lambda_.metrics import QUERIES, MetricWindow
from console.services.lambda_.sources import FunctionsSource
from tests.clock import time_flies
from tests.integration.test_sources import make_function
from tests.lambda_panel.conftest import ago, context_for, now_at_half_minute, put_minute


async def test_a_minute_later_only_the_unsettled_minutes_are_read_again(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    make_function(fresh_account, "settle")  # Lambda's default timeout: 3 s
    cloudwatch = fresh_account.client("cloudwatch")
    now = now_at_half_minute()
    for minutes in range(1, 15):
        put_minute(cloudwatch, "settle", ago(now, minutes), invocations=minutes, errors=minutes % 3,
                   duration_avg=100.0 + minutes, concurrency=minutes % 4)
    clock = ManualClock(now)
    ctx = context_for(fresh_account.endpoint, clock)
    reads: list[tuple[timedelta, int]] = []  # (span, queries) of each GetMetricData read
    fetch = sources.fetch_metrics

    async def recorded(context, queries, start, end):
        if queries:
            reads.append((end - start, len(queries)))
        return await fetch(context, queries, start, end)

    monkeypatch.setattr(sources, "fetch_metrics", recorded)
    source = FunctionsSource(MetricWindow(15))
    try:
        async with time_flies(clock):
            await source(ctx)
        assert reads == [(timedelta(minutes=15), 7)]

        await clock.advance(60)  # a minute on: the new minute, and a late datapoint in one not yet final
        put_minute(cloudwatch, "settle", ago(clock.now(), 0), invocations=50, errors=5, duration_avg=400.0,
                   concurrency=9)
        put_minute(cloudwatch, "settle", ago(clock.now(), 2), invocations=7, duration_avg=90.0)
        reads.clear()
        async with time_flies(clock):
            (kept,) = await source(ctx)
        # read at 30 s into the minute with a 3 s timeout and 60 s of delay: the minute before
        # the last read's, its own and the one since were not final; the window's p99 whole
        assert sorted(reads) == [(timedelta(minutes=3), len(QUERIES)), (timedelta(minutes=15), 1)]

        async with time_flies(clock):
            (whole,) = await FunctionsSource(MetricWindow(15))(ctx)
    finally:
        await ctx.pool.close()
    assert kept.metrics == whole.metrics
    assert kept.metrics.invocations == sum(range(1, 14)) + 7 + 50  # what was 14 minutes ago left the window
