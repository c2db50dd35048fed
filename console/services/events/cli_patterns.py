"""`opsdeck events test-pattern PATTERN_FILE EVENT_FILE`: does an event match a pattern."""

from __future__ import annotations

import json
from typing import Any

import click

from console.actions.cli import reads_only
from console.services.events.cli import events_group

MATCH, NO_MATCH, BAD_INPUT = 0, 1, 2


def _fail(message: str) -> None:
    """`message` on stderr (control characters made visible) and exit 2, no traceback."""
    from console.text import inert_str

    click.echo(f"Error: {inert_str(message)}", err=True)
    raise click.exceptions.Exit(BAD_INPUT)


def _read_json(role: str, file: click.File) -> Any:
    """The JSON in `file`, or exit 2 naming the file, the line and the column."""
    name = getattr(file, "name", "-")
    try:
        text = file.read()
    except UnicodeDecodeError:
        _fail(f"{role} {name}: not UTF-8 text")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        _fail(f"{role} {name} is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")


@reads_only
@events_group.command("test-pattern")
@click.argument("pattern_file", type=click.File("r", encoding="utf-8"))
@click.argument("event_file", type=click.File("r", encoding="utf-8"))
def test_pattern(pattern_file: click.File, event_file: click.File) -> None:
    """Whether the event in EVENT_FILE matches the EventBridge pattern in PATTERN_FILE.

    Prints "match" (exit 0) or "no match" (exit 1); an invalid pattern or event file
    exits 2 naming what is wrong (e.g. "detail.state: must be an array of values or
    matchers, got a string"). Either file may be "-" for standard input.

    Matched locally, with EventBridge's semantics: it works offline and calls no AWS API.
    The event is matched as written (TestEventPattern on AWS would also want the envelope
    fields id, account, source, time, region, resources and detail-type).
    """
    from console.services.events.patterns import PatternError, check_pattern, json_kind, matches

    pattern = _read_json("PATTERN_FILE", pattern_file)
    event = _read_json("EVENT_FILE", event_file)
    try:
        checked = check_pattern(pattern)
    except PatternError as exc:
        _fail(f"PATTERN_FILE {getattr(pattern_file, 'name', '-')}: {exc}")
    if not isinstance(event, dict):
        _fail(f"EVENT_FILE {getattr(event_file, 'name', '-')}: an event must be a JSON object, got {json_kind(event)}")
    matched = matches(checked, event)
    click.echo("match" if matched else "no match")
    raise click.exceptions.Exit(MATCH if matched else NO_MATCH)


test_pattern.__test__ = False  # type: ignore[attr-defined]  # a command, not a test for pytest
