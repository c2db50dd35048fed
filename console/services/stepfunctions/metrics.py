"""AWS/States execution metrics of every state machine, STANDARD and EXPRESS alike.

For EXPRESS machines these are all AWS gives: ListExecutions "is not supported by EXPRESS
state machines". Five queries per machine, each one datapoint covering the last hour
(Period = the window, StartTime and EndTime on whole minutes, so the window is exactly one
period): ExecutionsStarted, ExecutionsFailed, ExecutionsTimedOut and ExecutionThrottled
(Sum: Step Functions emits ExecutionsStarted twice per execution, 1 then 0, so only Sum
counts executions) and ExecutionTime (Average, milliseconds). Dimension: StateMachineArn
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
PERIOD = WINDOW_MINUTES * 60

# (query id suffix, metric, statistic)
QUERIES = (
    ("started", "ExecutionsStarted", "Sum"),
    ("failed", "ExecutionsFailed", "Sum"),
    ("timedout", "ExecutionsTimedOut", "Sum"),
    ("throttled", "ExecutionThrottled", "Sum"),
    ("time", "ExecutionTime", "Average"),
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


def _total(series: Series) -> float:
    return float(sum(value for _, value in series))


def _average(series: Series) -> float | None:
    """The window's one Average; should CloudWatch ever split it in two, their plain mean
    (the counts behind each are not asked for)."""
    values = [value for _, value in series]
    return sum(values) / len(values) if values else None


def metrics_from_results(index: int, results: dict[str, Series]) -> StateMachineMetrics:
    def series(suffix: str) -> Series:
        return results.get(f"m{index}_{suffix}", [])

    return StateMachineMetrics(
        window_minutes=WINDOW_MINUTES,
        started=_total(series("started")),
        failed=_total(series("failed")),
        timed_out=_total(series("timedout")),
        throttled=_total(series("throttled")),
        execution_time_ms=_average(series("time")),
    )
