"""The Step Functions actions (screens.stepfunctions.start and execution_actions) on their
keys: `s` on the panel and the executions screen, `x` and `R` on an execution row; the
result read back from the embedded AWS; read-only mode hides the keys."""

from __future__ import annotations

from textual.widgets import Input

from screens.confirm import ConfirmActionScreen
from screens.stepfunctions.execution_actions import StopExecutionScreen
from screens.stepfunctions.executions import ExecutionsScreen
from screens.stepfunctions.start import StartExecutionScreen
from tests.lambda_tui.conftest import start_app
from tests.pilot import click, wait_until
from tests.sfn_tui.conftest import account, create, select_machine, start_runs, wait_for_statuses  # noqa: F401


async def open_executions(pilot, app, name: str) -> ExecutionsScreen:
    await select_machine(pilot, app, name)
    await pilot.press("enter")
    screen = await wait_until(pilot, lambda: isinstance(app.screen, ExecutionsScreen) and app.screen)
    await wait_until(pilot, lambda: screen.table.row_count > 0)
    return screen


def select(screen: ExecutionsScreen, name: str) -> None:
    assert screen.table.select_key(next(row.key for row in screen.table.items if row.name == name))


async def test_s_on_the_panel_and_on_the_executions_screen_opens_the_start_modal(account):
    create(account, "orders")
    app = start_app(account.endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        await select_machine(pilot, app, "orders")
        await pilot.press("s")
        start = await wait_until(pilot, lambda: isinstance(app.screen, StartExecutionScreen) and app.screen)
        assert start.machine_arn.endswith(":orders")
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, StartExecutionScreen))


async def test_x_stops_the_selected_execution_and_the_list_shows_it_aborted(account):
    machine = create(account, "holder")
    runs = start_runs(account, machine, [{"outcome": "wait"}, {"outcome": "ok"}])
    wait_for_statuses(account, machine, {"RUNNING": 1, "SUCCEEDED": 1})
    app = start_app(account.endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_executions(pilot, app, "holder")
        select(screen, "run-00")
        await pilot.press("x")
        stop = await wait_until(pilot, lambda: isinstance(app.screen, StopExecutionScreen)
                                and app.screen.query("#stop-buttons") and app.screen)
        stop.query_one("#stop-error", Input).value = "Ops.Manual"
        await click(pilot, "#stop-go")
        confirm = await wait_until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen)
                                   and app.screen.query("#confirm-plan") and app.screen)
        await click(pilot, "#confirm-apply")
        await wait_until(pilot, lambda: confirm.state == "done")
        described = account.client("stepfunctions").describe_execution(executionArn=runs[0])
        assert (described["status"], described.get("error")) == ("ABORTED", "Ops.Manual")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: screen.table.get_cell(runs[0], "status").plain == "■ ABORTED")


async def test_r_on_a_running_execution_says_it_cannot_be_redriven(account):
    machine = create(account, "holder")
    runs = start_runs(account, machine, [{"outcome": "wait"}])
    wait_for_statuses(account, machine, {"RUNNING": 1})
    app = start_app(account.endpoint)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            screen = await open_executions(pilot, app, "holder")
            select(screen, "run-00")
            await pilot.press("R")
            note = await wait_until(pilot, lambda: list(app._notifications))
            assert "it is RUNNING" in note[0].message
            assert app.screen is screen
    finally:
        account.client("stepfunctions").stop_execution(executionArn=runs[0])


async def test_read_only_hides_the_action_keys(account):
    machine = create(account, "holder")
    start_runs(account, machine, [{"outcome": "ok"}])
    wait_for_statuses(account, machine, {"SUCCEEDED": 1})
    app = start_app(account.endpoint, read_only=True)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_executions(pilot, app, "holder")
        shown = {key for key, active in screen.active_bindings.items() if active.enabled}
        assert "f" in shown and not {"s", "x", "R"} & shown
        await pilot.press("x")
        await pilot.pause()
        assert app.screen is screen
