"""The Lambda panel's metric window, its GetMetricData queries, and per-minute series.

Seven queries per function. Six with a one-minute period: Invocations, Errors, Throttles
(Sum), Duration (Average and Maximum) and ConcurrentExecutions (Maximum); per-minute
values draw every sparkline and add up to the window's figures. Error rate is computed
(Errors / Invocations), never queried. And one whose period is the window itself:
Duration p99, the figure on-call engineers look at first. A percentile cannot be added up
from per-minute percentiles, so CloudWatch computes it over the window's raw values
(Lambda publishes one Duration value per invocation); where it has none (statistic sets,
negative values: tests/contract/test_cloudwatch.py) the cell shows "–".

The span fetched is the window, but never less than 15 minutes: the jump test
(console.services.lambda_.health) compares the last 5 minutes with the minutes before them,
which the 5-minute window alone does not contain. Queries count per metric, not per
datapoint, so the longer span costs no extra query.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Callable, Sequence

from console.cloudwatch.metrics import MetricQuery, Series
from console.services.lambda_.models import LambdaMetrics, LambdaMinutes

NAMESPACE = "AWS/Lambda"
PERIOD = 60
WINDOW_CHOICES = (5, 15, 60)  # minutes; `w` on the Lambda panel cycles through them
DEFAULT_WINDOW_MINUTES = 15
RECENT_MINUTES = 5  # "now" for jumps and health
MIN_SPAN_MINUTES = 15  # fetched at least: the last 5 minutes and 10 to compare them with
SPARK_BARS = 5  # every sparkline has 5 bars: 1, 3 or 12 minutes each for 5/15/60 minutes

# (query id suffix, metric, statistic), each per minute
QUERIES = (
    ("inv", "Invocations", "Sum"),
    ("err", "Errors", "Sum"),
    ("thr", "Throttles", "Sum"),
    ("davg", "Duration", "Average"),
    ("dmax", "Duration", "Maximum"),
    ("conc", "ConcurrentExecutions", "Maximum"),
)
# (query id suffix, metric, statistic), each over the whole window (Period = the window)
WINDOW_QUERIES = (
    ("p99", "Duration", "p99"),
)
QUERIES_PER_FUNCTION = len(QUERIES) + len(WINDOW_QUERIES)


class MetricWindow:
    """The window the Lambda panel shows; the polling source reads it on every tick,
    so a switch applies at the next fetch and survives every refresh after it."""

    def __init__(self, minutes: int = DEFAULT_WINDOW_MINUTES) -> None:
        if minutes not in WINDOW_CHOICES:
            raise ValueError(f"window: expected one of {', '.join(map(str, WINDOW_CHOICES))} minutes, got {minutes}")
        self.minutes = minutes

    def cycle(self) -> int:
        """Move to the next window (5 -> 15 -> 60 -> 5); the new length in minutes."""
        index = WINDOW_CHOICES.index(self.minutes)
        self.minutes = WINDOW_CHOICES[(index + 1) % len(WINDOW_CHOICES)]
        return self.minutes

    @property
    def label(self) -> str:
        return window_label(self.minutes)


def window_label(minutes: int) -> str:
    return f"{minutes}m"


def span_minutes(window_minutes: int) -> int:
    return max(window_minutes, MIN_SPAN_MINUTES)


def span_bounds(now: datetime, window_minutes: int) -> tuple[datetime, datetime]:
    """[start, end) of the fetched span, in whole minutes, ending after the current one."""
    end = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return end - timedelta(minutes=span_minutes(window_minutes)), end


def metric_queries(names: Sequence[str], window_minutes: int = DEFAULT_WINDOW_MINUTES) -> list[MetricQuery]:
    """QUERIES_PER_FUNCTION queries per function, ids `f<index>_<suffix>`. The span
    (span_bounds) is a whole number of windows, so a window-long period's last datapoint
    covers exactly the window."""
    queries: list[MetricQuery] = []
    for index, name in enumerate(names):
        dims = (("FunctionName", name),)
        for suffix, metric, stat in QUERIES:
            queries.append(MetricQuery(f"f{index}_{suffix}", NAMESPACE, metric, dims, stat, PERIOD))
        for suffix, metric, stat in WINDOW_QUERIES:
            queries.append(MetricQuery(f"f{index}_{suffix}", NAMESPACE, metric, dims, stat, window_minutes * 60))
    return queries


def window_value(index: int, suffix: str, results: dict[str, Series], end: datetime,
                 window_minutes: int) -> float | None:
    """A window-long query's value for the window ending at `end` (None: no datapoint)."""
    start = end - timedelta(minutes=window_minutes)
    for stamp, value in results.get(f"f{index}_{suffix}", []):
        if stamp.replace(second=0, microsecond=0) == start:
            return value
    return None


