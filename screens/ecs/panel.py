"""The ECS / Fargate panel: clusters, the one with the most services in trouble first.

A cluster row says what runs there (capacity providers and the default strategy, running
and pending tasks, services) and how its services are doing, rolled up: how many are not
at steady state, how many flapping (tasks replaced again and again), how many unhealthy
or failed. `enter` opens the cluster's services (screens.ecs.services), worst first.
"""

from __future__ import annotations

from typing import Any, Callable

from rich.text import Text

from console.services.ecs.health import cluster_rollup
from console.services.ecs.models import EcsCluster, EcsService
from console.services.ecs.sources import CLUSTERS as CLUSTERS_SOURCE, SERVICES as SERVICES_SOURCE
from screens.ecs import look
from screens.panel import PanelSpec, ServicePanel
from widgets import cells
from widgets.resource_table import Column



def _with_rollups(clusters: tuple[Any, ...], services: tuple[Any, ...]) -> tuple[Any, ...]:
    """Each cluster with its services' health counted from the services source's latest
    snapshot (the one the services screen shows too), so the two never disagree; the
    clusters source's own roll-up until the services are read."""
    if not services:
        return clusters
    return tuple(cluster_rollup(c, [s for s in services if isinstance(s, EcsService)]) for c in clusters)


def _rollup(pick: Callable[[EcsCluster], int | None]) -> Callable[[EcsCluster, Any], Text]:
    """A count of the cluster's services in some state; "…" until their tasks are read."""
    def cell(cluster: EcsCluster, now: Any) -> Text:
        value = pick(cluster)
        return cells.pending(right=True) if value is None else cells.count(value)
    return cell


def _positive(pick: Callable[[EcsCluster], int | None], tone: str) -> Callable[[EcsCluster], str | None]:
    return lambda c: tone if pick(c) else None


def _trouble(cluster: EcsCluster) -> str | None:
    """The row's tone: red when a service is unhealthy, failed or flapping, yellow when one
    is only not at steady state (deploying, short of tasks)."""
    if cluster.unhealthy or cluster.flapping:
        return "error"
    return "warning" if cluster.not_steady else None


def _name(cluster: EcsCluster, now: Any) -> Text:
    mark = {"error": "✗ ", "warning": "▲ "}.get(_trouble(cluster) or "", "")
    return cells.text(mark + cluster.name)


def _sort(cluster: EcsCluster) -> tuple:
    """Unhealthy first, then flapping, then not steady; unread roll-ups after those; by name."""
    return (-(cluster.unhealthy or 0), -(cluster.flapping or 0), -(cluster.not_steady or 0),
            cluster.not_steady is None, cluster.name)


SPEC = PanelSpec(
    id="ecs",
    title="ECS / Fargate",
    noun="clusters",
    source=CLUSTERS_SOURCE,
    related=SERVICES_SOURCE,
    join=_with_rollups,
    sort_key=_sort,
    help="""\
Clusters, the one with the most services in trouble first. providers: the cluster's
capacity providers; strategy: its default capacity-provider strategy (provider:weight, base);
run and pend: tasks running and pending; services: active services. not steady: services
not at steady state (failed or rolled back, flapping, unhealthy, short of tasks, deploying);
flapping: services whose tasks keep being replaced; unhealthy: services with failing tasks
or a failed deployment. Red: a service unhealthy or flapping; yellow: one not at steady
state. "…": the services' tasks are not read yet. `enter` lists the cluster's services.""",
    columns=(
        Column("name", "cluster", _name, tone=_trouble),
        Column("not_steady", "not steady", _rollup(lambda c: c.not_steady),
               tone=_positive(lambda c: c.not_steady, "warning")),
        Column("flapping", "flapping", _rollup(lambda c: c.flapping), tone=_positive(lambda c: c.flapping, "error")),
        Column("unhealthy", "unhealthy", _rollup(lambda c: c.unhealthy),
               tone=_positive(lambda c: c.unhealthy, "error")),
        Column("services", "services", lambda c, now: cells.count(c.active_services)),
        Column("running", "run", lambda c, now: cells.count(c.running_tasks)),
        Column("pending", "pend", lambda c, now: cells.count(c.pending_tasks),
               tone=lambda c: "warning" if c.pending_tasks else None),
        Column("providers", "providers", lambda c, now: cells.text(" ".join(c.capacity_providers))),
        Column("strategy", "default strategy", lambda c, now: cells.text(look.launch_words(None, c.default_strategy))),
        Column("status", "status", lambda c, now: cells.text(c.status),
               tone=lambda c: None if c.status == "ACTIVE" else "warning"),
    ),
)


class EcsPanel(ServicePanel):
    SPEC = SPEC

    def detail_screen(self, item: Any):
        """`enter` on a cluster: its services, worst first."""
        if isinstance(item, EcsCluster):
            from screens.ecs.services import ServicesScreen

            return ServicesScreen(item.name, (SERVICES_SOURCE,), where=self.where)
        return super().detail_screen(item)
