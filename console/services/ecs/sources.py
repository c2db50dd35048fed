"""ECS: clusters, the services of every cluster with their health, one service in detail.

Calls of `ServicesSource` (the "ecs" source), at the page and batch sizes the API allows
(console.aws.limits). Its first tick (a first load, or another target) reads everything:
- ListClusters pages of 100, DescribeClusters by 100;
- per cluster, side by side within the client's bound: ListServices pages of 100, each
  page's services described (DescribeServices by 10, side by side) while the next page is
  listed; on a first load the rows are published as each page is described;
- from the first paint on, per cluster while its services are read (another quota):
  ListTasks RUNNING and STOPPED (pages of 100) and DescribeTasks by 100 of the running
  ones and of the stopped ones not described before (console.services.ecs.tasks: a
  stopped task never changes) -> each service's health (console.services.ecs.health); on
  a first load each cluster's rows are published with their health as soon as both are
  read, before the utilisation figures;
- AWS/ECS utilisation once a minute, at once for services not read yet
  (console.services.ecs.metrics: 2 queries a service, 500 a GetMetricData call).
Every later tick lists the clusters, then sweeps (console.polling.sweep) within the spare
of opsdeck's share of each quota: each cluster's ListServices pages once a LIST_EVERY,
at most DESCRIBES_A_TICK DescribeServices (the rows on screen and those deploying first,
then the longest unread), each cluster's tasks once a TASKS_EVERY (every tick the spare
allows while one of its services deploys); and the utilisation once a minute.

`ClustersSource` ("ecs.clusters"): ListClusters and DescribeClusters, with each cluster's
services' health rolled up from what the "ecs" source last published (None until then).

`ServiceDetailSource`: one service for its screen (DescribeServices with its events and
deployments, its tasks running and stopped, its deployment history, its utilisation).
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import replace
from datetime import datetime, timezone
from contextlib import AbstractAsyncContextManager
from typing import Any, Awaitable, Callable, Iterable, TypeVar

from console.aws.budget import sweeping
from console.aws.clients import CONCURRENCY
from console.aws.context import AwsContext, bounded_gather, chunks
from console.aws.errors import error_code
from console.aws.limits import max_page
from console.polling.sweep import Sweep, calls_for
from console.services.ecs import deployments as ecs_deployments
from console.services.ecs.batches import Turns, described_as_listed
from console.services.ecs.health import cluster_rollup, service_health
from console.services.ecs.metrics import METRICS_EVERY, fetch_service_metrics
from console.services.ecs.models import (
    EcsCluster, EcsEvent, EcsService, EcsServiceDeployment, EcsTask, ServiceDetail, ServiceMetrics, ServiceRef,
)
from console.services.ecs.tasks import (
    DESCRIBE_TASKS_MAX, LIST_TASKS_PAGE, TaskReader, short_name, task_definition_name,
)
from console.target import Target

DESCRIBE_SERVICES_MAX = max_page("ecs", "DescribeServices")
DESCRIBE_CLUSTERS_MAX = max_page("ecs", "DescribeClusters")
LIST_SERVICES_PAGE = max_page("ecs", "ListServices")
LIST_CLUSTERS_PAGE = max_page("ecs", "ListClusters")
SERVICES = "ecs"  # the services source's name; ClustersSource reads its items
CLUSTERS = "ecs.clusters"
ZERO_ZONE = timezone.utc
T = TypeVar("T")


class ClusterNotFound(LookupError):
    """The cluster named is not in this account and region (or no longer ACTIVE)."""


class ServiceNotFound(LookupError):
    """The service named is not in that cluster."""


# -- models from the API ------------------------------------------------------------------------
def cluster_from_api(target: Target, raw: dict) -> EcsCluster:
    return EcsCluster(
        target=target,
        arn=raw["clusterArn"],
        name=raw.get("clusterName") or short_name(raw["clusterArn"]),
        status=raw.get("status", ""),
        capacity_providers=tuple(raw.get("capacityProviders") or ()),
        default_strategy=ecs_deployments.strategy_from_api(raw.get("defaultCapacityProviderStrategy")),
        running_tasks=int(raw.get("runningTasksCount", 0) or 0),
        pending_tasks=int(raw.get("pendingTasksCount", 0) or 0),
        active_services=int(raw.get("activeServicesCount", 0) or 0),
    )


def event_from_api(raw: dict) -> EcsEvent:
    return EcsEvent(id=raw.get("id", ""), at=raw.get("createdAt"), message=raw.get("message", ""))


def service_from_api(target: Target, raw: dict, cluster: EcsCluster | None = None) -> EcsService:
    """A service as DescribeServices gives it; health and metrics unknown (None) yet. With
    neither a launch type nor a strategy of its own, it runs on its cluster's default."""
    own = ecs_deployments.strategy_from_api(raw.get("capacityProviderStrategy"))
    strategy = own or (cluster.default_strategy if cluster is not None and not raw.get("launchType") else ())
    launch = raw.get("launchType") or ecs_deployments.strategy_words(strategy) or "EC2"
    config = raw.get("deploymentConfiguration") or {}
    breaker = config.get("deploymentCircuitBreaker") or {}
    events = raw.get("events") or []
    definition_arn = raw.get("taskDefinition", "")
    return EcsService(
        target=target,
        arn=raw["serviceArn"],
        name=raw["serviceName"],
        cluster=short_name(raw.get("clusterArn", "")),
        status=raw.get("status", ""),
        desired=int(raw.get("desiredCount", 0)),
        running=int(raw.get("runningCount", 0)),
        pending=int(raw.get("pendingCount", 0)),
        launch=launch,
        task_definition=task_definition_name(definition_arn),
        deployments=tuple(ecs_deployments.deployment_from_api(d) for d in raw.get("deployments", [])),
        healthy_tasks=None,
        unhealthy_tasks=None,
        circuit_breaker=bool(breaker.get("enable", False)),
        task_definition_arn=definition_arn,
        rollback=bool(breaker.get("rollback", False)),
        launch_type=raw.get("launchType") or None,
        strategy=strategy,
        created_at=raw.get("createdAt"),
        last_event=newest_event(events),
    )


