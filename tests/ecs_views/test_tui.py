"""The ECS view keys through the whole app, on a small screen that mixes in ServiceViews and
TaskViews (the services and service screens of issue 11 mix in the same): `t` task definition
and `c` diff, `l` logs of exactly the task's (or the service's tasks') awslogs streams, `e` the
execute-command line. State comes from the embedded server; log lines are written with
PutLogEvents and read back through the view."""

from __future__ import annotations

from datetime import timedelta

import boto3
from textual.app import ComposeResult
from textual.widgets import Footer, Static

from console.services.ecs.models import ServiceRef, TaskRef
from screens.base import SourceScreen
from screens.dashboard import DashboardScreen
from screens.ecs.taskdef import TaskDefDiffScreen, TaskDefinitionScreen
from screens.ecs.views import ExecCommandScreen, ServiceViews, TaskViews
from screens.log_view import LogViewScreen
from screens.switch import PickerScreen
from tests.clock import SharedClock
from tests.ecs_views.conftest import CLUSTER, GROUP, PREFIX, container, task_id
from tests.lambda_tui.conftest import real_now, start_app
from tests.pilot import wait_until
from widgets.log_view import timestamp_text

S = timedelta(seconds=1)


class Board(ServiceViews, TaskViews, SourceScreen):
    """A service and (when `task` is set) one of its tasks selected: what an ECS screen offers."""

    BINDINGS = [*ServiceViews.KEYS, *TaskViews.KEYS]  # as the service screen lists them: the order does not matter

    def __init__(self, service: ServiceRef, task: TaskRef | None = None) -> None:
        super().__init__()
        self.service_ref, self.task_ref = service, task

    def compose(self) -> ComposeResult:
        yield Static("board")
        yield Footer()

    def selected_service_ref(self) -> ServiceRef | None:
        return self.service_ref

    def selected_task_ref(self) -> TaskRef | None:
        return self.task_ref


def ms(at) -> int:
    return int(at.timestamp() * 1000)


def line(at, text: str) -> str:
    return f"{timestamp_text(at)} {text}"


async def open_board(pilot, app, service: str, task: str | None = None) -> Board:
    await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
    board = Board(ServiceRef(app.target, CLUSTER, service),
                  TaskRef(app.target, CLUSTER, task) if task else None)
    await app.push_screen(board)
    await pilot.pause()
    return board


async def press_t(pilot, app, service: str, state: str) -> TaskDefinitionScreen:
    """`t` on the service: its task definition screen, once its section is in `state`."""
    await open_board(pilot, app, service)
    await pilot.press("t")
    screen = await wait_until(pilot, lambda: isinstance(app.screen, TaskDefinitionScreen) and app.screen)
    await wait_until(pilot, lambda: screen.section.state == state)
    return screen


async def logs_opened(pilot, app) -> LogViewScreen:
    screen = await wait_until(pilot, lambda: isinstance(app.screen, LogViewScreen) and app.screen)
    await wait_until(pilot, lambda: screen.polls >= 1)
    await pilot.pause()
    return screen


