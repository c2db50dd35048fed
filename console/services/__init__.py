"""The AWS services opsdeck knows: the one list a new service is added to.

Each name in SERVICES is a package here (its models, API calls, sources, health and
changes, actions, CLI commands) and one in screens/ (its panel and screens). The App,
the dashboard, the CLI root, the polling set-up, the benchmark and the fault tests
iterate over this registry and name no service. A service's package defines `SERVICE`;
importing it must stay cheap (no aiobotocore, no textual): what it declares is loaded
when asked for.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    import click

    from console.polling.sources import Source

# Dashboard order. Adding a service: its two packages and one name here.
SERVICES = ("lambda_", "ecs", "stepfunctions", "events")


@dataclass(frozen=True)
class Service:
    """What one AWS service contributes to the core."""

    id: str  # names its sources ("lambda", "lambda.aliases") and its CLI group
    title: str
    # Fresh source instances for one engine (some keep state between ticks).
    sources: Callable[[], dict[str, "Source"]] = dict
    # Adds the service's commands to the CLI root.
    commands: Callable[["click.Group"], None] | None = None
    # Modules whose import registers the service's guarded actions.
    action_modules: tuple[str, ...] = ()
    # Actions whose runs a crash left open the service's UI offers to resume itself (the
    # generic "left unfinished" notice skips them).
    resumes: tuple[str, ...] = field(default=())


def package(name: str) -> str:
    return f"{__name__}.{name}"


def services() -> tuple[Service, ...]:
    return tuple(importlib.import_module(package(name)).SERVICE for name in SERVICES)


def dashboard_sources() -> dict[str, "Source"]:
    """Every service's polling sources, fresh (name -> Source)."""
    found: dict[str, "Source"] = {}
    for service in services():
        for name, source in service.sources().items():
            if name in found:
                raise ValueError(f"two services declare the source {name!r}")
            found[name] = source
    return found


def load_actions() -> None:
    """Import every service's action modules, so console.actions.registry lists them all."""
    for service in services():
        for module in service.action_modules:
            importlib.import_module(module)


def registered_actions() -> dict[str, type]:
    """Every guarded action of every service, by name (the read-only proof and palette)."""
    from console.actions.registry import REGISTRY

    load_actions()
    return dict(REGISTRY)


def register_commands(main: "click.Group") -> None:
    for service in services():
        if service.commands is not None:
            service.commands(main)


def resumed_elsewhere() -> frozenset[str]:
    """Action names whose unfinished runs a service's own UI offers to resume."""
    return frozenset(name for service in services() for name in service.resumes)