def newest_event(events: list[dict]) -> EcsEvent | None:
    """The newest of DescribeServices' events by createdAt: AWS lists the latest 100 but the
    API reference promises no order, so the list's first is not trusted to be the newest."""
    dated = [e for e in events if isinstance(e.get("createdAt"), datetime)]
    if dated:
        return event_from_api(max(dated, key=lambda e: e["createdAt"]))
    return event_from_api(events[0]) if events else None


def with_health(service: EcsService, running: Iterable[EcsTask], stopped: Iterable[EcsTask], now) -> EcsService:
    health = service_health(service, running, stopped, now)
    return replace(service, health=health, healthy_tasks=health.healthy_tasks, unhealthy_tasks=health.unhealthy_tasks)


# -- reads ----------------------------------------------------------------------------------------
async def describe_clusters(ctx: AwsContext, clusters: list[str]) -> list[dict]:
    """DescribeClusters by 100; the ones AWS does not know are left out."""
    ecs = await ctx.client("ecs")
    responses = await bounded_gather(ecs.describe_clusters(clusters=list(batch))
                                     for batch in chunks(clusters, DESCRIBE_CLUSTERS_MAX))
    return [raw for response in responses for raw in response.get("clusters", [])]


async def list_clusters(ctx: AwsContext) -> list[EcsCluster]:
    arns = await ctx.collect("ecs", "list_clusters", "clusterArns", PaginationConfig={"PageSize": LIST_CLUSTERS_PAGE})
    return [cluster_from_api(ctx.target, raw) for raw in await describe_clusters(ctx, arns) if raw.get("clusterArn")]


async def resolve_cluster(ctx: AwsContext, cluster: str) -> EcsCluster:
    """The ACTIVE cluster `cluster` names (a name or an ARN), else ClusterNotFound."""
    found = [c for c in await describe_clusters(ctx, [cluster]) if c.get("clusterArn")]
    if not found or found[0].get("status") == "INACTIVE":
        raise ClusterNotFound(f"CLUSTER: no ECS cluster {cluster!r} in {ctx.target.region}")
    return cluster_from_api(ctx.target, found[0])


