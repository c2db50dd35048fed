"""The executions screen of a STANDARD machine through the whole app: failed first, the
status filter read from AWS, `/` over names and inputs, pages read as the user scrolls,
DescribeExecution only for the rows on screen (counted by the embedded server), and the
look of each state."""

from __future__ import annotations

from console.demo import control
from screens.stepfunctions.execution import ExecutionScreen
from screens.stepfunctions.executions import ExecutionsScreen
from tests.lambda_tui.conftest import start_app
from tests.pilot import wait_until
from tests.sfn_tui.conftest import PASS, account, create, select_machine, start_runs, wait_for_statuses  # noqa: F401


def calls(account, operation: str) -> int:
    return control.count_of(control.request_counts(account.endpoint), "stepfunctions", operation, account.id)


def names(screen: ExecutionsScreen) -> list[str]:
    table = screen.table
    return [table.get_row(key)[1].plain for key in table.visible_keys]


def cell(screen: ExecutionsScreen, name: str, column: str) -> str:
    table = screen.table
    key = next(row.key for row in table.items if row.name == name)
    return table.get_cell(key, column).plain


def described(screen: ExecutionsScreen) -> bool:
    """Every row on screen has its DescribeExecution."""
    in_view = screen.table.keys_in_view()
    return bool(in_view) and in_view <= set(screen.pager.details)


async def open_executions(pilot, app, name: str) -> ExecutionsScreen:
    await select_machine(pilot, app, name)
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, ExecutionsScreen))
    return app.screen


async def test_enter_lists_the_executions_failed_first_with_their_details(account):
    machine = create(account, "orders")
    runs = start_runs(account, machine, [{"outcome": o, "order": i} for i, o in
                                         enumerate(["ok", "fail", "ok", "wait", "fail", "ok"])])
    wait_for_statuses(account, machine, {"SUCCEEDED": 3, "FAILED": 2, "RUNNING": 1})
    app = start_app(account.endpoint)
    try:
        async with app.run_test(size=(180, 30)) as pilot:
            screen = await open_executions(pilot, app, "orders")
            await wait_until(pilot, lambda: screen.table.row_count == 6 and described(screen)
                             and cell(screen, "run-01", "input") != "…")
            assert screen.state == "ok"
            assert app.focused is screen.table  # hidden while loading, it takes the keys once shown
            assert names(screen) == ["run-04", "run-01", "run-05", "run-03", "run-02", "run-00"]
            assert cell(screen, "run-01", "status") == "✗ FAILED"
            assert cell(screen, "run-01", "error") == "Rejected"
            assert cell(screen, "run-01", "input") == '{"outcome":"fail","order":1}'
            assert cell(screen, "run-03", "duration").startswith("running ")
            assert cell(screen, "run-00", "redrives") == "0"
            assert "status ALL" in screen.query_one("#executions-status").render().plain

            await pilot.press("down")  # run-01, the older failure
            # the cursor stays there through the screen's own refreshes (rows keyed by ARN)
            await wait_until(pilot, lambda: screen.table.selected_key == runs[1])
            await pilot.pause()
            assert screen.table.selected_key == runs[1]
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, ExecutionScreen))
            assert app.screen.execution_arn == runs[1]
    finally:
        account.client("stepfunctions").stop_execution(executionArn=runs[3])


async def test_pages_load_as_the_user_scrolls_and_only_rows_on_screen_are_described(account, monkeypatch):
    """Pages of 20 of 45 executions: one page when the screen opens, the next when the
    cursor reaches the last row; DescribeExecution for the rows that were on screen only."""
    from console.services.stepfunctions import executions

    monkeypatch.setattr(executions, "SCREEN_PAGE", 20)
    machine = create(account, "busy", definition=PASS)
    start_runs(account, machine, [{"n": i} for i in range(45)])
    wait_for_statuses(account, machine, {"SUCCEEDED": 45})
    app = start_app(account.endpoint)
    async with app.run_test(size=(140, 24)) as pilot:
        await select_machine(pilot, app, "busy")
        for _ in range(5):
            await pilot.pause()
        control.reset_request_counts(account.endpoint)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ExecutionsScreen))
        screen = app.screen
        await wait_until(pilot, lambda: screen.table.row_count == 20 and described(screen))
        for _ in range(5):
            await pilot.pause()
        in_view = len(screen.table.keys_in_view())
        assert 5 < in_view < 20
        assert calls(account, "ListExecutions") == 1
        assert calls(account, "DescribeExecution") == in_view == len(screen.pager.details)

        await pilot.press("end")  # the last row loaded: the next page
        await wait_until(pilot, lambda: screen.table.row_count == 40)
        assert calls(account, "ListExecutions") == 2
        await wait_until(pilot, lambda: described(screen))
        await pilot.press("end")
        await wait_until(pilot, lambda: screen.table.row_count == 45)
        await wait_until(pilot, lambda: "all loaded" in screen.query_one("#executions-status").render().plain)
        await wait_until(pilot, lambda: described(screen))
        assert calls(account, "ListExecutions") == 3
        assert calls(account, "DescribeExecution") == len(screen.pager.details) < 45
        await pilot.press("end")
        for _ in range(5):
            await pilot.pause()
        assert calls(account, "ListExecutions") == 3  # nothing more to read


