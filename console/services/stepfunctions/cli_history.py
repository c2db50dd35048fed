"""`opsdeck sfn history EXECUTION_ARN [--output table|json]`: what happened to each state.

One row per state (name, status, attempts, duration, error, cause), in the order states
were first entered, then the definition's states never reached (the definition the
execution ran, DescribeStateMachineForExecution; left out when it cannot be read).
Exit codes: 0 the history was read (whatever the execution's outcome), 1 AWS refused or
failed (unknown execution, access denied, an EXPRESS execution: AWS keeps no history of
those), 2 bad input (an ARN that is not an execution's), refused before anything is sent.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import click

from console.actions.cli import reads_only
from console.headless import headless_target, read_only_requested
from console.services.stepfunctions.cli import sfn_group

# arn:PARTITION:states:REGION:ACCOUNT:execution:MACHINE[/MAP_RUN_LABEL]:NAME (Step Functions
# API reference, DescribeExecution: executionArn); EXPRESS executions are ":express:".
EXECUTION_ARN = re.compile(r"^arn:aws[a-z-]*:states:([a-z0-9-]+):\d{12}:(execution|express):[^:\s]+:[^:\s]+$")
CAUSE_WIDTH = 60  # characters of the cause in the table (--output json has it whole)


def execution_region(arn: str) -> str:
    """The execution's region from its ARN; click.BadParameter (exit 2) for anything else."""
    match = EXECUTION_ARN.match(arn)
    if match is None:
        raise click.BadParameter(
            f"{arn!r} is not an execution ARN: expected "
            "arn:aws:states:REGION:ACCOUNT:execution:STATE_MACHINE:EXECUTION_NAME", param_hint="EXECUTION_ARN")
    return match.group(1)


def seconds(delta: timedelta | None) -> float | None:
    return None if delta is None else round(delta.total_seconds(), 3)


def cause_text(failure) -> str:
    """A one-line cause: a Lambda error's message, else the cause's first line."""
    if failure is None:
        return ""
    text = failure.error_message if failure.structured and failure.error_message else failure.cause
    line = " ".join(text.split())
    return line if len(line) <= CAUSE_WIDTH else line[: CAUSE_WIDTH - 1] + "…"


def as_json(arn: str, history, summaries) -> dict:
    def failure(f) -> dict | None:
        if f is None:
            return None
        out = {"error": f.error, "cause": f.cause}
        if f.structured:
            out.update(errorType=f.error_type, errorMessage=f.error_message, stackTrace=list(f.stack_trace))
        return out

    return {
        "executionArn": arn,
        "status": history.status,
        "startDate": history.started_at.isoformat() if history.started_at else None,
        "stopDate": history.stopped_at.isoformat() if history.stopped_at else None,
        "failure": failure(history.failure),
        "events": history.event_count,
        "states": [{
            "name": s.name,
            "status": s.outcome.status.value,
            "attempts": s.outcome.attempts,
            "visits": s.visits,
            "durationSeconds": seconds(s.duration),
            "failure": failure(s.failure),
        } for s in summaries],
    }


def table(history, summaries) -> list[str]:
    from console.services.stepfunctions.history import duration_text
    from console.text import inert_str

    header = ("STATE", "STATUS", "ATTEMPTS", "DURATION", "ERROR", "CAUSE")
    rows = [tuple(inert_str(cell) for cell in (
        s.name, s.outcome.status.value, str(s.outcome.attempts) if s.visit else "-", duration_text(s.duration),
        s.failure.error if s.failure else "", cause_text(s.failure))) for s in summaries]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1])
    status = f"Execution {history.status.lower()}"
    if history.failure is not None:
        status += f": {inert_str(history.failure.error)}"
        if cause_text(history.failure):
            status += f" ({inert_str(cause_text(history.failure))})"
    return [status, f"{history.event_count} events", "", *(line.rstrip() for line in lines)]


async def _read(target, read_only: bool, arn: str):
    from botocore.exceptions import ClientError

    from console.aws.clients import ClientPool
    from console.aws.context import AwsContext
    from console.clock import SystemClock
    from console.headless import ensure_mfa
    from console.services.stepfunctions.history import read_definition, read_history, state_names

    clock = SystemClock()
    pool = ClientPool(clock, read_only=read_only)
    try:
        await ensure_mfa(pool, target, clock)
        ctx = AwsContext(pool, target)
        history = await read_history(ctx, arn)
        try:  # the states never reached: from the definition the execution ran
            names = state_names(await read_definition(ctx, arn))
        except ClientError:
            names = ()
        return history, names
    finally:
        await pool.close()


@reads_only
@sfn_group.command("history")
@click.argument("execution_arn")
@click.option("--output", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="A table for reading, or JSON for scripts (causes and stack traces whole).")
@click.pass_context
def history_command(ctx: click.Context, execution_arn: str, output: str) -> None:
    """What happened to each state of an execution: status, attempts, duration, error, cause."""
    import asyncio
    from dataclasses import replace

    from console.aws.errors import describe_problem

    region = execution_region(execution_arn)
    target, _ = headless_target(ctx)
    target = replace(target, region=region)  # the execution's region, whatever the default
    try:
        history, names = asyncio.run(_read(target, read_only_requested(ctx), execution_arn))
    except click.ClickException:
        raise
    except Exception as exc:
        problem = describe_problem(exc, profile=target.profile, endpoint=target.endpoint)
        raise click.ClickException(problem.cli_message()) from None
    summaries = history.by_state(names)
    if output == "json":
        click.echo(json.dumps(as_json(execution_arn, history, summaries), indent=2))
        return
    for line in table(history, summaries):
        click.echo(line)
