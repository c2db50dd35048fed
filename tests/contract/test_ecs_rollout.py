"""ECS rolling deployments as AWS documents them, on the embedded AWS's clock.

Each test names its source. Timings are the embedded AWS's own (AWS documents none; see
console.demo.extensions.ecs_tasks): a task is RUNNING 15 s after launch, a container health
check passes one interval after the container starts (interval 10 s here) and a `-broken`
image fails it `retries` times in a row (30 s). Tests move the shared clock, never sleep.
"""

from __future__ import annotations

import asyncio

import pytest

CHECK = {"command": ["CMD-SHELL", "curl -f http://localhost/health || exit 1"], "interval": 10, "retries": 3}
HEALTHY_AFTER = 15 + 10  # RUNNING, then one health-check interval
UNHEALTHY_AFTER = 15 + 30  # RUNNING, then three failed checks


def move(clock, seconds: float) -> None:
    asyncio.run(clock.advance(seconds))


def service(ecs, name: str = "web") -> dict:
    return ecs.describe_services(cluster="c", services=[name])["services"][0]


def deployments(ecs, name: str = "web") -> list[dict]:
    return service(ecs, name)["deployments"]


def messages(ecs, name: str = "web") -> list[str]:
    return [e["message"] for e in service(ecs, name)["events"]]


def tasks(ecs, status: str = "RUNNING", name: str = "web") -> list[dict]:
    arns = ecs.list_tasks(cluster="c", serviceName=name, desiredStatus=status)["taskArns"]
    return ecs.describe_tasks(cluster="c", tasks=arns)["tasks"] if arns else []


def short(arn: str) -> str:
    return arn.rsplit("/", 1)[1]


def with_service(account, clock, desired: int = 2, breaker: dict | None = None, images=("app:1", "app:2"),
                 maximum: int = 200, minimum: int = 100):
    """Cluster c, revisions app:1.. of `images`, service web on app:1 at its steady state."""
    ecs = account.client("ecs")
    ecs.create_cluster(clusterName="c")
    for image in images:
        ecs.register_task_definition(family="app", containerDefinitions=[
            {"name": "app", "image": image, "memory": 64, "essential": True, "healthCheck": CHECK}])
    config = {"maximumPercent": maximum, "minimumHealthyPercent": minimum,
              "deploymentCircuitBreaker": breaker or {"enable": False, "rollback": False}}
    ecs.create_service(cluster="c", serviceName="web", taskDefinition="app:1", desiredCount=desired,
                       launchType="FARGATE", deploymentConfiguration=config)
    move(clock, HEALTHY_AFTER)
    (first,) = deployments(ecs)
    assert first["rolloutState"] == "COMPLETED"
    return ecs


def test_a_new_task_definition_rolls_out_as_a_new_primary_deployment(fresh_account, shared_clock):
    """https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html: status
    "PRIMARY: The most recent deployment of a service. ACTIVE: A service deployment that still
    has running tasks, but are in the process of being replaced with a new PRIMARY deployment.
    INACTIVE: A deployment that has been completely replaced."; rolloutState IN_PROGRESS then
    COMPLETED. https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_deployment_events.html:
    reason "ECS deployment ecs-svc/123 in progress." / "... completed.", deployment ids
    ``ecs-svc/`` and 19 digits (the page's examples: ecs-svc/9223370608528463088)."""
    ecs = with_service(fresh_account, shared_clock)
    (old,) = deployments(ecs)
    old_tasks = {t["taskArn"] for t in tasks(ecs)}
    assert old["id"].startswith("ecs-svc/") and len(old["id"]) == len("ecs-svc/") + 19
    assert old["rolloutStateReason"] == f"ECS deployment {old['id']} completed."

    ecs.update_service(cluster="c", service="web", taskDefinition="app:2")
    new, active = deployments(ecs)
    assert (new["status"], active["status"]) == ("PRIMARY", "ACTIVE")
    assert new["id"] != old["id"] and active["id"] == old["id"]
    assert new["taskDefinition"].endswith(":task-definition/app:2")
    assert (new["rolloutState"], new["rolloutStateReason"]) == ("IN_PROGRESS", f"ECS deployment {new['id']} in progress.")
    assert (new["desiredCount"], new["pendingCount"], new["runningCount"]) == (2, 2, 0)
    assert (active["runningCount"], active["desiredCount"]) == (2, 2)

    move(shared_clock, 15)  # the new tasks run; not healthy yet: the old ones stay (minimumHealthyPercent 100)
    new, active = deployments(ecs)
    assert (new["runningCount"], active["runningCount"]) == (2, 2)
    assert service(ecs)["runningCount"] == 4  # within maximumPercent 200

    move(shared_clock, 10)  # healthy: the old deployment drains and leaves the list
    (done,) = deployments(ecs)
    assert done["id"] == new["id"] and done["status"] == "PRIMARY"
    assert (done["rolloutState"], done["rolloutStateReason"]) == ("COMPLETED", f"ECS deployment {new['id']} completed.")
    assert {t["startedBy"] for t in tasks(ecs)} == {new["id"]}
    stopped = tasks(ecs, "STOPPED")
    assert {t["taskArn"] for t in stopped} == old_tasks
    assert {(t["stopCode"], t["stoppedReason"]) for t in stopped} == {
        ("ServiceSchedulerInitiated", f"Scaling activity initiated by (deployment {new['id']})")}


