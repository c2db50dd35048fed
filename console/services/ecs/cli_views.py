"""`opsdeck ecs diff TASKDEF_A TASKDEF_B`, `opsdeck ecs taskdef TASKDEF`: task definition
revisions from the terminal, read-only; `opsdeck ecs exec CLUSTER TASK|SERVICE`: the
`aws ecs execute-command` line to open a shell there.

A revision is family:revision, a family (its latest ACTIVE revision) or an ARN. An unknown
one exits 2 naming it, AWS's failures exit 1 in words (console.services.ecs.cli.read_with).
`diff` prints what changes from A to B: `+` added, `-` removed, `~` changed, per container;
environment values never (a changed value is flagged), secret values are never read.
`taskdef` shows one revision with environment values hidden unless `--reveal-env`.
`exec` prints the command on stdout (so `$(opsdeck ecs exec …)` runs it) and what stands in
the way on stderr, exiting 1 then: ECS Exec off for the task, or the task not running.
"""

from __future__ import annotations

import json

import click

from console.actions.cli import reads_only
from console.services.ecs.cli import OUTPUT, ecs_group, read_with


@reads_only
@ecs_group.command("diff")
@click.argument("taskdef_a")
@click.argument("taskdef_b")
@OUTPUT
@click.pass_context
def diff_command(ctx: click.Context, taskdef_a: str, taskdef_b: str, output: str) -> None:
    """What changes from TASKDEF_A to TASKDEF_B (family:revision or ARN): task CPU/memory,
    roles, and per container image, resources, ports, environment and secret names,
    health check, log configuration and anything else that differs."""
    from console.services.ecs.taskdef import describe_task_definition, diff_task_definitions, render_diff
    from console.text import inert_str

    async def read(aws):
        return (await describe_task_definition(aws, taskdef_a), await describe_task_definition(aws, taskdef_b))

    old, new = read_with(ctx, read)
    diff = diff_task_definitions(old, new)
    if output == "json":
        click.echo(json.dumps(diff.to_json(), indent=2))
        return
    for line in render_diff(diff):
        click.echo(inert_str(line))


@reads_only
@ecs_group.command("taskdef")
@click.argument("taskdef")
@click.option("--reveal-env", is_flag=True, help="Show environment variable values (they may hold credentials).")
@OUTPUT
@click.pass_context
def taskdef_command(ctx: click.Context, taskdef: str, reveal_env: bool, output: str) -> None:
    """One revision (family:revision, family or ARN): CPU/memory, network mode, roles, and per
    container image, resources, ports, environment names, secret names, health check, logs."""
    from console.services.ecs.taskdef import TaskDefinition, describe_task_definition, render_task_definition
    from console.text import inert_str

    raw = read_with(ctx, lambda aws: describe_task_definition(aws, taskdef))
    task_def = TaskDefinition.from_api(raw)
    if output == "json":
        click.echo(json.dumps(task_definition_json(task_def, reveal_env), indent=2))
        return
    for line in render_task_definition(task_def, reveal=reveal_env):
        click.echo(inert_str(line))


def task_definition_json(task_def, reveal: bool) -> dict:
    """The revision as the table shows it: environment values only with `reveal`."""
    return {
        "taskDefinitionArn": task_def.arn, "family": task_def.family, "revision": task_def.revision,
        "status": task_def.status, "cpu": task_def.cpu, "memory": task_def.memory,
        "networkMode": task_def.network_mode, "requiresCompatibilities": list(task_def.compatibilities),
        "taskRoleArn": task_def.task_role, "executionRoleArn": task_def.execution_role,
        "containers": [{
            "name": c.name, "image": c.image, "essential": c.essential, "cpu": c.cpu, "memory": c.memory,
            "memoryReservation": c.memory_reservation, "ports": list(c.ports),
            "environment": dict(c.environment) if reveal else list(c.environment_names),
            "secrets": list(c.secret_names), "healthCheck": c.health_check,
            "logDriver": c.logs.driver, "logOptions": dict(c.logs.options),
        } for c in task_def.containers],
    }


@reads_only
@ecs_group.command("exec")
@click.argument("cluster")
@click.argument("task_or_service", metavar="TASK|SERVICE")
@click.option("--container", default=None, help="The container to open the shell in (default: the first).")
@click.pass_context
def exec_command(ctx: click.Context, cluster: str, task_or_service: str, container: str | None) -> None:
    """The `aws ecs execute-command` line for a task (its ID or ARN) or one of a service's
    running tasks, with this session's --region and --profile. opsdeck does not run it: it
    needs the Session Manager plugin."""
    from console.services.ecs.exec import service_exec, task_exec
    from console.services.ecs.models import ServiceRef, TaskRef
    from console.text import inert_str

    async def read(aws):
        if _looks_like_task(task_or_service):
            return await task_exec(aws, TaskRef(aws.target, cluster, task_or_service))
        return await service_exec(aws, ServiceRef(aws.target, cluster, task_or_service))

    plan = read_with(ctx, read)
    commands = dict(plan.commands)
    if container is not None and container not in commands:
        from console.services.ecs.cli import NotFoundError

        raise NotFoundError(inert_str(f"--container: no container {container} in the task "
                                      f"(it has {', '.join(commands) or 'none'})"))
    for problem in plan.problems:
        click.echo(inert_str(problem), err=True)
    command = commands[container] if container is not None else plan.command
    if command:
        click.echo(inert_str(command))
    if plan.problems:
        ctx.exit(1)


def _looks_like_task(value: str) -> bool:
    """A task ARN, or a task ID (32 hex digits; older ones are UUIDs): else a service name."""
    import re

    return value.startswith("arn:aws") and ":task/" in value or bool(
        re.fullmatch(r"[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", value))
