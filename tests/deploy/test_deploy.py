"""lambda.deploy over HTTP against the embedded server, time moved by a ManualClock.

Every test reads Lambda state back (alias routing, versions, CodeSha256) and asserts
figures it wrote itself through control.lambda_traffic.
"""

from __future__ import annotations

import shutil
import threading
from datetime import timedelta

import pytest

from console.services.lambda_.actions import LambdaDeploy
from console.services.lambda_.deploy.package import load_source

from .conftest import run_for, settle, start

pytestmark = pytest.mark.asyncio


def deploy(name, source, **options):
    events = []
    options.setdefault("grace", "0s")
    action = LambdaDeploy(name, directory=str(source), listener=events.append, **options)
    return action, events


async def test_deploy_all_at_once(functions, runner, audit, source, clock):
    name = functions.create()
    action, events = deploy(name, source)
    plan = await runner.prepare(action)
    expected_sha = load_source(directory=str(source)).code_sha256
    assert f"CodeSha256 {functions.sha(name, '1')} (version 1) -> {expected_sha}" in plan.steps[0].description
    assert "version 1 -> the new version (all traffic at once)" in plan.steps[-1].description
    outcome = await start(runner, action, plan)
    assert outcome.ok, outcome
    assert functions.alias(name) == ("2", {})
    assert functions.sha(name, "2") == expected_sha
    assert action.report().outcome == "promoted"
    assert [e.phase for e in events][:2] == ["updating", "publishing"] and events[-1].outcome == "promoted"
    records = list(audit.records())
    started = [r for r in records if r.kind == "started"][0]
    assert started.details["function"] == name and started.details["old_version"] == "1"
    assert started.details["alias"] == "live"
    assert [r.details for r in records if r.kind == "step" and r.details] == [{"new_version": "2"}]
    assert records[-1].kind == "finished" and records[-1].result == "ok"


async def test_same_source_gives_same_code_sha(functions, runner, source, tmp_path, clock):
    name = functions.create()
    copy = tmp_path / "copy"
    shutil.copytree(source, copy)  # new mtimes; and other permissions on one file
    (copy / "lib" / "util.py").chmod(0o600)
    first, second = load_source(directory=str(source)), load_source(directory=str(copy))
    assert first.zip_bytes == second.zip_bytes and first.code_sha256 == second.code_sha256
    action, _ = deploy(name, source)
    assert (await start(runner, action)).ok
    assert functions.sha(name, "2") == first.code_sha256  # what Lambda computed from our bytes
    again = await runner.prepare(LambdaDeploy(name, directory=str(copy)))
    assert again.empty and "already runs this code" in again.note
    assert functions.versions(name) == ["$LATEST", "1", "2"]  # nothing new published


async def test_canary_weights_mid_window_then_promotion(functions, runner, source, clock):
    name = functions.create()
    action, events = deploy(name, source, canary="10%:5m")
    task = start(runner, action)
    await settle(clock, task)
    assert functions.alias(name) == ("1", {"2": 0.1})  # read back mid-window
    assert functions.traffic(name, clock.now(), 100) == {"1": (90, 0), "2": (10, 0)}
    await run_for(clock, task, 150)
    assert not task.done() and functions.alias(name) == ("1", {"2": 0.1})  # still in the window
    watching = [e for e in events if e.phase == "watching" and e.new is not None]
    assert watching and watching[-1].new.invocations == 10 and watching[-1].weight == 0.1
    assert 0 < watching[-1].time_left < 300
    await run_for(clock, task, 200)
    outcome = await task
    assert outcome.ok and functions.alias(name) == ("2", {})
    report = action.report()
    assert report.outcome == "promoted" and (report.new.invocations, report.new.errors) == (10, 0)


async def test_linear_steps(functions, runner, source, clock):
    name = functions.create()
    action, _ = deploy(name, source, linear="25%:1m")
    task = start(runner, action)
    seen = []
    for expected in (0.25, 0.5, 0.75):
        await settle(clock, task)
        seen.append(functions.alias(name))
        assert seen[-1] == ("1", {"2": expected})
        functions.traffic(name, clock.now(), 20)
        await run_for(clock, task, 60)
    outcome = await task
    assert outcome.ok and functions.alias(name) == ("2", {})
    assert action.report().new.invocations == 5 + 10 + 15


async def test_automatic_rollback_when_the_new_version_fails(functions, runner, audit, source, clock):
    name = functions.create()
    action, events = deploy(name, source, canary="10%:5m")
    task = start(runner, action)
    await settle(clock, task)
    functions.fail(name, "2")  # the demo's control endpoint: version 2 fails
    assert functions.traffic(name, clock.now(), 100) == {"1": (90, 0), "2": (10, 10)}
    await run_for(clock, task, 11)  # the first health check, 10 s in: no waiting for the window
    assert task.done()
    outcome = await task
    assert not outcome.ok and clock.monotonic() <= 12
    assert outcome.result.error.headline.startswith("Rolled back automatically: 10 errors on version 2")
    assert functions.alias(name) == ("1", {})  # read back
    assert action.report().outcome == "rolled-back" and events[-1].outcome == "rolled-back"
    assert outcome.verify.ok
    steps = [r for r in audit.records() if r.kind == "step"]
    assert steps[-1].step.startswith("Move alias live of") and steps[-1].result == "applied"
    assert list(audit.records())[-1].result == "failed"


