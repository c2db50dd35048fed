"""`opsdeck lambda deploy | rollback | promote`: the guarded Lambda deploy from the terminal.

Options are parsed into console.services.lambda_.actions actions (their messages name the
option); planning, confirmation, applying, verifying and auditing are the Runner's,
driven by console.actions.cli.run_cli_action. A deploy prints its progress as it goes;
Ctrl-C aborts it (the alias goes back to the old version). Exit 1 when the deploy is
rolled back, aborted or fails. `rollback` and `promote` also settle a deploy that an
earlier opsdeck left open (it died mid-canary): rollback aborts it, promote finishes it.
"""

from __future__ import annotations

import click

from console.actions.cli import I_KNOW, YES, action_command, run_cli_action

_ALIAS = click.option("--alias", default="live", show_default=True, help="The alias that carries the traffic.")


def _build(make):
    """Build the action now, so a bad option is a usage error before any AWS call."""
    from console.actions.base import PlanRefused

    try:
        return make()
    except PlanRefused as exc:
        raise click.UsageError(str(exc)) from None


def echo_event(event) -> None:
    from console.services.lambda_.deploy.strategy import format_seconds
    from console.text import inert_str

    if event.phase == "done":
        return  # the outcome is printed once, after verify
    left = f" ({format_seconds(event.time_left)} left)" if event.time_left is not None else ""
    click.echo(f"  [{event.phase}] {inert_str(event.message)}{left}")


def echo_report(action) -> None:
    from console.text import inert_str

    report = action.report()
    words = {"promoted": "PROMOTED", "rolled-back": "ROLLED BACK", "aborted": "ABORTED", "failed": "FAILED"}
    if report.outcome in words:
        click.echo(f"Deploy {words[report.outcome]}: {inert_str(report.reason)}")
    if report.new is not None:
        click.echo(f"New {inert_str(report.new.describe())}")
    if report.old is not None:
        click.echo(f"Old {inert_str(report.old.describe())}")
    if report.outcome in ("rolled-back", "aborted"):
        click.echo(f"Alias {inert_str(report.alias)} is back on version {inert_str(report.old_version)}.")


def _close_open_deploys(function: str, alias: str):
    """After a rollback/promote: close the open deploys the alias now settles."""

    async def after(runner, outcome) -> None:
        from console.services.lambda_.deploy.engine import get_alias
        from console.services.lambda_.deploy.resume import close_resolved

        if not outcome.ok:
            return
        version, weights = await get_alias(runner.ctx, function, alias)
        if weights:
            return
        caller = await runner.caller()
        closed = close_resolved(runner.audit, function, alias, version, region=runner.ctx.target.region,
                                account=runner.ctx.target.account, caller=caller.arn, resolved_by=outcome.run)
        for run in closed:
            click.echo(f"Closed the unfinished deploy {run} in the audit trail.")

    return after


@action_command("lambda.deploy")
@click.command("deploy")
@click.argument("function")
@click.option("--dir", "directory", default=None, metavar="DIR", help="Deploy this directory (zipped reproducibly).")
@click.option("--zip", "zip", default=None, metavar="FILE", help="Deploy this zip file.")
@click.option("--image", default=None, metavar="URI", help="Deploy this container image (image functions).")
@_ALIAS
@click.option("--canary", default=None, metavar="P%:D", help="Route P% to the new version for D, then promote.")
@click.option("--linear", default=None, metavar="P%:D", help="Add P points of traffic every D until 100%.")
@click.option("--max-errors", default=0, show_default=True, type=int,
              help="More errors than this on the new version rolls it back.")
@click.option("--min-invocations", default=None, type=int,
              help="Fewer invocations of the new version in the window is not healthy [default: 1].")
@click.option("--allow-no-traffic", is_flag=True, help="Promote even if the new version got no traffic.")
@click.option("--grace", default=None, metavar="DURATION",
              help="How long after a minute ends its metrics count as final (s/m/h) [default: the function's "
                   "timeout + CloudWatch's delay, assumed 60s].")
@YES
@I_KNOW
@click.pass_context
def deploy_command(ctx: click.Context, function: str, directory: str | None, zip: str | None, image: str | None,
                   alias: str, canary: str | None, linear: str | None, max_errors: int,
                   min_invocations: int | None, allow_no_traffic: bool, grace: str | None, yes: bool,
                   i_know: bool) -> None:
    """Deploy new code to FUNCTION and move its alias: all at once, --canary or --linear.

    Ctrl-C during the deploy aborts it (the alias goes back to the old version); exit
    status 1 when the deploy is rolled back, aborted or fails."""
    from console.services.lambda_.actions import LambdaDeploy

    if min_invocations is not None and allow_no_traffic:
        raise click.UsageError("give --min-invocations or --allow-no-traffic, not both")
    action = _build(lambda: LambdaDeploy(
        function, directory=directory, zip=zip, image=image, alias=alias, canary=canary, linear=linear,
        max_errors=max_errors, min_invocations=1 if min_invocations is None else min_invocations,
        allow_no_traffic=allow_no_traffic, grace=grace, listener=echo_event))
    run_cli_action(ctx, lambda: action, yes, i_know, interruptible=True, offer_undo=False,
                   after=lambda runner, outcome: echo_report(action))


@action_command("lambda.rollback")
@click.command("rollback")
@click.argument("function")
@_ALIAS
@click.option("--to", default=None, metavar="VERSION", help="Roll back to this version.")
@YES
@I_KNOW
@click.pass_context
def rollback_command(ctx: click.Context, function: str, alias: str, to: str | None, yes: bool, i_know: bool) -> None:
    """Move FUNCTION's alias back: abort a deploy in progress (canary/linear weights), or go
    to the version before the last deploy (audit trail), else the previous published version."""
    from console.services.lambda_.actions import LambdaRollback
    from console.audit import AuditLog
    from console.clock import SystemClock

    action = _build(lambda: LambdaRollback(function, alias, to=to, audit=AuditLog(None, SystemClock())))
    run_cli_action(ctx, lambda: action, yes, i_know, after=_close_open_deploys(function, alias))


@action_command("lambda.promote")
@click.command("promote")
@click.argument("function")
@_ALIAS
@click.option("--version", default=None, metavar="VERSION", help="Promote this version (default: the weighted one).")
@YES
@I_KNOW
@click.pass_context
def promote_command(ctx: click.Context, function: str, alias: str, version: str | None, yes: bool,
                    i_know: bool) -> None:
    """Finish a deploy in progress on FUNCTION's alias: its new version takes all traffic
    (e.g. after opsdeck died mid-canary)."""
    from console.services.lambda_.actions import LambdaPromote

    action = _build(lambda: LambdaPromote(function, alias, version=version))
    run_cli_action(ctx, lambda: action, yes, i_know, after=_close_open_deploys(function, alias))
