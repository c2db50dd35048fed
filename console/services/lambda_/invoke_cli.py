"""`opsdeck lambda invoke`: invoke a function from the terminal, as a guarded action.

Parsing, size limits and explaining failures are console.services.lambda_.invoke's; the
plan, confirmation (a protected target's name typed, or --yes), audit and verify are the
Runner's, driven by console.actions.cli.run_cli_action, as for every action. This module
reads the payload (inline, @file, a template or a saved payload), prints the result and
sets the exit code: 0 when the function ran without error, 1 on a function error or when
the invoke could not run (unknown function or qualifier, read-only mode, not confirmed),
2 for a bad payload (invalid JSON, too large, missing file), refused before anything is sent.
"""

from __future__ import annotations

import sys

import click

from console.actions.cli import I_KNOW, YES, action_command, run_cli_action

FUNCTION_ERROR_EXIT = 1


def _read_payload(payload: str | None, template: str | None, saved: str | None, function: str) -> bytes:
    """The payload's bytes from exactly one source (default: `{}`)."""
    from console.services.lambda_.payloads import UnknownTemplate, load_saved, template_text

    given = [name for name, value in (("--payload", payload), ("--template", template), ("--saved", saved))
             if value is not None]
    if len(given) > 1:
        raise click.UsageError(f"give only one of {', '.join(given)}")
    if template is not None:
        try:
            return template_text(template).encode("utf-8")
        except UnknownTemplate as exc:
            raise click.BadParameter(str(exc), param_hint="--template") from None
    if saved is not None:
        try:
            return load_saved(function, saved).encode("utf-8")
        except (KeyError, ValueError) as exc:
            raise click.BadParameter(str(exc).strip("'\""), param_hint="--saved") from None
    if payload is None:
        return b"{}"
    if payload.startswith("@"):
        path = payload[1:]
        if path == "-":
            return sys.stdin.buffer.read()
        try:
            with open(path, "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            raise click.BadParameter(f"payload file {path!r} does not exist", param_hint="--payload") from None
        except IsADirectoryError:
            raise click.BadParameter(f"payload file {path!r} is a directory", param_hint="--payload") from None
        except OSError as exc:
            raise click.BadParameter(f"cannot read payload file {path!r}: {exc.strerror}",
                                     param_hint="--payload") from None
    return payload.encode("utf-8")


def echo_result(result) -> None:
    from console.text import inert_str

    def lines(text: str) -> None:
        for line in text.splitlines():
            click.echo(inert_str(line))

    click.echo(f"Status: {result.status_code}")
    click.echo(f"Executed version: {inert_str(result.executed_version or '-')}")
    click.echo(f"Function error: {inert_str(result.function_error or 'none')}")
    if result.request_id:
        click.echo(f"Request id: {inert_str(result.request_id)}")
    if result.payload:
        click.echo("Response:")
        lines(result.payload)
    elif result.invocation_type == "Event":
        click.echo("Queued for asynchronous invocation (no response body).")
    elif result.invocation_type == "DryRun":
        click.echo("Dry run: the call would be allowed (nothing ran).")
    if result.log_tail:
        click.echo("Log tail:")
        lines(result.log_tail)


@action_command("lambda.invoke")
@click.command("invoke")
@click.argument("function")
@click.option("--qualifier", "-q", default=None,
              help="Version or alias to invoke (default: the traffic alias, `live` unless configured, where the "
                   "function has it, else $LATEST).")
@click.option("--payload", "-p", default=None, metavar="JSON|@FILE",
              help="The event: inline JSON, @path to read a file, @- for stdin (default: {}).")
@click.option("--template", "-t", default=None, metavar="NAME",
              help="Use a built-in event template (names above).")
@click.option("--saved", default=None, metavar="NAME", help="Use a payload saved for this function.")
@click.option("--type", "invocation_type", type=click.Choice(["RequestResponse", "Event", "DryRun"]),
              default="RequestResponse", show_default=True, help="Invocation type.")
@YES
@I_KNOW
@click.pass_context
def invoke_command(ctx: click.Context, function: str, qualifier: str | None, payload: str | None,
                   template: str | None, saved: str | None, invocation_type: str, yes: bool, i_know: bool) -> None:
    """Invoke FUNCTION and show the status, executed version, function error, response and log tail.

    The plan (function, qualifier, invocation type, payload size) is shown and confirmed
    like every action's; the audit trail keeps the payload's SHA-256, never the payload.
    Exit code: 0 ok; 1 function error, or the invoke did not run; 2 bad payload (nothing sent).
    Templates: apigw-http-v2, apigw-rest, s3-put, sqs-batch, sns, eventbridge-scheduled, dynamodb-stream.
    """
    from console.actions.base import PlanRefused
    from console.headless import headless_target
    from console.services.lambda_.actions import LambdaInvoke

    body = _read_payload(payload, template, saved, function)
    _, settings = headless_target(ctx)
    try:
        action = LambdaInvoke(function, body, qualifier, invocation_type, traffic_alias=settings.traffic_alias)
    except PlanRefused as exc:
        raise click.BadParameter(str(exc).removeprefix("payload: "), param_hint="payload") from None

    def show(runner, outcome) -> None:
        if action.result is not None:
            echo_result(action.result)

    run_cli_action(ctx, lambda: action, yes, i_know, offer_undo=False, after=show)
    if action.result is not None and not action.result.ok:
        ctx.exit(FUNCTION_ERROR_EXIT)
