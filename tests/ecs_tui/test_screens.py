"""The ECS screens through the whole app with known data (in-process sources, ManualClock):
clusters -> services -> service and back, services worst first with why in words, rows
as pages arrive, `/`, and the look of every state (loading, empty, error, access denied,
throttled, stale) on the services screen and the service screen."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from botocore.exceptions import ClientError

from screens.dashboard import DashboardScreen
from screens.ecs.service import ServiceScreen
from screens.ecs.services import ServicesScreen
from tests.app.conftest import settle
from tests.ecs_tui import known
from tests.ecs_tui.conftest import answer_detail, clock, dashboard, ecs_estate, estate, make_app  # noqa: F401


def refused(code: str, operation: str, message: str = "") -> ClientError:
    status = 400 if code == "ThrottlingException" else 403
    return ClientError({"Error": {"Code": code, "Message": message or code},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, operation)


DENIED = refused("AccessDeniedException", "ListServices",
                 "User: arn:aws:iam::123456789012:user/oncall is not authorized to perform: ecs:ListServices")
THROTTLED = refused("ThrottlingException", "DescribeServices", "Rate exceeded")


def cells_of(table, column: str) -> list[str]:
    return [table.get_cell(key, column).plain for key in table.visible_keys]


def words(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def open_services(pilot, cluster: str = "prod") -> ServicesScreen:
    screen = await dashboard(pilot)
    table = screen.panel("ecs").table
    assert table.select_key(next(c.key for c in table.items if c.name == cluster))
    await pilot.press("enter")
    await settle(pilot, 4)
    assert isinstance(pilot.app.screen, ServicesScreen)
    return pilot.app.screen


async def test_a_cluster_opens_its_services_worst_first_each_saying_why(make_app, ecs_estate):
    app = make_app()
    async with app.run_test(size=(220, 30)) as pilot:
        clusters = (await dashboard(pilot)).panel("ecs").table
        assert cells_of(clusters, "name") == ["✗ prod", "batch", "staging"]  # trouble first
        prod = clusters.visible_keys[0]
        assert [clusters.get_cell(prod, c).plain for c in ("not_steady", "flapping", "unhealthy", "services")] == \
            ["4", "1", "1", "6"]

        screen = await open_services(pilot)
        table = screen.table
        assert screen.state == "ok"
        assert [s.name for s in (table.get_row(k) and table._items[k] for k in table.visible_keys)] == [
            "payments", "worker-service", "reports", "checkout", "[red]markup[/]", "api"]
        worker = known.worker().key
        assert table.get_cell(worker, "name").plain == "↻ worker-service"
        assert table.get_cell(worker, "health").plain == "↻ flapping: 6 replaced in 10m"
        assert table.get_cell(worker, "reason").plain.startswith("6 tasks replaced in 10m (6 failed health checks)")
        assert table.get_cell(worker, "tasks").plain == "2/2"  # running as desired, and still not healthy
        assert table.get_cell(worker, "last_stop").plain == \
            "TaskFailedToStart 1m ago: Task failed container health checks"
        assert table.get_cell(worker, "last_event").plain == "30s · (task 3f2a9c1e) failed container health checks."
        assert table.get_cell(worker, "launch").plain == "FARGATE:1 base 1 FARGATE_SPOT:3"
        assert table.get_cell(worker, "cpu").plain.endswith(" 46.0%")
        checkout = next(s.key for s in known.services() if s.name == "checkout")
        assert table.get_cell(checkout, "deployments").plain == "2 deploying"
        assert table.get_cell(checkout, "rollout").plain == "IN_PROGRESS"
        api = next(s.key for s in known.services() if s.name == "api")
        assert table.get_cell(api, "reason").plain == "–" and table.get_cell(api, "health").plain == "✓ healthy 3/3"
        assert table.get_cell(api, "breaker").plain == "on, rolls back"
        assert words(screen, "#services-status") == "6 services · 4 not at steady state · worst first"

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_a_cluster_without_services_says_so(make_app, ecs_estate):
    app = make_app()
    async with app.run_test(size=(160, 30)) as pilot:
        screen = await open_services(pilot, "batch")
        assert screen.state == "empty" and not screen.table.display
        assert words(screen, "#services-notice") == "no services in cluster batch"


def first_page_then_all(go_on: asyncio.Event, started: list[int]):
    """An "ecs" source whose every tick (counted in `started`) publishes a first page of 3
    services, health not read yet, then, once `go_on` is set, gives all 6."""
    first_page = tuple(replace(s, health=None) for s in known.services()[:3])

    async def services(ctx):
        started.append(1)
        ctx.publish_partial(first_page)
        await go_on.wait()
        return known.services()

    return services


async def test_rows_appear_as_pages_arrive_before_their_health(make_app, ecs_estate):
    """The services source publishes each described page (console.services.ecs.sources):
    those rows show at once, health "…" (never "healthy" before the tasks were read)."""
    go_on, started = asyncio.Event(), []
    app = make_app()
    app.source_table = {**app.source_table, "ecs": (first_page_then_all(go_on, started), 10.0)}
    async with app.run_test(size=(220, 30)) as pilot:
        screen = await open_services(pilot)
        assert screen.table.row_count == 3 and screen.state == "ok"
        assert set(cells_of(screen.table, "health")) == {"…"}
        assert "reading… more as pages arrive" in words(screen, "#services-status")
        assert "3 not read yet" in words(screen, "#services-status")
        go_on.set()
        await settle(pilot, 6)
        assert screen.table.row_count == 6
        assert "reading" not in words(screen, "#services-status")


async def test_a_cluster_read_in_full_is_not_reading_while_other_clusters_still_are(make_app, ecs_estate):
    """A first load gives a cluster's services their health once it has listed and
    described them all (console.services.ecs.sources); while other clusters are still
    read, the screen of one whose rows all have it says nothing is left to come."""
    staging = replace(known.services()[0], cluster="staging", arn="arn:aws:ecs:staging/api", health=None)

    def source(prod, go_on: asyncio.Event):
        async def services(ctx):
            ctx.publish_partial((*prod, staging))
            await go_on.wait()
            return known.services()
        return services

    for prod, reading in ((known.services(), False), ((replace(known.services()[0], health=None),
                                                        *known.services()[1:]), True)):
        app, go_on = make_app(), asyncio.Event()
        app.source_table = {**app.source_table, "ecs": (source(prod, go_on), 10.0)}
        async with app.run_test(size=(220, 30)) as pilot:
            screen = await open_services(pilot)
            status = words(screen, "#services-status")
            assert screen.table.row_count == 6 and status.startswith("6 services")
            assert ("reading… more as pages arrive" in status) is reading
            assert ("1 not read yet" in status) is reading
            go_on.set()
            await settle(pilot, 4)


async def test_opening_a_cluster_keeps_the_services_read_under_way(make_app, ecs_estate):
    """The dashboard and the services screen both follow the "ecs" source: opening the
    screen mid-read hands the subscription over (screens/base.py), so the read in flight
    goes on and its pages reach the screen, instead of being cancelled when the dashboard
    lets go and started again from the first page (2,000 services read twice)."""
    go_on, started = asyncio.Event(), []
    app = make_app()
    app.source_table = {**app.source_table, "ecs": (first_page_then_all(go_on, started), 10.0)}
    async with app.run_test(size=(220, 30)) as pilot:
        screen = await open_services(pilot)
        assert len(started) == 1 and screen.table.row_count == 3
        go_on.set()
        await settle(pilot, 6)
        assert len(started) == 1 and screen.table.row_count == 6
        assert "not read yet" not in words(screen, "#services-status")


async def test_the_screen_tells_the_engine_which_services_it_shows(make_app, ecs_estate):
    """The services source describes the clusters on screen first (console.services.ecs.batches
    Turns): the screen reports its rows in view, and none once it is closed."""
    app = make_app()
    async with app.run_test(size=(220, 30)) as pilot:
        screen = await open_services(pilot)
        assert app.engine.on_screen("ecs") == screen.table.keys_in_view() != frozenset()
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen) and app.engine.on_screen("ecs") == frozenset()


async def test_slash_filters_services_by_name_and_esc_clears_then_goes_back(make_app, ecs_estate):
    app = make_app()
    async with app.run_test(size=(220, 30)) as pilot:
        screen = await open_services(pilot)
        await pilot.press("slash", *"work", "enter")
        assert [screen.table._items[k].name for k in screen.table.visible_keys] == ["worker-service"]
        assert words(screen, "#services-status").startswith("1/6 services match")
        await pilot.press("escape")  # clears the filter
        assert screen.table.row_count == 6 and app.screen is screen
        await pilot.press("slash", *"nothing-like-it", "enter")
        assert words(screen, "#services-notice") == "no service matches nothing-like-it"
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_access_denied_before_anything_was_read(make_app, ecs_estate):
    ecs_estate.failures["ecs"] = DENIED
    app = make_app()
    async with app.run_test(size=(160, 30)) as pilot:
        screen = await open_services(pilot)
        await settle(pilot, 4)
        assert screen.state == "denied" and screen.has_class("-denied")
        notice = words(screen, "#services-notice")
        assert "Access denied: this identity may not read this cluster's services" in notice
        assert "ecs:ListServices" in notice


async def test_throttled_then_stale_keep_the_rows_and_say_how_old(make_app, ecs_estate, clock):
    app = make_app()
    async with app.run_test(size=(220, 30)) as pilot:
        screen = await open_services(pilot)
        ecs_estate.failures["ecs"] = THROTTLED
        await clock.advance(10)
        await settle(pilot, 4)
        assert screen.state == "throttled" and screen.table.row_count == 6
        assert "throttled by AWS, backing off, rows 10s old — " in words(screen, "#services-status")

        ecs_estate.failures["ecs"] = refused("InternalFailure", "DescribeServices", "the service had a bad moment")
        await clock.advance(40)
        await settle(pilot, 4)
        assert screen.state == "stale" and screen.table.row_count == 6
        assert " · stale, rows " in words(screen, "#services-status")

        del ecs_estate.failures["ecs"]
        await pilot.press("ctrl+r")
        await settle(pilot, 6)
        assert screen.state == "ok" and "stale" not in words(screen, "#services-status")


async def test_loading_until_the_services_source_answers(make_app, ecs_estate):
    never = asyncio.Event()

    async def services(ctx):
        await never.wait()
        return ()

    app = make_app()
    app.source_table = {**app.source_table, "ecs": (services, 10.0)}
    async with app.run_test(size=(160, 30)) as pilot:
        screen = await open_services(pilot)
        assert screen.state == "loading"
        assert words(screen, "#services-notice") == "loading the services of prod… (ListServices, DescribeServices)"


# the service screen ------------------------------------------------------------------------------------------
async def open_service(pilot) -> ServiceScreen:
    screen = await open_services(pilot)
    assert screen.table.select_key(known.worker().key)
    await pilot.press("enter")
    for _ in range(4):
        await settle(pilot, 4)
        await pilot.pause(0.02)
    assert isinstance(pilot.app.screen, ServiceScreen)
    return pilot.app.screen


async def test_the_service_screen_tasks_deployments_and_events(make_app, ecs_estate, answer_detail):
    answer_detail(known.worker_detail())
    app = make_app()
    async with app.run_test(size=(200, 45)) as pilot:
        screen = await open_service(pilot)
        tasks = screen.tasks
        ids = [tasks._items[k].id for k in tasks.visible_keys]
        # running first (the unhealthy one first), then stopped, newest first; the one stopped
        # 95 minutes ago is gone (AWS keeps them about an hour: so does the screen)
        assert ids == ["c3b9e1f0a7d24e55", "a81c44d2e0f94b6b", "3f2a9c1e5b7d4c08", "9be04d7c11aa4f3e"]
        stopped = tasks.visible_keys[2]
        assert tasks.get_cell(stopped, "id").plain == "■ 3f2a9c1e5b7d4c08"
        assert tasks.get_cell(stopped, "stop_code").plain == "TaskFailedToStart"
        assert tasks.get_cell(stopped, "reason").plain == "Task failed container health checks"
        assert tasks.get_cell(stopped, "containers").plain == \
            "app STOPPED UNHEALTHY exit 137 · envoy STOPPED exit 0"
        assert [span.style for span in tasks.get_cell(stopped, "reason").spans] == ["dim"]  # dimmed
        assert not tasks.get_cell(tasks.visible_keys[0], "reason").spans
        oom = tasks.visible_keys[3]
        assert tasks.get_cell(oom, "reason").plain == \
            "Essential container in task exited · OutOfMemoryError: Container killed due to memory usage"
        running = tasks.visible_keys[0]
        assert tasks.get_cell(running, "capacity").plain == "FARGATE_SPOT"
        assert tasks.get_cell(running, "az").plain == "us-east-1b"
        assert tasks.get_cell(running, "size").plain == "256/512"
        assert screen.sections["tasks"].border_subtitle == "2 running · 2 stopped in the last hour"

        assert cells_of(screen.deployments, "status") == ["PRIMARY"]
        assert cells_of(screen.history, "status") == ["SUCCESSFUL", "ROLLBACK_SUCCESSFUL", "SUCCESSFUL"]
        events = cells_of(screen.events, "message")
        assert events[0] == "(task 03f2a9c1e) failed container health checks."  # newest first
        assert events[-1] == "has reached a steady state."
        assert cells_of(screen.events, "age")[:2] == ["30s", "2m"]
        summary = str(screen.summary.render())
        assert "health ↻ flapping: 6 replaced in 10m" in summary
        assert "not steady: 6 tasks replaced in 10m" in summary
        assert "last stop TaskFailedToStart 1m ago: Task failed container health checks" in summary

        assert screen.selected_task_ref().task_arn == tasks.visible_keys[0]
        assert screen.selected_service_ref() == known.worker().ref
        await pilot.press("3")
        assert app.focused is screen.events
        assert screen.selected_task_ref() is None  # task keys act only where the tasks are
        await pilot.press("slash", *"steady", "enter")
        assert cells_of(screen.events, "message") == ["has reached a steady state."]
        await pilot.press("escape")
        assert screen.events.row_count == 13
        await pilot.press("2")
        assert app.focused is screen.deployments
        await pilot.press("1")
        assert app.focused is screen.tasks

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ServicesScreen)
        assert app.screen.table.selected_item.name == "worker-service"


async def test_the_service_screen_error_then_stale(make_app, ecs_estate, answer_detail, clock):
    answers = answer_detail(DENIED)
    app = make_app()
    async with app.run_test(size=(200, 45)) as pilot:
        screen = await open_service(pilot)
        for section in screen.sections.values():
            assert section.state == "error" and "Access denied: ecs:ListServices" in section.notice_text

        answers.answers = [known.worker_detail(), THROTTLED]
        answers.calls = 0
        await pilot.press("ctrl+r")
        await settle(pilot, 6)
        assert screen.sections["tasks"].state == "ready" and screen.tasks.row_count == 4
        await clock.advance(6)
        await settle(pilot, 6)
        assert answers.calls == 2
        assert screen.tasks.row_count == 4  # kept, marked stale with its age
        assert "stale" in str(screen.sections["tasks"].border_subtitle)
        assert "Rate exceeded" in str(screen.sections["events"].border_subtitle) or \
            "hrottl" in str(screen.sections["events"].border_subtitle)


async def test_a_service_with_no_tasks_events_or_history_says_so(make_app, ecs_estate, answer_detail):
    bare = replace(known.worker_detail(), tasks=(), events=(), history=None,
                   history_unavailable="ListServiceDeployments is not available from this endpoint")
    answer_detail(bare)
    app = make_app()
    async with app.run_test(size=(200, 45)) as pilot:
        screen = await open_service(pilot)
        assert screen.sections["tasks"].notice_text == "no tasks: none running, none stopped in the last hour"
        assert screen.sections["events"].notice_text == "no service events yet"
        assert str(screen.history_label.render()) == \
            "history: ListServiceDeployments is not available from this endpoint"
        assert screen.sections["deployments"].state == "ready"  # DescribeServices' deployments are there
