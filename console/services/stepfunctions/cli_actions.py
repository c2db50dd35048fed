"""`opsdeck sfn start | stop | redrive`: the Step Functions actions on the command line.

Planning, confirmation (`--yes`; a protected target's name typed, or
`--i-know-this-is-protected`), audit, apply and verify are the Runner's, driven by
console.actions.cli.run_cli_action as for every action. Exit codes: 0 done and verified
(or nothing to do); 1 failed, refused (read-only) or not confirmed; 2 bad input, refused
before anything is sent: invalid JSON (with its line and column), an unknown machine or
execution, an execution that cannot be redriven (the message says why).
"""

from __future__ import annotations

import sys
from typing import Any, Callable

import click

from console.actions.cli import I_KNOW, YES, BadInput, action_command, read_text_file, run_cli_action
from console.services.stepfunctions.cli import sfn_group

EXECUTION = click.argument("execution_arn", metavar="EXECUTION_ARN")


def read_input(value: str | None) -> str | None:
    """The input text: inline JSON, `@path` (a file) or `@-` (stdin); None when not given."""
    if value is None or not value.startswith("@"):
        return value
    path = value[1:]
    if path == "-":
        return sys.stdin.read()
    return read_text_file(path, "--input")


def run_sfn_action(ctx: click.Context, build: Callable[[], Any], yes: bool, i_know: bool,
                   after: Callable[[Any], None] | None = None) -> None:
    """Build the action (bad input: exit 2), then run it the guarded way, `after(action)`
    once applied; a plan refused for bad input (unknown machine, not redrivable) exits 2
    as well, anything else 1."""
    from console.services.stepfunctions.actions import InputRefused

    try:
        action = build()
    except InputRefused as exc:
        raise BadInput(str(exc)) from None
    try:
        run_cli_action(ctx, lambda: action, yes, i_know, offer_undo=False,
                       after=None if after is None else lambda runner, outcome: after(action))
    except click.ClickException as exc:
        # run_cli_action says a refused plan as a ClickException raised while handling it
        if isinstance(exc.__context__, InputRefused):
            raise BadInput(exc.message) from None
        raise


@action_command("stepfunctions.start-execution")
@sfn_group.command("start")
@click.argument("machine")
@click.option("--input", "input", default=None, metavar="JSON|@FILE",
              help="The execution's input: inline JSON, @path to read a file, @- for stdin (default: {}).")
@click.option("--name", "execution_name", default=None,
              help="The execution's name (default: opsdeck-<time>-<random>). STANDARD names are unique "
                   "for 90 days.")
@YES
@I_KNOW
@click.pass_context
def start_command(ctx: click.Context, machine: str, input: str | None, execution_name: str | None,
                  yes: bool, i_know: bool) -> None:
    """Start an execution of MACHINE (its name or ARN) and print its ARN.

    The input is checked before anything is sent (invalid JSON: its line and column);
    verify reads the execution back (DescribeExecution: its status, and the input sent).
    """
    from console.services.stepfunctions.actions import StartExecution
    from console.text import inert_str

    text = read_input(input)

    def show(action: StartExecution) -> None:
        if action.execution_arn:
            click.echo(f"Execution: {inert_str(action.execution_arn)}")

    run_sfn_action(ctx, lambda: StartExecution(machine, text, execution_name), yes, i_know, after=show)


@action_command("stepfunctions.stop-execution")
@sfn_group.command("stop")
@EXECUTION
@click.option("--error", default=None, help="An error code to record (up to 256 characters).")
@click.option("--cause", default=None, help="Why it was stopped (up to 32,768 characters).")
@YES
@I_KNOW
@click.pass_context
def stop_command(ctx: click.Context, execution_arn: str, error: str | None, cause: str | None,
                 yes: bool, i_know: bool) -> None:
    """Stop a RUNNING execution (EXECUTION_ARN, or MACHINE/NAME); it ends ABORTED with the
    error and cause given. An execution that has already ended: nothing to do (exit 0)."""
    from console.services.stepfunctions.actions import StopExecution

    run_sfn_action(ctx, lambda: StopExecution(execution_arn, error, cause), yes, i_know)


@action_command("stepfunctions.redrive-execution")
@sfn_group.command("redrive")
@EXECUTION
@YES
@I_KNOW
@click.pass_context
def redrive_command(ctx: click.Context, execution_arn: str, yes: bool, i_know: bool) -> None:
    """Redrive a FAILED, TIMED_OUT or ABORTED STANDARD execution (EXECUTION_ARN, or
    MACHINE/NAME) that ended in the last 14 days: it re-runs from the states that did not
    succeed, with the same input. The plan names them; verify reads the redrive count."""
    from console.services.stepfunctions.actions import RedriveExecution

    run_sfn_action(ctx, lambda: RedriveExecution(execution_arn), yes, i_know)
