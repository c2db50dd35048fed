"""Proof that read-only mode changes nothing: every action entry point is tried, and the
embedded server (simulator off) records no request outside the read-only allow-list.

The entry points are enumerated, never listed by hand: the action registry
(`console.registered_actions()`) and every click command under `console.cli.main` that
carries an `action_name`. Each action says how to aim it at the demo estate through
`example_arguments()` (constructor keyword arguments; the same names are the click
parameters of its command). An empty registry or command tree fails: it would make the
proof vacuous.

Requests are counted server-side in an account of the proof's own, seeded with the demo
estate. The requests the embedded AWS makes of itself are not opsdeck's and are left out:
the seeded executions' Lambda tasks go on invoking their functions in that account after
the counts are reset, as Step Functions would.
"""

from __future__ import annotations

import os
import random
from datetime import datetime, timezone
from typing import Any

import boto3
import click
import pytest
from click.testing import CliRunner

from console.aws.clients import ClientPool
from console.aws.context import AwsContext
from console.aws.errors import ErrorClass
from console.aws.readonly import ALLOWED, ReadOnlyViolation
from console.clock import ManualClock
from console.demo.control import request_counts, reset_request_counts
from console.demo.estate import ACCOUNT_HEADER
from console.target import Target
from tests.conftest import Account

REGION = "us-east-1"


# -- enumeration --------------------------------------------------------------------------------
def registry() -> dict[str, type]:
    from console.services import registered_actions

    found = dict(registered_actions())
    assert found, "console.registered_actions() is empty: the read-only proof would prove nothing"
    return found


def command_tree(group: click.Group, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], click.Command]:
    """Every command under `group`, recursively, by its path of names."""
    ctx = click.Context(group)
    found: dict[tuple[str, ...], click.Command] = {}
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None:
            continue
        found[path + (name,)] = command
        if isinstance(command, click.Group):
            found.update(command_tree(command, path + (name,)))
    return found


def mutating_commands() -> dict[tuple[str, ...], click.Command]:
    from console.cli import main

    found = {path: cmd for path, cmd in command_tree(main).items() if getattr(cmd, "action_name", None)}
    assert found, "no click command under `opsdeck` carries an action_name: the CLI proof would prove nothing"
    return found


def example(action_cls: type) -> dict[str, Any]:
    """The action's example_arguments(), or a skip that says what is missing."""
    make = getattr(action_cls, "example_arguments", None)
    if make is None:
        pytest.skip(f"{action_cls.__module__}.{action_cls.__name__} ({action_cls.name}) has no "
                    "example_arguments() classmethod: the read-only proof cannot aim it at the demo estate")
    return dict(make())


def _action_names() -> list[str]:
    try:
        return sorted(registry())
    except AssertionError:
        return ["<empty registry>"]


def _command_paths() -> list[tuple[str, ...]]:
    try:
        return sorted(mutating_commands())
    except AssertionError:
        return [("<no action commands>",)]


