"""`opsdeck events put-event` and `opsdeck scheduler enable|disable`: guarded, audited.

Planning, confirmation (`--yes`; a protected target's name typed, or
`--i-know-this-is-protected`), audit, apply and verify are the Runner's, driven by
console.actions.cli.run_cli_action as for every action. Exit codes: 0 done and verified
(or nothing to do); 1 failed, refused (read-only) or not confirmed; 2 bad input, refused
before anything is sent: an event file that is not JSON (its line and column), lacks
Source, DetailType or Detail, or names another bus; a schedule, group or bus that does
not exist.
"""

from __future__ import annotations

from typing import Any

import click

from console.actions.cli import I_KNOW, YES, BadInput, action_command, read_text_file, run_cli_action
from console.services.events.cli import events_group, scheduler_group

_GROUP = click.option("--group", default="default", show_default=True, help="Schedule group of the schedule.")
NOT_FOUND = frozenset({"ResourceNotFoundException"})


def run_events_action(ctx: click.Context, action: Any, yes: bool, i_know: bool) -> None:
    """Run `action` the guarded way; a plan refused because its resource does not exist exits 2."""
    from console.aws.errors import error_code

    try:
        run_cli_action(ctx, lambda: action, yes, i_know)
    except click.ClickException as exc:
        # run_cli_action says a failed plan as a ClickException raised while handling the error
        if exc.__context__ is not None and error_code(exc.__context__) in NOT_FOUND:
            raise BadInput(exc.message) from None
        raise


def set_schedule_state(ctx: click.Context, schedule: str, group: str, state: str, yes: bool, i_know: bool) -> None:
    from console.services.events.actions import SetScheduleState

    run_events_action(ctx, SetScheduleState(schedule, group, state), yes, i_know)


@action_command("events.set-schedule-state")
@scheduler_group.command("enable")
@click.argument("schedule")
@_GROUP
@YES
@I_KNOW
@click.pass_context
def enable_schedule(ctx: click.Context, schedule: str, group: str, yes: bool, i_know: bool) -> None:
    """Enable SCHEDULE (UpdateSchedule with every other field kept; verify reads it back)."""
    set_schedule_state(ctx, schedule, group, "ENABLED", yes, i_know)


@action_command("events.set-schedule-state")
@scheduler_group.command("disable")
@click.argument("schedule")
@_GROUP
@YES
@I_KNOW
@click.pass_context
def disable_schedule(ctx: click.Context, schedule: str, group: str, yes: bool, i_know: bool) -> None:
    """Disable SCHEDULE (UpdateSchedule with every other field kept; verify reads it back)."""
    set_schedule_state(ctx, schedule, group, "DISABLED", yes, i_know)


@action_command("events.put-event")
@events_group.command("put-event")
@click.argument("event_file", metavar="EVENT_FILE")
@click.option("--bus", default=None, help="Event bus to send it to (default: the entry's EventBusName, "
                                          "else the default bus).")
@YES
@I_KNOW
@click.pass_context
def put_event(ctx: click.Context, event_file: str, bus: str | None, yes: bool, i_know: bool) -> None:
    """Send the event in EVENT_FILE to a bus, and print its EventId.

    EVENT_FILE holds one PutEvents entry (Source, DetailType, Detail) or an event as rules
    see it (source, detail-type, detail). The plan names the rules on the bus that match it
    (their targets will receive it); verify: FailedEntryCount 0 and an EventId.
    """
    from console.services.events.actions import DEFAULT_BUS, PutTestEvent
    from console.services.events.put_event import EventFileError, event_bus_of, read_entry

    text = read_text_file(event_file, "EVENT_FILE")
    try:
        entry = read_entry(text)
    except EventFileError as exc:
        raise BadInput(f"{event_file}: {exc}") from None
    named = event_bus_of(text)
    if bus and named and named != bus:
        raise BadInput(f"{event_file}: EventBusName is {named!r} but --bus is {bus!r}: say one bus")
    run_events_action(ctx, PutTestEvent(bus or named or DEFAULT_BUS, entry), yes, i_know)
