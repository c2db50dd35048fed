"""`opsdeck ecs ...`: ECS on Fargate from the terminal.

The commands live in modules of their own (services; deploy, rollback, scale, stop-task;
diff), each adding itself to `ecs_group`; this module gathers them and holds what they
share: the --output option, a read on a read-only pool, a plain table.
"""

from __future__ import annotations

import importlib
from typing import Any, Awaitable, Callable, Sequence

import click

COMMAND_MODULES: tuple[str, ...] = ("cli_services", "cli_views", "cli_actions")

OUTPUT = click.option("--output", "-o", type=click.Choice(["table", "json"]), default="table", show_default=True,
                      help="A table for people, or JSON for scripts.")


@click.group("ecs")
def ecs_group() -> None:
    """ECS on Fargate: clusters, services, tasks, deployments."""


def register_commands(main: click.Group) -> None:
    for module in COMMAND_MODULES:
        importlib.import_module(f"console.services.ecs.{module}")
    main.add_command(ecs_group)


class NotFoundError(click.ClickException):
    """The arguments name a cluster, service, task or revision AWS does not have (exit 2,
    like a usage error)."""

    exit_code = 2


def read_with(ctx: click.Context, read: Callable[[Any], Awaitable[Any]]) -> Any:
    """`read(aws_context)` on a read-only pool for the command's target. A LookupError it
    raises (an unknown cluster: console.services.ecs.sources.ClusterNotFound) exits 2 with
    its message; AWS's failures exit 1 in words, never a traceback."""
    from console.headless import run_reading
    from console.text import inert_str

    def refused(exc: Exception) -> click.ClickException | None:
        # the message may quote what the user typed
        return NotFoundError(inert_str(str(exc))) if isinstance(exc, LookupError) else None

    return run_reading(ctx, read, refused)


def echo_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Columns padded to their widest cell; every cell made inert."""
    from console.text import inert_str

    lines = [[inert_str(cell) for cell in row] for row in (header, *rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())