async def test_l_on_a_task_follows_exactly_its_streams_and_on_the_service_its_running_tasks(estate):
    task_def = estate.register([container(1)])
    first, second = sorted(estate.service("front", task_def["taskDefinitionArn"], desired=2))
    t0 = real_now()
    estate.write(f"{PREFIX}/app/{task_id(first)}", [(ms(t0 - 50 * S), "first says hello")])
    estate.write(f"{PREFIX}/app/{task_id(second)}", [(ms(t0 - 40 * S), "second says hello")])
    estate.write(f"{PREFIX}/app/{'0' * 32}", [(ms(t0 - 30 * S), "a task of another day")])
    estate.write("other/app/x", [(ms(t0 - 20 * S), "not this service")])

    app = start_app(estate.account.endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        board = await open_board(pilot, app, "front", first)
        await pilot.press("l")
        screen = await logs_opened(pilot, app)
        assert screen.view.shown_lines() == [line(t0 - 50 * S, "first says hello")]
        assert screen.tail.streams == {GROUP: (f"{PREFIX}/app/{task_id(first)}",)}
        assert f"Logs · task {task_id(first)}" in str(screen.query_one("#logs-title", Static).render())

        await app.pop_screen()
        board.task_ref = None  # nothing selected in the tasks: `l` is the service's
        await pilot.press("l")
        screen = await logs_opened(pilot, app)
        assert screen.view.shown_lines() == [line(t0 - 50 * S, "first says hello"),
                                             line(t0 - 40 * S, "second says hello")]


async def test_l_on_a_service_follows_the_tasks_that_replace_its_tasks(estate, endpoint):
    from console.demo import control

    task_def = estate.register([container(1)])
    [old] = estate.service("flappy", task_def["taskDefinitionArn"], desired=1)
    t0 = real_now()
    estate.write(f"{PREFIX}/app/{task_id(old)}", [(ms(t0 - 10 * S), "old task starting")])
    app = start_app(estate.account.endpoint)
    clock = app.clock
    async with app.run_test(size=(160, 45)) as pilot:
        await open_board(pilot, app, "flappy")
        await pilot.press("l")
        screen = await logs_opened(pilot, app)
        assert screen.view.shown_lines() == [line(t0 - 10 * S, "old task starting")]

        estate.ecs.stop_task(cluster=CLUSTER, task=old, reason="failed container health checks")
        control.reconcile_ecs(endpoint)  # the service scheduler starts a replacement
        [new] = estate.tasks("flappy")
        assert new != old
        estate.write(f"{PREFIX}/app/{task_id(new)}", [(ms(t0 + 5 * S), "new task starting")])
        while clock.monotonic() < screen.restream_every + screen.interval:  # past the next look at the tasks
            before = screen.polls
            await clock.advance(screen.interval)
            await wait_until(pilot, lambda: screen.polls > before)
        await pilot.pause()
        assert screen.view.shown_lines() == [line(t0 - 10 * S, "old task starting"),
                                             line(t0 + 5 * S, "new task starting")]
        assert set(screen.tail.streams[GROUP]) == {f"{PREFIX}/app/{task_id(new)}", f"{PREFIX}/app/{task_id(old)}"}


async def test_l_on_a_stopped_task_reads_its_stream_from_its_start(estate, endpoint):
    t0 = real_now() - timedelta(minutes=40)
    clock = SharedClock(endpoint, t0)  # the task starts 40 minutes ago, by the server's clock
    try:
        task_def = estate.register([container(1)])
        [task] = estate.service("batch", task_def["taskDefinitionArn"], desired=1)
        estate.write(f"{PREFIX}/app/{task_id(task)}", [(ms(t0 + 60 * S), "Traceback: boom")])
        await clock.advance(40 * 60)
        assert estate.describe_task(task)["lastStatus"] == "RUNNING"
        estate.ecs.stop_task(cluster=CLUSTER, task=task, reason="crashed")
        await clock.advance(10)  # STOPPING, DEPROVISIONING, then STOPPED
        assert estate.describe_task(task)["lastStatus"] == "STOPPED"

        app = start_app(endpoint, clock)
        async with app.run_test(size=(160, 45)) as pilot:
            await open_board(pilot, app, "batch", task)
            await pilot.press("l")
            screen = await logs_opened(pilot, app)
            # 39 minutes old: beyond the view's usual 15-minute backlog, read from the task's start
            assert screen.view.shown_lines() == [line(t0 + 60 * S, "Traceback: boom")]
    finally:
        from console.demo import control

        control.set_clock(endpoint, None)


async def test_l_says_which_driver_a_container_uses_and_follows_another_region(estate):
    west = boto3.client("logs", endpoint_url=estate.account.endpoint, region_name="us-west-2",
                        aws_access_key_id=estate.account.access_key,
                        aws_secret_access_key=estate.account.secret_key)
    app_container = container(1, logConfiguration={"logDriver": "awslogs", "options": {
        "awslogs-group": "/ecs/west", "awslogs-region": "us-west-2", "awslogs-stream-prefix": "w"}})
    sidecar = container(1, name="proxy", logConfiguration={"logDriver": "awsfirelens", "options": {}})
    task_def = estate.register([app_container, sidecar])
    [task] = estate.service("edge", task_def["taskDefinitionArn"], desired=1)
    t0 = real_now()
    west.create_log_group(logGroupName="/ecs/west")
    west.create_log_stream(logGroupName="/ecs/west", logStreamName=f"w/app/{task_id(task)}")
    west.put_log_events(logGroupName="/ecs/west", logStreamName=f"w/app/{task_id(task)}",
                        logEvents=[{"timestamp": ms(t0 - 5 * S), "message": "from the west"}])

    app = start_app(estate.account.endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_board(pilot, app, "edge", task)
        await pilot.press("l")
        screen = await logs_opened(pilot, app)
        assert screen.view.shown_lines() == [line(t0 - 5 * S, "from the west")]
        assert screen.tail.ctx.target.region == "us-west-2"
        notes = [n.message for n in app._notifications]
        assert any("container proxy uses the awsfirelens log driver, not awslogs" in n for n in notes), notes


async def test_l_on_a_service_whose_only_container_has_no_awslogs_says_so(estate):
    task_def = estate.register([container(1, logConfiguration={"logDriver": "splunk", "options": {}})])
    estate.service("quiet", task_def["taskDefinitionArn"], desired=1)
    app = start_app(estate.account.endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        board = await open_board(pilot, app, "quiet")
        await pilot.press("l")
        note = await wait_until(pilot, lambda: next((n.message for n in app._notifications), None))
        assert note == "container app uses the splunk log driver, not awslogs: its lines are not in " \
                       "CloudWatch Logs streams opsdeck can name"
        assert app.screen is board  # no log view on nothing


async def test_t_shows_the_services_revision_v_reveals_values_c_diffs_with_another(estate):
    estate.register([container(1)])
    current = estate.register([container(2)])
    estate.register([container(3)])
    estate.service("front", current["taskDefinitionArn"], desired=1)
    app = start_app(estate.account.endpoint)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await press_t(pilot, app, "front", "ready")
        shown = screen.shown_text()
        assert shown.startswith("web:2  ACTIVE")
        assert "image         registry.example/web:1.2.0" in shown
        assert "environment   APP_ENV, RELEASE" in shown and "1.2.0, " not in shown and "prod" not in shown
        assert "secrets       DB_PASSWORD" in shown
        assert "awslogs-group=/ecs/web" in shown

        await pilot.press("v")
        assert "environment   APP_ENV=prod, RELEASE=1.2.0" in screen.shown_text()
        await pilot.press("v")
        assert "prod" not in screen.shown_text()

        await pilot.press("c")
        picker = await wait_until(pilot, lambda: isinstance(app.screen, PickerScreen) and app.screen)
        assert picker.choices == ["web:3", "web:1"]
        await pilot.press("down", "enter")
        diff = await wait_until(pilot, lambda: isinstance(app.screen, TaskDefDiffScreen) and app.screen)
        await wait_until(pilot, lambda: diff.section.state == "ready")
        assert diff.shown_text().splitlines() == [
            "container app (changed)",
            "  ~ image: registry.example/web:1.1.0 → registry.example/web:1.2.0",
            "  ~ environment RELEASE (value changed, hidden)",
        ]


async def test_t_on_a_deleted_service_says_it_is_not_there(estate):
    task_def = estate.register([container(1)])
    estate.service("gone", task_def["taskDefinitionArn"], desired=0)
    estate.ecs.delete_service(cluster=CLUSTER, service="gone", force=True)
    app = start_app(estate.account.endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await press_t(pilot, app, "gone", "error")
        assert screen.shown_text().startswith("no service gone in cluster views")


async def test_e_on_a_task_shows_the_command_and_that_exec_is_off(estate):
    task_def = estate.register([container(1)])
    [task] = estate.service("front", task_def["taskDefinitionArn"], desired=1)
    assert not estate.describe_task(task).get("enableExecuteCommand")
    app = start_app(estate.account.endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_board(pilot, app, "front", task)
        await pilot.press("e")
        screen = await wait_until(pilot, lambda: isinstance(app.screen, ExecCommandScreen) and app.screen)
        await wait_until(pilot, lambda: screen.plan is not None)
        command = (f"aws ecs execute-command --cluster views --task {task_id(task)} --container app --interactive "
                   f"--command /bin/sh --region us-east-1 --endpoint-url {estate.account.endpoint}")
        assert screen.plan.command == command
        shown = screen.shown_text()
        assert shown.startswith(f"ECS Exec is off for task {task_id(task)} (enableExecuteCommand false). Turn it "
                                "on for service front and start new tasks: aws ecs update-service --cluster views "
                                "--service front --enable-execute-command --force-new-deployment --region us-east-1")
        assert command in shown
        await pilot.press("c")
        assert app.clipboard == command