def test_service_events_tell_the_rollout_in_aws_words(fresh_account, shared_clock):
    """https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages-list.html
    ("(service service-name) has started 1 tasks: (task task-id).", "(service service-name) has
    reached a steady state.", "(service service-name) (deployment deployment-id) deployment
    completed.") and API_Service.html events: "A maximum of 100 of the latest events are
    displayed", newest first."""
    ecs = with_service(fresh_account, shared_clock)
    old = {short(t["taskArn"]) for t in tasks(ecs)}
    ecs.update_service(cluster="c", service="web", taskDefinition="app:2")
    (new, _) = deployments(ecs)
    move(shared_clock, HEALTHY_AFTER)
    started = {short(t["taskArn"]) for t in tasks(ecs)}
    latest = messages(ecs)[:4]
    assert latest[0] == "(service web) has reached a steady state."
    assert latest[1] == f"(service web) (deployment {new['id']}) deployment completed."
    assert latest[2].startswith("(service web) has stopped 2 running tasks: ")
    assert {p.rstrip(") .") for p in latest[2].split("(task ")[1:]} == old
    assert latest[3].startswith("(service web) has started 2 tasks: (task ") and latest[3].endswith(").")
    assert {p.rstrip(") .") for p in latest[3].split("(task ")[1:]} == started
    times = [e["createdAt"] for e in service(ecs)["events"]]
    assert times == sorted(times, reverse=True)

    for revision in range(30):  # 30 deployments write more than 100 events: the latest 100 stay
        ecs.update_service(cluster="c", service="web", forceNewDeployment=True)
        move(shared_clock, HEALTHY_AFTER)
    assert len(service(ecs)["events"]) == 100
    assert messages(ecs)[0] == "(service web) has reached a steady state."


def test_desired_count_alone_scales_the_primary_deployment(fresh_account, shared_clock):
    """https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html: a new
    deployment is started by a new task definition (or forceNewDeployment); desiredCount alone
    changes how many tasks the service keeps, no new deployment."""
    ecs = with_service(fresh_account, shared_clock)
    (before,) = deployments(ecs)
    ecs.update_service(cluster="c", service="web", desiredCount=4)
    (after,) = deployments(ecs)
    assert after["id"] == before["id"] and after["desiredCount"] == 4 and after["pendingCount"] == 2
    move(shared_clock, HEALTHY_AFTER)
    assert service(ecs)["runningCount"] == 4 and len(tasks(ecs)) == 4
    assert messages(ecs)[0] == "(service web) has reached a steady state."

    ecs.update_service(cluster="c", service="web", desiredCount=1)
    (after,) = deployments(ecs)
    assert after["id"] == before["id"] and service(ecs)["runningCount"] == 1
    assert messages(ecs)[1].startswith("(service web) has stopped 3 running tasks: ")


