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

Periods (`period_for`): one GetMetricData call returns at most 100,800 datapoints for its
500 queries
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html),
so a query of a full call may return at most 201 datapoints. Up to 3 hours a minute each
(180 datapoints) does; 24 hours takes 10-minute periods (144 datapoints), still far more
than any screen draws (5 bars a row; a detail chart folds them into its width). CloudWatch
keeps one-minute data for 15 days, so every window here could be read by the minute; the
datapoint limit is what decides. A window read at a longer period is fetched twice: the
window at its period (its figures and bars), and the last 15 minutes by the minute (the
jump test and when a jump began).

A weighted alias's versions (`VersionRoute`) add two queries each (Invocations and Errors
over the window) in {FunctionName, Resource, ExecutedVersion}: into the same calls, only
for functions whose alias routes to two versions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime, timedelta
from typing import Callable, Sequence

from console.cloudwatch.metrics import (
    INGESTION_DELAY,
    MAX_DATAPOINTS_PER_CALL,
    MAX_QUERIES_PER_CALL,
    MetricQuery,
    MetricResults,
    Series,
)
from console.services.lambda_.models import LambdaMetrics, LambdaMinutes, VersionFigures

NAMESPACE = "AWS/Lambda"
PERIOD = 60
WINDOW_CHOICES = (5, 15, 60, 180, 1440)  # minutes; `w` on the Lambda panel cycles through them
DEFAULT_WINDOW_MINUTES = 15
RECENT_MINUTES = 5  # "now" for jumps and health
MIN_SPAN_MINUTES = 15  # fetched at least: the last 5 minutes and 10 to compare them with
SPARK_BARS = 5  # 5 bars a sparkline: 1, 3, 12, 36 minutes each for 5m-3h; 24 h: 29 periods of 10 min
PERIOD_CHOICES = (60, 120, 300, 600, 900, 1800, 3600)  # seconds: periods that divide an hour
POINTS_PER_QUERY = MAX_DATAPOINTS_PER_CALL // MAX_QUERIES_PER_CALL  # 201: a full call stays within the limit

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
VERSION_QUERIES = (("inv", "Invocations", "Sum"), ("err", "Errors", "Sum"))
COARSE = "w"  # id suffix of the window's queries at a period longer than a minute


def period_for(window_minutes: int) -> int:
    """The shortest period (seconds) giving at most POINTS_PER_QUERY datapoints over the
    window: 60 s up to 3 hours, 600 s for 24 hours."""
    for period in PERIOD_CHOICES:
        if window_minutes * 60 / period <= POINTS_PER_QUERY:
            return period
    return PERIOD_CHOICES[-1]


@dataclass(frozen=True)
class VersionRoute:
    """A version a weighted alias routes to, with its share."""

    alias: str
    version: str
    weight: float
    new: bool = False


def weighted_routes(aliases: Sequence) -> dict[str, tuple[VersionRoute, ...]]:
    """Every version of every weighted alias (LambdaAlias with weights), by function name;
    the highest version number of an alias is its new one."""
    routes: dict[str, list[VersionRoute]] = {}
    for alias in sorted(aliases, key=lambda a: (a.function_name, a.name)):
        if not alias.weights:
            continue
        shares = [(alias.version, 1.0 - sum(w for _, w in alias.weights)), *alias.weights]
        newest = max((v for v, _ in shares), key=_version_order)
        routes.setdefault(alias.function_name, []).extend(
            VersionRoute(alias.name, v, w, v == newest) for v, w in shares)
    return {name: tuple(found) for name, found in routes.items()}


def _version_order(version: str) -> tuple[int, str]:
    return (int(version), "") if version.isdigit() else (-1, version)


class MetricWindow:
    """The window the Lambda panel shows; the polling source reads it on every tick,
    so a switch applies at the next fetch and survives every refresh after it."""

    def __init__(self, minutes: int = DEFAULT_WINDOW_MINUTES) -> None:
        if minutes not in WINDOW_CHOICES:
            raise ValueError(f"window: expected one of {', '.join(map(str, WINDOW_CHOICES))} minutes, got {minutes}")
        self.minutes = minutes

    def cycle(self) -> int:
        """Move to the next window (5 -> 15 -> 60 -> 3 h -> 24 h -> 5); the new length in minutes."""
        index = WINDOW_CHOICES.index(self.minutes)
        self.minutes = WINDOW_CHOICES[(index + 1) % len(WINDOW_CHOICES)]
        return self.minutes

    @property
    def label(self) -> str:
        return window_label(self.minutes)


