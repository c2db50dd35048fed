"""`opsdeck sfn ...`: Step Functions from the terminal.

The commands live in modules of their own (graph, history, machines and actions), each
adding itself to `sfn_group`; this module only gathers them.
"""

from __future__ import annotations

import importlib

import click

COMMAND_MODULES: tuple[str, ...] = ("cli_graph", "cli_history", "cli_executions", "cli_actions")


@click.group("sfn")
def sfn_group() -> None:
    """Step Functions: state machines, executions, graphs and histories."""


def register_commands(main: click.Group) -> None:
    for module in COMMAND_MODULES:
        importlib.import_module(f"console.services.stepfunctions.{module}")
    main.add_command(sfn_group)
