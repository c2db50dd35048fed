"""`opsdeck`: the TUI, and the headless commands scripts use.

Textual and the app are imported only inside the commands that start the TUI, so
`opsdeck demo --headless` (and future headless commands) start fast.
"""

from __future__ import annotations

import json
import os
import signal
import threading

import click

from console.actions.cli import reads_only
from console.headless import DEFAULT_REGION, ensure_mfa, headless_target, profile_region

DEMO_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_SECURITY_TOKEN": "testing",
}


def log_to_file() -> None:
    """Send Python logging (botocore's warnings with tracebacks included) to a file in the
    state directory: nothing may write over the TUI."""
    import logging

    from console.config import state_dir

    directory = state_dir()
    directory.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(filename=directory / "opsdeck.log", level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)


def run_tui(target, read_only: bool) -> None:
    """Build the app on the system clock and run it until the user quits."""
    log_to_file()
    from console.app import OpsdeckApp
    from console.aws.clients import ClientPool
    from console.clock import SystemClock

    clock = SystemClock()
    OpsdeckApp(target, ClientPool(clock, read_only=read_only), clock, read_only=read_only).run()


@click.group(invoke_without_command=True)
@click.version_option(package_name="opsdeck", prog_name="opsdeck", message="%(prog)s %(version)s")
@click.option("--profile", envvar="AWS_PROFILE", help="AWS profile (default: AWS_PROFILE or the default chain).")
@click.option("--region", envvar=["AWS_REGION", "AWS_DEFAULT_REGION"],
              help="AWS region (default: the profile's region, else us-east-1).")
@click.option("--endpoint-url", envvar="AWS_ENDPOINT_URL", help="Send every call here (moto, LocalStack...).")
@click.option("--read-only", is_flag=True, help="Refuse every mutating call.")
@click.pass_context
def main(ctx: click.Context, profile: str | None, region: str | None, endpoint_url: str | None,
         read_only: bool) -> None:
    """Terminal operations console for AWS serverless."""
    # the global options, for subcommands (see read_only_requested)
    given = ctx.obj or {}
    ctx.obj = {**given, "profile": profile, "region": region, "endpoint_url": endpoint_url,
               "read_only": read_only or bool(given.get("read_only"))}
    if ctx.invoked_subcommand is not None:
        return
    from console.config import ConfigError, load_settings
    from console.target import Target

    try:
        settings = load_settings()
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    region = region or settings.profile(profile).region or profile_region(profile) or DEFAULT_REGION
    target = Target(profile=profile, region=region, endpoint=endpoint_url or None)
    run_tui(target, read_only or settings.is_read_only(profile))


@reads_only  # serves a local estate; sends nothing to the target
@main.command()
@click.option("--headless", is_flag=True, help="Serve the demo estate without the UI; print the endpoint.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port on 127.0.0.1, 0 to 65535 (0: any free port).")
@click.option("--size", type=click.Choice(["small", "large"]), default="small", show_default=True)
def demo(headless: bool, port: int, size: str) -> None:
    """Run opsdeck against an embedded, seeded, simulated AWS (moto)."""
    if headless:
        serve_headless(start_embedded(size, port))
        return
    from console.target import Target

    with start_embedded(size, port) as aws:
        os.environ.update(DEMO_CREDENTIALS)
        os.environ.pop("AWS_PROFILE", None)  # the dummy keys must win over any profile
        run_tui(Target(profile=None, region=DEFAULT_REGION, endpoint=aws.endpoint, demo=True), read_only=False)


def start_embedded(size: str, port: int):
    """The embedded AWS, started; a taken port is a usage error (exit 2) naming it, and a
    server that never came up is an error pointing at its log, never a traceback."""
    from console.demo.process import EmbeddedAws, PortInUse

    try:
        return EmbeddedAws.start(size=size, port=port, simulate=True)
    except PortInUse as exc:
        raise click.BadParameter(f"{exc}; choose another port, or 0 for any free one",
                                 param_hint="'--port'") from None
    except RuntimeError as exc:
        raise click.ClickException(f"the embedded AWS did not start: {exc}") from None


def serve_headless(aws) -> None:
    """Print exactly one line, then block until SIGINT/SIGTERM and stop the server."""
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        click.echo(f"AWS_ENDPOINT_URL={aws.endpoint}")
        while not stop.wait(0.5):
            if not aws.running:
                raise click.ClickException("the embedded AWS server exited; see " + aws.log_path)
    finally:
        aws.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@main.group()
def credentials() -> None:
    """Keys in the OS keyring, and which credentials a profile resolves to."""


def _keyring_or_fail():
    from console.aws.credentials import KeyringUnavailable, usable_keyring

    try:
        return usable_keyring()
    except KeyringUnavailable as exc:
        raise click.ClickException(str(exc)) from None


