"""`opsdeck ecs services [CLUSTER]`: every service, with its health in words.

Only reads (a read-only client pool, whatever the session): the clusters (ListClusters,
DescribeClusters), their services (ListServices pages of 100, DescribeServices by 10)
and their tasks, running and recently stopped (ListTasks pages of 100, DescribeTasks by
100), the same reads as the ECS panel (console.services.ecs.sources). Exit codes: 0
listed; 1 AWS could not answer (credentials, network, throttling); 2 an unknown cluster.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import click

from console.actions.cli import reads_only
from console.services.ecs.cli import OUTPUT, echo_table, ecs_group, read_with


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else None


def service_json(service) -> dict[str, Any]:
    health = service.health
    primary = service.primary
    return {
        "cluster": service.cluster, "name": service.name, "arn": service.arn, "status": service.status,
        "desired": service.desired, "running": service.running, "pending": service.pending,
        "taskDefinition": service.task_definition, "taskDefinitionArn": service.task_definition_arn,
        "launch": service.launch, "circuitBreaker": service.circuit_breaker, "rollback": service.rollback,
        "deployments": len(service.deployments),
        "rolloutState": primary.rollout_state if primary else None,
        "rolloutStateReason": primary.rollout_reason if primary else "",
        "steady": service.steady, "health": health.state if health else None, "reason": service.reason,
        "healthyTasks": health.healthy_tasks if health else None,
        "unhealthyTasks": health.unhealthy_tasks if health else None,
        "replaced": health.replaced if health else None,
        "failedHealthChecks": health.failed_checks if health else None,
        "windowSeconds": health.window if health else None,
        "lastStop": None if health is None or health.last_stop is None else {
            "task": health.last_stop.task_id, "at": _iso(health.last_stop.at), "stopCode": health.last_stop.stop_code,
            "reason": health.last_stop.reason, "exitCode": health.last_stop.exit_code,
            "containerReason": health.last_stop.container_reason, "healthCheck": health.last_stop.health_check},
        "lastEvent": None if service.last_event is None else {
            "at": _iso(service.last_event.at), "message": service.last_event.message},
        "cpu": service.metrics.cpu_now if service.metrics else None,
        "memory": service.metrics.memory_now if service.metrics else None,
    }


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%"


@reads_only
@ecs_group.command("services")
@click.argument("cluster", required=False)
@OUTPUT
@click.pass_context
def services_command(ctx: click.Context, cluster: str | None, output: str) -> None:
    """Services of CLUSTER (a name or ARN; every cluster when omitted): tasks running of
    desired, task definition, rollout, health and, when not at steady state, why."""
    from console.services.ecs.sources import read_services

    services = sorted(read_with(ctx, lambda aws: read_services(aws, cluster)), key=lambda s: (s.cluster, s.name))
    if output == "json":
        click.echo(json.dumps([service_json(s) for s in services], indent=2))
        return
    if not services:
        click.echo(f"No services in cluster {cluster}." if cluster else "No ECS services in this region.")
        return
    echo_table(("CLUSTER", "SERVICE", "RUN/WANT", "PEND", "TASK DEF", "LAUNCH", "ROLLOUT", "CPU", "MEM", "HEALTH",
                "WHY"),
               [(s.cluster, s.name, f"{s.running}/{s.desired}", str(s.pending), s.task_definition, s.launch,
                 s.rollout_state or "-", _percent(s.metrics.cpu_now if s.metrics else None),
                 _percent(s.metrics.memory_now if s.metrics else None),
                 s.health.state.lower().replace("_", " ") if s.health else "-", s.reason or "")
                for s in services])
