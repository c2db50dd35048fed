"""Step Functions: state machines with the outcome of their recent executions.

One ListExecutions page (the newest RECENT_EXECUTIONS) per machine: the dashboard needs
what is failing now, not the whole history, so that call is deliberately not paginated.
"""

from __future__ import annotations

from console.aws.context import AwsContext, bounded_gather
from console.services.stepfunctions.models import ExecutionSummary, StateMachine
from console.target import Target

RECENT_EXECUTIONS = 100
FAILED_STATUSES = frozenset({"FAILED", "TIMED_OUT", "ABORTED"})


def execution_from_api(raw: dict) -> ExecutionSummary:
    return ExecutionSummary(
        arn=raw["executionArn"],
        name=raw.get("name", ""),
        status=raw.get("status", ""),
        started_at=raw.get("startDate"),
        stopped_at=raw.get("stopDate"),
    )


def machine_from_api(target: Target, raw: dict, executions: list[ExecutionSummary] | None) -> StateMachine:
    """`executions` None: not read yet (a first load's early part); counts are then unknown."""
    known = executions or []
    newest = max(known, key=lambda e: e.started_at or 0, default=None)
    return StateMachine(
        target=target,
        arn=raw["stateMachineArn"],
        name=raw["name"],
        type=raw.get("type", "STANDARD"),
        created_at=raw.get("creationDate"),
        last_execution=newest,
        running=sum(e.status == "RUNNING" for e in known),
        succeeded=sum(e.status == "SUCCEEDED" for e in known),
        failed=sum(e.status in FAILED_STATUSES for e in known),
        recent=None if executions is None else len(executions),
    )


async def recent_executions(ctx: AwsContext, machine_arn: str) -> list[ExecutionSummary]:
    sfn = await ctx.client("stepfunctions")
    page = await sfn.list_executions(stateMachineArn=machine_arn, maxResults=RECENT_EXECUTIONS)
    return [execution_from_api(raw) for raw in page.get("executions", [])]


async def fetch_state_machines(ctx: AwsContext) -> tuple[StateMachine, ...]:
    machines = await ctx.collect("stepfunctions", "list_state_machines", "stateMachines",
                                 PaginationConfig={"PageSize": 1000})
    # Machines first; their executions (one call each) after every panel shows something.
    ctx.publish_partial(machine_from_api(ctx.target, m, None) for m in machines)
    await ctx.after_first_paint()
    executions = await bounded_gather(recent_executions(ctx, m["stateMachineArn"]) for m in machines)
    return tuple(machine_from_api(ctx.target, m, e) for m, e in zip(machines, executions))
