"""`opsdeck events next|describe EXPRESSION`: exact next fires and the English of a schedule expression."""

from __future__ import annotations

from datetime import datetime

import click

from console.actions.cli import reads_only
from console.services.events.cli import events_group

BAD_INPUT = 2

_ZONE = click.option("--tz", "zone", default=None, metavar="ZONE",
                     help="IANA time zone the schedule runs in (Scheduler); default UTC, as rules run.")


def _parsed(expression: str, zone: str | None):
    """The schedule, or "field: reason" on stderr and exit 2 (no traceback)."""
    from console.services.events.schedule import ScheduleError, parse
    from console.text import inert_str

    try:
        return parse(expression, zone)
    except ScheduleError as exc:
        click.echo(f"Error: {inert_str(str(exc))}", err=True)
        raise click.exceptions.Exit(BAD_INPUT) from None


@reads_only
@events_group.command("next")
@click.argument("expression")
@click.option("--count", default=3, show_default=True, type=click.IntRange(1, 10_000), help="How many fires.")
@click.option("--after", default=None, metavar="ISO_TIME",
              help="Fires strictly after this time (ISO 8601; without an offset, UTC). Default: now.")
@_ZONE
def next_fires(expression: str, count: int, after: str | None, zone: str | None) -> None:
    """The next fires of EXPRESSION (cron(), rate() or at()), one ISO 8601 time per line.

    rate() counts from the epoch here (the console cannot know when a rule was created).
    """
    schedule = _parsed(expression, zone)
    if after is None:
        from console.clock import SystemClock

        start = SystemClock().now()
    else:
        try:
            start = datetime.fromisoformat(after)
        except ValueError:
            click.echo(f"Error: --after: expected an ISO 8601 time such as 2026-12-01T09:00:00+01:00, got {after!r}",
                       err=True)
            raise click.exceptions.Exit(BAD_INPUT) from None
    for fire in schedule.next_fires(start, count):
        click.echo(fire.isoformat())


@reads_only
@events_group.command("describe")
@click.argument("expression")
@_ZONE
def describe(expression: str, zone: str | None) -> None:
    """EXPRESSION (cron(), rate() or at()) in plain English."""
    click.echo(_parsed(expression, zone).describe())
