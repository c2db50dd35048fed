"""ECS services run desiredCount RUNNING tasks, with events, and tasks stay RUNNING."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import boto3
import pytest

from console.demo import control


class Clock:
    """The module server's clock, moved by hand (tasks take 15 s to run)."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.now = datetime.now(timezone.utc).replace(microsecond=0)
        control.set_clock(endpoint, self.now)

    def move(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        control.set_clock(self.endpoint, self.now)


@pytest.fixture(scope="module")
def clock(aws):
    yield Clock(aws.endpoint)
    control.set_clock(aws.endpoint, None)


@pytest.fixture(scope="module")
def ecs(aws, clock):
    client = boto3.client("ecs", endpoint_url=aws.endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    client.create_cluster(clusterName="prod", capacityProviders=["FARGATE"])
    client.register_task_definition(
        family="web", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx"}, {"name": "sidecar", "image": "envoy"}])
    client.create_service(cluster="prod", serviceName="web", taskDefinition="web", desiredCount=3,
                          capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}])
    clock.move(15)
    return client


def _tasks(ecs):
    arns = ecs.list_tasks(cluster="prod", serviceName="web")["taskArns"]
    return ecs.describe_tasks(cluster="prod", tasks=arns)["tasks"] if arns else []


def test_service_starts_desired_tasks(ecs):
    tasks = _tasks(ecs)
    assert len(tasks) == 3
    for task in tasks:
        assert task["lastStatus"] == "RUNNING" and task["desiredStatus"] == "RUNNING"
        assert task["group"] == "service:web"
        assert task["startedBy"].startswith("ecs-svc/")
        assert task["capacityProviderName"] == "FARGATE"
        assert {c["name"] for c in task["containers"]} == {"app", "sidecar"}
        # no health check defined: UNKNOWN (API_HealthCheck), and healthy enough for the scheduler
        assert all(c["healthStatus"] == "UNKNOWN" and c["lastStatus"] == "RUNNING" for c in task["containers"])
    service = ecs.describe_services(cluster="prod", services=["web"])["services"][0]
    assert (service["runningCount"], service["pendingCount"]) == (3, 0)
    assert service["capacityProviderStrategy"][0]["capacityProvider"] == "FARGATE"
    messages = [e["message"] for e in service["events"]]
    assert messages[0] == "(service web) has reached a steady state."
    assert messages[1].startswith("(service web) (deployment ecs-svc/") and messages[1].endswith(") deployment completed.")
    assert messages[2].startswith("(service web) has started 3 tasks: (task ")


def test_describe_does_not_walk_tasks_to_stopped(ecs):
    for _ in range(6):
        assert {t["lastStatus"] for t in _tasks(ecs)} == {"RUNNING"}


def test_scaling_stops_surplus_and_starts_more(ecs, clock):
    ecs.update_service(cluster="prod", service="web", desiredCount=1)
    assert len(_tasks(ecs)) == 1
    service = ecs.describe_services(cluster="prod", services=["web"])["services"][0]
    assert service["runningCount"] == 1
    assert service["events"][1]["message"].startswith("(service web) has stopped 2 running tasks")
    stopped = ecs.list_tasks(cluster="prod", serviceName="web", desiredStatus="STOPPED")["taskArns"]
    assert len(stopped) == 2
    ecs.update_service(cluster="prod", service="web", desiredCount=2)
    assert len(_tasks(ecs)) == 2
    clock.move(15)


def test_stopped_task_is_replaced(aws, ecs, clock):
    victim = _tasks(ecs)[0]["taskArn"]
    ecs.stop_task(cluster="prod", task=victim, reason="test")
    assert len(_tasks(ecs)) == 2  # its replacement is PROVISIONING
    (stopped,) = ecs.describe_tasks(cluster="prod", tasks=[victim])["tasks"]
    assert (stopped["desiredStatus"], stopped["stoppedReason"], stopped["stopCode"]) == ("STOPPED", "test", "UserInitiated")
    clock.move(15)
    assert ecs.describe_tasks(cluster="prod", tasks=[victim])["tasks"][0]["lastStatus"] == "STOPPED"
    assert {t["lastStatus"] for t in _tasks(ecs)} == {"RUNNING"}
    assert ecs.describe_clusters(clusters=["prod"])["clusters"][0]["runningTasksCount"] == 2


def test_an_unhealthy_task_is_stopped_and_replaced(aws, ecs, clock):
    task = _tasks(ecs)[0]["taskArn"]
    control.set_ecs_health(aws.endpoint, "prod", task, "UNHEALTHY")
    described = ecs.describe_tasks(cluster="prod", tasks=[task])["tasks"][0]
    assert described["healthStatus"] == "UNHEALTHY" and described["desiredStatus"] == "STOPPED"
    assert {c["healthStatus"] for c in described["containers"]} == {"UNHEALTHY"}
    assert described["stoppedReason"] == "Task failed container health checks"
    events = [e["message"] for e in ecs.describe_services(cluster="prod", services=["web"])["services"][0]["events"]]
    assert f"(service web) (task {task.rsplit('/', 1)[1]}) failed container health checks." in events[:3]
    desired = ecs.describe_services(cluster="prod", services=["web"])["services"][0]["desiredCount"]
    assert len(_tasks(ecs)) == desired and task not in {t["taskArn"] for t in _tasks(ecs)}
    clock.move(15)


def test_deployment_configuration_is_kept(ecs):
    ecs.create_cluster(clusterName="dc")
    ecs.register_task_definition(family="dc", containerDefinitions=[{"name": "a", "image": "a", "memory": 64}])
    config = {"deploymentCircuitBreaker": {"enable": True, "rollback": True},
              "maximumPercent": 200, "minimumHealthyPercent": 100}
    ecs.create_service(cluster="dc", serviceName="dc", taskDefinition="dc", desiredCount=0,
                       deploymentConfiguration=config)
    (service,) = ecs.describe_services(cluster="dc", services=["dc"])["services"]
    assert service["deploymentConfiguration"] == config


def test_settle_puts_a_new_service_at_its_steady_state_in_the_past(aws, ecs, clock):
    """What the server does after seeding: the estate starts steady, its rollout history behind it."""
    ecs.create_service(cluster="prod", serviceName="settled", taskDefinition="web", desiredCount=2,
                       launchType="FARGATE")
    assert control.settle_ecs(aws.endpoint) >= 1
    (service,) = ecs.describe_services(cluster="prod", services=["settled"])["services"]
    (deployment,) = service["deployments"]
    assert (deployment["rolloutState"], service["runningCount"]) == ("COMPLETED", 2)
    assert deployment["createdAt"] < clock.now - timedelta(minutes=5)
    assert service["events"][0]["message"] == "(service settled) has reached a steady state."
    assert control.reconcile_ecs(aws.endpoint) == 0  # nothing is due: a quiet estate costs nothing


def test_stopped_tasks_are_forgotten_after_an_hour(aws, ecs, clock):
    """AWS keeps stopped tasks "at least 1 hour"; here exactly that long, so memory stays bounded."""
    victim = _tasks(ecs)[0]["taskArn"]
    ecs.stop_task(cluster="prod", task=victim)
    clock.move(3600)
    assert victim in ecs.list_tasks(cluster="prod", serviceName="web", desiredStatus="STOPPED")["taskArns"]
    clock.move(10)
    assert victim not in ecs.list_tasks(cluster="prod", serviceName="web", desiredStatus="STOPPED")["taskArns"]
    assert ecs.describe_tasks(cluster="prod", tasks=[victim])["tasks"] == []


def test_tasks_written_straight_into_moto_are_adopted(in_process_moto):
    """seed_large writes services and tasks into moto's backend directly; the scheduler adopts
    them as RUNNING tasks of the PRIMARY deployment the first time it looks."""
    from moto.ecs.models import ecs_backends

    from console.demo.extensions import ecs_tasks

    ecs_tasks.install()
    backend = ecs_backends["123456789012"]["us-east-1"]
    backend.create_cluster(cluster_name="bulk")
    task_def = backend.register_task_definition(
        family="bulk", container_definitions=[{"name": "app", "image": "app:1", "memory": 64}],
        network_mode="bridge")
    backend.create_service(cluster_str="bulk", service_name="svc", desired_count=2, task_definition_str=task_def.arn,
                           launch_type="FARGATE")
    backend.run_task(cluster_str="bulk", task_definition_str=task_def.arn, count=2, overrides=None,
                     started_by="ecs-svc/bulk", tags=None, launch_type="FARGATE", networking_configuration=None,
                     group="service:svc")
    backend.create_service(cluster_str="bulk", service_name="bare", desired_count=3, task_definition_str=task_def.arn,
                           launch_type="FARGATE")  # no tasks: the scheduler launches them, in the past
    assert ecs_tasks.settle_all() >= 2
    bare = backend.services["bulk:bare"]
    assert (bare.running_count, bare.deployments[0]["rolloutState"]) == (3, "COMPLETED")
    service = backend.services["bulk:svc"]
    assert (service.running_count, service.pending_count) == (2, 0)
    assert service.deployments[0]["rolloutState"] == "COMPLETED"
    assert len([t for t in backend.tasks["bulk"].values() if t.desired_status == "RUNNING"]) == 2 + 3
    records = backend._opsdeck_ecs_deployments["deployments"].values()
    assert sorted(r["serviceArn"].rsplit("/", 1)[1] for r in records) == ["bare", "svc"]
    assert {r["status"] for r in records} == {"SUCCESSFUL"}
