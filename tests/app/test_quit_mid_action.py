"""`q` while the generic confirmation modal applies a plan asks before it quits (issue 9,
item 2): abort stops after the step in progress and undoes the steps applied, then quits;
leave quits at once, the run stays open in the audit trail and the next start says so.

The step is held in flight by the fault proxy: its DisableRule calls are throttled, and
botocore's retry delays wait on the ManualClock, which only the test moves. Rules are read
back with boto3 straight from the embedded AWS."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from console.app import OpsdeckApp
from console.audit import AuditLog
from console.aws.clients import ClientPool
from console.clock import ManualClock
from console.demo.faultproxy import FaultProxy
from console.target import Target
from screens.confirm import ConfirmActionScreen, start_guarded_action
from screens.dashboard import DashboardScreen
from tests.actions.test_partial import DisableBoth
from tests.deploy_tui.test_quit_mid_canary import ask_to_quit, until_exited
from tests.pilot import click, wait_until


@pytest.fixture
def rules(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    events = fresh_account.client("events")
    for name in ("first", "second"):
        events.put_rule(Name=name, ScheduleExpression="rate(1 hour)", State="ENABLED")
    return lambda: {name: events.describe_rule(Name=name)["State"] for name in ("first", "second")}


async def applying(pilot, app, proxy: FaultProxy) -> ConfirmActionScreen:
    """The plan confirmed and its first step in flight, held by throttling."""
    await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
    start_guarded_action(app.screen, DisableBoth("first", "second"))
    modal = await wait_until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen)
                             and app.screen.query("#confirm-apply") and app.screen)
    proxy.set(services=["events"], throttle=1.0)
    await click(pilot, "#confirm-apply")
    await wait_until(pilot, lambda: proxy.count("events", "DisableRule") > 0)
    assert modal.state == "applying"
    return modal


def start(proxy: FaultProxy, clock: ManualClock) -> OpsdeckApp:
    return OpsdeckApp(Target(None, "us-east-1", proxy.endpoint), ClientPool(clock), clock, sources={})


async def test_abort_undoes_the_applied_steps_then_quits(fresh_account, rules):
    clock = ManualClock(datetime.now(timezone.utc).replace(microsecond=0))
    with FaultProxy(fresh_account.endpoint) as proxy:
        app = start(proxy, clock)
        async with app.run_test(size=(160, 45)) as pilot:
            modal = await applying(pilot, app, proxy)
            ask = await ask_to_quit(pilot, app, "ctrl+q")  # a modal's q is not the app's: ctrl+q is
            question = str(ask.query_one("#quit-question").render())
            assert "Abort: it stops after the step in progress and the steps already applied are undone" in question
            await click(pilot, "#quit-abort")
            proxy.off()
            await until_exited(app, clock)
            assert modal.outcome is not None and modal.outcome.ok  # the undo's outcome
    assert rules() == {"first": "ENABLED", "second": "ENABLED"}  # as before the plan
    audit = AuditLog(None, clock)
    finished = [(r.phase, r.result, r.steps) for r in audit.records() if r.kind == "finished"]
    assert finished == [
        ("apply", "cancelled", ["Disable rule first on bus default: ENABLED -> DISABLED"]),  # stopped after step 1
        ("undo", "ok", ["Enable rule first on bus default: DISABLED -> ENABLED"]),  # and moved back
    ]
    assert audit.unfinished() == []


async def test_leave_quits_and_the_next_start_reports_the_run_left_open(fresh_account, rules):
    clock = ManualClock(datetime.now(timezone.utc).replace(microsecond=0))
    with FaultProxy(fresh_account.endpoint) as proxy:
        app = start(proxy, clock)
        async with app.run_test(size=(160, 45)) as pilot:
            await applying(pilot, app, proxy)
            await ask_to_quit(pilot, app, "ctrl+q")
            await click(pilot, "#quit-leave")
            await until_exited(app, clock)
        proxy.off()
        assert [run.started.action for run in AuditLog(None, clock).unfinished()] == ["test.disable-both"]

        again = start(proxy, clock)
        async with again.run_test(size=(160, 45)) as pilot:
            await wait_until(pilot, lambda: any("left unfinished" in (n.title or "")
                                                for n in again._notifications))
    assert rules()["second"] == "ENABLED"  # never reached
