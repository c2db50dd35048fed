"""`opsdeck sfn machines` and `opsdeck sfn executions MACHINE`: what there is, from the terminal.

Both only read (on a read-only client pool, whatever the session). `machines` lists every
state machine (ListStateMachines, every page); `executions` lists one machine's executions,
newest first (ListExecutions, pages of 1,000 until --limit), optionally of one status.
Exit codes: 0 listed; 1 AWS could not answer (credentials, network, throttling); 2 bad
input (an unknown machine, an EXPRESS machine, whose executions AWS does not list).
"""

from __future__ import annotations

import json
from contextlib import aclosing
from datetime import datetime
from typing import Any, Awaitable, Callable

import click

from console.actions.cli import BadInput, reads_only
from console.services.stepfunctions.cli import sfn_group

STATUSES = ("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE")
OUTPUT = click.option("--output", "-o", type=click.Choice(["table", "json"]), default="table", show_default=True,
                      help="A table for people, or JSON for scripts.")


def run_reading(ctx: click.Context, read: Callable[[Any], Awaitable[Any]]) -> Any:
    """Run `read(aws_context)` on a read-only pool for the command's target; failures are
    said (exit 1, or 2 for InputRefused), never a traceback."""
    from console.headless import run_reading as run_read_only
    from console.services.stepfunctions.actions import InputRefused

    return run_read_only(ctx, read, lambda exc: BadInput(str(exc)) if isinstance(exc, InputRefused) else None)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else None


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if isinstance(value, datetime) else "-"


def _duration(start: datetime | None, stop: datetime | None) -> str:
    if not isinstance(start, datetime) or not isinstance(stop, datetime):
        return "-"
    seconds = (stop - start).total_seconds()
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s"


def echo_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """Columns padded to their widest cell; every cell made inert."""
    from console.text import inert_str

    cells = [tuple(inert_str(c) for c in row) for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for row in cells:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


# -- machines --------------------------------------------------------------------------------------
@reads_only
@sfn_group.command("machines")
@OUTPUT
@click.pass_context
def machines_command(ctx: click.Context, output: str) -> None:
    """Every state machine in the region: name, type (STANDARD or EXPRESS), created, ARN."""
    from console.services.stepfunctions.sources import list_state_machines

    machines = sorted(run_reading(ctx, list_state_machines), key=lambda m: m["name"])
    if output == "json":
        click.echo(json.dumps([{"name": m["name"], "stateMachineArn": m["stateMachineArn"],
                                "type": m.get("type", "STANDARD"), "creationDate": _iso(m.get("creationDate"))}
                               for m in machines], indent=2))
        return
    if not machines:
        click.echo("No state machines in this region.")
        return
    echo_table(("NAME", "TYPE", "CREATED", "ARN"),
               [(m["name"], m.get("type", "STANDARD"), _when(m.get("creationDate")), m["stateMachineArn"])
                for m in machines])


# -- executions ------------------------------------------------------------------------------------
async def list_executions(aws, machine: str, status: str | None, limit: int) -> tuple[dict, list[dict]]:
    """(the machine, its executions newest first: at most `limit`, 0 for all)."""
    from console.aws.limits import max_page
    from console.services.stepfunctions.actions import EXPRESS, InputRefused, resolve_machine

    described = await resolve_machine(aws, machine)
    if described.get("type") == EXPRESS:
        logs = [d.get("cloudWatchLogsLogGroup", {}).get("logGroupArn", "")
                for d in described.get("loggingConfiguration", {}).get("destinations", [])]
        where = f"; its executions are logged to {', '.join(filter(None, logs))}" if any(logs) else ""
        raise InputRefused(f"MACHINE: {described['name']} is an EXPRESS state machine: AWS lists no EXPRESS "
                           f"executions{where}")
    params: dict[str, Any] = {"stateMachineArn": described["stateMachineArn"]}
    if status:
        params["statusFilter"] = status
    page_size = max_page("stepfunctions", "ListExecutions")
    found: list[dict] = []
    pages = aws.pages("stepfunctions", "list_executions",
                      PaginationConfig={"PageSize": min(page_size, limit) if limit else page_size}, **params)
    async with aclosing(pages):
        async for page in pages:
            found.extend(page.get("executions", []))
            if limit and len(found) >= limit:
                break
    return described, found[:limit] if limit else found


@reads_only
@sfn_group.command("executions")
@click.argument("machine")
@click.option("--status", type=click.Choice(STATUSES, case_sensitive=False), default=None,
              help="Only executions with this status.")
@click.option("--limit", type=click.IntRange(min=0), default=100, show_default=True,
              help="At most this many, newest first (0: all).")
@OUTPUT
@click.pass_context
def executions_command(ctx: click.Context, machine: str, status: str | None, limit: int, output: str) -> None:
    """Executions of MACHINE (its name or ARN), newest first: name, status, start, duration,
    redrive count, ARN."""
    status = status.upper() if status else None
    described, executions = run_reading(ctx, lambda aws: list_executions(aws, machine, status, limit))
    if output == "json":
        click.echo(json.dumps([{"name": e.get("name"), "executionArn": e["executionArn"], "status": e.get("status"),
                                "startDate": _iso(e.get("startDate")), "stopDate": _iso(e.get("stopDate")),
                                "redriveCount": e.get("redriveCount", 0), "redriveDate": _iso(e.get("redriveDate"))}
                               for e in executions], indent=2))
        return
    if not executions:
        which = f" {status}" if status else ""
        click.echo(f"No{which} executions of {described['name']}.")
        return
    echo_table(("NAME", "STATUS", "STARTED", "DURATION", "REDRIVES", "ARN"),
               [(e.get("name", ""), e.get("status", ""), _when(e.get("startDate")),
                 _duration(e.get("startDate"), e.get("stopDate")), str(e.get("redriveCount", 0)), e["executionArn"])
                for e in executions])
