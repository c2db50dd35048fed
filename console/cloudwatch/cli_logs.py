"""`opsdeck logs tail`: log groups' lines on stdout, like `aws logs tail`, once and in order.

Lines go to stdout, one per log event (a message's own newlines written as `\\n`), so the
output pipes into grep and jq; what the tail itself has to say (live tail sampled and
backfilled, polling instead of live tail) goes to stderr. Text from the log is never
written raw: control characters become visible escapes (`\\x1b`, `\\r`, `\\x9b`), and
`--format json` carries the exact text, JSON-encoded. A closed pipe (`| head -1`) and
Ctrl-C end the command quietly with status 0; a log group that does not exist exits 2
naming it.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import click

FORMATS = ("short", "detailed", "json")
# C0 controls but tab, DEL, C1 controls, and the characters that move or reorder text on a
# terminal (line/paragraph separators, bidirectional overrides and isolates)
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r"}


def escaped(text: str) -> str:
    """`text` with every unsafe character written as an escape; the one trailing newline
    runtimes add to each line is dropped (one event, one output line)."""
    if text.endswith("\n"):
        text = text[:-1]
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def iso_time(event_time) -> str:
    return event_time.strftime("%Y-%m-%dT%H:%M:%S.") + f"{event_time.microsecond // 1000:03d}Z"


def format_event(event, output_format: str) -> str:
    if output_format == "json":
        return json.dumps({
            "timestamp": event.timestamp_ms, "time": iso_time(event.timestamp),
            "ingestionTime": int(event.ingestion_time.timestamp() * 1000),
            "group": event.group, "stream": event.stream, "eventId": event.event_id,
            "message": event.message,
        }, ensure_ascii=True)  # every non-ASCII character escaped: nothing raw reaches a terminal
    when = iso_time(event.timestamp)
    if output_format == "short":
        return f"{when} {escaped(event.message)}"
    return f"{when} {escaped(event.group)} {escaped(event.stream)} {escaped(event.message)}"


class MissingGroupError(click.ClickException):
    """A log group that does not exist: exit 2, like a usage error, naming it."""

    exit_code = 2


class _PipeClosed(Exception):
    """stdout's reader went away (`| head -1`): stop quietly."""


class _Output:
    """Writes whole lines to stdout, flushing each batch; a closed pipe ends the command."""

    def __init__(self, output_format: str) -> None:
        self.format = output_format
        self.written = 0

    def lines(self, events) -> None:
        try:
            sys.stdout.write("".join(format_event(event, self.format) + "\n" for event in events))
            sys.stdout.flush()
        except BrokenPipeError:
            _silence_stdout()
            raise _PipeClosed from None
        self.written += len(events)

    @staticmethod
    def note(text: str) -> None:
        try:
            click.echo(escaped(text), err=True)
        except BrokenPipeError:  # stderr gone too: nothing left to tell
            pass


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush cannot fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file (CliRunner): nothing to redirect
        pass


@click.group("logs")
def logs_group() -> None:
    """CloudWatch Logs: read log groups from the terminal."""


@logs_group.command("tail")
@click.argument("groups", nargs=-1, required=True, metavar="GROUP [GROUP...]")
@click.option("--since", default="10m", show_default=True,
              help="Start: now, a time ago (-5m, 1h, 2d) or a time (2026-11-27T12:00:00Z).")
@click.option("--filter", "filter_pattern", default=None, metavar="PATTERN",
              help="CloudWatch Logs filter pattern, evaluated by AWS exactly as given.")
@click.option("--follow", is_flag=True, help="Keep going: new lines as they are written (Ctrl-C stops).")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="detailed", show_default=True,
              help="short: time and message; detailed: time, group, stream, message; json: one object a line.")
@click.option("--live/--no-live", default=True, show_default=True,
              help="Follow with StartLiveTail (streamed); --no-live polls FilterLogEvents instead, e.g. where a "
                   "proxy breaks event streams.")
@click.pass_context
def tail_command(ctx: click.Context, groups: tuple[str, ...], since: str, filter_pattern: str | None,
                 follow: bool, output_format: str, live: bool) -> None:
    """Lines of one or more log groups, interleaved in time order, each once."""
    from console.clock import SystemClock
    from console.cloudwatch.logs_since import StartError, parse_start
    from console.headless import run_reading

    try:
        start = parse_start(since, SystemClock().now())
    except StartError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None
    output = _Output(output_format)

    async def read(aws: Any) -> None:
        await tail_groups(aws, list(dict.fromkeys(groups)), start, filter_pattern, follow, output, live=live)

    try:
        run_reading(ctx, read, refused=_refused)
    except _PipeClosed:
        return
    except KeyboardInterrupt:
        return


def _refused(exc: Exception) -> click.ClickException | None:
    from console.aws.errors import ErrorClass, classify
    from console.cloudwatch.logs_live import MissingGroups
    from console.text import inert_str

    if isinstance(exc, _PipeClosed):
        raise exc
    if isinstance(exc, MissingGroups):
        return MissingGroupError(inert_str(str(exc)))
    if classify(exc) is ErrorClass.NOT_FOUND:
        return MissingGroupError(inert_str(f"a log group does not exist: {exc}"))
    return None


async def tail_groups(aws: Any, groups: list[str], start, filter_pattern: str | None, follow: bool,
                      output: _Output, *, live: bool = True) -> None:
    """Check the groups exist (naming any that does not), then write the feed's lines."""
    from console.aws.errors import ErrorClass, classify
    from console.cloudwatch.logs_buffer import Marker
    from console.cloudwatch.logs_feed import LogFeed
    from console.cloudwatch.logs_live import MissingGroups, resolve_arns

    try:
        await resolve_arns(aws, groups)
    except MissingGroups:
        raise
    except Exception as exc:  # noqa: BLE001 - DescribeLogGroups denied: FilterLogEvents may still work
        if classify(exc) is not ErrorClass.ACCESS_DENIED:
            raise
    feed = LogFeed(aws, groups, filter_pattern, since=start, live=live)
    batches = feed.batches(follow=follow)
    try:
        async for batch in batches:
            events = []
            for line in batch:
                if isinstance(line, Marker):
                    output.lines(events)
                    events = []
                    output.note(f"-- {line.text}")
                else:
                    events.append(line)
            output.lines(events)
    finally:
        await batches.aclose()