def test_force_new_deployment_replaces_tasks_of_the_same_revision(fresh_account, shared_clock):
    """API_UpdateService.html, forceNewDeployment: "Determines whether to force a new
    deployment of the service ... You can use this option to start a new deployment with no
    service definition changes." """
    ecs = with_service(fresh_account, shared_clock)
    (before,) = deployments(ecs)
    old = {t["taskArn"] for t in tasks(ecs)}
    ecs.update_service(cluster="c", service="web", forceNewDeployment=True)
    new, active = deployments(ecs)
    assert active["id"] == before["id"] and new["taskDefinition"] == before["taskDefinition"]
    move(shared_clock, HEALTHY_AFTER)
    assert {t["taskArn"] for t in tasks(ecs)}.isdisjoint(old)
    assert deployments(ecs)[0]["rolloutState"] == "COMPLETED"


@pytest.mark.parametrize("maximum, minimum, most_running, least_healthy", [(200, 100, 8, 4), (100, 50, 4, 2)])
def test_a_rollout_stays_within_maximum_and_minimum_percent(fresh_account, shared_clock, maximum, minimum,
                                                            most_running, least_healthy):
    """https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html:
    minimumHealthyPercent "the lower limit on the number of tasks ... that must remain in the
    RUNNING state during a deployment", maximumPercent "the upper limit on the number of tasks
    ... that are allowed in the RUNNING or PENDING state during a deployment" (of desiredCount,
    rounded down). Checked every second of the rollout."""
    ecs = with_service(fresh_account, shared_clock, desired=4, maximum=maximum, minimum=minimum)
    ecs.update_service(cluster="c", service="web", taskDefinition="app:2")
    for _ in range(120):
        live = tasks(ecs)
        assert len(live) <= most_running
        healthy = [t for t in live if t["lastStatus"] == "RUNNING" and t["healthStatus"] == "HEALTHY"]
        assert len(healthy) >= least_healthy
        if deployments(ecs)[0]["rolloutState"] == "COMPLETED" and len(deployments(ecs)) == 1:
            break
        move(shared_clock, 1)
    else:
        pytest.fail("the rollout never completed")
    assert {t["taskDefinitionArn"].rsplit("/", 1)[1] for t in tasks(ecs)} == {"app:2"}


def test_tasks_walk_the_fargate_lifecycle_with_their_timestamps(fresh_account, shared_clock):
    """https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle-explanation.html:
    PROVISIONING, PENDING, RUNNING; on stop DEACTIVATING/STOPPING, DEPROVISIONING, STOPPED.
    API_Task.html: createdAt, startedAt, stoppingAt, executionStoppedAt, stoppedAt; a
    container's healthStatus UNKNOWN while "being evaluated" (API_HealthCheck.html)."""
    ecs = fresh_account.client("ecs")
    ecs.create_cluster(clusterName="c")
    ecs.register_task_definition(family="app", containerDefinitions=[
        {"name": "app", "image": "app:1", "memory": 64, "healthCheck": CHECK}])
    ecs.create_service(cluster="c", serviceName="web", taskDefinition="app", desiredCount=1, launchType="FARGATE")
    (task,) = tasks(ecs)
    assert (task["lastStatus"], task["healthStatus"]) == ("PROVISIONING", "UNKNOWN")
    move(shared_clock, 5)
    assert tasks(ecs)[0]["lastStatus"] == "PENDING"
    move(shared_clock, 10)
    (task,) = tasks(ecs)
    assert (task["lastStatus"], task["healthStatus"]) == ("RUNNING", "UNKNOWN")
    assert (task["startedAt"] - task["createdAt"]).total_seconds() == 15
    move(shared_clock, 10)
    (task,) = tasks(ecs)
    assert task["healthStatus"] == "HEALTHY" and task["containers"][0]["healthStatus"] == "HEALTHY"

    ecs.stop_task(cluster="c", task=task["taskArn"])
    (stopping,) = ecs.describe_tasks(cluster="c", tasks=[task["taskArn"]])["tasks"]
    assert (stopping["desiredStatus"], stopping["lastStatus"]) == ("STOPPED", "STOPPING")
    move(shared_clock, 5)
    (stopped,) = ecs.describe_tasks(cluster="c", tasks=[task["taskArn"]])["tasks"]
    assert stopped["lastStatus"] == "STOPPED"
    assert stopped["createdAt"] < stopped["startedAt"] < stopped["stoppingAt"] <= stopped["executionStoppedAt"] \
        <= stopped["stoppedAt"]
    assert (stopped["stopCode"], stopped["stoppedReason"]) == ("UserInitiated", "Task stopped by user")
    assert len(tasks(ecs)) == 1  # the scheduler replaced it