def _per_minute(series: Series, start: datetime, count: int, missing: float | None) -> tuple:
    by_minute = {ts.replace(second=0, microsecond=0): v for ts, v in series}
    return tuple(by_minute.get(start + timedelta(minutes=i), missing) for i in range(count))


def minutes_from_results(index: int, results: dict[str, Series], start: datetime, end: datetime) -> LambdaMinutes:
    count = int((end - start).total_seconds() // PERIOD)

    def series(suffix: str, missing: float | None) -> tuple:
        return _per_minute(results.get(f"f{index}_{suffix}", []), start, count, missing)

    return LambdaMinutes(
        start=start,
        invocations=series("inv", 0.0),
        errors=series("err", 0.0),
        throttles=series("thr", 0.0),
        duration_avg_ms=series("davg", None),
        duration_max_ms=series("dmax", None),
        concurrency_max=series("conc", None),
    )


def weighted_average(averages: Sequence[float | None], weights: Sequence[float]) -> float | None:
    """The average over several minutes from per-minute averages, weighted by each
    minute's invocations (Lambda records one Duration per invocation, so this is the
    exact average); unweighted where no minute with a duration had invocations."""
    pairs = [(a, w) for a, w in zip(averages, weights) if a is not None]
    if not pairs:
        return None
    total = sum(w for _, w in pairs)
    if total <= 0:
        return sum(a for a, _ in pairs) / len(pairs)
    return sum(a * w for a, w in pairs) / total


def _peak(values: Sequence[float | None]) -> float | None:
    return max((v for v in values if v is not None), default=None)


def summarize(minutes: LambdaMinutes, window_minutes: int, duration_p99_ms: float | None = None) -> LambdaMetrics:
    """The window's figures from the newest `window_minutes` of the span (and the window's
    p99 duration, from its own query: it cannot be derived from the minutes)."""
    window = minutes.last(window_minutes)
    return LambdaMetrics(
        invocations=sum(window.invocations),
        errors=sum(window.errors),
        throttles=sum(window.throttles),
        duration_avg_ms=weighted_average(window.duration_avg_ms, window.invocations),
        duration_max_ms=_peak(window.duration_max_ms),
        concurrency_max=_peak(window.concurrency_max),
        duration_p99_ms=duration_p99_ms,
        series=window.invocations,
        window_minutes=window_minutes,
        minutes=minutes,
    )


# sparkline bars ------------------------------------------------------------------------
def _buckets(size: int, bars: int) -> list[range]:
    """`bars` equal runs of minutes covering `size` (the oldest run takes any remainder)."""
    per = max(1, math.ceil(size / bars))
    edges = list(range(size, 0, -per))[:bars]
    return [range(max(0, e - per), e) for e in reversed(edges)] if size else []


def bars(metrics: LambdaMetrics, pick: Callable[[LambdaMinutes, range], float | None]) -> tuple[float | None, ...]:
    """SPARK_BARS values over the metrics' window, oldest first (fewer when the window
    has fewer minutes); `pick(minutes, run)` folds one run of minutes into one value."""
    if metrics.minutes is None:
        return ()
    window = metrics.minutes.last(metrics.window_minutes)
    return tuple(pick(window, run) for run in _buckets(len(window), SPARK_BARS))


def invocations_in(m: LambdaMinutes, run: range) -> float:
    return sum(m.invocations[i] for i in run)


def throttles_in(m: LambdaMinutes, run: range) -> float:
    return sum(m.throttles[i] for i in run)


def error_rate_in(m: LambdaMinutes, run: range) -> float | None:
    """Percent of the run's invocations that failed; None without invocations."""
    invocations = invocations_in(m, run)
    return 100.0 * sum(m.errors[i] for i in run) / invocations if invocations else None


def duration_max_in(m: LambdaMinutes, run: range) -> float | None:
    return _peak([m.duration_max_ms[i] for i in run])


def concurrency_in(m: LambdaMinutes, run: range) -> float | None:
    return _peak([m.concurrency_max[i] for i in run])
