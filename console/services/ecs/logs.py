"""Where a task's lines are: its containers' awslogs configuration resolved to log streams.

The awslogs driver writes a container's output to `awslogs-group` in `awslogs-region` (the
task's region when absent), in the stream `prefix/container-name/task-id` when
`awslogs-stream-prefix` is set (required on Fargate); without a prefix (EC2 only) the
stream is named after the Docker container id, which DescribeTasks gives as the
container's `runtimeId`.
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html

`task_logs` resolves one task (running or stopped), `service_logs` a service's running
tasks (or, when none runs, its recently stopped ones: that is where a crash loop's lines
are). A container with another driver (awsfirelens, splunk, none) cannot be followed
here: the resolution says so, naming the driver.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from console.aws.context import AwsContext, bounded_gather, chunks
from console.aws.limits import max_page
from console.services.ecs.models import ServiceRef, TaskRef
from console.services.ecs.taskdef import EcsNotFound, describe_task_definition

AWSLOGS = "awslogs"


def task_id(task_arn: str) -> str:
    return task_arn.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class LogStreams:
    """Streams of one log group in one region."""

    region: str
    group: str
    streams: tuple[str, ...]


@dataclass(frozen=True)
class LogResolution:
    """What to follow and what cannot be: `sources` by (region, group); `notes` say why a
    container or task has no stream here; `since`, when every task has stopped (or is
    stopping), is the earliest start: their lines may be older than the log view's usual
    backlog."""

    title: str
    sources: tuple[LogStreams, ...]
    notes: tuple[str, ...]
    since: datetime | None = None

    @property
    def streams(self) -> tuple[str, ...]:
        return tuple(s for source in self.sources for s in source.streams)


def container_stream(container_def: dict, task: dict, target_region: str) -> tuple[LogStreams | None, str | None]:
    """(the container's stream in this task, None) or (None, why there is none)."""
    name = container_def.get("name", "")
    config = container_def.get("logConfiguration") or {}
    driver = config.get("logDriver")
    if driver != AWSLOGS:
        said = f"the {driver} log driver" if driver else "no log driver (no logConfiguration)"
        return None, f"container {name} uses {said}, not awslogs: its lines are not in CloudWatch Logs streams opsdeck can name"
    options = config.get("options") or {}
    group = options.get("awslogs-group")
    if not group:
        return None, f"container {name}: awslogs without awslogs-group"
    region = options.get("awslogs-region") or target_region
    prefix = options.get("awslogs-stream-prefix")
    if prefix:
        stream = f"{prefix}/{name}/{task_id(task['taskArn'])}"
    else:
        runtime = next((c.get("runtimeId") for c in task.get("containers", []) if c.get("name") == name), None)
        if not runtime:
            return None, (f"container {name}: awslogs without awslogs-stream-prefix names its stream after the "
                          f"Docker container id, which ECS has not reported for task {task_id(task['taskArn'])}")
        stream = runtime
    return LogStreams(region, group, (stream,)), None


def resolve(title: str, tasks: Iterable[dict], task_defs: dict[str, dict], target_region: str) -> LogResolution:
    """Streams of every container of `tasks` (their task definitions by ARN), merged per
    (region, group), in task order; notes for containers without awslogs, once each."""
    merged: dict[tuple[str, str], list[str]] = {}
    notes: list[str] = []
    starts: list[datetime] = []
    stopped = True
    for task in tasks:
        task_def = task_defs.get(task.get("taskDefinitionArn", ""))
        if task_def is None:
            notes.append(f"task {task_id(task['taskArn'])}: its task definition could not be read")
            continue
        started = task.get("startedAt") or task.get("createdAt")
        if isinstance(started, datetime):
            starts.append(started)
        stopped = stopped and task.get("desiredStatus") == "STOPPED"  # stopped, or on its way
        for container_def in task_def.get("containerDefinitions", []):
            found, why = container_stream(container_def, task, target_region)
            if found is None:
                if why not in notes:
                    notes.append(why)
                continue
            streams = merged.setdefault((found.region, found.group), [])
            streams.extend(s for s in found.streams if s not in streams)
    sources = tuple(LogStreams(region, group, tuple(streams)) for (region, group), streams in merged.items())
    return LogResolution(title, sources, tuple(notes), min(starts) if starts and stopped else None)


async def _describe_tasks(ctx: AwsContext, cluster: str, arns: list[str]) -> list[dict]:
    ecs = await ctx.client("ecs")
    answers = await bounded_gather(ecs.describe_tasks(cluster=cluster, tasks=list(batch))
                                   for batch in chunks(arns, max_page("ecs", "DescribeTasks")))
    return [task for answer in answers for task in answer.get("tasks", [])]


async def _task_definitions(ctx: AwsContext, tasks: list[dict]) -> dict[str, dict]:
    arns = sorted({t.get("taskDefinitionArn", "") for t in tasks} - {""})
    found = await bounded_gather(describe_task_definition(ctx, arn) for arn in arns)
    return dict(zip(arns, found))


async def task_logs(ctx: AwsContext, ref: TaskRef) -> LogResolution:
    """The streams of one task's containers (running or stopped)."""
    tasks = await _describe_tasks(ctx, ref.cluster, [ref.task_arn])
    if not tasks:
        raise EcsNotFound(f"no task {task_id(ref.task_arn)} in cluster {ref.cluster}")
    resolution = resolve(f"task {task_id(ref.task_arn)}", tasks, await _task_definitions(ctx, tasks),
                         ctx.target.region)
    return resolution


async def service_logs(ctx: AwsContext, ref: ServiceRef) -> LogResolution:
    """The streams of the service's running tasks; when none runs, of its stopped ones."""
    notes: list[str] = []
    arns: list[str] = []
    for status in ("RUNNING", "STOPPED"):
        arns = await ctx.collect("ecs", "list_tasks", "taskArns", cluster=ref.cluster, serviceName=ref.service,
                                 desiredStatus=status, PaginationConfig={"PageSize": max_page("ecs", "ListTasks")})
        if arns:
            if status == "STOPPED":
                notes.append(f"no task of {ref.service} is running: these are its recently stopped tasks")
            break
    if not arns:
        return LogResolution(f"service {ref.service}", (), (f"service {ref.service} has no running or recently "
                                                             "stopped tasks: no streams to follow",))
    tasks = await _describe_tasks(ctx, ref.cluster, arns)
    resolution = resolve(f"service {ref.service}", tasks, await _task_definitions(ctx, tasks), ctx.target.region)
    return LogResolution(resolution.title, resolution.sources, (*notes, *resolution.notes), resolution.since)
