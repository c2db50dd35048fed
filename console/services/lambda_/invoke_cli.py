"""`opsdeck lambda invoke`: invoke a function from the terminal.

Parsing, size limits and explaining failures are console.services.lambda_.invoke's; this module reads
the payload (inline, @file, a template or a saved payload), prints the result and sets
the exit code: 0 when the function ran without error, 1 on a function error or when
the invoke could not run (unknown function or qualifier, read-only mode, ...), 2 for a
bad payload (invalid JSON, too large, missing file), which is refused before sending.

Invoke is not a guarded action (no plan/confirm/audit, no `action_name`), but it does
change things, so in read-only mode the client pool's guard refuses lambda:Invoke.
"""

from __future__ import annotations

import asyncio
import sys

import click

from console.actions.cli import mutates

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


@mutates("lambda", "invoke", "validate-order", "--payload", "{}")
@click.command("invoke")
@click.argument("function")
@click.option("--qualifier", "-q", default=None, help="Version or alias to invoke (default: $LATEST).")
@click.option("--payload", "-p", default=None, metavar="JSON|@FILE",
              help="The event: inline JSON, @path to read a file, @- for stdin (default: {}).")
@click.option("--template", "-t", default=None, metavar="NAME",
              help="Use a built-in event template (names above).")
@click.option("--saved", default=None, metavar="NAME", help="Use a payload saved for this function.")
@click.option("--type", "invocation_type", type=click.Choice(["RequestResponse", "Event", "DryRun"]),
              default="RequestResponse", show_default=True, help="Invocation type.")
@click.pass_context
def invoke_command(ctx: click.Context, function: str, qualifier: str | None, payload: str | None,
                   template: str | None, saved: str | None, invocation_type: str) -> None:
    """Invoke FUNCTION and show the status, executed version, function error, response and log tail.

    Exit code: 0 ok; 1 function error or the invoke could not run; 2 bad payload (nothing sent).
    Templates: apigw-http-v2, apigw-rest, s3-put, sqs-batch, sns, eventbridge-scheduled, dynamodb-stream.
    """
    from console.headless import headless_target, read_only_requested
    from console.services.lambda_.invoke import PayloadError, PayloadTooLarge, check_size, parse_payload

    body = _read_payload(payload, template, saved, function)
    try:
        parse_payload(body)
        check_size(body, invocation_type)
    except PayloadError as exc:
        raise click.BadParameter(str(exc), param_hint="payload") from None
    except PayloadTooLarge as exc:
        raise click.BadParameter(str(exc), param_hint="payload") from None
    target, _ = headless_target(ctx)
    result = asyncio.run(_invoke(target, read_only_requested(ctx), function, body, qualifier, invocation_type))
    echo_result(result)
    if not result.ok:
        ctx.exit(FUNCTION_ERROR_EXIT)


async def _invoke(target, read_only: bool, function: str, body: bytes, qualifier: str | None,
                  invocation_type: str):
    from console.aws.clients import ClientPool
    from console.aws.context import AwsContext
    from console.headless import ensure_mfa
    from console.clock import SystemClock
    from console.services.lambda_.invoke import InvokeFailed, invoke

    clock = SystemClock()
    pool = ClientPool(clock, read_only=read_only)  # read-only: the pool's guard refuses lambda:Invoke
    try:
        if not read_only:  # read-only refuses the call below without asking for a code
            await ensure_mfa(pool, target, clock)
        try:
            return await invoke(AwsContext(pool, target), function, body, qualifier, invocation_type)
        except InvokeFailed as exc:
            problem = exc.problem
            raise click.ClickException(problem.cli_message()) from None
    finally:
        await pool.close()
