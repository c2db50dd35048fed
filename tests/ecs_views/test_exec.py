"""The execute-command plan (console.services.ecs.exec) from tasks as DescribeTasks returns them
on the embedded server. The embedded AWS keeps no enableExecuteCommand (moto drops it), so the
cases where it is on take the task read back and set the flag as AWS would return it."""

from __future__ import annotations

from console.services.ecs.exec import plan_exec
from console.target import Target
from tests.ecs_views.conftest import CLUSTER, container, task_id

TARGET = Target("prod-admin", "eu-west-1")


async def running_task(estate, shared_clock) -> dict:
    task_def = estate.register([container(1), container(1, name="proxy")])
    [arn] = estate.service("front", task_def["taskDefinitionArn"], desired=1)
    await shared_clock.advance(20)  # PROVISIONING, PENDING, RUNNING
    task = estate.describe_task(arn)
    assert task["lastStatus"] == "RUNNING"
    return task


async def test_exec_on_the_command_for_each_container_with_profile_and_region(estate, shared_clock):
    task = await running_task(estate, shared_clock)
    plan = plan_exec(TARGET, CLUSTER, {**task, "enableExecuteCommand": True})
    assert plan.problems == ()
    first = (f"aws ecs execute-command --cluster views --task {task_id(task['taskArn'])} --container app "
             "--interactive --command /bin/sh --region eu-west-1 --profile prod-admin")
    assert plan.command == first
    assert [name for name, _ in plan.commands] == ["app", "proxy"]


async def test_a_task_started_before_its_service_turned_exec_on_needs_a_new_deployment(estate, shared_clock):
    task = await running_task(estate, shared_clock)
    plan = plan_exec(TARGET, CLUSTER, task, service_enabled=True)
    assert plan.problems == (
        f"ECS Exec is off for task {task_id(task['taskArn'])}: it started before service front turned "
        "enableExecuteCommand on. Start new tasks: aws ecs update-service --cluster views --service front "
        "--force-new-deployment --region eu-west-1",)


async def test_a_task_that_is_not_running_says_so(estate, shared_clock):
    task = await running_task(estate, shared_clock)
    estate.ecs.stop_task(cluster=CLUSTER, task=task["taskArn"], reason="done")
    await shared_clock.advance(10)
    stopped = estate.describe_task(task["taskArn"])
    plan = plan_exec(TARGET, CLUSTER, {**stopped, "enableExecuteCommand": True})
    assert plan.problems == (f"task {task_id(task['taskArn'])} is STOPPED: only a RUNNING task accepts "
                             "execute-command",)
