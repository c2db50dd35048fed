"""The task definition and diff screens at 160x40 and 80x24, on the app of tests/app (frozen
clock, in-process sources). DescribeTaskDefinition is answered with fixed revisions, as the
log view's snapshots answer its tail: the picture is of the layout, the calls are tested in
test_tui.py against the embedded server.

Update deliberately: `pytest tests/ecs_views/test_snapshots.py --snapshot-update`, then look
at every SVG."""

from __future__ import annotations

import pytest

from tests.app.conftest import T0, clock, estate, make_app, settle  # noqa: F401 - fixtures
from tests.ecs_views.conftest import container

ACCOUNT = "123456789012"


def revision(number: int, *containers: dict, **task) -> dict:
    return {"taskDefinitionArn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/web:{number}", "family": "web",
            "revision": number, "status": "ACTIVE", "cpu": "512", "memory": "1024", "networkMode": "awsvpc",
            "requiresCompatibilities": ["FARGATE"], "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/ecsExec",
            "taskRoleArn": f"arn:aws:iam::{ACCOUNT}:role/web", "containerDefinitions": list(containers), **task}


REVISIONS = {
    "web:6": revision(6, container(6), container(6, name="proxy", image="envoyproxy/envoy:v1.30", cpu=64,
                                                   memory=128, environment=None, secrets=None, healthCheck=None,
                                                   portMappings=[{"containerPort": 9901, "protocol": "tcp"}])),
    "web:7": revision(7, container(7, cpu=384, secrets=[
        {"name": "DB_PASSWORD", "valueFrom": "arn:aws:secretsmanager:us-east-1:1:secret:db"},
        {"name": "STRIPE_KEY", "valueFrom": "arn:aws:ssm:us-east-1:1:parameter/stripe"}]), memory="2048"),
}


@pytest.fixture
def fixed_revisions(monkeypatch):
    import screens.ecs.taskdef

    async def describe(ctx, reference):
        return REVISIONS[reference]

    monkeypatch.setattr(screens.ecs.taskdef, "describe_task_definition", describe)


def opened(make_screen):
    async def run(pilot):
        await settle(pilot, 6)
        await pilot.app.push_screen(make_screen())
        await settle(pilot, 6)
    return run


@pytest.mark.parametrize("size", [(160, 40), (80, 24)])
def test_task_definition(snap_compare, make_app, fixed_revisions, size):
    from screens.ecs.taskdef import TaskDefinitionScreen

    assert snap_compare(make_app(), terminal_size=size,
                        run_before=opened(lambda: TaskDefinitionScreen("web:6", "service web")))


@pytest.mark.parametrize("size", [(160, 40), (80, 24)])
def test_diff(snap_compare, make_app, fixed_revisions, size):
    from screens.ecs.taskdef import TaskDefDiffScreen

    assert snap_compare(make_app(), terminal_size=size, run_before=opened(lambda: TaskDefDiffScreen("web:6", "web:7")))


@pytest.mark.parametrize("size", [(160, 40), (80, 24)])
def test_exec_command(snap_compare, make_app, size):
    """A task of a service with ECS Exec off: what to change, then the command to copy."""
    from console.services.ecs.exec import plan_exec
    from screens.ecs.views import ExecCommandScreen
    from tests.app.conftest import TARGET

    task = {"taskArn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:task/prod/0123456789abcdef0123456789abcdef",
            "group": "service:web", "lastStatus": "RUNNING",
            "containers": [{"name": "app", "lastStatus": "RUNNING"}, {"name": "proxy", "lastStatus": "RUNNING"}]}

    async def plan(ctx):
        return plan_exec(TARGET, "prod", task, service_enabled=False)

    assert snap_compare(make_app(), terminal_size=size,
                        run_before=opened(lambda: ExecCommandScreen(plan, "task 0123456789abcdef0123456789abcdef")))
