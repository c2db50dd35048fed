"""EventBridge: rules on every event bus and Scheduler schedules; enable and disable."""

from __future__ import annotations

from console.services import Service


def _sources():
    from console.polling.sources import Source
    from console.services.events.sources import fetch_rules

    return {"events": Source(fetch_rules, 30.0)}


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