def window_label(minutes: int) -> str:
    """`5m`, `15m`, `60m`, `3h`, `24h`."""
    return f"{minutes // 60}h" if minutes > 60 and minutes % 60 == 0 else f"{minutes}m"


def coarse(window_minutes: int) -> bool:
    """Is the window read at a period longer than a minute (and its last minutes apart)?"""
    return period_for(window_minutes) > PERIOD


def span_minutes(window_minutes: int) -> int:
    """The minutes read by the minute: the window, or only the recent span of a coarse one."""
    return MIN_SPAN_MINUTES if coarse(window_minutes) else max(window_minutes, MIN_SPAN_MINUTES)


def window_bounds(now: datetime, minutes: int) -> tuple[datetime, datetime]:
    """[start, end) of the last `minutes`, in whole minutes, ending after the current one."""
    end = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return end - timedelta(minutes=minutes), end


def span_bounds(now: datetime, window_minutes: int) -> tuple[datetime, datetime]:
    """[start, end) of the span read by the minute."""
    return window_bounds(now, span_minutes(window_minutes))


def version_dimensions(function: str, alias: str, version: str) -> tuple[tuple[str, str], ...]:
    """The one dimension set Lambda publishes a version's figures behind an alias in."""
    return (("FunctionName", function), ("Resource", f"{function}:{alias}"), ("ExecutedVersion", version))


def version_queries(index: int, name: str, window_minutes: int,
                    routes: Sequence[VersionRoute]) -> list[MetricQuery]:
    """Each routed version's Invocations and Errors over the window (Period = the window),
    ids `f<index>_v<number>_<suffix>` (version_figures reads them)."""
    queries = []
    for number, route in enumerate(routes):
        dims = version_dimensions(name, route.alias, route.version)
        queries += [MetricQuery(f"f{index}_v{number}_{suffix}", NAMESPACE, metric, dims, stat, window_minutes * 60)
                    for suffix, metric, stat in VERSION_QUERIES]
    return queries


def window_queries(index: int, name: str, window_minutes: int,
                   routes: dict[str, tuple[VersionRoute, ...]] | None = None) -> list[MetricQuery]:
    """One function's queries whose period is the window: p99 and each routed version's figures."""
    dims = (("FunctionName", name),)
    return [MetricQuery(f"f{index}_{suffix}", NAMESPACE, metric, dims, stat, window_minutes * 60)
            for suffix, metric, stat in WINDOW_QUERIES] + version_queries(index, name, window_minutes,
                                                                           (routes or {}).get(name, ()))


def metric_queries(names: Sequence[str], window_minutes: int = DEFAULT_WINDOW_MINUTES,
                   routes: dict[str, tuple[VersionRoute, ...]] | None = None) -> list[MetricQuery]:
    """The queries read over the span (span_bounds): QUERIES_PER_FUNCTION per function, ids
    `f<index>_<suffix>`, and two per version of a weighted alias (`routes`); for a coarse
    window only the per-minute ones (the rest are `coarse_queries`). The span is a whole
    number of windows, so a window-long period's last datapoint covers exactly the window."""
    queries: list[MetricQuery] = []
    for index, name in enumerate(names):
        queries += minute_queries(index, name)
        if not coarse(window_minutes):
            queries += window_queries(index, name, window_minutes, routes)
    return queries


def minute_queries(index: int, name: str) -> list[MetricQuery]:
    """One function's per-minute queries (QUERIES), ids `f<index>_<suffix>`."""
    dims = (("FunctionName", name),)
    return [MetricQuery(f"f{index}_{suffix}", NAMESPACE, metric, dims, stat, PERIOD) for suffix, metric, stat in QUERIES]


def unsettled_from(read_at: datetime, timeout_s: int) -> datetime:
    """The first minute whose figures could still change after a read at `read_at`: Lambda
    stamps a datapoint with the invocation's start and emits it once the invocation ends,
    and CloudWatch returns it up to its ingestion delay later, so a minute keeps filling for
    the function's timeout plus that delay after it ends (the issue's contract, and
    tests/contract/test_lambda.py). Minutes before it were final when read."""
    return (read_at - timedelta(seconds=timeout_s + INGESTION_DELAY)).replace(second=0, microsecond=0)


