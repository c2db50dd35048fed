"""The view keys on the real ECS screens (screens/ecs: clusters panel -> services -> service),
on the seeded demo estate: `l` on a task of api-service follows exactly its awslogs stream,
`l` on the services screen its running tasks' streams, `t` its current revision."""

from __future__ import annotations

from console.demo import estate as demo
from screens.dashboard import DashboardScreen
from screens.ecs.service import ServiceScreen
from screens.ecs.services import ServicesScreen
from screens.ecs.taskdef import TaskDefinitionScreen
from screens.log_view import LogViewScreen
from tests.lambda_tui.conftest import start_app
from tests.pilot import wait_until


async def choose(pilot, table, name: str) -> None:
    """Wait for `table` to list `name`, put the cursor on it, press enter."""
    item = await wait_until(pilot, lambda: next((i for i in table.items if getattr(i, "name", None) == name), None))
    table.focus()
    assert table.select_key(item.key)
    await pilot.pause()
    await pilot.press("enter")


async def services_screen(pilot, app) -> ServicesScreen:
    await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
    dashboard = app.screen
    dashboard.show_panel(dashboard.panel("ecs"))
    await choose(pilot, dashboard.panel("ecs").table, demo.CLUSTER)
    return await wait_until(pilot, lambda: isinstance(app.screen, ServicesScreen) and app.screen)


async def test_l_on_a_task_of_the_service_screen_follows_its_stream(endpoint):
    app = start_app(endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        services = await services_screen(pilot, app)
        await choose(pilot, services.table, demo.SERVICE)
        screen = await wait_until(pilot, lambda: isinstance(app.screen, ServiceScreen) and app.screen)
        task = await wait_until(pilot, lambda: next((t for t in screen.tasks.items if t.ref is not None), None),
                                clock=app.clock)
        screen.tasks.focus()
        assert screen.tasks.select_key(task.key)
        await pilot.pause()
        await pilot.press("l")
        logs = await wait_until(pilot, lambda: isinstance(app.screen, LogViewScreen) and app.screen)
        await wait_until(pilot, lambda: logs.polls >= 1)
        stream = demo.ecs_stream_name(task.ref.task_arn.rsplit("/", 1)[-1])
        assert logs.tail.streams == {demo.ECS_LOG_GROUP: (stream,)}
        assert logs.state in ("ok", "empty"), logs.notice_text()  # the group and stream exist: no error


async def test_l_and_t_on_the_services_screen_are_the_services(endpoint):
    app = start_app(endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        services = await services_screen(pilot, app)
        item = await wait_until(pilot, lambda: next((i for i in services.table.items if i.name == demo.SERVICE), None))
        services.table.focus()
        assert services.table.select_key(item.key)
        await pilot.pause()
        await pilot.press("t")
        taskdef = await wait_until(pilot, lambda: isinstance(app.screen, TaskDefinitionScreen) and app.screen)
        await wait_until(pilot, lambda: taskdef.section.state == "ready")
        assert taskdef.task_def.name == f"{demo.TASK_FAMILY}:3"
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is services)
        await pilot.press("l")
        logs = await wait_until(pilot, lambda: isinstance(app.screen, LogViewScreen) and app.screen)
        await wait_until(pilot, lambda: logs.polls >= 1)
        assert len(logs.tail.streams[demo.ECS_LOG_GROUP]) == 3  # desiredCount 3, each task its stream
