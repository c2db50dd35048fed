"""The ECS screens through the whole app on the embedded AWS, in an account of the test's
own: clusters -> services -> service, `enter` down and `esc` back, and a task stopped
with the API (as `aws ecs stop-task` does) is there on the service's screen with its
reason (issue 11: "tasks stopped with the AWS CLI never appeared")."""

from __future__ import annotations

import pytest

from console.demo import control
from screens.dashboard import DashboardScreen
from screens.ecs.service import ServiceScreen
from screens.ecs.services import ServicesScreen
from tests.lambda_tui.conftest import start_app
from tests.pilot import wait_until

SIZE = (200, 50)


@pytest.fixture
def account(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    return fresh_account


def fargate_service(account, cluster: str, name: str, desired: int) -> None:
    ecs = account.client("ecs")
    ecs.register_task_definition(
        family=name, requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512",
        containerDefinitions=[{"name": "app", "image": f"public.ecr.aws/demo/{name}:1", "essential": True}])
    ecs.create_service(cluster=cluster, serviceName=name, taskDefinition=name, desiredCount=desired,
                       launchType="FARGATE", deploymentConfiguration={
                           "deploymentCircuitBreaker": {"enable": True, "rollback": True}})


def cell(table, key: str, column: str) -> str:
    return table.get_cell(key, column).plain


async def select(pilot, table, name: str) -> None:
    await wait_until(pilot, lambda: any(getattr(item, "name", None) == name for item in table.items),
                     clock=pilot.app.clock)
    table.focus()
    assert table.select_key(next(item.key for item in table.items if item.name == name))
    await pilot.pause()


async def test_enter_down_to_a_service_shows_a_stopped_tasks_reason_and_esc_comes_back(account, shared_clock):
    ecs = account.client("ecs")
    ecs.create_cluster(clusterName="prod")
    ecs.create_cluster(clusterName="batch")
    fargate_service(account, "prod", "api", 2)
    fargate_service(account, "prod", "worker", 1)
    control.settle_ecs(account.endpoint, account=account.id)  # as if created ten minutes ago: at their steady state
    tasks = ecs.list_tasks(cluster="prod", serviceName="api", desiredStatus="RUNNING")["taskArns"]
    assert len(tasks) == 2
    stopped_arn = tasks[0]
    ecs.stop_task(cluster="prod", task=stopped_arn, reason="drained by the on-call")
    app = start_app(account.endpoint, shared_clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        clusters = app.screen.panel("ecs").table
        await select(pilot, clusters, "prod")
        await wait_until(pilot, lambda: cell(clusters, clusters.selected_key, "services") == "2", clock=app.clock)

        await pilot.press("enter")
        services = await wait_until(pilot, lambda: isinstance(app.screen, ServicesScreen) and app.screen)
        assert services.cluster == "prod"
        await wait_until(pilot, lambda: {s.name for s in services.table.items} == {"api", "worker"},
                         clock=app.clock)
        await select(pilot, services.table, "api")
        assert cell(services.table, services.table.selected_key, "taskdef") == "api:1"

        await pilot.press("enter")
        screen = await wait_until(pilot, lambda: isinstance(app.screen, ServiceScreen) and app.screen)
        table = screen.tasks
        # the task walks to STOPPED (deprovisioning) as time passes: on the clock AWS shares
        await wait_until(pilot, lambda: stopped_arn in table.visible_keys
                         and cell(table, stopped_arn, "status") == "STOPPED/STOPPED", clock=app.clock, step=1.0)
        assert cell(table, stopped_arn, "reason") == "drained by the on-call"
        assert cell(table, stopped_arn, "status") == "STOPPED/STOPPED"
        assert cell(table, stopped_arn, "id").startswith("■ ")
        assert table.visible_keys[-1] == stopped_arn  # running tasks first
        assert screen.sections["tasks"].state == "ready"

        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is services)
        assert services.table.selected_item.name == "api"  # the cursor where it was
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        assert app.screen.panel("ecs").table.selected_item.name == "prod"