@reads_only
@credentials.command("set")
@click.argument("profile")
def credentials_set(profile: str) -> None:
    """Store PROFILE's long-term access key pair in the OS keyring (prompted, never echoed).
    Stored keys take precedence over ~/.aws/credentials for that profile."""
    from console.aws.credentials import store_keys

    _keyring_or_fail()
    access_key_id = click.prompt("AWS access key id", hide_input=True, err=True)
    secret = click.prompt("AWS secret access key", hide_input=True, err=True)
    try:
        store_keys(profile, access_key_id, secret)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Stored keys for profile {profile} in the OS keyring (service \"opsdeck\").")


@reads_only
@credentials.command("list")
def credentials_list() -> None:
    """Profiles that have keys in the OS keyring (never the secrets)."""
    from console.aws.credentials import stored_keys, stored_profiles

    _keyring_or_fail()
    names = stored_profiles()
    if not names:
        click.echo("No keys stored in the OS keyring.")
    for name in names:
        keys = stored_keys(name)
        shown = f"{keys.access_key_id[:4]}…{keys.access_key_id[-4:]}" if keys else "(entry unreadable)"
        click.echo(f"{name}\t{shown}")


@reads_only
@credentials.command("remove")
@click.argument("profile")
def credentials_remove(profile: str) -> None:
    """Forget PROFILE's keys in the OS keyring."""
    from console.aws.credentials import remove_keys

    _keyring_or_fail()
    if remove_keys(profile):
        click.echo(f"Removed the stored keys of profile {profile}.")
    else:
        raise click.ClickException(f"no keys stored for profile {profile}")


@reads_only
@credentials.command("check")
@click.pass_context
def credentials_check(ctx: click.Context) -> None:
    """Resolve the credentials of --profile (asking for an MFA code if the profile needs one)
    and show who they are, via STS GetCallerIdentity."""
    import asyncio

    from console.aws.clients import ClientPool
    from console.aws.credentials import keys_for
    from console.aws.errors import describe_problem
    from console.clock import SystemClock

    target, _ = headless_target(ctx)
    clock = SystemClock()

    async def check():
        pool = ClientPool(clock, read_only=True)  # a check never changes anything
        try:
            await ensure_mfa(pool, target, clock)
            identity = await (await pool.client(target, "sts")).get_caller_identity()
            if pool.has_credentials(target.profile):
                source = "MFA (STS AssumeRole)"
            elif keys_for(target.profile) is not None:
                source = "OS keyring"
            else:
                source = (await pool.session(target.profile).get_credentials()).method
            return identity, source
        finally:
            await pool.close()

    try:
        identity, source = asyncio.run(check())
    except click.ClickException:
        raise
    except Exception as exc:
        problem = describe_problem(exc, profile=target.profile, endpoint=target.endpoint)
        raise click.ClickException(problem.cli_message()) from None
    click.echo(f"profile  {target.label}\naccount  {identity['Account']}\narn      {identity['Arn']}\n"
               f"source   {source}")


@reads_only
@main.command("audit")
@click.option("--since", default=None, help="Only records newer than this: 90s, 15m, 12h, 1d.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line, as stored.")
def audit_command(since: str | None, as_json: bool) -> None:
    """The audit trail of every action opsdeck applied (and any left unfinished)."""
    from dataclasses import asdict

    from console.audit import AuditLog, parse_duration
    from console.clock import SystemClock

    clock = SystemClock()
    start = None
    if since:
        try:
            start = clock.now() - parse_duration(since)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--since") from None
    log = AuditLog(None, clock)
    records = log.since(start)
    if as_json:
        for record in records:
            click.echo(json.dumps(asdict(record), sort_keys=True))
        return
    for line in format_records(records):
        click.echo(line)
    unfinished = [run for run in log.unfinished() if start is None or run.started.at >= start]
    for run in unfinished:
        click.echo(f"UNFINISHED: {run.started.action} on {run.started.target} started {run.started.time} "
                   f"and never finished; applied: {', '.join(run.applied) or 'none recorded'}")
    if not records:
        click.echo(f"No audit records{' since ' + since if since else ''} in {log.path}.")


def format_records(records) -> list[str]:
    """One line per record: time, kind, result, action, target, step."""
    from console.text import inert_str

    lines = []
    for r in records:
        what = r.step or (f"{len(r.steps)} step(s)" if r.steps else "")
        result = r.result or ""
        if r.error:
            result += f" ({r.error.get('headline', '')})"
        lines.append("  ".join(inert_str(part) for part in (
            r.time, f"{r.kind}/{r.phase}", result, r.action, r.target, what, r.caller or "")).rstrip())
    return lines


# every service's commands (`opsdeck lambda ...`, `opsdeck events ...`), from the registry
from console.services import register_commands  # noqa: E402

register_commands(main)

# `opsdeck logs tail`: CloudWatch Logs underneath every service, not one of them; its
# commands only read (console.cloudwatch sits below console.actions, so they are marked here)
from console.cloudwatch.cli_logs import logs_group  # noqa: E402

for _command in logs_group.commands.values():
    reads_only(_command)
main.add_command(logs_group)


if __name__ == "__main__":
    main()
