"""Lambda: functions with their metrics, and aliases.

`fetch_functions` lists every function (paginated) and fetches AWS/Lambda metrics for all
of them in batched GetMetricData calls: refresh cost grows with pages, not functions.
`fetch_aliases` needs one ListAliases per function, so it is its own, slower source.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from console.aws.context import AwsContext, bounded_gather
from console.metrics import MetricQuery, Series, fetch_metrics
from console.models import LambdaAlias, LambdaFunction, LambdaMetrics
from console.target import Target

NAMESPACE = "AWS/Lambda"
SPARK_PERIOD = 60
DEFAULT_WINDOW = timedelta(minutes=15)

# (query id suffix, metric, statistic): window-long periods give exact figures over the
# whole window; invocations come per minute instead, which draws the sparkline and sums
# to the window's total, saving a query per function.
_QUERIES = (
    ("err", "Errors", "Sum"),
    ("thr", "Throttles", "Sum"),
    ("davg", "Duration", "Average"),
    ("dmax", "Duration", "Maximum"),
    ("conc", "ConcurrentExecutions", "Maximum"),
)


def _parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if not value:
        return None
    try:  # Lambda's LastModified: 2026-11-27T10:00:00.000+0000
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")
    except ValueError:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None


def function_from_api(target: Target, raw: dict) -> LambdaFunction:
    architectures = raw.get("Architectures") or ["x86_64"]
    return LambdaFunction(
        target=target,
        arn=raw["FunctionArn"],
        name=raw["FunctionName"],
        runtime=raw.get("Runtime"),
        architecture=architectures[0],
        memory_mb=int(raw.get("MemorySize") or 128),
        timeout_s=int(raw.get("Timeout") or 3),
        package_type=raw.get("PackageType") or "Zip",
        last_modified=_parse_time(raw.get("LastModified")),
        code_sha256=raw.get("CodeSha256") or "",
    )


def window_bounds(now: datetime, window: timedelta) -> tuple[datetime, datetime]:
    """[start, end) aligned to whole minutes, ending after the current minute."""
    end = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return end - window, end


def metric_queries(names: list[str], window: timedelta) -> list[MetricQuery]:
    period = int(window.total_seconds())
    queries: list[MetricQuery] = []
    for index, name in enumerate(names):
        dims = (("FunctionName", name),)
        for suffix, metric, stat in _QUERIES:
            queries.append(MetricQuery(f"f{index}_{suffix}", NAMESPACE, metric, dims, stat, period))
        queries.append(MetricQuery(f"f{index}_inv", NAMESPACE, "Invocations", dims, "Sum", SPARK_PERIOD))
    return queries


def _total(series: Series) -> float:
    return sum(v for _, v in series)


def _peak(series: Series) -> float | None:
    return max((v for _, v in series), default=None)


def _spark(series: Series, start: datetime, end: datetime) -> tuple[float, ...]:
    """One value per minute of the window, zero where no datapoint exists."""
    by_minute = {ts.replace(second=0, microsecond=0): v for ts, v in series}
    minutes = int((end - start).total_seconds() // SPARK_PERIOD)
    return tuple(by_minute.get(start + timedelta(minutes=i), 0.0) for i in range(minutes))


def metrics_from_results(index: int, results: dict[str, Series], start: datetime, end: datetime) -> LambdaMetrics:
    def series(suffix: str) -> Series:
        return results.get(f"f{index}_{suffix}", [])

    duration_avg = series("davg")
    return LambdaMetrics(
        invocations=_total(series("inv")),
        errors=_total(series("err")),
        throttles=_total(series("thr")),
        # One window-long period gives at most one average; several (window longer than
        # retention alignment) are averaged, which is exact only for equal counts.
        duration_avg_ms=(sum(v for _, v in duration_avg) / len(duration_avg)) if duration_avg else None,
        duration_max_ms=_peak(series("dmax")),
        concurrency_max=_peak(series("conc")),
        series=_spark(series("inv"), start, end),
    )


async def list_functions(ctx: AwsContext) -> list[LambdaFunction]:
    raw = await ctx.collect("lambda", "list_functions", "Functions", PaginationConfig={"PageSize": 50})
    return [function_from_api(ctx.target, item) for item in raw]


async def fetch_functions(ctx: AwsContext, window: timedelta = DEFAULT_WINDOW) -> tuple[LambdaFunction, ...]:
    """Every function with its metrics over the last `window`; on a first load the
    functions are shown as soon as they are listed, their metrics when they arrive."""
    functions = await list_functions(ctx)
    ctx.publish_partial(functions)
    await ctx.after_first_paint()
    start, end = window_bounds(ctx.clock.now(), window)
    results = await fetch_metrics(ctx, metric_queries([f.name for f in functions], window), start, end)
    return tuple(
        replace(function, metrics=metrics_from_results(i, results, start, end))
        for i, function in enumerate(functions)
    )


def alias_from_api(target: Target, function_name: str, raw: dict) -> LambdaAlias:
    weights = (raw.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
    return LambdaAlias(
        target=target,
        function_name=function_name,
        name=raw["Name"],
        version=raw["FunctionVersion"],
        weights=tuple(sorted((str(v), float(w)) for v, w in weights.items())),
    )


async def list_aliases(ctx: AwsContext, function_name: str) -> list[LambdaAlias]:
    raw = await ctx.collect("lambda", "list_aliases", "Aliases", FunctionName=function_name)
    return [alias_from_api(ctx.target, function_name, item) for item in raw]


class AliasSweep:
    """Aliases of every function, refreshed a batch of functions per tick.

    There is no batch API for aliases: one ListAliases per function. Lambda's control
    plane allows about 15 requests a second, so refreshing 2,000 functions' aliases
    every tick would be throttled and would crowd out the calls that matter. Each tick
    lists the functions (pages), then refreshes up to `batch` of them, those never seen
    first, then the longest unrefreshed; the rest keep their last known aliases.
    """

    def __init__(self, batch: int = 50) -> None:
        self.batch = batch
        self._target: Target | None = None
        self._known: dict[str, tuple[LambdaAlias, ...]] = {}
        self._refreshed_at: dict[str, float] = {}

    async def __call__(self, ctx: AwsContext) -> tuple[LambdaAlias, ...]:
        if ctx.target != self._target:  # a new target starts from nothing
            self._target, self._known, self._refreshed_at = ctx.target, {}, {}
        names = [f.name for f in await list_functions(ctx)]
        due = sorted(names, key=lambda n: (n in self._refreshed_at, self._refreshed_at.get(n, 0.0)))[: self.batch]
        fetched = await bounded_gather(list_aliases(ctx, name) for name in due)
        now = ctx.clock.monotonic()
        for name, aliases in zip(due, fetched):
            self._known[name] = tuple(aliases)
            self._refreshed_at[name] = now
        present = set(names)
        for gone in [n for n in self._known if n not in present]:
            del self._known[gone], self._refreshed_at[gone]
        return tuple(alias for name in names for alias in self._known.get(name, ()))
