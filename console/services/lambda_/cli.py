"""`opsdeck lambda ...`: invoke, deploy, roll back and promote from the terminal."""

from __future__ import annotations

import click

from console.services.lambda_.deploy_cli import deploy_command, promote_command, rollback_command
from console.services.lambda_.invoke_cli import invoke_command


@click.group("lambda")
def lambda_group() -> None:
    """Lambda functions from the terminal."""


for _command in (invoke_command, deploy_command, rollback_command, promote_command):
    lambda_group.add_command(_command)


def register_commands(main: click.Group) -> None:
    main.add_command(lambda_group)
