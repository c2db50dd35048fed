"""A service's utilisation (AWS/ECS, written as known datapoints and read back exactly),
and one service's screen: events, tasks, deployments and their history."""

from __future__ import annotations

from datetime import timedelta

from console.demo import control
from console.services.ecs.metrics import WINDOW_MINUTES
from console.services.ecs.sources import ServiceDetailSource, ServicesSource

from .conftest import calls


async def test_utilisation_is_read_exactly_per_minute_and_once_a_minute(estate, aws, shared_clock):
    estate.cluster()
    estate.service("api", desired=1)
    estate.service("idle", desired=0)
    now = shared_clock.now()
    minute = now.replace(second=0, microsecond=0)
    estate.put_utilisation("prod", "api", minute - timedelta(minutes=5), cpu=40.0, memory=60.0)
    estate.put_utilisation("prod", "api", minute - timedelta(minutes=2), cpu=55.5, memory=70.0)
    estate.put_utilisation("other", "api", minute - timedelta(minutes=2), cpu=99.0, memory=99.0)  # another cluster's
    source = ServicesSource()

    services = {s.name: s for s in await source(aws())}

    api = services["api"].metrics
    assert (len(api.cpu), api.period_s, api.start) == (WINDOW_MINUTES, 60, minute + timedelta(minutes=1 - 30))
    assert [(i, v) for i, v in enumerate(api.cpu) if v is not None] == [(24, 40.0), (27, 55.5)]
    assert [(i, v) for i, v in enumerate(api.memory) if v is not None] == [(24, 60.0), (27, 70.0)]
    assert (api.cpu_now, api.memory_now) == (55.5, 70.0)
    idle = services["idle"].metrics  # no running task, no datapoint: unknown, never 0 %
    assert idle.cpu_now is None and set(idle.cpu) == {None}

    control.reset_request_counts(estate.account.endpoint)
    await shared_clock.advance(30)
    await source(aws())
    assert calls(estate.account, "GetMetricData", "cloudwatch") == 0  # they change once a minute
    await shared_clock.advance(30)
    await source(aws())
    assert calls(estate.account, "GetMetricData", "cloudwatch") == 1


async def test_the_service_screen_reads_events_newest_first_and_the_deployments(estate, aws, shared_clock):
    estate.cluster()
    arn = estate.service("api", desired=2)
    estate.ecs.update_service(cluster="prod", service="api", desiredCount=3)
    await shared_clock.advance(60)
    described = estate.ecs.describe_services(cluster="prod", services=["api"])["services"][0]

    detail = await ServiceDetailSource(estate_ref(estate, arn)).read(aws())

    assert [e.message for e in detail.events] == [e["message"] for e in described["events"]]
    assert detail.events[0].message == "(service api) has reached a steady state."
    assert detail.service.last_event == detail.events[0]
    assert [(d.id, d.status, d.desired, d.running) for d in detail.service.deployments] == [
        (d["id"], d["status"], d["desiredCount"], d["runningCount"]) for d in described["deployments"]]
    assert detail.service.primary.task_definition == "app:1"
    assert len([t for t in detail.tasks if not t.stopped]) == 3
    task = detail.tasks[0]
    assert (task.cpu, task.memory, task.task_definition, task.revision) == ("256", "512", "app:1", 1)
    assert (task.health, task.containers[0].image, task.containers[0].health) == ("HEALTHY", "registry/app:1.0",
                                                                                  "HEALTHY")
    listed = estate.ecs.list_service_deployments(cluster="prod", service="api")["serviceDeployments"]
    assert detail.history_unavailable == ""
    assert [(d.arn, d.status) for d in detail.history] == [(d["serviceDeploymentArn"], d["status"]) for d in listed]
    assert all(d.detailed and d.target_revision is not None for d in detail.history)


async def test_deployment_history_refused_says_so_and_is_not_asked_again(estate, aws):
    """AccessDenied on ListServiceDeployments: the screen keeps DescribeServices' deployments
    and a sentence; the next refresh does not ask again."""
    estate.cluster()
    arn = estate.service("api", desired=1)
    control.deny(estate.account.endpoint, estate.account.access_key, "ecs", "ListServiceDeployments")
    try:
        source = ServiceDetailSource(estate_ref(estate, arn))
        detail = await source.read(aws())
        assert detail.history is None
        assert detail.history_unavailable == "deployment history not shown: access denied to ListServiceDeployments"
        assert detail.service.deployments  # DescribeServices' deployments are still there
        control.reset_request_counts(estate.account.endpoint)
        again = await source.read(aws())
    finally:
        control.clear_denials(estate.account.endpoint)
    assert again.history_unavailable == detail.history_unavailable
    assert calls(estate.account, "ListServiceDeployments") == 0


def estate_ref(estate, service_arn: str):
    from console.services.ecs.models import ServiceRef
    from console.target import Target

    return ServiceRef(Target(None, "us-east-1", estate.account.endpoint), "prod", service_arn.rsplit("/", 1)[-1])
