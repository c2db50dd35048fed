"""`opsdeck events enable|disable RULE`: the EventBridge actions on the command line."""

from __future__ import annotations

import click

from console.actions.cli import I_KNOW, YES, action_command, run_cli_action

_BUS = click.option("--bus", default="default", show_default=True, help="Event bus of the rule.")


@click.group("events")
def events_group() -> None:
    """EventBridge rules: enable and disable (guarded, audited)."""


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
    main.add_command(events_group)
