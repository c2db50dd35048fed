"""ECS on Fargate: services of every cluster, with deployments and task health."""

from __future__ import annotations

from console.services import Service


def _sources():
    from console.polling.sources import Source
    from console.services.ecs.sources import fetch_services

    return {"ecs": Source(fetch_services, 5.0)}


SERVICE = Service(id="ecs", title="ECS / Fargate", sources=_sources,
                  action_modules=("console.services.ecs.actions",))
