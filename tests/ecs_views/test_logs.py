"""Log resolution (console.services.ecs.logs) on the embedded server: a task's awslogs
configuration becomes `prefix/container/task-id` streams, and the tail reads exactly those.
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from console.aws.clients import ClientPool
from console.aws.context import AwsContext
from console.clock import ManualClock
from console.cloudwatch.logs import MAX_STREAMS, LogTail
from console.demo import estate as demo
from console.services.ecs.logs import LogStreams, service_logs, task_logs
from console.services.ecs.models import ServiceRef, TaskRef
from console.target import Target
from tests.ecs_views.conftest import CLUSTER, GROUP, PREFIX, container, task_id


def context(endpoint: str) -> AwsContext:
    clock = ManualClock(datetime.now(timezone.utc).replace(microsecond=0))
    return AwsContext(ClientPool(clock), Target(None, "us-east-1", endpoint))


async def test_the_demo_services_streams_are_its_running_tasks_and_hold_their_lines(endpoint):
    ctx = context(endpoint)
    try:
        ecs = await ctx.client("ecs")
        running = (await ecs.list_tasks(cluster=demo.CLUSTER, serviceName=demo.SERVICE))["taskArns"]
        resolution = await service_logs(ctx, ServiceRef(ctx.target, demo.CLUSTER, demo.SERVICE))
        assert resolution.notes == ()
        [source] = resolution.sources
        assert (source.region, source.group) == ("us-east-1", demo.ECS_LOG_GROUP)
        assert sorted(source.streams) == sorted(demo.ecs_stream_name(task_id(arn)) for arn in running)
        tail = LogTail(ctx, [source.group], streams={source.group: source.streams}, backlog=3600)
        lines = await tail.poll()
        assert {event.stream for event in lines} == set(source.streams)  # the seeder wrote each task's stream
    finally:
        await ctx.pool.close()


async def test_a_tasks_streams_one_per_container_and_what_cannot_be_followed(estate, endpoint):
    task_def = estate.register([container(1), container(1, name="proxy", logConfiguration=None),
                                container(1, name="metrics", logConfiguration={"logDriver": "awsfirelens"})])
    [task] = estate.service("front", task_def["taskDefinitionArn"], desired=1)
    ctx = AwsContext(ClientPool(ManualClock()), Target(None, "us-east-1", endpoint))
    try:
        resolution = await task_logs(ctx, TaskRef(ctx.target, CLUSTER, task))
    finally:
        await ctx.pool.close()
    assert resolution.sources == (LogStreams("us-east-1", GROUP, (f"{PREFIX}/app/{task_id(task)}",)),)
    assert resolution.notes == (
        "container proxy uses no log driver (no logConfiguration), not awslogs: its lines are not in CloudWatch "
        "Logs streams opsdeck can name",
        "container metrics uses the awsfirelens log driver, not awslogs: its lines are not in CloudWatch Logs "
        "streams opsdeck can name",
    )
    assert resolution.since is None  # running: the view's usual backlog


async def test_a_service_without_running_tasks_falls_back_to_its_stopped_ones(estate, endpoint):
    task_def = estate.register([container(1)])
    [task] = estate.service("crashing", task_def["taskDefinitionArn"], desired=1)
    estate.ecs.update_service(cluster=CLUSTER, service="crashing", desiredCount=0)
    assert estate.tasks("crashing") == [] and estate.tasks("crashing", "STOPPED") == [task]
    ctx = AwsContext(ClientPool(ManualClock()), Target(None, "us-east-1", endpoint))
    try:
        resolution = await service_logs(ctx, ServiceRef(ctx.target, CLUSTER, "crashing"))
    finally:
        await ctx.pool.close()
    assert resolution.streams == (f"{PREFIX}/app/{task_id(task)}",)
    assert resolution.notes == ("no task of crashing is running: these are its recently stopped tasks",)
    stopped = estate.describe_task(task)  # stopped before it ever ran: created, never started
    assert resolution.since == stopped.get("startedAt", stopped["createdAt"])


async def test_the_tail_asks_for_at_most_100_streams_a_call(estate, endpoint):
    """FilterLogEvents' logStreamNames takes at most 100 names (CloudWatch Logs API reference)."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    streams = [f"{PREFIX}/app/{n:032x}" for n in range(MAX_STREAMS + 20)]
    for n in (0, MAX_STREAMS + 19):
        estate.write(streams[n], [(int((now - timedelta(seconds=30 - n % 7)).timestamp() * 1000), f"line {n}")])
    ctx = AwsContext(ClientPool(ManualClock(now)), Target(None, "us-east-1", endpoint))
    try:
        tail = LogTail(ctx, [GROUP], streams={GROUP: streams})
        lines = await tail.poll()
    finally:
        await ctx.pool.close()
    assert sorted(event.message for event in lines) == ["line 0", f"line {MAX_STREAMS + 19}"]
    assert tail.requests == 2


async def test_awslogs_without_region_uses_the_tasks_and_without_prefix_needs_the_container_id(estate, endpoint):
    """No awslogs-region: the task's region. No awslogs-stream-prefix (allowed on EC2): the
    stream is the Docker container id (DescribeTasks' runtimeId), which this task lacks."""
    no_region = container(1, logConfiguration={"logDriver": "awslogs", "options": {
        "awslogs-group": GROUP, "awslogs-stream-prefix": PREFIX}})
    no_prefix = container(1, name="legacy", logConfiguration={"logDriver": "awslogs", "options": {
        "awslogs-group": "/ecs/legacy", "awslogs-region": "us-east-1"}})
    task_def = estate.register([no_region, no_prefix])
    [task] = estate.service("mixed", task_def["taskDefinitionArn"], desired=1)
    ctx = AwsContext(ClientPool(ManualClock()), Target(None, "us-east-1", endpoint))
    try:
        resolution = await task_logs(ctx, TaskRef(ctx.target, CLUSTER, task))
    finally:
        await ctx.pool.close()
    assert resolution.sources == (LogStreams("us-east-1", GROUP, (f"{PREFIX}/app/{task_id(task)}",)),)
    assert resolution.notes == (
        f"container legacy: awslogs without awslogs-stream-prefix names its stream after the Docker container id, "
        f"which ECS has not reported for task {task_id(task)}",)
