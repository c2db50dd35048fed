"""SVG snapshots of the Step Functions panel and the executions screen, with known data and
a frozen clock: the app of tests/app (in-process sources); the executions screen's
ListExecutions and DescribeExecution answered with fixed pages, so nothing depends on the
network or on the time of day.

Update deliberately: `pytest tests/sfn_tui/test_snapshots.py --snapshot-update`, then
look at the SVGs.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

from console.services.stepfunctions.models import ExecutionDetails, ExecutionSummary, StateMachineMetrics
from screens.dashboard import DashboardScreen
from tests.app.conftest import T0, clock, estate, express_machine, machine, make_app, settle  # noqa: F401 - fixtures

SIZE = (160, 45)
ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:order-processing"
NOW = T0


def day_machine():
    """order-processing: a day of executions by status, its latest failure 40 minutes ago,
    an hour of metrics in five bars (failures in the last two)."""
    failure = ExecutionSummary(f"{ARN}:order-1007", "order-1007", "FAILED", NOW - timedelta(minutes=41),
                               NOW - timedelta(minutes=40))
    metrics = StateMachineMetrics(60, 61, 5, 1, 0, 1840.0, (10, 12, 11, 14, 14), (0, 0, 0, 2, 3), (0, 0, 0, 0, 1),
                                  (0, 0, 0, 0, 0), (900.0, 950.0, 1000.0, 2400.0, 3100.0))
    return replace(machine("order-processing", 7, "FAILED"), running=2, succeeded=131, recent=142,
                   timed_out=1, aborted=1, latest_failure=failure, metrics=metrics,
                   last_execution=ExecutionSummary(f"{ARN}:order-1010", "order-1010", "RUNNING",
                                                   NOW - timedelta(minutes=2), None))


def express_row(name: str, log_group: str):
    metrics = StateMachineMetrics(60, 2160, 130, 65, 0, 1930.0, (400, 420, 440, 450, 450), (10, 20, 30, 30, 40),
                                  (5, 10, 15, 15, 20), (0, 0, 0, 0, 0), (1800.0, 1900.0, 1950.0, 2000.0, 1990.0))
    return replace(express_machine(name, metrics), log_group=log_group)


async def loaded(pilot):
    await settle(pilot, 6)
    assert isinstance(pilot.app.screen, DashboardScreen)
    pilot.app.screen.show_panel(pilot.app.screen.panel("stepfunctions"))
    await settle(pilot, 3)


def test_step_functions_panel(snap_compare, make_app, estate):
    """Alone under its tab (a short terminal), so that its columns show side by side: the
    day by status, the hour's metrics with their bars, the EXPRESS rows' log groups."""
    estate.items["stepfunctions"] = (day_machine(), express_row("order-events", "/aws/vendedlogs/states/order-events"),
                                     express_row("audit-events", ""))
    assert snap_compare(make_app(read_only=True), terminal_size=(240, 14), run_before=loaded)


# the executions screen ---------------------------------------------------------------------------
def _executions() -> list[ExecutionSummary]:
    rows = []
    for i in range(30):
        start = NOW - timedelta(minutes=3 * i + 1)
        status = {3: "FAILED", 8: "TIMED_OUT", 12: "ABORTED", 0: "RUNNING"}.get(i, "SUCCEEDED")
        stop = None if status == "RUNNING" else start + timedelta(seconds=1.5 + i * 7)
        rows.append(ExecutionSummary(f"{ARN}:order-{1100 - i}", f"order-{1100 - i}", status, start, stop,
                                     1 if i == 3 else 0, NOW - timedelta(minutes=5) if i == 3 else None))
    return rows


def _details(arn: str) -> ExecutionDetails:
    execution = next(e for e in _executions() if e.arn == arn)
    failed = execution.status in ("FAILED", "TIMED_OUT", "ABORTED")
    order = {"orderId": execution.name, "items": [{"sku": "SKU-101", "qty": 2}], "note": "[bold]not markup[/]"}
    return ExecutionDetails(arn, execution.status, execution.stopped_at, json.dumps(order), execution.redrive_count,
                            "REDRIVABLE" if failed else "NOT_REDRIVABLE",
                            None if failed else "Execution is RUNNING and cannot be redriven"
                            if execution.status == "RUNNING" else "Execution is SUCCEEDED and cannot be redriven",
                            {"FAILED": "PaymentError", "TIMED_OUT": "States.Timeout",
                             "ABORTED": "Operator"}.get(execution.status), None)


def answer_executions(monkeypatch) -> None:
    from console.services.stepfunctions import executions as E

    async def list_page(ctx, machine_arn, size, token=None, status=None):
        rows = [e for e in _executions() if status in (None, e.status)]
        first = int(token or 0)
        return rows[first:first + size], (str(first + size) if first + size < len(rows) else None)

    async def describe_execution(ctx, arn):
        return _details(arn)

    monkeypatch.setattr(E, "list_page", list_page)
    monkeypatch.setattr(E, "describe_execution", describe_execution)


def open_executions(rows: int):
    """run_before: the executions of order-processing in pages of 20; `rows` loaded once
    settled (a page shorter than the screen reads the next at once: the screen fills)."""
    async def run(pilot):
        from screens.stepfunctions.executions import ExecutionsScreen

        await settle(pilot, 6)
        app = pilot.app
        await app.push_screen(ExecutionsScreen(day_machine(), page_size=20))
        for _ in range(6):
            await settle(pilot, 4)
            await pilot.pause(0.05)
        assert app.screen.table.row_count == rows
    return run


def test_executions_screen(snap_compare, make_app, monkeypatch):
    answer_executions(monkeypatch)
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=open_executions(30))


def test_executions_screen_80x24(snap_compare, make_app, monkeypatch):
    answer_executions(monkeypatch)
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=open_executions(20))
