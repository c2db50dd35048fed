"""`opsdeck`: the TUI, and the headless commands scripts use.

Textual and the app are imported only inside the commands that start the TUI, so
`opsdeck demo --headless` (and future headless commands) start fast.
"""

from __future__ import annotations

import os
import signal
import threading

import click

DEFAULT_REGION = "us-east-1"
DEMO_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_SECURITY_TOKEN": "testing",
}


def profile_region(profile: str | None) -> str | None:
    """The region botocore would use for `profile` (env vars, then ~/.aws/config)."""
    import botocore.session
    from botocore.exceptions import BotoCoreError

    try:
        return botocore.session.Session(profile=profile).get_config_variable("region")
    except BotoCoreError:  # e.g. an unknown profile: the problem screen explains it later
        return None


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
    OpsdeckApp(target, ClientPool(clock), clock, read_only=read_only).run()


@click.group(invoke_without_command=True)
@click.option("--profile", envvar="AWS_PROFILE", help="AWS profile (default: AWS_PROFILE or the default chain).")
@click.option("--region", envvar=["AWS_REGION", "AWS_DEFAULT_REGION"],
              help="AWS region (default: the profile's region, else us-east-1).")
@click.option("--endpoint-url", envvar="AWS_ENDPOINT_URL", help="Send every call here (moto, LocalStack...).")
@click.option("--read-only", is_flag=True, help="Refuse every mutating call.")
@click.pass_context
def main(ctx: click.Context, profile: str | None, region: str | None, endpoint_url: str | None,
         read_only: bool) -> None:
    """Terminal operations console for AWS serverless."""
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


@main.command()
@click.option("--headless", is_flag=True, help="Serve the demo estate without the UI; print the endpoint.")
@click.option("--port", type=int, default=0, show_default=True, help="Port on 127.0.0.1 (0: any free port).")
@click.option("--size", type=click.Choice(["small", "large"]), default="small", show_default=True)
def demo(headless: bool, port: int, size: str) -> None:
    """Run opsdeck against an embedded, seeded, simulated AWS (moto)."""
    from console.demo.process import EmbeddedAws

    if headless:
        serve_headless(EmbeddedAws.start(size=size, port=port, simulate=True))
        return
    from console.target import Target

    with EmbeddedAws.start(size=size, port=port, simulate=True) as aws:
        os.environ.update(DEMO_CREDENTIALS)
        os.environ.pop("AWS_PROFILE", None)  # the dummy keys must win over any profile
        run_tui(Target(profile=None, region=DEFAULT_REGION, endpoint=aws.endpoint, demo=True), read_only=False)


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


if __name__ == "__main__":
    main()