async def test_the_status_filter_reads_each_status_from_aws_and_slash_filters_names_and_inputs(account):
    machine = create(account, "mixed")
    start_runs(account, machine, [{"outcome": "ok", "customer": "globex"}] * 3
               + [{"outcome": "fail", "customer": "acme"}, {"outcome": "fail", "customer": "initech"}])
    wait_for_statuses(account, machine, {"SUCCEEDED": 3, "FAILED": 2})
    app = start_app(account.endpoint)
    async with app.run_test(size=(180, 30)) as pilot:
        screen = await open_executions(pilot, app, "mixed")
        await wait_until(pilot, lambda: screen.table.row_count == 5 and described(screen))

        await pilot.press("f")  # RUNNING: none
        await wait_until(pilot, lambda: screen.state == "empty")
        assert screen.query_one("#executions-notice").render().plain.startswith("no RUNNING executions of mixed")
        await pilot.press("f")  # SUCCEEDED
        await wait_until(pilot, lambda: screen.state == "ok" and screen.table.row_count == 3)
        assert {cell(screen, n, "status") for n in names(screen)} == {"✓ SUCCEEDED"}
        await pilot.press("f")  # FAILED
        await wait_until(pilot, lambda: screen.state == "ok" and names(screen) == ["run-04", "run-03"])
        for _ in range(4):  # TIMED_OUT, ABORTED, PENDING_REDRIVE, ALL
            await pilot.press("f")
        await wait_until(pilot, lambda: screen.pager.status is None and screen.table.row_count == 5)
        await wait_until(pilot, lambda: described(screen))

        await pilot.press("slash")
        await pilot.press(*"acme")
        await wait_until(pilot, lambda: names(screen) == ["run-03"])  # by its input
        await pilot.press("escape")
        await pilot.press("slash")
        await pilot.press(*"run-0")
        await wait_until(pilot, lambda: screen.table.row_count == 5)
        await pilot.press(*"2")
        await wait_until(pilot, lambda: names(screen) == ["run-02"])  # by its name


async def test_access_denied_is_explained(account):
    create(account, "secret")
    app = start_app(account.endpoint)
    try:
        async with app.run_test(size=(140, 30)) as pilot:
            await select_machine(pilot, app, "secret")
            control.deny(account.endpoint, account.access_key, "stepfunctions", "ListExecutions")
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, ExecutionsScreen))
            screen = app.screen
            await wait_until(pilot, lambda: screen.state == "denied")
            notice = screen.query_one("#executions-notice").render().plain
            assert notice.startswith("Access denied: this identity may not list this machine's executions")
            assert not screen.table.display
    finally:
        control.clear_denials(account.endpoint)


async def test_an_empty_machine_says_so_and_hostile_input_stays_literal(account):
    create(account, "quiet")
    machine = create(account, "hostile", definition=PASS)
    start_runs(account, machine, [{"note": "[bold red]not markup[/] \x1b[31mnot red\x07"}])
    wait_for_statuses(account, machine, {"SUCCEEDED": 1})
    app = start_app(account.endpoint)
    async with app.run_test(size=(180, 30)) as pilot:
        screen = await open_executions(pilot, app, "quiet")
        await wait_until(pilot, lambda: screen.state == "empty")
        assert screen.query_one("#executions-notice").render().plain == "no executions of quiet"
        await pilot.press("escape")
        screen = await open_executions(pilot, app, "hostile")
        await wait_until(pilot, lambda: screen.table.row_count == 1 and described(screen))
        shown = screen.table.get_cell(screen.table.visible_keys[0], "input")
        assert shown.plain == '{"note":"[bold red]not markup[/] \\u001b[31mnot red\\u0007"}'
        assert not shown.spans  # no style from the text


async def test_throttling_keeps_the_rows_says_so_and_recovers(account):
    """Every Step Functions call throttled (the fault proxy answers ThrottlingException as AWS
    does) after the first page: the rows stay, the status line says AWS is throttling; when it
    stops, the next read clears it. Before anything is read, the notice says so."""
    from console.demo.faultproxy import FaultProxy

    machine = create(account, "busy", definition=PASS)
    start_runs(account, machine, [{"n": i} for i in range(3)])
    wait_for_statuses(account, machine, {"SUCCEEDED": 3})
    with FaultProxy(account.endpoint, seed=5) as proxy:
        app = start_app(proxy.endpoint)
        async with app.run_test(size=(160, 30)) as pilot:
            screen = await open_executions(pilot, app, "busy")
            await wait_until(pilot, lambda: screen.state == "ok" and screen.table.row_count == 3)
            proxy.set(throttle=1.0, services=["stepfunctions"])
            await pilot.press("ctrl+r")
            await wait_until(pilot, lambda: screen.state == "throttled", rounds=1200, clock=app.clock, step=0.5)
            status = screen.query_one("#executions-status").render().plain
            assert "throttled by AWS, backing off, rows " in status and screen.table.row_count == 3
            proxy.off()
            await wait_until(pilot, lambda: screen.state == "ok", rounds=1200, clock=app.clock, step=1.0)

            await pilot.press("escape")
            proxy.set(throttle=1.0, services=["stepfunctions"])
            await select_machine(pilot, app, "busy")
            await pilot.press("enter")
            fresh = await wait_until(pilot, lambda: isinstance(app.screen, ExecutionsScreen) and app.screen)
            await wait_until(pilot, lambda: fresh.state == "throttled", rounds=1200, clock=app.clock, step=0.5)
            assert fresh.query_one("#executions-notice").render().plain.startswith("throttled by AWS before")
            proxy.off()
