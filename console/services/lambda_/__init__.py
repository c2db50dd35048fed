"""Lambda: functions with their metrics, aliases, details, invoke, deploy and roll back."""

from __future__ import annotations

from console.services import Service


def _sources():
    from console.polling.sources import Source
    from console.services.lambda_.sources import AliasSweep, FunctionsSource

    return {
        "lambda": Source(FunctionsSource(), 5.0),  # .window: the panel's `w` switches it
        "lambda.aliases": Source(AliasSweep(), 10.0, after=("lambda",)),
    }


def _commands(main) -> None:
    from console.services.lambda_.cli import register_commands

    register_commands(main)


SERVICE = Service(
    id="lambda",
    title="Lambda",
    sources=_sources,
    commands=_commands,
    action_modules=("console.services.lambda_.actions",),
    resumes=("lambda.deploy",),
)
