"""The Step Functions panel through the whole app: a STANDARD machine's day by status and
latest failure, an EXPRESS machine's row saying why it has none and offering its log
group (`l` opens it in the log view)."""

from __future__ import annotations

from console.demo import control
from screens.log_view import LogViewScreen
from tests.lambda_tui.conftest import start_app
from tests.pilot import wait_until
from tests.sfn_tui.conftest import PASS, account, create, select_machine, start_runs, wait_for_statuses  # noqa: F401


def cell(app, name: str, column: str) -> str:
    table = app.screen.panel("stepfunctions").table
    key = next(item.key for item in table.items if item.name == name)
    return table.get_cell(key, column).plain


def logging_to(account, group: str) -> dict:
    arn = f"arn:aws:logs:us-east-1:{account.id}:log-group:{group}:*"
    return {"level": "ERROR", "includeExecutionData": False,
            "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": arn}}]}


async def test_a_standard_row_counts_the_day_by_status_with_its_latest_failure(account):
    machine = create(account, "orders")
    runs = start_runs(account, machine, [{"outcome": o} for o in ["ok", "fail", "ok", "wait", "wait"]])
    account.client("stepfunctions").stop_execution(executionArn=runs[4])
    wait_for_statuses(account, machine, {"SUCCEEDED": 2, "FAILED": 1, "RUNNING": 1, "ABORTED": 1})
    app = start_app(account.endpoint)
    try:
        async with app.run_test(size=(220, 40)) as pilot:
            await select_machine(pilot, app, "orders")
            columns = ("failed", "timed_out_day", "aborted_day", "running", "succeeded_day")
            assert [cell(app, "orders", c) for c in columns] == ["1/5", "0", "1", "1", "2"]
            latest = cell(app, "orders", "failure")
            assert latest.split()[0] in ("FAILED", "ABORTED") and latest.endswith(" ago")
    finally:
        account.client("stepfunctions").stop_execution(executionArn=runs[3])


async def test_an_express_row_says_so_and_l_opens_its_log_group(account):
    logs = account.client("logs")
    logs.create_log_group(logGroupName="/aws/vendedlogs/states/order-events")
    create(account, "order-events", "EXPRESS", PASS, loggingConfiguration=logging_to(
        account, "/aws/vendedlogs/states/order-events"))
    create(account, "unlogged", "EXPRESS", PASS)
    app = start_app(account.endpoint)
    async with app.run_test(size=(220, 40)) as pilot:
        await select_machine(pilot, app, "order-events")
        await wait_until(pilot, lambda: "…" not in cell(app, "order-events", "failure"))
        assert cell(app, "order-events", "last") == "n/a (EXPRESS)"
        assert cell(app, "order-events", "failure") == "n/a · l: logs"
        assert cell(app, "order-events", "log_group") == "/aws/vendedlogs/states/order-events"
        assert cell(app, "unlogged", "failure") == "n/a · logging off"
        assert control.count_of(control.request_counts(account.endpoint), "stepfunctions", "ListExecutions",
                                account.id) == 0
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, LogViewScreen))
        assert app.screen.groups == ("/aws/vendedlogs/states/order-events",)
        await wait_until(pilot, lambda: app.screen.state == "empty")
        await pilot.press("escape")
        await select_machine(pilot, app, "unlogged")
        await pilot.press("l")  # nothing to open: it says why
        await pilot.pause()
        assert not isinstance(app.screen, LogViewScreen)