async def cluster_services(ctx: AwsContext, cluster: EcsCluster,
                           each_batch: Callable[[list[EcsService]], None] | None = None,
                           listed: Callable[[], None] | None = None,
                           bound: AbstractAsyncContextManager[Any] | None = None) -> list[EcsService]:
    """Every service of `cluster`. ListServices pages (100) are listed one after the other
    (each needs the last one's token); their services are described (DescribeServices by
    10) while the next page is listed, in full batches of 10 across pages; `each_batch`
    sees each batch's services as they are described; `listed` is called when the last
    page is in; `bound`, when given, limits the describes in flight (batches.py)."""
    ecs = await ctx.client("ecs")

    async def describe(arns: list[str]) -> list[EcsService]:
        found = await ecs.describe_services(cluster=cluster.arn, services=arns)
        services = [service_from_api(ctx.target, raw, cluster) for raw in found.get("services", [])]
        if each_batch is not None:
            each_batch(services)
        return services

    pages = ctx.pages("ecs", "list_services", cluster=cluster.arn, PaginationConfig={"PageSize": LIST_SERVICES_PAGE})
    _, services = await described_as_listed(pages, "serviceArns", DESCRIBE_SERVICES_MAX, describe, listed=listed,
                                            bound=bound)
    return services


async def read_services(ctx: AwsContext, cluster: str | None = None) -> list[EcsService]:
    """Every service (of `cluster` only, when named: ClusterNotFound if there is none) with
    its health and utilisation: what `opsdeck ecs services` prints."""
    clusters = [await resolve_cluster(ctx, cluster)] if cluster else await list_clusters(ctx)
    source = ServicesSource()
    return list(await source.read(ctx, clusters))


async def unless_gone(read: Awaitable[T], empty: T) -> T:
    """`read`, or `empty` when its cluster was deleted since it was listed."""
    try:
        return await read
    except Exception as exc:
        if error_code(exc) == "ClusterNotFoundException":
            return empty
        raise


# -- the services source ----------------------------------------------------------------------------
LIST_EVERY = 60.0  # seconds between listings of a cluster's services: new and removed ones appear
TASKS_EVERY = 120.0  # seconds between reads of a quiet cluster's tasks (one deploying: as the spare allows;
# the large estate's 4,000 tasks are 94 calls, each a page of 100 tasks to parse)
DESCRIBES_A_TICK = 7  # DescribeServices calls a tick at most: 12 ticks a minute and the listings (20 pages for
# 2,000 services) stay under the 108 a minute of the spare, so the rows on screen are read every tick


