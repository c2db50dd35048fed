"""ECS tasks, running and recently stopped: ListTasks (pages of 100) and DescribeTasks
(batches of 100), the sizes AWS allows (console.aws.limits).

Stopped tasks are where the reasons are: AWS lists them (desiredStatus=STOPPED) for at
least an hour after they stop. A task whose lastStatus is STOPPED never changes again, so
`TaskReader` describes each one once and afterwards only lists them: a refresh costs the
list pages plus the tasks that stopped since, not every stopped task again. A task that
is stopping (desired STOPPED, last status not yet) is described again until it is done.
Each page's tasks are described while the next page is listed (console.services.ecs.batches).
"""

from __future__ import annotations

import sys
import asyncio
from typing import Any, AsyncIterator

from console.aws.context import AwsContext
from console.aws.limits import max_page
from console.services.ecs.batches import described_as_listed
from console.services.ecs.models import EcsContainer, EcsTask
from console.target import Target

DESCRIBE_TASKS_MAX = max_page("ecs", "DescribeTasks")
LIST_TASKS_PAGE = max_page("ecs", "ListTasks")
RUNNING, STOPPED = "RUNNING", "STOPPED"


def short_name(arn: str) -> str:
    """The last part of an ECS ARN: a cluster's, service's or task's name or id."""
    return arn.rsplit("/", 1)[-1]


def task_definition_name(arn: str) -> str:
    """`family:revision` from a task definition ARN."""
    return sys.intern(arn.rsplit("/", 1)[-1])


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


def container_from_api(raw: dict) -> EcsContainer:
    exit_code = raw.get("exitCode")
    return EcsContainer(
        name=raw.get("name", ""),
        image=raw.get("image", ""),
        last_status=raw.get("lastStatus", ""),
        health=raw.get("healthStatus") or "UNKNOWN",
        exit_code=int(exit_code) if exit_code is not None else None,
        reason=raw.get("reason") or "",
    )


def service_of_group(group: str) -> str | None:
    """The service a task belongs to: its group is `service:NAME` when a service started it."""
    return group.split(":", 1)[1] if group.startswith("service:") else None


def task_from_api(target: Target, raw: dict) -> EcsTask:
    group = raw.get("group") or ""
    definition_arn = raw.get("taskDefinitionArn", "")
    return EcsTask(
        target=target,
        arn=raw["taskArn"],
        id=short_name(raw["taskArn"]),
        cluster=short_name(raw.get("clusterArn", "")),
        service=service_of_group(group),
        last_status=raw.get("lastStatus", ""),
        desired_status=raw.get("desiredStatus", ""),
        health=task_health(raw),
        containers=tuple(container_from_api(c) for c in raw.get("containers", [])),
        task_definition_arn=definition_arn,
        task_definition=task_definition_name(definition_arn),
        capacity_provider=raw.get("capacityProviderName") or None,
        launch_type=raw.get("launchType") or None,
        availability_zone=raw.get("availabilityZone") or None,
        cpu=raw.get("cpu"),
        memory=raw.get("memory"),
        created_at=raw.get("createdAt"),
        started_at=raw.get("startedAt"),
        stopping_at=raw.get("stoppingAt"),
        stopped_at=raw.get("stoppedAt"),
        stop_code=raw.get("stopCode"),
        stopped_reason=raw.get("stoppedReason"),
        group=group,
    )


def task_pages(ctx: AwsContext, cluster: str, desired_status: str, service: str | None = None) -> AsyncIterator[dict]:
    params: dict[str, Any] = {"cluster": cluster, "desiredStatus": desired_status}
    if service is not None:
        params["serviceName"] = service
    return ctx.pages("ecs", "list_tasks", PaginationConfig={"PageSize": LIST_TASKS_PAGE}, **params)


class TaskReader:
    """Tasks of a cluster (or of one service), running and stopped, remembering the stopped
    ones it described (they never change) for as long as AWS lists them."""

    def __init__(self) -> None:
        self._stopped: dict[str, EcsTask] = {}  # by ARN, lastStatus STOPPED only
        self._target: Target | None = None

    def reset(self) -> None:
        self._stopped.clear()

    async def read(self, ctx: AwsContext, cluster: str, service: str | None = None) -> tuple[list[EcsTask],
                                                                                           list[EcsTask]]:
        """(running, stopped) tasks of `cluster`, or of its `service`."""
        if ctx.target != self._target:
            self._stopped, self._target = {}, ctx.target
        ecs = await ctx.client("ecs")

        async def describe(arns: list[str]) -> list[EcsTask]:
            found = await ecs.describe_tasks(cluster=cluster, tasks=arns)
            return [task_from_api(ctx.target, raw) for raw in found.get("tasks", [])]

        (running_arns, running), (stopped_arns, newly_stopped) = await asyncio.gather(
            described_as_listed(task_pages(ctx, cluster, RUNNING, service), "taskArns", DESCRIBE_TASKS_MAX, describe),
            described_as_listed(task_pages(ctx, cluster, STOPPED, service), "taskArns", DESCRIBE_TASKS_MAX, describe,
                                wanted=lambda arn: arn not in self._stopped))
        listed = set(stopped_arns)
        for arn, task in list(self._stopped.items()):  # AWS lists them no more: forget them
            if arn not in listed and task.cluster == short_name(cluster) and service in (None, task.service):
                del self._stopped[arn]
        described = running + newly_stopped
        by_arn = {t.arn: t for t in described}
        for task in described:
            if task.stopped:
                self._stopped[task.arn] = task
        return ([by_arn[a] for a in running_arns if a in by_arn],
                [self._stopped.get(a) or by_arn[a] for a in stopped_arns if a in self._stopped or a in by_arn])
