"""`opsdeck events ...` and `opsdeck scheduler ...`: EventBridge from the terminal.

Enable and disable live here; the other commands live in modules of their own
(COMMAND_MODULES: schedules' next fires and English, event patterns, more actions),
each adding itself to `events_group` or `scheduler_group`.
"""

from __future__ import annotations

import importlib

import click

from console.actions.cli import I_KNOW, YES, action_command, run_cli_action

_BUS = click.option("--bus", default="default", show_default=True, help="Event bus of the rule.")


COMMAND_MODULES: tuple[str, ...] = ("cli_schedules", "cli_patterns", "cli_actions")


@click.group("events")
def events_group() -> None:
    """EventBridge rules: schedules, patterns, enable and disable (guarded, audited)."""


@click.group("scheduler")
def scheduler_group() -> None:
    """EventBridge Scheduler schedules."""


@action_command("events.disable-rule")
@events_group.command("disable")
@click.argument("rule")
@_BUS
@YES
@I_KNOW
@click.pass_context
def disable_rule(ctx: click.Context, rule: str, bus: str, yes: bool, i_know: bool) -> None:
    """Disable RULE (e.g. silence a misfiring schedule)."""
    from console.services.events.actions import DisableRule

    run_cli_action(ctx, lambda: DisableRule(rule, bus), yes, i_know)


@action_command("events.enable-rule")
@events_group.command("enable")
@click.argument("rule")
@_BUS
@YES
@I_KNOW
@click.pass_context
def enable_rule(ctx: click.Context, rule: str, bus: str, yes: bool, i_know: bool) -> None:
    """Enable RULE."""
    from console.services.events.actions import EnableRule

    run_cli_action(ctx, lambda: EnableRule(rule, bus), yes, i_know)


def register_commands(main: click.Group) -> None:
    for module in COMMAND_MODULES:
        importlib.import_module(f"console.services.events.{module}")
    main.add_command(events_group)
    main.add_command(scheduler_group)
