"""The action keys on the real ECS screens (screens/ecs: clusters panel -> services ->
service), in the test's own account: `d` on the services screen deploys and follows the
rollout, `x` on a task of the service screen stops it with a reason; read back with boto3."""

from __future__ import annotations

from textual.widgets import Input, Static

from screens.confirm import ConfirmActionScreen
from screens.ecs.deploy import DeployImageScreen
from screens.ecs.rollout import RolloutConfirmScreen
from screens.ecs.scale import StopTaskScreen
from screens.ecs.service import ServiceScreen
from tests.ecs_views.test_service_screen import choose, services_screen
from tests.lambda_tui.conftest import start_app
from tests.pilot import wait_until

from .conftest import CLUSTER, FAMILY, SERVICE


async def test_d_on_the_services_screen_deploys_and_follows_the_rollout(estate, shared_clock, monkeypatch):
    monkeypatch.setattr("console.demo.estate.CLUSTER", CLUSTER)  # services_screen() opens the demo's cluster
    app = start_app(estate.account.endpoint, shared_clock)
    async with app.run_test(size=(160, 50)) as pilot:
        services = await services_screen(pilot, app)
        item = await wait_until(pilot, lambda: next((i for i in services.table.items if i.name == SERVICE), None))
        services.table.focus()
        assert services.table.select_key(item.key)
        await pilot.pause()
        await pilot.press("d")
        form = await wait_until(pilot, lambda: isinstance(app.screen, DeployImageScreen) and app.screen)
        image = form.query_one("#deploy-image", Input)
        await wait_until(pilot, lambda: image.value == "registry.example/web:1.0")
        image.value = "registry.example/web:2.0"
        await pilot.press("enter")
        modal = await wait_until(pilot, lambda: isinstance(app.screen, RolloutConfirmScreen) and app.screen)
        plan = str(modal.query_one("#confirm-plan", Static).render())
        assert "container app: ~ image: registry.example/web:1.0 → registry.example/web:2.0" in plan
        await pilot.click("#confirm-apply")
        await wait_until(pilot, lambda: "IN_PROGRESS" in modal.shown_rollout(), clock=shared_clock, step=1.0)
        assert "ACTIVE ecs-svc/" in modal.shown_rollout()  # the old deployment beside the new, live
        await wait_until(pilot, lambda: "Rollout COMPLETED" in modal.shown_rollout(), clock=shared_clock, step=1.0)
        shown = modal.shown_rollout()
        assert f"{FAMILY}:3: 2/2 running, 0 pending, COMPLETED" in shown
        assert f"(service {SERVICE}) has reached a steady state." in shown
        await wait_until(pilot, lambda: "Done: 3/3 steps applied and verified" in
                         str(modal.query_one("#confirm-result", Static).render()))
    assert estate.on() == f"{FAMILY}:3"
    assert [d["rolloutState"] for d in estate.service()["deployments"]] == ["COMPLETED"]
    assert {t["containers"][0]["image"] for t in estate.running_tasks()} == {"registry.example/web:2.0"}


async def test_x_on_a_task_of_the_service_screen_stops_it(estate, shared_clock, monkeypatch):
    monkeypatch.setattr("console.demo.estate.CLUSTER", CLUSTER)
    app = start_app(estate.account.endpoint, shared_clock)
    async with app.run_test(size=(160, 50)) as pilot:
        services = await services_screen(pilot, app)
        await choose(pilot, services.table, SERVICE)
        screen = await wait_until(pilot, lambda: isinstance(app.screen, ServiceScreen) and app.screen)
        task = await wait_until(pilot, lambda: next((t for t in screen.tasks.items if t.ref is not None), None))
        screen.tasks.focus()
        assert screen.tasks.select_key(task.key)
        await pilot.pause()
        await pilot.press("x")
        form = await wait_until(pilot, lambda: isinstance(app.screen, StopTaskScreen) and app.screen)
        await pilot.press("enter")
        assert form.message_text() == "Reason: give the reason to record on the task"
        form.query_one("#stop-reason", Input).value = "stuck on a bad host"
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen) and app.screen.query("#confirm-apply"))
        await pilot.click("#confirm-apply")
        arn = task.ref.task_arn
        await wait_until(pilot, lambda: estate.ecs.describe_tasks(cluster=CLUSTER, tasks=[arn])["tasks"][0]
                         .get("stoppedReason") == "stuck on a bad host")
    [stopped] = estate.ecs.describe_tasks(cluster=CLUSTER, tasks=[arn])["tasks"]
    assert (stopped["desiredStatus"], stopped["stopCode"]) == ("STOPPED", "UserInitiated")
