"""`opsdeck ecs deploy | rollback | force-deployment | scale | stop-task`: the ECS actions
on the command line.

Planning, confirmation (`--yes`; a protected target's name typed, or
`--i-know-this-is-protected`), audit, apply and verify are the Runner's, driven by
console.actions.cli.run_cli_action as for every action. `--wait` follows the rollout and
prints each deployment's counts and the service's new events as they come. Exit codes: 0
done and verified (with --wait: the rollout COMPLETED); 1 failed, rolled back, refused
(read-only) or not confirmed; 2 what was given names nothing ECS has (cluster, service,
container, revision, task) or is not a value AWS takes, refused before anything is sent.
"""

from __future__ import annotations

from typing import Any, Callable

import click

from console.actions.cli import I_KNOW, YES, action_command, run_cli_action
from console.services.ecs.cli import NotFoundError, ecs_group

CLUSTER = click.argument("cluster")
SERVICE = click.argument("service")
WAIT = click.option("--wait", is_flag=True,
                    help="Follow the rollout until it completes (exit 0) or fails or is rolled back (exit 1).")


def echo_rollout(event) -> None:
    """A rollout's moments as lines: the deployments' counts when they change, each new event."""
    from console.text import inert_str

    if event.kind == "deployments":
        for deployment in event.deployments:
            click.echo(f"  [deployment] {inert_str(deployment.describe())}")
    elif event.kind == "event":
        at = f" {event.at:%H:%M:%S}" if event.at is not None else ""
        click.echo(f"  [event{at}] {inert_str(event.message)}")


def echo_result(action) -> None:
    from console.text import inert_str

    words = {"completed": "COMPLETED", "failed": "FAILED", "rolled-back": "ROLLED BACK", "timed-out": "NOT FINISHED",
             "stopped": "NO LONGER FOLLOWED"}
    if getattr(action, "outcome", None) in words:
        click.echo(f"Rollout {words[action.outcome]}: {inert_str(action.reason)}")
    elif getattr(action, "deployment_id", None) and not action.wait:
        click.echo(f"Rollout started: deployment {inert_str(action.deployment_id)} (--wait follows it to the end).")


def run_ecs_action(ctx: click.Context, build: Callable[[], Any], yes: bool, i_know: bool) -> None:
    """Build the action (bad input: exit 2), then run it the guarded way; a plan refused
    because what was given names nothing (unknown cluster, service, revision) exits 2 too."""
    from console.services.ecs.actions import InputRefused

    try:
        action = build()
    except InputRefused as exc:
        raise NotFoundError(str(exc)) from None
    if getattr(action, "wait", False):
        action.listener = echo_rollout
    try:
        run_cli_action(ctx, lambda: action, yes, i_know, interruptible=getattr(action, "wait", False),
                       after=lambda runner, outcome: echo_result(action))
    except click.ClickException as exc:
        if isinstance(exc.__context__, InputRefused):  # said by run_cli_action while handling it
            raise NotFoundError(exc.message) from None
        raise


@action_command("ecs.deploy")
@ecs_group.command("deploy")
@CLUSTER
@SERVICE
@click.option("--image", required=True, metavar="[CONTAINER=]URI",
              help="The image to deploy, to CONTAINER (needed when the task definition has several).")
@WAIT
@YES
@I_KNOW
@click.pass_context
def deploy_command(ctx: click.Context, cluster: str, service: str, image: str, wait: bool, yes: bool,
                   i_know: bool) -> None:
    """Deploy an image to SERVICE of CLUSTER: a new task-definition revision copied from the
    service's current one with the container's image replaced (the plan shows the diff),
    then the service updated to it."""
    from console.services.ecs.actions import EcsDeploy

    run_ecs_action(ctx, lambda: EcsDeploy(cluster, service, image, wait), yes, i_know)


@action_command("ecs.rollback")
@ecs_group.command("rollback")
@CLUSTER
@SERVICE
@click.option("--to", default=None, metavar="TASKDEF",
              help="Roll back to this revision (family:revision, a revision number, or an ARN).")
@WAIT
@YES
@I_KNOW
@click.pass_context
def rollback_command(ctx: click.Context, cluster: str, service: str, to: str | None, wait: bool, yes: bool,
                     i_know: bool) -> None:
    """Point SERVICE of CLUSTER back at an earlier task definition: --to, else the one of
    its previous completed deployment (else the revision before the current one)."""
    from console.services.ecs.actions import EcsRollback

    run_ecs_action(ctx, lambda: EcsRollback(cluster, service, to, wait), yes, i_know)


@action_command("ecs.force-deployment")
@ecs_group.command("force-deployment")
@CLUSTER
@SERVICE
@WAIT
@YES
@I_KNOW
@click.pass_context
def force_deployment_command(ctx: click.Context, cluster: str, service: str, wait: bool, yes: bool,
                             i_know: bool) -> None:
    """Start a new deployment of SERVICE on its current task definition (every task replaced)."""
    from console.services.ecs.actions import EcsForceDeployment

    run_ecs_action(ctx, lambda: EcsForceDeployment(cluster, service, wait), yes, i_know)


@action_command("ecs.scale")
@ecs_group.command("scale")
@CLUSTER
@SERVICE
@click.argument("count", metavar="N")
@YES
@I_KNOW
@click.pass_context
def scale_command(ctx: click.Context, cluster: str, service: str, count: str, yes: bool, i_know: bool) -> None:
    """Set the desired count of SERVICE of CLUSTER to N (0 to 5,000)."""
    from console.services.ecs.actions import EcsScale

    run_ecs_action(ctx, lambda: EcsScale(cluster, service, count), yes, i_know)


@action_command("ecs.stop-task")
@ecs_group.command("stop-task")
@CLUSTER
@click.argument("task")
@click.option("--reason", required=True, help="Why (up to 255 characters): ECS records it as the stoppedReason.")
@YES
@I_KNOW
@click.pass_context
def stop_task_command(ctx: click.Context, cluster: str, task: str, reason: str, yes: bool, i_know: bool) -> None:
    """Stop TASK (its ID or ARN) of CLUSTER, recording the reason."""
    from console.services.ecs.actions import EcsStopTask

    run_ecs_action(ctx, lambda: EcsStopTask(cluster, task, reason), yes, i_know)
