"""ECS: services of every cluster, with deployments and task health.

Calls per refresh: ListClusters pages, DescribeClusters per 100 clusters, ListServices
pages per cluster, DescribeServices per 10 services, ListTasks pages per cluster and
DescribeTasks per 100 tasks — the page and batch sizes the API allows
(console.aws.limits: 100 a list page, describe batches of 100 clusters, 10 services,
100 tasks).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from console.aws.context import AwsContext, bounded_gather, chunks
from console.aws.limits import max_page
from console.services.ecs.models import EcsDeployment, EcsService
from console.target import Target

DESCRIBE_SERVICES_MAX = max_page("ecs", "DescribeServices")
DESCRIBE_TASKS_MAX = max_page("ecs", "DescribeTasks")
DESCRIBE_CLUSTERS_MAX = max_page("ecs", "DescribeClusters")


def _name(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def _task_definition(arn: str) -> str:
    """`family:revision` from a task definition ARN."""
    return arn.rsplit("/", 1)[-1]


def _strategy(raw: list[dict] | None) -> str:
    return " ".join(f"{item['capacityProvider']}:{item.get('weight', 0)}" for item in raw or [])


def deployment_from_api(raw: dict) -> EcsDeployment:
    return EcsDeployment(
        id=raw.get("id", ""),
        status=raw.get("status", ""),
        task_definition=_task_definition(raw.get("taskDefinition", "")),
        desired=int(raw.get("desiredCount", 0)),
        running=int(raw.get("runningCount", 0)),
        pending=int(raw.get("pendingCount", 0)),
        rollout_state=raw.get("rolloutState"),
        updated_at=raw.get("updatedAt"),
    )


def service_from_api(target: Target, raw: dict, cluster_strategy: str, health: Counter | None) -> EcsService:
    launch = raw.get("launchType") or _strategy(raw.get("capacityProviderStrategy")) or cluster_strategy
    breaker = ((raw.get("deploymentConfiguration") or {}).get("deploymentCircuitBreaker") or {}).get("enable", False)
    return EcsService(
        target=target,
        arn=raw["serviceArn"],
        name=raw["serviceName"],
        cluster=_name(raw.get("clusterArn", "")),
        status=raw.get("status", ""),
        desired=int(raw.get("desiredCount", 0)),
        running=int(raw.get("runningCount", 0)),
        pending=int(raw.get("pendingCount", 0)),
        launch=launch or "EC2",
        task_definition=_task_definition(raw.get("taskDefinition", "")),
        deployments=tuple(deployment_from_api(d) for d in raw.get("deployments", [])),
        healthy_tasks=None if health is None else health["HEALTHY"],
        unhealthy_tasks=None if health is None else health["UNHEALTHY"],
        circuit_breaker=bool(breaker),
    )


def task_health(task: dict) -> str:
    """HEALTHY, UNHEALTHY or UNKNOWN: the task's own status, else the worst container's."""
    status = task.get("healthStatus")
    if status in ("HEALTHY", "UNHEALTHY"):
        return status
    container_states = {c.get("healthStatus") for c in task.get("containers", [])}
    if "UNHEALTHY" in container_states:
        return "UNHEALTHY"
    if container_states == {"HEALTHY"}:
        return "HEALTHY"
    return "UNKNOWN"


async def _describe(ctx: AwsContext, operation: str, key: str, batch_size: int, arns: list[str], **params: Any) -> list[dict]:
    ecs = await ctx.client("ecs")
    method = getattr(ecs, operation)
    responses = await bounded_gather(method(**params, **{key: list(batch)}) for batch in chunks(arns, batch_size))
    return [item for response in responses for item in response.get(key, [])]


async def _cluster_services(ctx: AwsContext, cluster_arn: str) -> list[dict]:
    arns = await ctx.collect("ecs", "list_services", "serviceArns", cluster=cluster_arn,
                             PaginationConfig={"PageSize": max_page("ecs", "ListServices")})
    return await _describe(ctx, "describe_services", "services", DESCRIBE_SERVICES_MAX, arns, cluster=cluster_arn)


async def _cluster_tasks(ctx: AwsContext, cluster_arn: str) -> list[dict]:
    arns = await ctx.collect("ecs", "list_tasks", "taskArns", cluster=cluster_arn, desiredStatus="RUNNING",
                             PaginationConfig={"PageSize": max_page("ecs", "ListTasks")})
    return await _describe(ctx, "describe_tasks", "tasks", DESCRIBE_TASKS_MAX, arns, cluster=cluster_arn)


async def fetch_services(ctx: AwsContext) -> tuple[EcsService, ...]:
    cluster_arns = await ctx.collect("ecs", "list_clusters", "clusterArns",
                                     PaginationConfig={"PageSize": max_page("ecs", "ListClusters")})
    clusters = await _describe(ctx, "describe_clusters", "clusters", DESCRIBE_CLUSTERS_MAX, cluster_arns)
    strategies = {c["clusterArn"]: _strategy(c.get("defaultCapacityProviderStrategy")) for c in clusters}
    services_by_cluster = await bounded_gather(_cluster_services(ctx, arn) for arn in cluster_arns)
    # Services first, task health when DescribeTasks (the costly part) has answered.
    ctx.publish_partial([
        service_from_api(ctx.target, raw, strategies.get(cluster_arn, ""), None)
        for cluster_arn, services in zip(cluster_arns, services_by_cluster) for raw in services
    ])
    await ctx.after_first_paint()
    tasks_by_cluster = await bounded_gather(_cluster_tasks(ctx, arn) for arn in cluster_arns)
    result: list[EcsService] = []
    for cluster_arn, services, tasks in zip(cluster_arns, services_by_cluster, tasks_by_cluster):
        health: dict[str, Counter] = {}
        for task in tasks:
            health.setdefault(task.get("group", ""), Counter())[task_health(task)] += 1
        for raw in services:
            counts = health.get(f"service:{raw['serviceName']}", Counter())
            result.append(service_from_api(ctx.target, raw, strategies.get(cluster_arn, ""), counts))
    return tuple(result)
