"""Step Functions: state machines, the outcome of their recent executions, their metrics."""

from __future__ import annotations

from console.services import Service


def _sources():
    from console.polling.sources import Source
    from console.services.stepfunctions.sources import StateMachinesSource

    return {"stepfunctions": Source(StateMachinesSource(), 10.0)}  # metrics inside: once a minute


def _commands(main) -> None:
    from console.services.stepfunctions.cli import register_commands

    register_commands(main)


SERVICE = Service(
    id="stepfunctions",
    title="Step Functions",
    sources=_sources,
    commands=_commands,
    action_modules=("console.services.stepfunctions.actions",),
)
