"""The Step Functions actions through the whole app (Pilot) on the embedded server: the
start modal pre-filled from a past execution's input, checked before sending, confirmed
in the generic modal; stop with error and cause; the results read back with boto3.

The panel and execution screens that bind keys to these belong to other modules: these
tests call the entry points those keys run (open_start_execution, open_stop_execution,
open_redrive_execution) on the real panel, as the key would."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from textual.widgets import Input, Static

from console.app import OpsdeckApp
from console.aws.clients import ClientPool
from console.clock import ManualClock
from console.target import Target
from screens.confirm import ConfirmActionScreen
from screens.dashboard import DashboardScreen
from screens.stepfunctions.execution_actions import (
    StopExecutionScreen,
    open_redrive_execution,
    open_stop_execution,
)
from screens.stepfunctions.start import StartExecutionScreen, open_start_execution
from tests.pilot import click, wait_until

from .conftest import ECHO, HOLD, audit_records, entered


def start_app(endpoint: str, read_only: bool = False) -> OpsdeckApp:
    clock = ManualClock(datetime.now(timezone.utc).replace(microsecond=0))
    return OpsdeckApp(Target(None, "us-east-1", endpoint), ClientPool(clock), clock, read_only=read_only)


async def machine_row(pilot, app, name: str):
    """The Step Functions panel (once it lists `name`) and that machine's row."""
    await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
    panel = app.screen.panel("stepfunctions")
    row = await wait_until(pilot, lambda: next((i for i in panel.table.items if i.name == name), None))
    return panel, row


async def modal(pilot, app, cls, part: str):
    """The modal of type `cls` once `part` of it is mounted (a screen is current before its
    widgets are, and a container before what it holds)."""
    return await wait_until(pilot, lambda: isinstance(app.screen, cls) and app.screen.query(part) and app.screen)


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_start(pilot, app, name: str) -> StartExecutionScreen:
    panel, row = await machine_row(pilot, app, name)
    open_start_execution(panel, row.arn, row.name)
    return await modal(pilot, app, StartExecutionScreen, "#start-buttons")


async def test_start_prefills_the_newest_input_and_starts_with_the_edited_one(machines, tmp_path):
    machine = machines.create(ECHO, "orders")
    machines.settled(machines.start(machine, {"orderId": "o-1"}, name="first"))
    machines.settled(machines.start(machine, {"orderId": "o-2", "amount": 5}, name="second"))
    app = start_app(machines.account.endpoint)
    async with app.run_test(size=(140, 45)) as pilot:
        start = await open_start(pilot, app, "orders")
        await wait_until(pilot, lambda: start.state == "ready" and '"o-2"' in start.editor.text)
        assert json.loads(start.editor.text) == {"orderId": "o-2", "amount": 5}  # the newest's, from DescribeExecution
        assert "Input of second" in start.message_text()
        start.editor.load_text('{"orderId": "o-3"}')
        start.query_one("#start-name", Input).value = "third"
        await pilot.press("f5")
        confirm = await modal(pilot, app, ConfirmActionScreen, "#confirm-plan")
        assert "Start execution third of orders (STANDARD) with an input of 18 bytes" in text_of(app, "#confirm-plan")
        await click(pilot, "#confirm-apply")
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        assert confirm.outcome is not None and confirm.outcome.ok
    arn = machine.replace(":stateMachine:", ":execution:") + ":third"
    assert start.execution_arn == arn
    assert json.loads(machines.describe(arn)["input"]) == {"orderId": "o-3"}
    assert [r["kind"] for r in audit_records(tmp_path)] == ["started", "step", "finished"]


async def test_start_choosing_another_past_execution_loads_its_input(machines):
    machine = machines.create(ECHO, "orders")
    machines.settled(machines.start(machine, {"pick": "older"}, name="older"))
    machines.settled(machines.start(machine, {"pick": "newer"}, name="newer"))
    app = start_app(machines.account.endpoint)
    async with app.run_test(size=(140, 45)) as pilot:
        start = await open_start(pilot, app, "orders")
        await wait_until(pilot, lambda: '"newer"' in start.editor.text)
        older = machine.replace(":stateMachine:", ":execution:") + ":older"
        start.query_one("#start-from").value = older
        await wait_until(pilot, lambda: '"older"' in start.editor.text)
        start.query_one("#start-name", Input).value = "older"  # taken: STANDARD names last 90 days
        await pilot.press("f5")
        await wait_until(pilot, lambda: "Name: an execution named 'older' already exists" in start.message_text())
        assert app.screen is start and start.state == "ready"
    assert len(machines.executions(machine)) == 2


