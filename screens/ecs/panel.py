"""The ECS / Fargate panel: services of every cluster, unhealthy first."""

from __future__ import annotations

from typing import Any

from console.services.ecs.models import EcsService
from screens.panel import PanelSpec, ServicePanel
from widgets import cells
from widgets.resource_table import Column

def _ecs_healthy(service: EcsService) -> bool:
    return service.unhealthy_tasks == 0 and service.running >= service.desired


def _health(service: EcsService, now: Any) -> Any:
    if service.unhealthy_tasks is None:  # never claim healthy before the tasks were read
        return cells.text("…")
    if _ecs_healthy(service):
        return cells.text("healthy")
    return cells.text(f"unhealthy ({service.unhealthy_tasks})" if service.unhealthy_tasks else "unhealthy")


def _health_tone(service: EcsService) -> str | None:
    if service.unhealthy_tasks is None:
        return None
    return "success" if _ecs_healthy(service) else "error"


SPEC = PanelSpec(
    id="ecs",
    title="ECS / Fargate",
    noun="services",
    source="ecs",
    sort_key=lambda s: (_ecs_healthy(s), s.cluster, s.name),
    help="""\
Services of every cluster, unhealthy ones first. run/want: running tasks against the
desired count (yellow when short); pend: pending tasks; task def: the service's task
definition; deps: deployments in progress (yellow when more than one: a rollout);
health: "healthy" (green) when every task passes its health checks and enough run, else
"unhealthy" with how many tasks fail (red). "…": tasks not read yet.""",
    columns=(
        Column("name", "service", lambda s, now: cells.text(s.name)),
        Column("cluster", "cluster", lambda s, now: cells.text(s.cluster)),
        Column("status", "status", lambda s, now: cells.text(s.status),
               tone=lambda s: None if s.status == "ACTIVE" else "warning"),
        Column("tasks", "run/want", lambda s, now: cells.ratio(s.running, s.desired),
               tone=lambda s: "warning" if s.running < s.desired else None),
        Column("pending", "pend", lambda s, now: cells.count(s.pending)),
        Column("launch", "launch", lambda s, now: cells.text(s.launch)),
        Column("taskdef", "task def", lambda s, now: cells.text(s.task_definition)),
        Column("deployments", "deps", lambda s, now: cells.count(len(s.deployments)),
               tone=lambda s: "warning" if len(s.deployments) > 1 else None),
        Column("health", "health", _health, tone=_health_tone),
    ),
)




class EcsPanel(ServicePanel):
    SPEC = SPEC
