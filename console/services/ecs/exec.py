"""The `aws ecs execute-command` to open a shell in a task's container, ready to copy.

ECS Exec needs the Session Manager plugin on the user's machine; opsdeck does not embed
it, it writes the exact command, with the target's --region, --profile and endpoint. It
only works when the task was started with `enableExecuteCommand` (a service passes its
setting to the tasks it starts), so a task without it gets the change to make instead:
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from console.aws.context import AwsContext
from console.services.ecs.models import ServiceRef, TaskRef
from console.services.ecs.taskdef import EcsNotFound
from console.target import Target

SHELL = "/bin/sh"


def _cluster_name(cluster: str) -> str:
    return cluster.rsplit("/", 1)[-1]


def _task_id(task_arn: str) -> str:
    return task_arn.rsplit("/", 1)[-1]


def execute_command(target: Target, cluster: str, task_arn: str, container: str, command: str = SHELL) -> str:
    """The shell line, each value quoted for a POSIX shell."""
    parts = ["aws", "ecs", "execute-command", "--cluster", _cluster_name(cluster), "--task", _task_id(task_arn),
             "--container", container, "--interactive", "--command", command, "--region", target.region]
    if target.profile:
        parts += ["--profile", target.profile]
    if target.endpoint:
        parts += ["--endpoint-url", target.endpoint]
    return " ".join(shlex.quote(part) for part in parts)


@dataclass(frozen=True)
class ExecPlan:
    """The commands (one per running container, essential ones first), or why not yet."""

    task_arn: str
    enabled: bool
    commands: tuple[tuple[str, str], ...]  # (container, command line)
    problems: tuple[str, ...]  # what stands in the way, each with what to change

    @property
    def command(self) -> str | None:
        return self.commands[0][1] if self.commands else None


def owning_service(task: dict) -> str | None:
    """The service that started the task (its group is `service:NAME`), if one did."""
    group = task.get("group", "")
    return group.removeprefix("service:") if group.startswith("service:") else None


def plan_exec(target: Target, cluster: str, task: dict, service_enabled: bool | None = None) -> ExecPlan:
    """From DescribeTasks' task (and, for a service's task, the service's own setting):
    the commands, and what stands in the way."""
    arn = task["taskArn"]
    enabled = bool(task.get("enableExecuteCommand"))
    problems: list[str] = []
    if not enabled:
        cluster_name = _cluster_name(cluster)
        owner = owning_service(task)
        if owner and service_enabled:
            fix = (f"aws ecs update-service --cluster {shlex.quote(cluster_name)} --service {shlex.quote(owner)} "
                   f"--force-new-deployment --region {target.region}")
            problems.append(f"ECS Exec is off for task {_task_id(arn)}: it started before service {owner} turned "
                            f"enableExecuteCommand on. Start new tasks: {fix}")
        elif owner:
            fix = (f"aws ecs update-service --cluster {shlex.quote(cluster_name)} --service {shlex.quote(owner)} "
                   f"--enable-execute-command --force-new-deployment --region {target.region}")
            problems.append(f"ECS Exec is off for task {_task_id(arn)} (enableExecuteCommand false). Turn it on for "
                            f"service {owner} and start new tasks: {fix} (the task role also needs the "
                            "ssmmessages:* permissions ECS Exec uses)")
        else:
            problems.append(f"ECS Exec is off for task {_task_id(arn)} (enableExecuteCommand false): run a new task "
                            "with --enable-execute-command (the task role also needs the ssmmessages:* permissions)")
    if task.get("lastStatus") != "RUNNING":
        problems.append(f"task {_task_id(arn)} is {task.get('lastStatus', 'not running')}: only a RUNNING task "
                        "accepts execute-command")
    containers = sorted(task.get("containers", []), key=lambda c: c.get("lastStatus") != "RUNNING")
    commands = tuple((c.get("name", ""), execute_command(target, cluster, arn, c.get("name", "")))
                     for c in containers)
    return ExecPlan(arn, enabled, commands, tuple(problems))


async def task_exec(ctx: AwsContext, ref: TaskRef) -> ExecPlan:
    """Read the task afresh (DescribeTasks) and plan its execute-command."""
    ecs = await ctx.client("ecs")
    tasks = (await ecs.describe_tasks(cluster=ref.cluster, tasks=[ref.task_arn])).get("tasks", [])
    if not tasks:
        raise EcsNotFound(f"no task {_task_id(ref.task_arn)} in cluster {ref.cluster}")
    return plan_exec(ctx.target, ref.cluster, tasks[0], await _service_enabled(ctx, ref.cluster, tasks[0]))


async def _service_enabled(ctx: AwsContext, cluster: str, task: dict) -> bool | None:
    """The owning service's enableExecuteCommand, when the task lacks it (else not asked)."""
    owner = owning_service(task)
    if task.get("enableExecuteCommand") or owner is None:
        return None
    ecs = await ctx.client("ecs")
    services = (await ecs.describe_services(cluster=cluster, services=[owner])).get("services", [])
    return bool(services and services[0].get("enableExecuteCommand"))


async def service_exec(ctx: AwsContext, ref: ServiceRef) -> ExecPlan:
    """For a service: its first running task's command; without one, what the service's
    setting is (DescribeServices enableExecuteCommand)."""
    ecs = await ctx.client("ecs")
    arns = (await ecs.list_tasks(cluster=ref.cluster, serviceName=ref.service, desiredStatus="RUNNING",
                                 maxResults=1)).get("taskArns", [])
    if arns:
        tasks = (await ecs.describe_tasks(cluster=ref.cluster, tasks=arns[:1])).get("tasks", [])
        if tasks:
            return plan_exec(ctx.target, ref.cluster, tasks[0], await _service_enabled(ctx, ref.cluster, tasks[0]))
    services = (await ecs.describe_services(cluster=ref.cluster, services=[ref.service])).get("services", [])
    enabled = bool(services and services[0].get("enableExecuteCommand"))
    problem = f"service {ref.service} has no running task to open a shell in"
    if not enabled:
        problem += "; its enableExecuteCommand is off as well (aws ecs update-service --enable-execute-command)"
    return ExecPlan("", enabled, (), (problem,))