# -- the account the proof works in -------------------------------------------------------------
@pytest.fixture(scope="module")
def estate_account(embedded_aws) -> Account:
    """An account of the proof's own, with IAM keys that act in it, seeded with the demo estate."""
    from console.demo.seed import seed_estate

    endpoint = embedded_aws.endpoint
    account_id = f"{random.Random(os.getpid() + 1).randrange(10**9):09d}999"
    iam = boto3.client("iam", endpoint_url=endpoint, region_name=REGION,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    iam.meta.events.register("before-sign.iam.*",
                             lambda request, **_: request.headers.__setitem__(ACCOUNT_HEADER, account_id))
    iam.create_user(UserName="opsdeck-readonly-proof")
    key = iam.create_access_key(UserName="opsdeck-readonly-proof")["AccessKey"]
    seed_estate(endpoint, "small", account_id)
    return Account(account_id, key["AccessKeyId"], key["SecretAccessKey"], endpoint)


@pytest.fixture
def account(estate_account, monkeypatch) -> Account:
    estate_account.use(monkeypatch)
    reset_request_counts(estate_account.endpoint)
    return estate_account


def requests_of(account: Account) -> dict[tuple[str, str], int]:
    """(service, operation) -> count of the requests the server saw in `account`, but for
    those the embedded AWS made of itself."""
    counts = request_counts(account.endpoint)
    return {(r["service"], r["operation"]): r["count"] - r["embedded"] for r in counts["requests"]
            if r["account"] == account.id and r["count"] > r["embedded"]}


def assert_nothing_mutating(account: Account) -> dict[tuple[str, str], int]:
    seen = requests_of(account)
    outside = {pair: n for pair, n in seen.items() if pair not in ALLOWED}
    assert outside == {}, f"read-only mode let mutating requests reach the server: {outside}"
    return seen


def read_only_context(account: Account) -> AwsContext:
    clock = ManualClock(datetime(2026, 11, 27, 12, tzinfo=timezone.utc))
    return AwsContext(ClientPool(clock, read_only=True), Target(None, REGION, account.endpoint))


# -- the registry: the TUI and the CLI both run these objects ----------------------------------
def test_the_registry_is_not_empty():
    assert registry()


@pytest.mark.parametrize("name", _action_names())
async def test_every_registered_action_is_refused_through_the_runner(name, account, tmp_path):
    """The entry point both UIs use (run_action), even when told yes to everything."""
    from console.actions.runner import ActionRefused, Confirmation, run_action
    from console.actions.runner import Runner
    from console.audit import AuditLog

    action = registry()[name](**example(registry()[name]))
    ctx = read_only_context(account)
    try:
        runner = Runner(ctx, AuditLog(tmp_path / "audit.jsonl", ctx.clock), read_only=True)

        async def confirm(plan):
            return Confirmation(typed=plan.target_name, yes=True, i_know_protected=True)

        with pytest.raises((ActionRefused, ReadOnlyViolation)):
            await run_action(runner, action, confirm)
    finally:
        await ctx.pool.close()
    assert_nothing_mutating(account)


@pytest.mark.parametrize("name", _action_names())
async def test_every_registered_action_is_stopped_by_the_pool_itself(name, account):
    """Below the UI: skip the runner's own refusal and run the plan's steps (and their
    inverses) straight on a read-only pool. Each raises before a request is sent."""
    action_cls = registry()[name]
    action = action_cls(**example(action_cls))
    ctx = read_only_context(account)
    try:
        plan = await action.plan(ctx)  # reads only: allowed
        assert plan.steps, (f"{name}: example_arguments() must name a resource of the demo estate that the "
                            f"action would change, else this proof tries nothing ({plan.note})")
        for step in plan.steps:
            with pytest.raises(ReadOnlyViolation):
                await step.run(ctx)
            if step.revert is not None:
                with pytest.raises(ReadOnlyViolation):
                    await step.revert(ctx)
        result = await action.apply(ctx, plan)
        assert result.applied == [] and result.failed is plan.steps[0]
        assert result.error is not None and result.error.kind is ErrorClass.READ_ONLY
        assert result.error.headline.startswith("Read-only mode: opsdeck will not call ")
    finally:
        await ctx.pool.close()
    seen = assert_nothing_mutating(account)
    assert seen, f"{name}: its plan read nothing from the server, so this proved nothing"


# -- the click command tree ---------------------------------------------------------------------
def cli_arguments(command: click.Command, values: dict[str, Any]) -> list[str]:
    """Command-line arguments for `command` from the example's keyword arguments."""
    positional: list[str] = []
    options: list[str] = []
    for param in command.params:
        if param.name in ("yes", "i_know"):
            continue
        if param.name not in values:
            assert not param.required, f"{command.name}: the example gives no value for {param.name}"
            continue
        value = values[param.name]
        if isinstance(param, click.Argument):
            positional.append(str(value))
        elif getattr(param, "is_flag", False):
            if value:
                options.append(param.opts[0])
        else:
            options += [param.opts[0], str(value)]
    return positional + options


def run_cli(account: Account, path: tuple[str, ...], read_only_flag: bool) -> click.testing.Result:
    from console.services import registered_actions
    from console.cli import main

    command = mutating_commands()[path]
    assert command.action_name in registered_actions(), f"{' '.join(path)}: {command.action_name} is not registered"
    values = example(registered_actions()[command.action_name])
    args = ["--endpoint-url", account.endpoint, "--region", REGION]
    args += ["--read-only"] if read_only_flag else []
    names = {param.name for param in command.params}
    assert "yes" in names, f"{' '.join(path)}: a mutating command must take --yes"
    args += [*path, *cli_arguments(command, values), "--yes"]
    args += ["--i-know-this-is-protected"] if "i_know" in names else []
    return CliRunner().invoke(main, args)


def test_the_command_tree_has_action_commands():
    assert mutating_commands()


@pytest.mark.parametrize("path", _command_paths(), ids=" ".join)
def test_every_action_command_is_refused_with_read_only_flag(path, account):
    result = run_cli(account, path, read_only_flag=True)
    assert result.exit_code != 0, result.output
    assert "read-only" in result.output.lower(), result.output
    assert_nothing_mutating(account)


@pytest.mark.parametrize("path", _command_paths(), ids=" ".join)
def test_every_action_command_is_refused_for_a_read_only_profile(path, account):
    from console.config import config_dir

    config_dir().mkdir(parents=True, exist_ok=True)
    (config_dir() / "config.toml").write_text("[profiles.default]\nread_only = true\n", encoding="utf-8")
    result = run_cli(account, path, read_only_flag=False)
    assert result.exit_code != 0, result.output
    assert "read-only" in result.output.lower(), result.output
    assert_nothing_mutating(account)


def test_the_proof_tries_at_least_one_action():
    """Skips per action are allowed while actions gain example_arguments(); all of them
    skipped would leave the proof empty, and that must not pass."""
    aimed = [name for name, cls in registry().items() if hasattr(cls, "example_arguments")]
    assert aimed, ("no registered action has example_arguments(): the read-only proof tries nothing. "
                   "Add e.g. `@classmethod def example_arguments(cls): return {...}` naming a demo-estate "
                   "resource the action would change")


# -- the whole command tree ---------------------------------------------------------------
def leaf_commands() -> dict[tuple[str, ...], click.Command]:
    from console.cli import main

    return {path: cmd for path, cmd in command_tree(main).items() if not isinstance(cmd, click.Group)}


def test_every_command_says_whether_it_changes_aws():
    """A command that says nothing would escape the proof: reads_only or action_command(...)
    (console/actions/cli.py) must mark each one."""
    unmarked = [" ".join(path) for path, cmd in leaf_commands().items() if not hasattr(cmd, "aws_mutates")]
    assert unmarked == []


def test_every_mutating_command_is_a_registered_action():
    """Invoke included: no command changes AWS outside the plan, confirm and audit of an action."""
    others = [" ".join(path) for path, cmd in leaf_commands().items()
              if getattr(cmd, "aws_mutates", False) and not getattr(cmd, "action_name", None)]
    assert others == []
    assert ("lambda", "invoke") in mutating_commands()
