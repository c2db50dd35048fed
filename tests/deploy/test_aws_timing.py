"""Deploys against AWS's timing: metrics that arrive late, code updates that stay InProgress.

The embedded AWS follows the deploy's clock here (tests/clock.py SharedClock), with its
realism knobs on for each test: CloudWatch's ingestion delay (60 s, assumed: AWS
documents no figure) and Lambda's update window. The contracts themselves are in
tests/contract/; these tests show the deploy relying on them and nothing more.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from console.actions.base import PlanRefused
from console.demo import control
from console.services.lambda_.actions import LambdaDeploy
from console.services.lambda_.deploy.health import minute_end
from console.services.lambda_.deploy_cli import echo_event

from .conftest import run_for, settle, start

pytestmark = pytest.mark.asyncio


@pytest.fixture
def clock(shared_clock):
    """The deploy's clock is the embedded AWS's (the runner, audit and ctx fixtures use it)."""
    return shared_clock


def _count(functions, operation: str) -> int:
    counts = control.request_counts(functions.account.endpoint)
    return control.count_of(counts, "lambda", operation, account=functions.account.id)


async def test_the_canary_promotes_only_once_its_last_minute_is_final(functions, runner, source, clock, realism):
    realism(metric_delay=60)
    name = functions.create()  # Timeout 3 s (Lambda's default)
    events = []
    action = LambdaDeploy(name, directory=str(source), canary="10%:2m", listener=events.append)
    plan = await runner.prepare(action)
    assert "grace 1m03s: the function's timeout 3s + CloudWatch's delay 1m (assumed)" in plan.steps[2].description
    task = start(runner, action, plan)
    await settle(clock, task)
    shifted = clock.now()
    assert functions.traffic(name, shifted, 100) == {"1": (90, 0), "2": (10, 0)}  # visible a minute later
    final = minute_end(shifted + timedelta(minutes=2)) + timedelta(seconds=63)  # the window's last minute
    await run_for(clock, task, int((final - clock.now()).total_seconds()) - 1)
    assert not task.done() and functions.alias(name) == ("1", {"2": 0.1})
    assert [e.phase for e in events][-1] == "grace"
    await run_for(clock, task, 3)
    outcome = await task
    assert outcome.ok and functions.alias(name) == ("2", {})
    assert clock.now() >= final
    report = action.report()
    assert (report.new.invocations, report.new.partial_invocations) == (10, 0)


async def test_errors_above_the_limit_in_a_minute_still_arriving_roll_back_at_once(functions, runner, source, clock,
                                                                                  realism):
    realism(metric_delay=60)
    name = functions.create()
    action = LambdaDeploy(name, directory=str(source), canary="10%:10m")
    task = start(runner, action)
    await settle(clock, task)
    functions.fail(name, "2")
    assert functions.traffic(name, clock.now(), 100) == {"1": (90, 0), "2": (10, 10)}
    await run_for(clock, task, 59)
    assert not task.done()  # CloudWatch has not shown them yet
    await run_for(clock, task, 2)
    outcome = await task
    assert not outcome.ok and outcome.result.error.headline.startswith(
        "Rolled back automatically: 10 errors on version 2 (more than the 0 allowed)")
    report = action.report()
    assert (report.new.errors, report.new.partial_errors) == (0, 10)  # decided on a minute not yet final
    assert functions.alias(name) == ("1", {})


async def test_a_deploy_waits_for_the_update_and_publishes_after_it(functions, runner, source, clock, realism):
    realism(lambda_update_seconds=30)
    name = functions.create()
    action = LambdaDeploy(name, directory=str(source), grace="0s")
    task = start(runner, action)
    await run_for(clock, task, 15)
    assert not task.done()
    assert functions.lam.get_function_configuration(FunctionName=name)["LastUpdateStatus"] == "InProgress"
    assert functions.versions(name) == ["$LATEST", "1"]
    assert (_count(functions, "UpdateFunctionCode"), _count(functions, "PublishVersion")) == (1, 0)
    await run_for(clock, task, 20)
    outcome = await task
    assert outcome.ok, outcome
    assert functions.alias(name) == ("2", {}) and functions.versions(name) == ["$LATEST", "1", "2"]
    assert (_count(functions, "UpdateFunctionCode"), _count(functions, "PublishVersion")) == (1, 1)


async def test_a_plan_is_refused_while_someone_elses_update_is_in_progress(functions, runner, source, clock, realism):
    realism(lambda_update_seconds=30)
    name = functions.create()
    functions.lam.update_function_configuration(FunctionName=name, Description="someone else's change")
    with pytest.raises(PlanRefused, match=rf"an update of {name} is in progress \(LastUpdateStatus InProgress\)"):
        await runner.prepare(LambdaDeploy(name, directory=str(source)))
    await clock.advance(30)
    assert not (await runner.prepare(LambdaDeploy(name, directory=str(source)))).empty


async def test_a_conflict_during_the_deploy_is_reported_not_retried(functions, runner, source, clock, realism):
    realism(lambda_update_seconds=30)
    name = functions.create()
    old_sha = functions.sha(name)
    action = LambdaDeploy(name, directory=str(source), canary="10%:5m")
    plan = await runner.prepare(action)
    functions.lam.update_function_configuration(FunctionName=name, Description="someone else's change")
    outcome = await start(runner, action, plan)
    assert not outcome.ok and outcome.result.failed is plan.steps[0]
    headline = outcome.result.error.headline
    assert headline.startswith(f"Lambda refused to update the code of {name}: another update of it is in progress "
                               "(ResourceConflictException: The operation cannot be performed at this time. "
                               "An update is in progress for resource: arn:aws:lambda:")
    assert action.report().outcome == "failed"
    assert (_count(functions, "UpdateFunctionCode"), _count(functions, "PublishVersion")) == (1, 0)
    assert functions.sha(name) == old_sha and functions.versions(name) == ["$LATEST", "1"]
    assert functions.alias(name) == ("1", {})


async def test_each_minute_is_shown_as_it_arrives_and_again_when_final(functions, runner, source, clock, realism,
                                                                        capsys):
    """CloudWatch shows a minute 60 s late (realism); the watch reports it then, as a count
    so far, and once more when it is final; the figures never enter a rate before that."""
    realism(metric_delay=60)
    name = functions.create()
    events = []
    action = LambdaDeploy(name, directory=str(source), canary="10%:5m", max_errors=1, listener=events.append)
    cancel = asyncio.Event()
    task = start(runner, action, cancel=cancel)
    await settle(clock, task)
    shifted = clock.now()
    functions.fail(name, "2")
    functions.traffic(name, shifted, 10)  # version 2: 1 invocation, 1 error (within --max-errors 1)
    minute = f"{shifted:%H:%M}"

    def said(word: str) -> list[str]:
        return [e.message for e in events if e.message.startswith(f"minute {minute} {word}")]

    await run_for(clock, task, 50)
    assert not said("arriving")  # not visible in CloudWatch yet
    await run_for(clock, task, 15)
    assert said("arriving") == [f"minute {minute} arriving: version 2 (new) 1 invocation, 1 error so far; "
                                f"version 1 (old) 9 invocations, 0 errors so far"]
    assert events[-1].new.minute(minute_end(shifted) - timedelta(minutes=1)).final is False
    assert functions.alias(name) == ("1", {"2": 0.1})  # a count so far decides nothing
    final = minute_end(shifted) + timedelta(seconds=63)
    await run_for(clock, task, int((final - clock.now()).total_seconds()) + 10)
    assert said("final") == [f"minute {minute} final: version 2 (new) 1 invocation, 1 error (100.0%); "
                             f"version 1 (old) 9 invocations, 0 errors (0.0%)"]
    assert not task.done() and functions.alias(name) == ("1", {"2": 0.1})  # read back: still watching
    cancel.set()
    await run_for(clock, task, 3)
    assert not (await task).ok and functions.alias(name) == ("1", {})
    for event in events:  # what `opsdeck lambda deploy` prints as they come
        echo_event(event)
    printed = [line for line in capsys.readouterr().out.splitlines() if f"minute {minute}" in line]
    assert [line.split(" (", 1)[0] for line in printed] == [
        f"  [watching] minute {minute} arriving: version 2", f"  [watching] minute {minute} final: version 2"]
    assert printed[0].startswith(f"  [watching] {said('arriving')[0]}")  # then the time left
