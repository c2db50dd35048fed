"""The execution screen in the real app, over HTTP to the embedded AWS: executions run for
real in the test's own account, the screen reads their history through its feed; `n`,
`p`, `f`, `]`/`[` step through it; the side panels show the current state; `l` opens the
Lambda function's logs; a running execution is read again until it ends."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from console.app import OpsdeckApp
from console.aws.clients import ClientPool
from console.clock import ManualClock
from console.services.stepfunctions.steps import StepStatus
from console.target import Target
from screens.dashboard import DashboardScreen
from screens.log_view import LogViewScreen
from screens.stepfunctions.execution import POLL_SECONDS, ExecutionScreen
from tests.pilot import wait_until
from tests.sfn_history.conftest import failing, invoke

HOSTILE = "\x1b]52;c;cGF3bmVk\x07[bold]x[/]"


def app_for(runs) -> OpsdeckApp:
    clock = ManualClock(datetime.now(timezone.utc).replace(microsecond=0))
    return OpsdeckApp(Target(None, "us-east-1", runs.account.endpoint, demo=True), ClientPool(clock), clock,
                      sources={})


async def open_execution(pilot, app: OpsdeckApp, arn: str) -> ExecutionScreen:
    await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen)
                     and not any(w.group == "connect" and not w.is_finished for w in app.workers))
    screen = ExecutionScreen(arn)
    await app.push_screen(screen)
    await wait_until(pilot, lambda: screen.history is not None and screen.sections["graph"].state != "loading",
                     clock=app.clock)
    await pilot.pause()
    return screen


def text_of(screen: ExecutionScreen, key: str) -> str:
    from rich.console import Console

    console = Console(width=200, record=True, color_system=None, file=open("/dev/null", "w"))
    console.print(screen.panels[key].render())
    return console.export_text()


def failed_order(runs) -> str:
    definition = {"StartAt": "Validate", "States": {
        "Validate": {"Type": "Pass", "Next": "Charge"},
        "Charge": {**invoke(runs.function_arn), "Next": "Ship"},
        "Ship": {"Type": "Succeed"}}}
    return runs.run("order", definition, {**failing("card declined"), "note": HOSTILE})


async def test_n_p_and_f_step_through_the_states_and_the_panels_follow(runs):
    arn = failed_order(runs)
    app = app_for(runs)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_execution(pilot, app, arn)
        assert [v.name for v in screen.history.steps] == ["Validate", "Charge"]
        assert screen.visit.name == "Validate" and screen.steps.cursor_row == 0
        assert '"note": ' in text_of(screen, "input")  # pretty-printed JSON
        assert screen.sections["error"].state == "empty"

        await pilot.press("n")
        assert screen.visit.name == "Charge" and screen.steps.cursor_row == 1
        assert screen.graph.selected == "Charge"
        summary = text_of(screen, "summary")
        assert "Charge (Task)" in summary and "failed" in summary and "pay-" in summary
        error = text_of(screen, "error")
        assert "message card declined" in " ".join(error.split())
        assert "type    Error" in error
        assert '"FunctionName"' in text_of(screen, "parameters")
        assert screen.sections["output"].notice_text == "no output: the state did not complete"

        await pilot.press("p")
        assert screen.visit.name == "Validate"
        await pilot.press("f")
        assert screen.visit.name == "Charge"
        await pilot.press("n")  # the last state: stays
        assert screen.visit.name == "Charge"
        outcomes = screen.graph.outcomes
        assert outcomes["Charge"].status == StepStatus.FAILED and outcomes["Ship"].status == StepStatus.NOT_REACHED
        # Untrusted text is shown inert: no escape sequence, no markup interpreted.
        shown = text_of(screen, "input")
        assert "\x1b" not in shown and "[bold]x[/]" in shown


async def test_map_iterations_are_navigable_and_f_finds_the_failed_one(runs):
    definition = {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 1, "End": True,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Work",
                          "States": {"Work": {**invoke(runs.function_arn), "Next": "Note"},
                                     "Note": {"Type": "Pass", "End": True}}}}}}
    arn = runs.run("map", definition, {"items": [{"n": 0}, {"n": 1}, failing("item 2 is bad")]})
    app = app_for(runs)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_execution(pilot, app, arn)

        await pilot.press("f")
        assert (screen.visit.name, screen.visit.where[0].index) == ("Work", 2)
        await pilot.press("left_square_bracket")
        assert (screen.visit.name, screen.visit.where[0].index) == ("Work", 1)
        await pilot.press("left_square_bracket")
        assert screen.visit.where[0].index == 0
        await pilot.press("right_square_bracket")
        assert (screen.visit.name, screen.visit.where[0].index) == ("Work", 1)
        assert "Each iteration 1" in text_of(screen, "summary")


async def test_l_opens_the_functions_logs_at_the_time_of_the_call(runs):
    arn = failed_order(runs)
    app = app_for(runs)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_execution(pilot, app, arn)
        await pilot.press("l")  # on Validate: a Pass state calls nothing
        assert not isinstance(app.screen, LogViewScreen)
        await pilot.press("f", "l")
        await wait_until(pilot, lambda: isinstance(app.screen, LogViewScreen))
        logs = app.screen
        assert logs.groups == (f"/aws/lambda/{runs.function_arn.split(':')[-1]}",)
        call = screen.visit.lambda_call
        # moto's history has no request id: no filter; from a minute before the call
        assert logs.filter_pattern is None
        assert logs.since == call.started_at - timedelta(minutes=1)


async def test_l_follows_the_group_the_functions_logging_config_names(runs):
    """A function whose LoggingConfig names a group writes there: `l` on its step reads it."""
    runs.account.client("lambda").update_function_configuration(
        FunctionName=runs.function_arn, LoggingConfig={"LogGroup": "/shared/payments"})
    arn = failed_order(runs)
    app = app_for(runs)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_execution(pilot, app, arn)
        await pilot.press("f", "l")
        logs = await wait_until(pilot, lambda: isinstance(app.screen, LogViewScreen) and app.screen)
        assert logs.groups == ("/shared/payments",)
        assert screen.visit.name == "Charge"


async def test_a_running_execution_is_read_again_until_it_ends(runs):
    definition = {"StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "Seconds": 100000, "Next": "Done"},
                                                "Done": {"Type": "Succeed"}}}
    sfn = runs.sfn
    arn = sfn.start_execution(stateMachineArn=runs.machine("running", definition), name="run",
                              input="{}")["executionArn"]
    app = app_for(runs)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_execution(pilot, app, arn)
        assert screen.history.running and screen.visit.status == StepStatus.RUNNING
        assert "running: read again" in screen.query_one("#execution-title").render().plain

        sfn.stop_execution(executionArn=arn, error="Operator", cause="stopped by the test")
        await app.clock.advance(POLL_SECONDS)
        await wait_until(pilot, lambda: not screen.history.running, clock=app.clock, step=1.0)

        assert screen.history.status == "ABORTED"
        assert screen.visit.status == StepStatus.FAILED  # cut short where it was
        assert screen._final is not None  # ended: not read again


async def test_a_distributed_map_shows_its_map_run(runs):
    from tests.sfn_history.test_real_histories import DISTRIBUTED

    arn = runs.run("distributed", DISTRIBUTED, {"items": [1, 2]})
    app = app_for(runs)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_execution(pilot, app, arn)
        await wait_until(pilot, lambda: "2 executions: 2 succeeded" in text_of(screen, "summary"), clock=app.clock)
        assert "map run   succeeded · 2 items: 2 succeeded" in text_of(screen, "summary")


async def test_an_execution_that_does_not_exist_says_so_in_every_section(runs):
    app = app_for(runs)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        screen = ExecutionScreen(f"arn:aws:states:us-east-1:{runs.account.id}:execution:gone:nowhere")
        await app.push_screen(screen)
        await wait_until(pilot, lambda: screen.sections["steps"].state == "error", clock=app.clock)
        assert all(section.state == "error" for section in screen.sections.values())
        assert screen.sections["steps"].problem is not None
        assert "Traceback" not in screen.sections["steps"].notice_text
