"""`opsdeck sfn graph (FILE | STATE_MACHINE_ARN) [--execution ARN] [--no-color]`: a state
machine drawn in the terminal.

The definition comes from FILE (`-`: standard input) or, for an ARN, from
DescribeStateMachine. It is validated here (console.services.stepfunctions.asl.model):
invalid JSON or an invalid definition exits 2 with the problem and the state on stderr. On
real AWS (no custom endpoint) ValidateStateMachineDefinition is asked as well, best effort:
an account or session that may not call it, or a region without it, changes nothing.
`--execution ARN` colours each state by what happened to it in that execution.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from console.actions.cli import reads_only
from console.services.stepfunctions.cli import sfn_group

BAD_INPUT = 2


def _is_arn(source: str) -> bool:
    return source.startswith("arn:")


def _read_file(source: str) -> str:
    if source == "-":
        with click.open_file("-", encoding="utf-8") as stdin:
            return stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.UsageError(f"cannot read {source}: {exc.strerror if isinstance(exc, OSError) else exc}") from None


async def _with_context(target, read_only: bool, work, *, prompt_mfa: bool = True):
    """Run `work(ctx)` with a client pool for `target`, closed afterwards."""
    from console.aws.clients import ClientPool
    from console.aws.context import AwsContext
    from console.clock import SystemClock
    from console.headless import ensure_mfa

    clock = SystemClock()
    pool = ClientPool(clock, read_only=read_only)
    try:
        if prompt_mfa:
            await ensure_mfa(pool, target, clock)
        return await work(AwsContext(pool, target))
    finally:
        await pool.close()


def _from_aws(ctx: click.Context, machine_arn: str | None, execution_arn: str | None, text: str | None):
    """(definition text, the execution's history or None), read from AWS; AWS errors exit 1."""
    from console.aws.errors import describe_problem
    from console.headless import headless_target, read_only_requested

    target, _ = headless_target(ctx)

    async def read(aws):
        definition = text
        if machine_arn is not None:
            sfn = await aws.client("stepfunctions")
            definition = (await sfn.describe_state_machine(stateMachineArn=machine_arn))["definition"]
        history = None
        if execution_arn is not None:
            from console.services.stepfunctions.history import read_history

            history = await read_history(aws, execution_arn, definition=definition)
        return definition, history

    try:
        return asyncio.run(_with_context(target, read_only_requested(ctx), read))
    except click.ClickException:
        raise
    except Exception as exc:
        problem = describe_problem(exc, profile=target.profile, endpoint=target.endpoint)
        raise click.ClickException(problem.cli_message()) from None


def aws_validation(ctx: click.Context, text: str) -> list[str]:
    """ValidateStateMachineDefinition's errors for `text`, on real AWS only (the embedded AWS
    and most emulators lack it); none whenever it cannot be asked: no credentials, access
    denied, read-only mode, a region or partition without it. Never prompts for MFA."""
    from console.headless import headless_target, read_only_requested

    try:
        target, _ = headless_target(ctx)
        if target.endpoint is not None:
            return []

        async def ask(aws):
            sfn = await aws.client("stepfunctions")
            return await sfn.validate_state_machine_definition(definition=text)

        answer = asyncio.run(_with_context(target, read_only_requested(ctx), ask, prompt_mfa=False))
    except Exception:  # best effort, by design: the local validation has passed
        return []
    if answer.get("result") != "FAIL":
        return []
    return [f"{d.get('location') or ''} {d.get('message') or d.get('code') or ''}".strip()
            for d in answer.get("diagnostics", []) if d.get("severity") == "ERROR"]


@reads_only
@sfn_group.command("graph")
@click.argument("source", metavar="FILE | STATE_MACHINE_ARN")
@click.option("--execution", "execution_arn", default=None, metavar="ARN",
              help="Colour each state by what happened to it in this execution.")
@click.option("--no-color", is_flag=True, help="Plain text, no colours.")
@click.pass_context
def graph_command(ctx: click.Context, source: str, execution_arn: str | None, no_color: bool) -> None:
    """Draw a state machine: FILE (`-` for stdin) or a STATE_MACHINE_ARN read from AWS.

    Exits 2 when the definition is not valid JSON or not a valid state machine."""
    from console.services.stepfunctions.asl.model import DefinitionError
    from console.services.stepfunctions.asl.view import GraphView
    from console.text import inert_str

    history = None
    if _is_arn(source):
        text, history = _from_aws(ctx, source, execution_arn, None)
    else:
        text = _read_file(source)
    try:
        view = GraphView.from_definition(text)
    except DefinitionError as exc:
        _refuse(ctx, source, exc.message)
        return
    if not _is_arn(source):  # a deployed machine's definition was validated by AWS already
        problems = aws_validation(ctx, text)
        if problems:
            _refuse(ctx, source, "; ".join(inert_str(p) for p in problems) + " (AWS ValidateStateMachineDefinition)")
        if execution_arn is not None:
            _, history = _from_aws(ctx, None, execution_arn, text)
    outcomes = history.outcomes([state.name for state in view.machine.walk()]) if history is not None else None
    drawing = view.render(outcomes)
    if no_color:
        click.echo(drawing.plain())
        if outcomes is not None:
            click.echo(view.legend().plain)
        return
    from rich.console import Console

    console = Console(width=max(drawing.width, 40) + 1, highlight=False, soft_wrap=True)
    for line in drawing.lines:
        line = line.copy()
        line.rstrip()
        console.print(line)
    if outcomes is not None:
        console.print(view.legend())


def _refuse(ctx: click.Context, source: str, message: str) -> None:
    from console.text import inert_str

    click.echo(f"Error: {inert_str(source)}: invalid definition: {inert_str(message)}", err=True)
    ctx.exit(BAD_INPUT)
