"""ECS services run desiredCount RUNNING tasks, with events, and tasks stay RUNNING."""

from __future__ import annotations

import boto3
import pytest

from console.demo import control


@pytest.fixture(scope="module")
def ecs(aws):
    client = boto3.client("ecs", endpoint_url=aws.endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    client.create_cluster(clusterName="prod", capacityProviders=["FARGATE"])
    client.register_task_definition(
        family="web", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx"}, {"name": "sidecar", "image": "envoy"}])
    client.create_service(cluster="prod", serviceName="web", taskDefinition="web", desiredCount=3,
                          capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}])
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
        assert all(c["healthStatus"] == "HEALTHY" and c["lastStatus"] == "RUNNING" for c in task["containers"])
    service = ecs.describe_services(cluster="prod", services=["web"])["services"][0]
    assert (service["runningCount"], service["pendingCount"]) == (3, 0)
    assert service["capacityProviderStrategy"][0]["capacityProvider"] == "FARGATE"
    messages = [e["message"] for e in service["events"]]
    assert messages[0] == "(service web) has reached a steady state."
    assert messages[1].startswith("(service web) has started 3 tasks: (task ")


def test_describe_does_not_walk_tasks_to_stopped(ecs):
    for _ in range(6):
        assert {t["lastStatus"] for t in _tasks(ecs)} == {"RUNNING"}


def test_scaling_stops_surplus_and_starts_more(ecs):
    ecs.update_service(cluster="prod", service="web", desiredCount=1)
    assert len(_tasks(ecs)) == 1
    service = ecs.describe_services(cluster="prod", services=["web"])["services"][0]
    assert service["runningCount"] == 1
    assert service["events"][1]["message"].startswith("(service web) has stopped 2 running tasks")
    stopped = ecs.list_tasks(cluster="prod", serviceName="web", desiredStatus="STOPPED")["taskArns"]
    assert len(stopped) == 2
    ecs.update_service(cluster="prod", service="web", desiredCount=2)
    assert len(_tasks(ecs)) == 2


def test_stopped_task_is_replaced_on_reconcile(aws, ecs):
    victim = _tasks(ecs)[0]["taskArn"]
    ecs.stop_task(cluster="prod", task=victim, reason="test")
    assert len(_tasks(ecs)) == 1
    assert ecs.describe_tasks(cluster="prod", tasks=[victim])["tasks"][0]["lastStatus"] == "STOPPED"
    assert control.reconcile_ecs(aws.endpoint) == 1
    assert len(_tasks(ecs)) == 2
    assert ecs.describe_clusters(clusters=["prod"])["clusters"][0]["runningTasksCount"] == 2


def test_health_can_be_set(aws, ecs):
    task = _tasks(ecs)[0]["taskArn"]
    control.set_ecs_health(aws.endpoint, "prod", task, "UNHEALTHY")
    described = ecs.describe_tasks(cluster="prod", tasks=[task])["tasks"][0]
    assert described["healthStatus"] == "UNHEALTHY"
    assert {c["healthStatus"] for c in described["containers"]} == {"UNHEALTHY"}


def test_deployment_configuration_is_kept(ecs):
    ecs.create_cluster(clusterName="dc")
    ecs.register_task_definition(family="dc", containerDefinitions=[{"name": "a", "image": "a", "memory": 64}])
    config = {"deploymentCircuitBreaker": {"enable": True, "rollback": True},
              "maximumPercent": 200, "minimumHealthyPercent": 100}
    ecs.create_service(cluster="dc", serviceName="dc", taskDefinition="dc", desiredCount=0,
                       deploymentConfiguration=config)
    (service,) = ecs.describe_services(cluster="dc", services=["dc"])["services"]
    assert service["deploymentConfiguration"] == config