def keepable(kept: LambdaMinutes, start: datetime, until: datetime) -> bool:
    """Does `kept` hold every minute of [start, until), each count known?"""
    offset = int((start - kept.start).total_seconds() // PERIOD)
    keep = int((until - start).total_seconds() // PERIOD)
    if kept.period_s != PERIOD or offset < 0 or keep < 0 or offset + keep > len(kept):
        return False
    return not any(None in series[offset:offset + keep] for series in (kept.invocations, kept.errors, kept.throttles))


def spliced(kept: LambdaMinutes, start: datetime, newest: LambdaMinutes, end: datetime,
            now: datetime) -> LambdaMinutes:
    """The minutes [start, end): `kept`'s up to `newest.start` (keepable), `newest`'s from there."""
    offset = int((start - kept.start).total_seconds() // PERIOD)
    keep = int((newest.start - start).total_seconds() // PERIOD)

    def joined(old: tuple, new: tuple) -> tuple:
        values = old[offset:offset + keep] + new
        first = values[0] if values else None
        return _blank(first, len(values)) if all(v == first for v in values) else values

    return LambdaMinutes(
        start=start,
        invocations=joined(kept.invocations, newest.invocations),
        errors=joined(kept.errors, newest.errors),
        throttles=joined(kept.throttles, newest.throttles),
        duration_avg_ms=joined(kept.duration_avg_ms, newest.duration_avg_ms),
        duration_max_ms=joined(kept.duration_max_ms, newest.duration_max_ms),
        concurrency_max=joined(kept.concurrency_max, newest.concurrency_max),
        period_s=PERIOD,
        arriving=arriving(start, end, PERIOD, now),
    )


def coarse_queries(names: Sequence[str], window_minutes: int,
                   routes: dict[str, tuple[VersionRoute, ...]] | None = None) -> list[MetricQuery]:
    """A coarse window's own queries over window_bounds: QUERIES at its period (ids
    `f<index>_<suffix>w`) and the window-long ones; none for a window read by the minute."""
    if not coarse(window_minutes):
        return []
    period = period_for(window_minutes)
    queries: list[MetricQuery] = []
    for index, name in enumerate(names):
        dims = (("FunctionName", name),)
        for suffix, metric, stat in QUERIES:
            queries.append(MetricQuery(f"f{index}_{suffix}{COARSE}", NAMESPACE, metric, dims, stat, period))
        queries += window_queries(index, name, window_minutes, routes)
    return queries


def queries_for(name: str, window_minutes: int, routes: dict[str, tuple[VersionRoute, ...]]) -> int:
    """How many queries one function adds to a call (a coarse window's two fetches are
    separate calls: the larger of them)."""
    return max(len(metric_queries([name], window_minutes, routes)),
               len(coarse_queries([name], window_minutes, routes)))


def window_value(index: int, suffix: str, results: dict[str, Series], end: datetime,
                 window_minutes: int) -> float | None:
    """A window-long query's value for the window ending at `end` (None: no datapoint)."""
    start = end - timedelta(minutes=window_minutes)
    for stamp, value in results.get(f"f{index}_{suffix}", []):
        if stamp.replace(second=0, microsecond=0) == start:
            return value
    return None


def version_figures(index: int, routes: Sequence[VersionRoute], results: MetricResults, end: datetime,
                    window_minutes: int) -> tuple[VersionFigures, ...]:
    """Each routed version's invocations and errors over the window: 0 where CloudWatch
    answered with no datapoint, None where it did not answer in full."""
    found = []
    for number, route in enumerate(routes):
        figures = []
        for suffix, _, _ in VERSION_QUERIES:
            query = f"f{index}_v{number}_{suffix}"
            value = window_value(index, f"v{number}_{suffix}", results, end, window_minutes)
            figures.append(None if query in getattr(results, "unknown", ()) else (value or 0.0))
        found.append(VersionFigures(route.alias, route.version, route.weight, figures[0], figures[1], route.new))
    return tuple(found)


def _per_period(series: Series, start: datetime, count: int, period: int, missing: float | None) -> tuple:
    if not series:
        return _blank(missing, count)
    by_slot = {int((ts - start).total_seconds() // period): v for ts, v in series}
    return tuple(by_slot.get(i, missing) for i in range(count))


@lru_cache(maxsize=32)
def _blank(value: float | None, count: int) -> tuple:
    """One shared series of `count` times `value`: most functions of a large account are
    idle in a window, and their six series each were a tuple of their own (2,008 functions:
    1.9 MB, read again every minute)."""
    return (value,) * count


def arriving(start: datetime, end: datetime, period: int, now: datetime | None) -> int:
    """How many of the newest periods between `start` and `end` end inside CloudWatch's
    ingestion delay at `now` (assumed, console.cloudwatch.metrics.INGESTION_DELAY)."""
    if now is None:
        return 0
    count = int((end - start).total_seconds() // period)
    settled = now - timedelta(seconds=INGESTION_DELAY)
    return sum(1 for i in range(count) if start + timedelta(seconds=(i + 1) * period) > settled)


def minutes_from_results(index: int, results: dict[str, Series], start: datetime, end: datetime,
                         period: int = PERIOD, tag: str = "", now: datetime | None = None) -> LambdaMinutes:
    """One function's series between `start` and `end` at `period` (the queries whose ids
    end in `tag`); every entry of a query CloudWatch did not answer in full is None; with
    `now`, the newest periods still inside the ingestion delay are marked `arriving`."""
    count = int((end - start).total_seconds() // period)
    unknown = getattr(results, "unknown", frozenset())

    def series(suffix: str, missing: float | None) -> tuple:
        query = f"f{index}_{suffix}{tag}"
        if query in unknown:
            return _blank(None, count)
        return _per_period(results.get(query, []), start, count, period, missing)

    return LambdaMinutes(
        start=start,
        invocations=series("inv", 0.0),
        errors=series("err", 0.0),
        throttles=series("thr", 0.0),
        duration_avg_ms=series("davg", None),
        duration_max_ms=series("dmax", None),
        concurrency_max=series("conc", None),
        period_s=period,
        arriving=arriving(start, end, period, now),
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


def total(values: Sequence[float | None]) -> float | None:
    """The sum; None (unknown) when any value is unknown: a part is not the whole."""
    return None if any(v is None for v in values) else sum(values)  # type: ignore[arg-type]


def summarize(minutes: LambdaMinutes, window_minutes: int, duration_p99_ms: float | None = None,
              periods: LambdaMinutes | None = None,
              versions: tuple[VersionFigures, ...] = ()) -> LambdaMetrics:
    """The window's figures from the newest `window_minutes` of the span, or from
    `periods` (a coarse window's own series), and the window's p99 duration, from its own
    query: it cannot be derived from the minutes. Unknown parts make unknown totals."""
    window = periods if periods is not None else minutes.last(window_minutes)
    known = [v if v is not None else 0.0 for v in window.invocations]
    return LambdaMetrics(
        invocations=total(window.invocations),  # type: ignore[arg-type]
        errors=total(window.errors),  # type: ignore[arg-type]
        throttles=total(window.throttles),  # type: ignore[arg-type]
        duration_avg_ms=weighted_average(window.duration_avg_ms, known),
        duration_max_ms=_peak(window.duration_max_ms),
        concurrency_max=_peak(window.concurrency_max),
        duration_p99_ms=duration_p99_ms,
        series=window.invocations,
        window_minutes=window_minutes,
        minutes=minutes,
        periods=periods,
        versions=versions,
        complete=None not in window.invocations,
    )


# sparkline bars ------------------------------------------------------------------------
def _buckets(size: int, bars: int) -> list[range]:
    """`bars` equal runs of minutes covering `size` (the oldest run takes any remainder)."""
    per = max(1, math.ceil(size / bars))
    edges = list(range(size, 0, -per))[:bars]
    return [range(max(0, e - per), e) for e in reversed(edges)] if size else []


def bars(metrics: LambdaMetrics, pick: Callable[[LambdaMinutes, range], float | None]) -> tuple[float | None, ...]:
    """SPARK_BARS values over the metrics' window, oldest first (fewer when the window
    has fewer minutes); `pick(minutes, run)` folds one run of minutes into one value;
    None (a dot) for a run still inside CloudWatch's delay with nothing delivered yet."""
    window = metrics.window
    if window is None:
        return ()
    return tuple(None if all(window.still_arriving(i) for i in run) else pick(window, run)
                 for run in _buckets(len(window), SPARK_BARS))


def invocations_in(m: LambdaMinutes, run: range) -> float | None:
    return total([m.invocations[i] for i in run])


def throttles_in(m: LambdaMinutes, run: range) -> float | None:
    return total([m.throttles[i] for i in run])


def error_rate_in(m: LambdaMinutes, run: range) -> float | None:
    """Percent of the run's invocations that failed; None without invocations or unknown."""
    invocations, errors = invocations_in(m, run), total([m.errors[i] for i in run])
    return 100.0 * errors / invocations if invocations and errors is not None else None


def duration_max_in(m: LambdaMinutes, run: range) -> float | None:
    return _peak([m.duration_max_ms[i] for i in run])


def concurrency_in(m: LambdaMinutes, run: range) -> float | None:
    return _peak([m.concurrency_max[i] for i in run])