async def test_no_rollback_when_only_the_old_version_errors(functions, runner, source, clock):
    name = functions.create()
    action, _ = deploy(name, source, canary="10%:3m")
    task = start(runner, action)
    await settle(clock, task)
    functions.fail(name, "1")
    assert functions.traffic(name, clock.now(), 50) == {"1": (45, 45), "2": (5, 0)}
    await run_for(clock, task, 200)
    outcome = await task
    assert outcome.ok and functions.alias(name) == ("2", {})
    report = action.report()
    assert (report.old.errors, report.new.errors) == (45, 0)


async def test_no_promotion_without_traffic(functions, runner, source, clock):
    name = functions.create()
    action, _ = deploy(name, source, canary="10%:2m")
    task = start(runner, action)
    await run_for(clock, task, 130)
    outcome = await task
    assert not outcome.ok and "not enough traffic" in outcome.result.error.headline
    assert functions.alias(name) == ("1", {})


async def test_promotion_without_traffic_when_allowed(functions, runner, source, clock):
    name = functions.create()
    action, _ = deploy(name, source, canary="10%:2m", allow_no_traffic=True)
    task = start(runner, action)
    await run_for(clock, task, 130)
    assert (await task).ok and functions.alias(name) == ("2", {})


async def test_min_invocations_and_grace(functions, runner, source, clock):
    """A minute is final `grace` after it ends: traffic of the window that arrives late
    (Lambda stamps an invocation with its start) counts; the decision waits for it."""
    name = functions.create()
    action, events = deploy(name, source, canary="10%:1m", grace="2m", min_invocations=5)
    task = start(runner, action)
    await run_for(clock, task, 70)
    assert not task.done() and [e for e in events if e.phase == "grace"]  # window over, in grace
    functions.traffic(name, clock.now() - timedelta(seconds=40), 50)  # started in the window: 5 on version 2
    await run_for(clock, task, 130)
    assert (await task).ok and functions.alias(name) == ("2", {})


async def test_traffic_after_the_window_never_promotes(functions, runner, source, clock):
    """Traffic in a minute that is not final at the decision (here: after the window) is
    not counted towards --min-invocations: a minute still filling never promotes."""
    name = functions.create()
    action, _ = deploy(name, source, canary="10%:1m", grace="2m", min_invocations=5)
    task = start(runner, action)
    await run_for(clock, task, 70)
    functions.traffic(name, clock.now(), 50)  # 5 on version 2, in the minute after the window
    await run_for(clock, task, 130)
    outcome = await task
    assert not outcome.ok and "not enough traffic" in outcome.result.error.headline
    assert functions.alias(name) == ("1", {})
    assert action.report().new.partial_invocations == 5 and action.report().new.invocations == 0


async def test_abort_with_the_cancel_flag(functions, runner, audit, source, clock):
    name = functions.create()
    action, events = deploy(name, source, canary="10%:5m")
    cancel = threading.Event()
    task = start(runner, action, cancel=cancel)
    await run_for(clock, task, 30)
    assert functions.alias(name) == ("1", {"2": 0.1})
    cancel.set()
    await run_for(clock, task, 2)
    outcome = await task
    assert outcome.result.cancelled and not outcome.ok
    assert functions.alias(name) == ("1", {})
    assert action.report().outcome == "aborted"
    assert list(audit.records())[-1].result == "cancelled"


async def test_bad_inputs_change_nothing(functions, runner, source, tmp_path):
    from console.actions.base import PlanRefused

    name = functions.create()
    with pytest.raises(PlanRefused, match=r"--dir: directory '.*nope' does not exist"):
        LambdaDeploy(name, directory=str(tmp_path / "nope"))
    with pytest.raises(PlanRefused, match=r"--zip: file '.*missing.zip' does not exist"):
        LambdaDeploy(name, zip=str(tmp_path / "missing.zip"))
    for value, message in (("10:5m", r"--canary: expected PERCENT%:DURATION such as 10%:5m, got '10:5m'"),
                           ("150%:5m", r"--canary: the percentage must be more than 0 and less than 100"),
                           ("10%:5x", r"--canary: expected a duration such as 30s, 5m or 1h, got '5x'")):
        with pytest.raises(PlanRefused, match=message):
            LambdaDeploy(name, directory=str(source), canary=value)
    with pytest.raises(PlanRefused, match=r"--grace: expected a duration"):
        LambdaDeploy(name, directory=str(source), grace="soon")
    with pytest.raises(PlanRefused, match="function 'no-such-fn' does not exist"):
        await runner.prepare(LambdaDeploy("no-such-fn", directory=str(source)))
    with pytest.raises(PlanRefused, match="has no alias 'prod'"):
        await runner.prepare(LambdaDeploy(name, directory=str(source), alias="prod"))
    assert functions.alias(name) == ("1", {})
    assert functions.versions(name) == ["$LATEST", "1"]
    assert functions.sha(name) == functions.sha(name, "1")  # $LATEST's code untouched


async def test_image_source_refused_for_a_zip_function(functions, runner):
    from console.actions.base import PlanRefused

    name = functions.create()
    with pytest.raises(PlanRefused, match="is a Zip function"):
        await runner.prepare(LambdaDeploy(name, image="123456789012.dkr.ecr.us-east-1.amazonaws.com/app:2"))
    assert functions.versions(name) == ["$LATEST", "1"]
