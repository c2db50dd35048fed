"""EventBridge: rules on every event bus and Scheduler schedules; enable and disable."""

from __future__ import annotations

from console.services import Service


def _sources():
    from console.polling.sources import Source
    from console.services.events.sources import RULES, SCHEDULES, RulesSource, SchedulesSource

    return {RULES: Source(RulesSource(), 30.0), SCHEDULES: Source(SchedulesSource(), 30.0)}


def _commands(main) -> None:
    from console.services.events.cli import register_commands

    register_commands(main)


SERVICE = Service(
    id="events",
    title="EventBridge",
    sources=_sources,
    commands=_commands,
    action_modules=("console.services.events.actions",),
)