class ServicesSource:
    """The "ecs" source: every service of every cluster, with health and utilisation.

    The first tick (and the first for another target) reads everything, as fast as the
    quotas allow. After that each tick is three sweeps (console.polling.sweep) within the
    spare of opsdeck's share of the quotas: clusters listed again (ListServices) once a
    LIST_EVERY, services described (DescribeServices, ten of a cluster a call) the rows on
    screen and those mid-deployment first, then the longest unread, at most
    DESCRIBES_A_TICK calls a tick; and each cluster's tasks (for the services' health)
    once a TASKS_EVERY, every tick the spare allows while one of its services deploys.
    2,000 services were re-read at once every 4.6 minutes: 220 calls of the "service
    reads" quota in one minute, whose tenth is 120.

    It keeps, between ticks, the rows, each cluster's listing and tasks (TaskReader keeps
    the stopped tasks it described) and the last utilisation figures (read again once a
    minute, METRICS_EVERY, or at ctrl+r)."""

    def __init__(self, metrics_every: float = METRICS_EVERY, list_every: float = LIST_EVERY,
                 tasks_every: float = TASKS_EVERY, describes: int = DESCRIBES_A_TICK) -> None:
        self.metrics_every = metrics_every
        self.list_every = list_every
        self.tasks_every = tasks_every
        self.tasks = TaskReader()
        self.listings = Sweep(batch=LIST_SERVICES_PAGE)  # cluster ARNs; a listing costs its pages
        self.describes = Sweep(batch=describes)  # service ARNs
        self.task_reads = Sweep(batch=LIST_SERVICES_PAGE)  # cluster ARNs; a read costs its pages
        self._target: Target | None = None  # whose rows these are (None: no first load yet)
        self._rows: dict[str, EcsService] = {}  # service ARN -> as last read, with health and metrics
        self._listed: dict[str, list[str]] = {}  # cluster ARN -> its services' ARNs, as last listed
        self._pages: dict[str, int] = {}  # cluster ARN -> the calls its listing took
        self._tasks: dict[str, dict[str, tuple[list[EcsTask], list[EcsTask]]]] = {}  # cluster -> service name
        self._task_calls: dict[str, int] = {}  # cluster ARN -> the calls its tasks took
        self._metrics: dict[tuple[str, str], ServiceMetrics] = {}
        self._metrics_target: Target | None = None
        self._metrics_at = 0.0  # clock.monotonic()

    async def __call__(self, ctx: AwsContext) -> tuple[EcsService, ...]:
        clusters = await list_clusters(ctx)
        if ctx.target != self._target:
            return await self.read(ctx, clusters)
        return await self._sweep(ctx, clusters)

    # the first load ------------------------------------------------------------------------------
    async def read(self, ctx: AwsContext, clusters: list[EcsCluster]) -> tuple[EcsService, ...]:
        """Every service of `clusters`, at once: a first load (its calls count as a sweep's,
        so the minute after it the sweeps wait for the spare)."""
        self._forget()
        shown: dict[str, EcsService] = {}
        listing = len(clusters)
        published = 0

        def batch_described(services: list[EcsService]) -> None:
            """Rows as they arrive while there are more pages to come (then all at once): the
            first batch at once, then a page's worth (100) more at a time, so a screen of
            2,000 rows is redrawn 20 times, not 200."""
            nonlocal published
            shown.update((s.arn, s) for s in services)
            if listing and (not published or len(shown) >= published + LIST_SERVICES_PAGE):
                published = len(shown)
                ctx.publish_partial(list(shown.values()))

        def listed() -> None:
            nonlocal listing
            listing -= 1

        bound = asyncio.Semaphore(CONCURRENCY)
        # Every cluster's DescribeServices together, not each cluster's, within the client's
        # bound: the list calls (each page waits for the last one's token; the largest
        # cluster's ListServices and ListTasks pages are the longest chains) then queue
        # behind one client's worth of describes, not one per cluster (measured: a bound of
        # half that held the describes back more than it sped the pages). The clusters whose
        # rows a screen shows are described first: theirs complete at their own quota floor.
        sizes = {c.name: c.active_services for c in clusters}
        describing = Turns(CONCURRENCY, lambda: {shown[k].cluster for k in ctx.on_screen(SERVICES) if k in shown},
                           lambda name: sizes.get(name, 0))

        async def tasks_of(cluster: EcsCluster) -> tuple[list[EcsTask], list[EcsTask]]:
            await ctx.after_first_paint()
            async with bound:
                return await unless_gone(self.tasks.read(ctx, cluster.arn), ([], []))

        # A cluster's tasks are read while its services are (another quota, "ecs cluster
        # resource reads"; ListTasks pages follow each other, so the largest cluster's are
        # the longest wait), from the first paint on; a cluster that says it has no service
        # only if it turns out to have some.
        with sweeping():
            reads = {c.arn: asyncio.ensure_future(tasks_of(c)) for c in clusters if c.active_services}
        rows: dict[str, EcsService] = {}  # with their health: the clusters whose tasks are read
        described: dict[str, list[EcsService]] = {}  # cluster ARN -> its services, every one described
        pending = len(clusters)
        metrics: asyncio.Future[None] | None = None

        async def utilisation() -> None:
            await ctx.after_first_paint()
            await self._refresh_metrics(ctx, [s for group in described.values() for s in group])

        async def services_then_health(cluster: EcsCluster) -> list[EcsService]:
            """The cluster's services, then, as soon as its own tasks are read, with their
            health: a first load shows a cluster complete when its own reads are, the
            largest cluster's without waiting for the others' services (it is described
            first, batches.Turns) nor anyone's utilisation (read once every service is
            described, while the tasks still are)."""
            nonlocal pending, metrics
            with sweeping():
                group = await unless_gone(cluster_services(ctx, cluster, batch_described, listed,
                                                           describing.of(cluster.name)), [])
                described[cluster.arn] = group
                if len(described) == len(clusters):  # every row listed and described: all shown
                    ctx.publish_partial(list({**shown, **rows}.values()))  # (the first paint waits for it)
                    metrics = asyncio.ensure_future(utilisation())
                if group:
                    read = reads.get(cluster.arn) or reads.setdefault(cluster.arn,
                                                                      asyncio.ensure_future(tasks_of(cluster)))
            if group:
                self._keep_tasks(cluster.arn, *await read)
                now = ctx.clock.now()
                for s in group:
                    rows[s.arn] = self._with_health(cluster.arn, s, now)
            pending -= 1
            if pending or metrics is None or not metrics.done():  # else the tick's result comes now
                ctx.publish_partial(list({**shown, **rows}.values()))
            return group

        if not clusters:  # the panel's empty state now: the first paint waits for every panel
            ctx.publish_partial([])
        try:
            per_cluster = await bounded_gather(services_then_health(c) for c in clusters)
            ctx.screen_read()
            await (metrics or utilisation())
        finally:
            for read in reads.values():
                read.cancel()
                if read.done() and not read.cancelled():
                    read.exception()  # retrieved: a failure the services' own failure hid
            if metrics is not None:
                metrics.cancel()
        at = ctx.clock.monotonic()
        for cluster, group in zip(clusters, per_cluster):
            self._listed[cluster.arn] = [s.arn for s in group]
            self._pages[cluster.arn] = max(1, -(-len(group) // LIST_SERVICES_PAGE))
        self.listings.read(self._listed, at)
        self.describes.read(rows, at)
        self.task_reads.read(self._tasks, at)
        self._rows = {arn: replace(s, metrics=self._metrics.get((s.cluster, s.name))) for arn, s in rows.items()}
        self._target = ctx.target
        return tuple(self._rows.values())

    def _forget(self) -> None:
        self._target = None
        self._rows, self._listed, self._pages, self._tasks, self._task_calls = {}, {}, {}, {}, {}
        for sweep in (self.listings, self.describes, self.task_reads):
            sweep.reset()

    def _keep_tasks(self, cluster: str, running: list[EcsTask], stopped: list[EcsTask]) -> None:
        """A cluster's tasks by service; what reading them again will cost (pages and describes)."""
        by_service: dict[str, tuple[list[EcsTask], list[EcsTask]]] = {}
        for which, found in ((0, running), (1, stopped)):
            for task in found:
                if task.service is not None:
                    by_service.setdefault(task.service, ([], []))[which].append(task)
        self._tasks[cluster] = by_service
        self._task_calls[cluster] = (-(-len(running) // LIST_TASKS_PAGE) + -(-len(running) // DESCRIBE_TASKS_MAX)
                                     + max(1, -(-len(stopped) // LIST_TASKS_PAGE)) + 1)

    def _with_health(self, cluster: str, service: EcsService, now: datetime) -> EcsService:
        tasks = self._tasks.get(cluster)
        if tasks is None:  # not read yet: health unknown (None), never guessed
            return service
        return with_health(service, *tasks.get(service.name, ([], [])), now)

    def _row(self, cluster: str, service: EcsService, now: datetime) -> EcsService:
        """The service as the table shows it: with its health and its last utilisation figures."""
        return replace(self._with_health(cluster, service, now), metrics=self._metrics.get((service.cluster, service.name)))

    # steady state --------------------------------------------------------------------------------
    async def _sweep(self, ctx: AwsContext, clusters: list[EcsCluster]) -> tuple[EcsService, ...]:
        at = ctx.clock.monotonic()
        by_arn = {c.arn: c for c in clusters}
        for gone in [c for c in self._listed if c not in by_arn]:
            del self._listed[gone]
            self._tasks.pop(gone, None)
        shown = ctx.on_screen(SERVICES)
        moving = {arn for arn, s in self._rows.items() if s.deploying}
        cluster_of = {arn: c for c, arns in self._listed.items() for arn in arns}
        shown_clusters = {cluster_of[a] for a in shown if a in cluster_of}
        moving_clusters = {cluster_of[a] for a in moving if a in cluster_of}
        changed: set[str] = set()  # service ARNs to build again

        # 1. listings: new and removed services
        stale = [c for c in by_arn if ctx.fresh or at - self.listings.read_at.get(c, -math.inf) >= self.list_every]
        due = self.listings.due(stale, spare=ctx.spare("ecs", "ListServices"), fresh=ctx.fresh,
                                on_screen=shown_clusters, cost=lambda c: self._pages.get(c, 1))
        listing = due.now + due.then
        with sweeping():
            listed = await bounded_gather(unless_gone(self._list(ctx, c), None) for c in listing)
        self.listings.read(listing, at)
        for cluster, arns in zip(listing, listed):
            self._listed[cluster] = arns or []
        cluster_of = {arn: c for c, arns in self._listed.items() for arn in arns}
        for arn in [a for a in self._rows if a not in cluster_of]:
            del self._rows[arn]
        self.describes.keep_only(cluster_of)

        # 2. describes: the rows on screen and those deploying first, the rest spread
        due = self.describes.due(list(cluster_of), spare=ctx.spare("ecs", "DescribeServices"), on_screen=shown,
                                 moving=moving, fresh=ctx.fresh, together=cluster_of.__getitem__,
                                 per_call=DESCRIBE_SERVICES_MAX)
        now = ctx.clock.now()
        for group in (due.now, due.then):
            if not group:
                continue
            calls = calls_for(group, cluster_of.__getitem__, DESCRIBE_SERVICES_MAX)
            with sweeping():
                found = await bounded_gather(unless_gone(self._describe(ctx, by_arn[cluster_of[call[0]]], call), [])
                                             for call in calls)
            self.describes.read(group, at)
            described = {s.arn: s for batch in found for s in batch if s.status != "INACTIVE"}
            for arn in group:
                if arn in described:
                    s = described[arn]
                    row = self._row(cluster_of[arn], s, now)
                    if row != self._rows.get(arn):  # unchanged: the same object (the table skips it)
                        self._rows[arn] = row
                else:  # deleted since it was listed
                    self._rows.pop(arn, None)
                    self._listed[cluster_of[arn]].remove(arn)
            if group is due.now and due.then:  # what the user looks at, before the rest
                ctx.publish_progress(self._result())

        # 3. each cluster's tasks, for its services' health
        stale = [c for c, arns in self._listed.items() if arns and (
            ctx.fresh or c in moving_clusters or at - self.task_reads.read_at.get(c, -math.inf) >= self.tasks_every)]
        due = self.task_reads.due(stale, spare=ctx.spare("ecs", "ListTasks"), on_screen=shown_clusters,
                                  moving=moving_clusters, fresh=ctx.fresh, cost=lambda c: self._task_calls.get(c, 2))
        reading = due.now + due.then

        async def read_tasks(cluster: str) -> None:
            # The old tasks go before the new ones come (the rows keep their health meanwhile):
            # holding both, the first re-read of the large estate's 4,000 tasks raised the
            # console's RSS by 4 MB for good (make bench's soak, minute 2 to 3).
            self._tasks.pop(cluster, None)
            found = await unless_gone(self.tasks.read(ctx, cluster), None)
            if found is not None:
                self._keep_tasks(cluster, *found)
                changed.update(self._listed.get(cluster, ()))

        with sweeping():
            await bounded_gather(read_tasks(c) for c in reading)
        self.task_reads.read(reading, at)
        # health counts the replacements in a window back from now: it changes as they leave it
        changed.update(arn for arn, s in self._rows.items() if s.health is not None and s.health.replaced)

        # 4. utilisation, once a minute
        if await self._refresh_metrics(ctx, list(self._rows.values())):
            changed.update(self._rows)
        for arn in changed & self._rows.keys():
            s = self._rows[arn]
            row = self._row(cluster_of[arn], s, now)
            if row != s:  # the same object when nothing changed: the table ranks and draws it again only if not
                self._rows[arn] = row
        self.task_reads.keep_only(self._listed)
        return self._result()

    def _result(self) -> tuple[EcsService, ...]:
        """The rows in listing order."""
        return tuple(self._rows[arn] for arns in self._listed.values() for arn in arns if arn in self._rows)

    async def _list(self, ctx: AwsContext, cluster: str) -> list[str]:
        pages = 0
        arns: list[str] = []
        async for page in ctx.pages("ecs", "list_services", cluster=cluster,
                                    PaginationConfig={"PageSize": LIST_SERVICES_PAGE}):
            pages += 1
            arns.extend(page.get("serviceArns", []))
        self._pages[cluster] = max(1, pages)
        return arns

    async def _describe(self, ctx: AwsContext, cluster: EcsCluster, arns: list[str]) -> list[EcsService]:
        ecs = await ctx.client("ecs")
        found = await ecs.describe_services(cluster=cluster.arn, services=arns)
        return [service_from_api(ctx.target, raw, cluster) for raw in found.get("services", [])]

    async def _refresh_metrics(self, ctx: AwsContext, services: list[EcsService]) -> bool:
        """The utilisation figures when due, else those of services not read yet (True: some read)."""
        await ctx.until_screen_complete()  # the dashboard shows no utilisation: after what it does show
        keys = [(s.cluster, s.name) for s in services]
        due = (ctx.fresh or ctx.target != self._metrics_target
               or ctx.clock.monotonic() - self._metrics_at >= self.metrics_every)
        if due:
            self._metrics = await fetch_service_metrics(ctx, keys)
            self._metrics_target, self._metrics_at = ctx.target, ctx.clock.monotonic()
            return True
        unread = [k for k in keys if k not in self._metrics]
        if unread:
            self._metrics.update(await fetch_service_metrics(ctx, unread))
        return bool(unread)


class ClustersSource:
    """The "ecs.clusters" source: every cluster, its services' health rolled up from what
    the "ecs" source last published (None until it has)."""

    async def __call__(self, ctx: AwsContext) -> tuple[EcsCluster, ...]:
        clusters = await list_clusters(ctx)
        services = ctx.items_of(SERVICES)
        if services is None:
            return tuple(clusters)
        return tuple(cluster_rollup(c, services) for c in clusters)


# -- one service --------------------------------------------------------------------------------------
async def describe_service(ctx: AwsContext, ref: ServiceRef, cluster: EcsCluster | None = None,
                           ) -> tuple[EcsService, tuple[EcsEvent, ...]]:
    """The service and its events (newest first), or ServiceNotFound. `cluster` gives the
    default capacity-provider strategy a service without its own runs on."""
    ecs = await ctx.client("ecs")
    answer = await ecs.describe_services(cluster=ref.cluster, services=[ref.service])
    found = answer.get("services") or []
    if not found:
        raise ServiceNotFound(f"SERVICE: no service {ref.service!r} in cluster {ref.cluster!r}")
    raw = found[0]
    return service_from_api(ctx.target, raw, cluster), tuple(event_from_api(e) for e in raw.get("events") or [])


class ServiceDetailSource:
    """One service's screen, every tick: DescribeServices (its events and deployments), its
    tasks running and stopped (ListTasks by service, DescribeTasks; stopped ones described
    once), its deployment history (console.services.ecs.deployments: not asked again of an
    endpoint that lacks it), its utilisation once a minute."""

    def __init__(self, ref: ServiceRef, metrics_every: float = METRICS_EVERY) -> None:
        self.ref = ref
        self.metrics_every = metrics_every
        self.tasks = TaskReader()
        self._no_history = ""  # why the endpoint gives no history ("" : it does, or not asked)
        self._metrics: ServiceMetrics | None = None
        self._metrics_at: float | None = None
        self._cluster: EcsCluster | None = None  # read once: its default strategy

    async def __call__(self, ctx: AwsContext) -> tuple[ServiceDetail]:
        return (await self.read(ctx),)

    async def read(self, ctx: AwsContext) -> ServiceDetail:
        """The service, its tasks and events; then its deployment history (an endpoint that
        lacks the API may take its retries to say so: the rest is published first)."""
        if self._cluster is None or self._cluster.target != ctx.target:
            self._cluster = await resolve_cluster(ctx, self.ref.cluster)
        history = asyncio.ensure_future(self._history(ctx))
        try:
            (service, events), (running, stopped), metrics = await asyncio.gather(
                describe_service(ctx, self.ref, self._cluster), self.tasks.read(ctx, self.ref.cluster, self.ref.service),
                self._read_metrics(ctx))
            service = replace(with_health(service, running, stopped, ctx.clock.now()), metrics=metrics)
            tasks = tuple(running) + tuple(sorted(stopped, key=_stopped_when, reverse=True))
            if not history.done():
                ctx.publish_partial((ServiceDetail(service, tasks, events, None),))
            found, why = await history
        finally:
            history.cancel()
        return ServiceDetail(service, tasks, events, found, why)

    async def _history(self, ctx: AwsContext) -> tuple[tuple[EcsServiceDeployment, ...] | None, str]:
        if self._no_history:
            return None, self._no_history
        history, why = await ecs_deployments.fetch_history(ctx, self.ref)
        self._no_history = why
        return history, why

    async def _read_metrics(self, ctx: AwsContext) -> ServiceMetrics | None:
        at = ctx.clock.monotonic()
        if ctx.fresh or self._metrics_at is None or at - self._metrics_at >= self.metrics_every:
            key = (short_name(self.ref.cluster), self.ref.service)
            self._metrics = (await fetch_service_metrics(ctx, [key])).get(key)
            self._metrics_at = at
        return self._metrics


def _stopped_when(task: EcsTask) -> datetime:
    when = task.stopped_at or task.stopping_at or task.created_at
    return when if isinstance(when, datetime) else datetime.min.replace(tzinfo=ZERO_ZONE)
