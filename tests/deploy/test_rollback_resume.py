"""lambda.rollback / lambda.promote, and finishing a deploy that a crash left open."""

from __future__ import annotations

import asyncio

import pytest

from console.services.lambda_.actions import LambdaDeploy, LambdaPromote, LambdaRollback
from console.actions.runner import Confirmation
from console.services.lambda_.actions import finish_open_deploy
from console.services.lambda_.deploy.resume import open_deploys

from .conftest import run_for, settle, start


async def test_rollback_to_the_version_before_the_last_deploy(functions, runner, audit, source):
    name = functions.create()
    assert (await start(runner, LambdaDeploy(name, directory=str(source), grace="0s"))).ok
    assert functions.alias(name) == ("2", {})
    action = LambdaRollback(name, audit=audit)
    plan = await runner.prepare(action)
    assert "version 2 -> version 1" in plan.steps[0].description and "audit trail" in plan.steps[0].description
    outcome = await runner.execute(action, plan, Confirmation(yes=True))
    assert outcome.ok and functions.alias(name) == ("1", {})


async def test_rollback_without_audit_uses_the_previous_published_version_and_to(functions, runner):
    name = functions.create()
    for _ in range(2):  # versions 2 and 3, alias moved by hand to 3
        functions.lam.update_function_code(FunctionName=name, ZipFile=b"PK\x05\x06" + b"\0" * 18 + bytes([_]))
        functions.lam.publish_version(FunctionName=name)
    functions.lam.update_alias(FunctionName=name, Name="live", FunctionVersion="3")
    plan = await runner.prepare(LambdaRollback(name))
    assert "version 3 -> version 2" in plan.steps[0].description and "previous published" in plan.steps[0].description
    action = LambdaRollback(name, to="1")
    assert (await runner.execute(action, await runner.prepare(action), Confirmation(yes=True))).ok
    assert functions.alias(name) == ("1", {})
    from console.actions.base import PlanRefused

    with pytest.raises(PlanRefused, match="--to: version 9 of .* does not exist"):
        await runner.prepare(LambdaRollback(name, to="9"))
    assert functions.alias(name) == ("1", {})


async def test_rollback_aborts_a_canary_in_progress(functions, runner, source, clock):
    """A canary running in another session: rollback moves the alias back, no weights."""
    name = functions.create()
    task = start(runner, LambdaDeploy(name, directory=str(source), canary="10%:5m", grace="0s"))
    await settle(clock, task)
    assert functions.alias(name) == ("1", {"2": 0.1})
    task.cancel()  # this session goes away without cleaning up
    with pytest.raises(asyncio.CancelledError):
        await task
    action = LambdaRollback(name)
    plan = await runner.prepare(action)
    assert "version 1 with 10% on 2 -> version 1 (no weights; abort the deploy in progress)" in plan.steps[0].description
    assert (await runner.execute(action, plan, Confirmation(yes=True))).ok
    assert functions.alias(name) == ("1", {})


async def crash_mid_canary(functions, runner, source, clock) -> str:
    name = functions.create()
    task = start(runner, LambdaDeploy(name, directory=str(source), canary="10%:5m", grace="0s"))
    await run_for(clock, task, 30)
    assert functions.alias(name) == ("1", {"2": 0.1})
    task.cancel()  # opsdeck dies: no `finished` record, weights left on the alias
    with pytest.raises(asyncio.CancelledError):
        await task
    return name


@pytest.mark.parametrize("decision, expected", [("abort", ("1", {})), ("promote", ("2", {}))])
async def test_resume_an_open_deploy(functions, runner, audit, source, clock, decision, expected):
    name = await crash_mid_canary(functions, runner, source, clock)
    found = open_deploys(audit)
    assert [(d.function, d.alias, d.old_version, d.new_version) for d in found] == [(name, "live", "1", "2")]
    outcome = await finish_open_deploy(runner, found[0], decision, Confirmation(yes=True))
    assert outcome.ok
    assert functions.alias(name) == expected
    assert open_deploys(audit) == []
    closing = [r for r in audit.records() if r.run == found[0].run and r.kind == "finished"]
    assert len(closing) == 1 and closing[0].result == ("ok" if decision == "promote" else "cancelled")
    assert closing[0].details["resolved"] == decision


async def test_promote_finishes_a_canary(functions, runner, source, clock):
    name = await crash_mid_canary(functions, runner, source, clock)
    action = LambdaPromote(name)
    plan = await runner.prepare(action)
    assert "version 1 with 10% on 2 -> version 2 (100%, no weights)" in plan.steps[0].description
    assert (await runner.execute(action, plan, Confirmation(yes=True))).ok
    assert functions.alias(name) == ("2", {})
