"""ECS on Fargate: clusters, the services of every cluster with their health, deployments
and utilisation, and one service's tasks, events and deployment history."""

from __future__ import annotations

from console.services import Service


def _sources():
    from console.polling.sources import Source
    from console.services.ecs.sources import CLUSTERS, SERVICES, ClustersSource, ServicesSource

    return {SERVICES: Source(ServicesSource(), 5.0), CLUSTERS: Source(ClustersSource(), 10.0)}


def _commands(main) -> None:
    from console.services.ecs.cli import register_commands

    register_commands(main)


SERVICE = Service(id="ecs", title="ECS / Fargate", sources=_sources, commands=_commands)
