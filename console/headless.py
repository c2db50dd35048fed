"""What every headless command shares: the target and settings from `opsdeck`'s global
options, read-only mode, and the MFA prompt on the terminal.

Service CLIs (console/services/*/cli.py) and the generic action runner
(console.actions.cli) import this module, never the CLI root (console.cli), so the
root can import them without an import cycle.
"""

from __future__ import annotations

import click

DEFAULT_REGION = "us-east-1"


def profile_region(profile: str | None) -> str | None:
    """The region botocore would use for `profile` (env vars, then ~/.aws/config)."""
    import botocore.session
    from botocore.exceptions import BotoCoreError

    try:
        return botocore.session.Session(profile=profile).get_config_variable("region")
    except BotoCoreError:  # e.g. an unknown profile: the problem screen explains it later
        return None


def read_only_requested(ctx: click.Context) -> bool:
    """True when `--read-only` was given to `opsdeck`, or config.toml sets `read_only = true`
    for the profile (or globally). Subcommands that build a ClientPool pass this to it."""
    from console.config import ConfigError, load_settings

    options = ctx.find_root().obj or {}
    if options.get("read_only"):
        return True
    try:
        return load_settings().is_read_only(options.get("profile"))
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


def headless_target(ctx: click.Context):
    """(Target, Settings) for a headless subcommand, from `opsdeck`'s global options, by the
    same rules as the TUI (region: option, config, profile, default)."""
    from console.config import ConfigError, load_settings
    from console.target import Target

    options = ctx.find_root().obj or {}
    try:
        settings = load_settings()
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    profile = options.get("profile")
    region = options.get("region") or settings.profile(profile).region or profile_region(profile) or DEFAULT_REGION
    return Target(profile=profile, region=region, endpoint=options.get("endpoint_url") or None), settings


async def ensure_mfa(pool, target, clock) -> None:
    """For a role profile with `mfa_serial`: prompt for the code on the terminal and put the
    temporary credentials from STS AssumeRole into `pool` (headless commands call this before
    their first AWS call; botocore's own prompt is disabled, see console.aws.credentials)."""
    from botocore.exceptions import ClientError

    from console.aws.credentials import assume_role_with_mfa, mfa_role

    role = mfa_role(target.profile)
    if role is None or pool.has_credentials(role.name):
        return
    for attempt in range(3):
        code = click.prompt(f"MFA code for {role.mfa_serial}", hide_input=True, err=True).strip()
        try:
            keys = await assume_role_with_mfa(pool.session(role.source_profile), role, code, clock,
                                              region=target.region, endpoint=target.endpoint)
        except ClientError as exc:
            click.echo(f"STS refused the code: {exc.response.get('Error', {}).get('Message', exc)}", err=True)
            continue
        pool.use_credentials(role.name, keys)
        return
    raise click.ClickException(f"no valid MFA code for profile {role.name} after 3 tries")


def run_reading(ctx: click.Context, read, refused=None):
    """`read(aws_context)` on a read-only pool (reading never changes anything) for the
    command's target. `refused(exc)` may turn an exception the service knows into the
    ClickException to exit with (None: not one of its own); AWS's failures exit 1 in words,
    never a traceback."""
    import asyncio

    from console.aws.clients import ClientPool
    from console.aws.context import AwsContext
    from console.aws.errors import describe_problem
    from console.clock import SystemClock

    target, _ = headless_target(ctx)
    clock = SystemClock()

    async def run():
        pool = ClientPool(clock, read_only=True)
        try:
            await ensure_mfa(pool, target, clock)
            return await read(AwsContext(pool, target))
        finally:
            await pool.close()

    try:
        return asyncio.run(run())
    except click.ClickException:
        raise
    except Exception as exc:
        said = refused(exc) if refused is not None else None
        if said is not None:
            raise said from None
        problem = describe_problem(exc, profile=target.profile, endpoint=target.endpoint)
        raise click.ClickException(problem.cli_message()) from None
