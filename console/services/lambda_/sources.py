"""Lambda: functions with their metrics, and aliases.

`FunctionsSource` lists every function (paginated) and fetches AWS/Lambda metrics for all
of them in batched GetMetricData calls, while the list pages: refresh cost grows with
pages, not functions. A minute later only the minutes that can still change are read again.
Aliases need one ListAliases per function, so they are their own, slower source.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import replace
from datetime import datetime
from typing import Any, Callable

from console.services.lambda_ import metrics as lambda_metrics
from console.aws.budget import sweeping
from console.aws.context import AwsContext, bounded_gather
from console.aws.limits import max_page
from console.services.lambda_.metrics import MetricWindow
from console.cloudwatch.metrics import MAX_QUERIES_PER_CALL, fetch_metrics
from console.services.lambda_.models import LambdaAlias, LambdaFunction, LambdaMetrics, LambdaMinutes
from console.polling.sweep import Sweep
from console.target import Target



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


def _shared(value: str | None) -> str | None:
    """One copy of a value many resources repeat (a runtime, an alias name): each parsed
    response holds its own, 2,008 times over on a large account."""
    return None if value is None else sys.intern(value)


def function_from_api(target: Target, raw: dict) -> LambdaFunction:
    architectures = raw.get("Architectures") or ["x86_64"]
    return LambdaFunction(
        target=target,
        arn=raw["FunctionArn"],
        name=raw["FunctionName"],
        runtime=_shared(raw.get("Runtime")),
        architecture=sys.intern(architectures[0]),
        memory_mb=int(raw.get("MemorySize") or 128),
        timeout_s=int(raw.get("Timeout") or 3),
        package_type=sys.intern(raw.get("PackageType") or "Zip"),
        last_modified=_parse_time(raw.get("LastModified")),
        code_sha256=raw.get("CodeSha256") or "",
        logging_group=(raw.get("LoggingConfig") or {}).get("LogGroup") or None,
    )


async def list_functions(ctx: AwsContext, first_page: Callable[[list[LambdaFunction]], None] | None = None,
                         each_page: Callable[[list[LambdaFunction]], None] | None = None) -> list[LambdaFunction]:
    """Every function, page by page (50 a page, the documented maximum); `first_page` sees
    the first page as soon as it arrives (41 pages of a large account take seconds at
    Lambda's 15 requests a second: something is on screen meanwhile), `each_page` every
    page."""
    functions: list[LambdaFunction] = []
    async for page in ctx.pages("lambda", "list_functions",
                                PaginationConfig={"PageSize": max_page("lambda", "ListFunctions")}):
        batch = [function_from_api(ctx.target, item) for item in page.get("Functions", [])]
        if first_page is not None and not functions and batch and page.get("NextMarker"):
            first_page(batch)  # more pages to come
        if each_page is not None:
            each_page(batch)
        functions.extend(batch)
    return functions


METRICS_EVERY = 60.0  # seconds: AWS/Lambda metrics have one-minute resolution


class FunctionsSource:
    """The Lambda panel's polling source: the function list every tick, their metrics
    over the window its holder says (the panel's `w` key changes `window`) once a minute.

    Lambda metrics have one-minute resolution and GetMetricData is billed per metric
    asked for (6 per function): asking every 5 s would cost 12 times as much for the same
    figures. Metrics are fetched again when a minute has passed, the window changed, the
    user asked (ctrl+r), or for functions that appeared since; otherwise the last ones stay.
    """

    ALIASES = "lambda.aliases"  # the source whose weighted aliases get per-version figures

    def __init__(self, window: MetricWindow | None = None, metrics_every: float = METRICS_EVERY) -> None:
        self.window = window or MetricWindow()
        self.metrics_every = metrics_every
        self._metrics: dict[str, LambdaMetrics] = {}  # by function name
        self._basis: tuple[Target, int] | None = None  # what they were fetched for
        self._routes: dict[str, tuple[lambda_metrics.VersionRoute, ...]] = {}
        self._fetched_at = 0.0  # clock.monotonic()
        self._read_at: dict[str, datetime] = {}  # by function name: when its metrics were asked for

    async def __call__(self, ctx: AwsContext) -> tuple[LambdaFunction, ...]:
        minutes = self.window.minutes
        basis = (ctx.target, minutes)
        routes = lambda_metrics.weighted_routes(ctx.items_of(self.ALIASES) or ())
        kept: dict[str, tuple[LambdaMinutes, datetime]] = {}  # the minutes settled figures come from
        if ctx.fresh or basis != self._basis or ctx.clock.monotonic() - self._fetched_at >= self.metrics_every:
            if not ctx.fresh and basis == self._basis:
                kept = {name: (m.minutes, self._read_at[name]) for name, m in self._metrics.items()
                        if m.minutes is not None and name in self._read_at}
            self._metrics, self._basis, self._fetched_at = {}, basis, ctx.clock.monotonic()
            self._read_at = {}
        for name in set(routes) | set(self._routes):  # an alias moved: its function's figures again
            if routes.get(name) != self._routes.get(name):
                self._metrics.pop(name, None)
        self._routes = routes
        functions: list[LambdaFunction] | None = None  # all of them, once listed

        def landed(found: dict[str, LambdaMetrics], more: bool, read_at: datetime) -> None:
            """A call's metrics; shown at once while `more` calls are to come, once every
            function is listed (a first load fills the rows as calls land; later ticks keep
            their complete snapshot; the last call's come with the tick's result)."""
            self._metrics.update(found)
            self._read_at.update(dict.fromkeys(found, read_at))
            if more and functions is not None:
                ctx.publish_partial(self._with_metrics(functions))

        reading = _MetricsAsListed(ctx, minutes, known=set(self._metrics), routes=routes, landed=landed, kept=kept)
        try:
            listed = await list_functions(ctx, first_page=ctx.publish_partial, each_page=reading.add)
        except BaseException:
            reading.cancel()
            raise
        ctx.publish_partial(self._with_metrics(listed))
        functions = listed
        await reading.finish()
        return self._with_metrics(functions)

    def _with_metrics(self, functions: list[LambdaFunction]) -> tuple[LambdaFunction, ...]:
        return tuple(replace(f, metrics=self._metrics.get(f.name)) for f in functions)


class _MetricsAsListed:
    """Metrics of the functions not known yet, read while the list is still paging: a
    GetMetricData call (500 queries, the documented maximum) starts as soon as a call's
    worth of functions is listed, so the metrics of 2,000 functions arrive with their last
    page rather than after it; `landed` sees each call's as it lands. Calls wait for the
    first paint (AwsContext.first_paint)."""

    def __init__(self, ctx: AwsContext, minutes: int, known: set[str],
                 routes: dict[str, tuple[lambda_metrics.VersionRoute, ...]] | None,
                 landed: Callable[[dict[str, LambdaMetrics], bool, datetime], None],
                 kept: dict[str, tuple[LambdaMinutes, datetime]] | None = None) -> None:
        self.ctx, self.minutes, self.known = ctx, minutes, known
        self.routes = routes or {}
        self.kept = kept or {}  # name -> (minutes, read at): only their unsettled minutes are read
        self.timeouts: dict[str, int] = {}
        self.landed = landed  # each call's metrics as it lands, and whether more are to come
        self.running = 0
        self.waiting: list[str] = []
        self.waiting_queries = 0
        self.calls: list[asyncio.Task[dict[str, LambdaMetrics]]] = []

    def add(self, functions: list[LambdaFunction]) -> None:
        """Queue the functions' queries; a call's worth (500) goes at once. A function with
        a weighted alias costs two more queries per routed version."""
        for function in functions:
            if function.name in self.known:
                continue
            cost = lambda_metrics.queries_for(function.name, self.minutes, self.routes)
            self.timeouts[function.name] = function.timeout_s
            if self.waiting and self.waiting_queries + cost > MAX_QUERIES_PER_CALL:
                self._call(self.waiting)
                self.waiting, self.waiting_queries = [], 0
            self.waiting.append(function.name)
            self.waiting_queries += cost

    def _call(self, names: list[str]) -> None:
        async def read() -> dict[str, LambdaMetrics]:
            await self.ctx.after_first_paint()
            read_at = self.ctx.clock.now()
            kept = {name: (self.kept[name][0], self.kept[name][1], self.timeouts[name])
                    for name in names if name in self.kept}
            found = await fetch_window_metrics(self.ctx, names, self.minutes, self.routes, kept)
            self.running -= 1
            self.landed(found, bool(self.running or self.waiting), read_at)
            return found

        self.running += 1
        self.calls.append(asyncio.ensure_future(read()))

    def cancel(self) -> None:
        for call in self.calls:
            call.cancel()

    async def finish(self) -> None:
        """The last call's worth, then every call landed (each through `landed`)."""
        if self.waiting:
            self._call(self.waiting)
            self.waiting, self.waiting_queries = [], 0
        try:
            await asyncio.gather(*self.calls)
        finally:  # a failed call leaves none running
            self.cancel()


Kept = dict[str, tuple[LambdaMinutes, datetime, int]]  # name -> (span's minutes, read at, timeout s)


async def fetch_window_metrics(ctx: AwsContext, names: list[str], minutes: int,
                               routes: dict[str, tuple[lambda_metrics.VersionRoute, ...]] | None = None,
                               kept: Kept | None = None) -> dict[str, LambdaMetrics]:
    """Each function's metrics over the last `minutes`, by name, in batched calls; with
    each routed version's figures for functions in `routes` (their weighted aliases). A
    coarse window (3 h, 24 h) is read at its own period beside the last minutes.

    For a function in `kept` (its minutes of an earlier read), only the minutes that could
    still change since are read by the minute (lambda_metrics.unsettled_from; one start for
    the call: the earliest), the rest are kept: a minute later, 3 or 4 of the 15 minutes for
    a timeout up to a minute, instead of all 15 (a fifth of the datapoints to move and parse).
    Its window-long queries (p99, versions) are read whole, with the others: another start
    time, so another call."""
    routes = routes or {}
    now = ctx.clock.now()
    start, end = lambda_metrics.span_bounds(now, minutes)
    coarse = lambda_metrics.coarse(minutes)
    kept = {} if coarse else kept or {}
    tails = {name: max(start, lambda_metrics.unsettled_from(read_at, timeout))
             for name, (_, read_at, timeout) in kept.items() if name in names}
    tail_from = min(tails.values(), default=end)
    tails = {name: at for name, at in tails.items() if lambda_metrics.keepable(kept[name][0], start, tail_from)}
    whole, tail, window = [], [], []
    for i, name in enumerate(names):
        (tail if name in tails else whole).extend(lambda_metrics.minute_queries(i, name))
        if not coarse:
            window += lambda_metrics.window_queries(i, name, minutes, routes)
    reads = [fetch_metrics(ctx, whole + window, start, end), fetch_metrics(ctx, tail, tail_from, end)]
    window_start = window_end = None
    if coarse:
        window_start, window_end = lambda_metrics.window_bounds(now, minutes)
        reads.append(fetch_metrics(ctx, lambda_metrics.coarse_queries(names, minutes, routes),
                                   window_start, window_end))
    results, newest, *periodic = await asyncio.gather(*reads)
    window_results = periodic[0] if periodic else results
    found = {}
    for i, name in enumerate(names):
        periods = None
        if window_start is not None:
            periods = lambda_metrics.minutes_from_results(i, window_results, window_start, window_end,
                                                          lambda_metrics.period_for(minutes), lambda_metrics.COARSE,
                                                          now)
        if name in tails:
            span = lambda_metrics.spliced(kept[name][0], start, lambda_metrics.minutes_from_results(
                i, newest, tail_from, end, now=now), end, now)
        else:
            span = lambda_metrics.minutes_from_results(i, results, start, end, now=now)
        found[name] = lambda_metrics.summarize(
            span, minutes, lambda_metrics.window_value(i, "p99", window_results, end, minutes), periods,
            lambda_metrics.version_figures(i, routes.get(name, ()), window_results, end, minutes))
    return found


def alias_from_api(target: Target, function_name: str, raw: dict) -> LambdaAlias:
    weights = (raw.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
    return LambdaAlias(
        target=target,
        function_name=function_name,
        name=sys.intern(raw["Name"]),
        version=sys.intern(raw["FunctionVersion"]),
        weights=tuple(sorted((str(v), float(w)) for v, w in weights.items())),
    )


async def list_aliases(ctx: AwsContext, function_name: str) -> list[LambdaAlias]:
    raw = await ctx.collect("lambda", "list_aliases", "Aliases", FunctionName=function_name,
                            PaginationConfig={"PageSize": max_page("lambda", "ListAliases")})
    return [alias_from_api(ctx.target, function_name, item) for item in raw]


class AliasSweep:
    """Aliases of every function, read as a sweep (console.polling.sweep) within opsdeck's
    share of Lambda's quota.

    There is no batch API for aliases: one ListAliases per function, and Lambda's
    control-plane calls share 15 requests a second across the account. Each tick takes the
    function names from the Lambda source's latest list (listing them itself only when run
    alone); aliases mid-deploy (weighted routing) are the moving ones. The rest keep their
    last known aliases: discovering 2,000 functions' aliases takes a while; watching what
    is on screen and what moves does not.
    """

    SOURCE = "lambda"  # whose function list the sweep follows

    def __init__(self, batch: int = 50) -> None:
        self.sweep = Sweep(batch)
        self._target: Target | None = None
        self._known: dict[str, tuple[LambdaAlias, ...]] = {}

    @property
    def batch(self) -> int:
        return self.sweep.batch

    def has_read(self, function_name: str) -> bool:
        """Whether the function's aliases have been read (for this target) at all yet."""
        return function_name in self.sweep.read_at

    async def __call__(self, ctx: AwsContext) -> tuple[LambdaAlias, ...]:
        if ctx.target != self._target:  # a new target starts from nothing
            self._target, self._known = ctx.target, {}
            self.sweep.reset()
        listed = ctx.items_of(self.SOURCE)
        functions = list(listed) if listed is not None else await list_functions(ctx)
        names = [f.name for f in functions]
        shown = ctx.on_screen(self.SOURCE)
        due = self.sweep.due(
            names, spare=ctx.spare("lambda", "ListAliases"), fresh=ctx.fresh,
            on_screen={f.name for f in functions if f.key in shown},
            moving={n for n, aliases in self._known.items() if any(a.weights for a in aliases)})
        for group in (due.now, due.then):
            if group is due.then:
                if due.now:  # what the user looks at, before the rest
                    ctx.publish_progress(self._aliases_of(names))
                # the rest once every panel's screen is read; rows come into view meanwhile:
                # this tick ends, and the next (woken by them) reads those first
                if not await ctx.rest_after_screen(self.SOURCE):
                    break
            with sweeping():
                fetched = await bounded_gather(list_aliases(ctx, name) for name in group)
            self.sweep.read(group, ctx.clock.monotonic())
            self._known.update(zip(group, map(tuple, fetched)))
        for gone in self.sweep.keep_only(set(names)):
            self._known.pop(gone, None)
        return self._aliases_of(names)

    def _aliases_of(self, names: list[str]) -> tuple[LambdaAlias, ...]:
        return tuple(alias for name in names for alias in self._known.get(name, ()))
