"""AWS/States execution metrics of every state machine, STANDARD and EXPRESS alike.

For EXPRESS machines these are all AWS gives: ListExecutions "is not supported by EXPRESS
state machines". Six queries per machine over the last hour in BARS periods of 12 minutes
(StartTime and EndTime on whole minutes, so the window is exactly BARS periods), one
sparkline bar each: ExecutionsStarted, ExecutionsFailed, ExecutionsTimedOut and
ExecutionThrottled (Sum: Step Functions emits ExecutionsStarted twice per execution, 1
then 0, so only Sum counts executions) and ExecutionTime (milliseconds) as Sum and
SampleCount, so the hour's average and each bar's are exact (an average of the bars'
averages would weigh a quiet bar like a busy one). Dimension: StateMachineArn
(https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html).

The metrics have one-minute resolution and are delivered on a best-effort basis: a figure
may be a little behind what ran, never something to compare exactly with ListExecutions.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Sequence

from console.cloudwatch.metrics import MetricQuery, Series
from console.services.stepfunctions.models import StateMachineMetrics

NAMESPACE = "AWS/States"
WINDOW_MINUTES = 60
BARS = 5  # a sparkline's bars, as the Lambda panel draws them
PERIOD = WINDOW_MINUTES * 60 // BARS  # 12 minutes a bar

# (query id suffix, metric, statistic)
QUERIES = (
    ("started", "ExecutionsStarted", "Sum"),
    ("failed", "ExecutionsFailed", "Sum"),
    ("timedout", "ExecutionsTimedOut", "Sum"),
    ("throttled", "ExecutionThrottled", "Sum"),
    ("time", "ExecutionTime", "Sum"),
    ("closed", "ExecutionTime", "SampleCount"),
)
QUERIES_PER_MACHINE = len(QUERIES)


def window_bounds(now: datetime) -> tuple[datetime, datetime]:
    """[start, end) of the last hour in whole minutes, ending after the current minute."""
    end = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return end - timedelta(minutes=WINDOW_MINUTES), end


def metric_queries(machine_arns: Sequence[str]) -> list[MetricQuery]:
    """QUERIES_PER_MACHINE queries per machine, ids `m<index>_<suffix>`."""
    return [
        MetricQuery(f"m{index}_{suffix}", NAMESPACE, metric, (("StateMachineArn", arn),), stat, PERIOD)
        for index, arn in enumerate(machine_arns)
        for suffix, metric, stat in QUERIES
    ]


def _bars(series: Series, start: datetime) -> list[float | None]:
    """BARS values, oldest first, from datapoints stamped with their period's start;
    None for a period without a datapoint."""
    values: list[float | None] = [None] * BARS
    for at, value in series:
        index = int((at - start).total_seconds() // PERIOD)
        if 0 <= index < BARS:
            values[index] = (values[index] or 0.0) + value
    return values


def metrics_from_results(index: int, results: dict[str, Series], start: datetime) -> StateMachineMetrics:
    """Machine `index`'s figures from the window starting at `start`; no datapoint is 0
    for a count (AWS/States writes none for a minute with nothing to count)."""
    def bars(suffix: str) -> list[float | None]:
        return _bars(results.get(f"m{index}_{suffix}", []), start)

    def counts(suffix: str) -> tuple[float, ...]:
        return tuple(value or 0.0 for value in bars(suffix))

    time_sum, closed = bars("time"), bars("closed")
    time_bars = tuple(total / n if total is not None and n else None for total, n in zip(time_sum, closed))
    all_closed = sum(n or 0.0 for n in closed)
    started, failed, timed_out, throttled = (counts(s) for s in ("started", "failed", "timedout", "throttled"))
    return StateMachineMetrics(
        window_minutes=WINDOW_MINUTES,
        started=sum(started),
        failed=sum(failed),
        timed_out=sum(timed_out),
        throttled=sum(throttled),
        execution_time_ms=sum(t or 0.0 for t in time_sum) / all_closed if all_closed else None,
        started_bars=started,
        failed_bars=failed,
        timed_out_bars=timed_out,
        throttled_bars=throttled,
        time_bars=time_bars,
    )