async def test_start_bad_json_is_said_at_the_field_and_nothing_is_sent(machines):
    machine = machines.create(ECHO, "orders")
    app = start_app(machines.account.endpoint)
    async with app.run_test(size=(140, 45)) as pilot:
        start = await open_start(pilot, app, "orders")
        await wait_until(pilot, lambda: start.state == "ready")
        assert "No past executions" in start.message_text() and start.editor.text == "{}"
        start.editor.load_text('{\n  "orderId": "o-1",,\n}')
        await pilot.press("f5")
        await pilot.pause()
        said = start.message_text()
        assert "Input: invalid JSON at line 2, column 20: Expecting property name enclosed in double quotes" in said
        assert "Nothing was sent" in said
        assert start.editor.cursor_location == (1, 19)  # the cursor at the fault
        assert app.screen is start  # no confirmation asked
        start.editor.load_text('{"orderId": "o-1"}')
        await wait_until(pilot, lambda: start.message_text() == "")  # fixed: the error goes
        start.query_one("#start-name", Input).value = "bad name"
        await pilot.press("f5")
        await pilot.pause()
        assert "Name: expected no spaces" in start.message_text()
        assert app.screen is start
    assert machines.executions(machine) == []


async def test_start_is_refused_in_read_only_mode(machines):
    machine = machines.create(ECHO, "orders")
    app = start_app(machines.account.endpoint, read_only=True)
    async with app.run_test(size=(140, 45)) as pilot:
        start = await open_start(pilot, app, "orders")
        assert "Read-only mode: opsdeck will not call states:StartExecution" in start.message_text()
        await pilot.press("f5")
        await pilot.pause()
        assert app.screen is start
    assert machines.executions(machine) == []


async def test_stop_asks_error_and_cause_then_aborts(machines, tmp_path):
    machine = machines.create(HOLD, "holder")
    execution = machines.start(machine, name="long")
    app = start_app(machines.account.endpoint)
    async with app.run_test(size=(140, 45)) as pilot:
        panel, _ = await machine_row(pilot, app, "holder")
        open_stop_execution(panel, execution)
        stop = await modal(pilot, app, StopExecutionScreen, "#stop-buttons")
        stop.query_one("#stop-error", Input).value = "E" * 257
        await click(pilot, "#stop-go")
        assert "Error: expected at most 256 characters, got 257" in stop.message_text()
        stop.query_one("#stop-error", Input).value = "Ops.Manual"
        stop.query_one("#stop-cause", Input).value = "gateway down"
        await click(pilot, "#stop-go")
        confirm = await modal(pilot, app, ConfirmActionScreen, "#confirm-plan")
        assert ("Stop execution long of holder: RUNNING -> ABORTED (error 'Ops.Manual', cause 'gateway down')"
                in text_of(app, "#confirm-plan"))
        assert machines.describe(execution)["status"] == "RUNNING"  # nothing before confirming
        await click(pilot, "#confirm-apply")
        await wait_until(pilot, lambda: confirm.state == "done")
        assert "Done: 1/1 steps applied and verified" in text_of(app, "#confirm-result")
    described = machines.describe(execution)
    assert (described["status"], described.get("error"), described.get("cause")) == (
        "ABORTED", "Ops.Manual", "gateway down")
    assert [(r["kind"], r["target"]) for r in audit_records(tmp_path)] == [
        ("started", execution), ("step", execution), ("finished", execution)]


async def test_redrive_shows_what_runs_again_and_counts_the_redrive(machines, failed_at_charge, tmp_path):
    execution = failed_at_charge
    app = start_app(machines.account.endpoint)
    async with app.run_test(size=(140, 45)) as pilot:
        panel, _ = await machine_row(pilot, app, "redrivable")
        open_redrive_execution(panel, execution)
        confirm = await modal(pilot, app, ConfirmActionScreen, "#confirm-plan")
        plan = text_of(app, "#confirm-plan")
        assert "Redrive execution order-1 of redrivable: FAILED -> RUNNING (redrive 1); re-runs Charge" in plan
        assert "WARNING: It ended FAILED" in plan
        assert machines.describe(execution)["redriveCount"] == 0  # nothing before confirming
        await click(pilot, "#confirm-apply")
        await wait_until(pilot, lambda: confirm.state == "done")
        assert "Done: 1/1 steps applied and verified" in text_of(app, "#confirm-result")
    described = machines.settled(execution, statuses=("SUCCEEDED", "FAILED"))
    assert (described["status"], described["redriveCount"]) == ("SUCCEEDED", 1)
    assert entered(machines, execution, "Prepare") == 1
    assert [r["action"] for r in audit_records(tmp_path)] == ["stepfunctions.redrive-execution"] * 3


async def test_redrive_of_a_running_execution_says_why_not(machines):
    execution = machines.start(machines.create(HOLD, "holder"), name="still")
    app = start_app(machines.account.endpoint)
    async with app.run_test(size=(140, 45)) as pilot:
        panel, _ = await machine_row(pilot, app, "holder")
        open_redrive_execution(panel, execution)
        note = await wait_until(pilot, lambda: list(app._notifications))
        assert note[0].title == "stepfunctions.redrive-execution not started"
        assert note[0].message == ("execution still cannot be redriven: it is RUNNING; only FAILED, TIMED_OUT or "
                                   "ABORTED executions can be redriven")
        assert not isinstance(app.screen, ConfirmActionScreen)
    assert machines.describe(execution)["redriveCount"] == 0
