"""ECS rolling deployments as AWS documents them, on the embedded AWS's clock.

Each test names its source. Timings are the embedded AWS's own (AWS documents none; see
console.demo.extensions.ecs_tasks): a task is RUNNING 15 s after launch, a container health
check passes one interval after the container starts (interval 10 s here) and a `-broken`
image fails it `retries` times in a row (30 s). Tests move the shared clock, never sleep.
"""

from __future__ import annotations

import asyncio

import pytest

from console.demo import control

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
    assert service(ecs)["createdAt"] == old["createdAt"]  # API_Service.html createdAt
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


def test_a_failing_image_trips_the_circuit_breaker_and_rolls_back(fresh_account, shared_clock):
    """https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html,
    API_ServiceDeploymentCircuitBreaker.html: "a minimum threshold of 3 and a maximum threshold
    of 200 ... 0.5 * desired task count"; API_Deployment.html failedTasks: "The number of
    consecutively failed tasks in the deployment. A task is considered a failure if ... it fails
    any of its defined health checks and is stopped"; rolloutStateReason "ECS deployment circuit
    breaker: tasks failed to start." With rollback, "the service is rolled back to the last deployment
    that completed successfully" (API_DeploymentCircuitBreaker.html); the rollback deployment's
    reason names it ("ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/A.");
    service events: "(service X) (task Y) failed container health checks.", "(service X)
    (deployment ecs-svc/B) deployment failed: tasks failed to start.", "(service X) rolling back
    to deployment ecs-svc/A." (service-event-messages-list.html)."""
    ecs = with_service(fresh_account, shared_clock, desired=2, breaker={"enable": True, "rollback": True},
                       images=("app:1", "app:2-broken"))
    (good,) = deployments(ecs)
    ecs.update_service(cluster="c", service="web", taskDefinition="app:2")
    (bad, _) = deployments(ecs)
    first = {t["taskArn"] for t in tasks(ecs) if t["startedBy"] == bad["id"]}

    move(shared_clock, UNHEALTHY_AFTER)  # both new tasks fail their checks: 2 of 3
    (bad_now, still) = deployments(ecs)
    assert bad_now["id"] == bad["id"] and still["id"] == good["id"]
    assert (bad_now["failedTasks"], bad_now["rolloutState"]) == (2, "IN_PROGRESS")
    assert still["runningCount"] == 2  # minimumHealthyPercent 100: the old tasks never left
    failed = ecs.describe_tasks(cluster="c", tasks=sorted(first))["tasks"]
    assert {(t["healthStatus"], t["stopCode"], t["stoppedReason"]) for t in failed} == {
        ("UNHEALTHY", "ServiceSchedulerInitiated", "Task failed container health checks")}
    for arn in first:
        assert f"(service web) (task {short(arn)}) failed container health checks." in messages(ecs)

    move(shared_clock, UNHEALTHY_AFTER)  # the third failure reaches the threshold (3)
    rollback, failed_deployment = deployments(ecs)[0], deployments(ecs)[1:]
    assert rollback["taskDefinition"] == good["taskDefinition"] and rollback["id"] not in (good["id"], bad["id"])
    assert rollback["rolloutStateReason"] == f"ECS deployment circuit breaker: rolling back to deploymentId {good['id']}."
    for deployment in failed_deployment:
        if deployment["id"] == bad["id"]:
            assert (deployment["status"], deployment["rolloutState"]) == ("ACTIVE", "FAILED")
            assert deployment["rolloutStateReason"] == "ECS deployment circuit breaker: tasks failed to start."
    events = messages(ecs)
    assert f"(service web) (deployment {bad['id']}) deployment failed: tasks failed to start." in events
    assert f"(service web) rolling back to deployment {good['id']}." in events
    assert events.index(f"(service web) rolling back to deployment {good['id']}.") < \
        events.index(f"(service web) (deployment {bad['id']}) deployment failed: tasks failed to start.")
    assert service(ecs)["taskDefinition"] == good["taskDefinition"]

    move(shared_clock, HEALTHY_AFTER)
    (done,) = deployments(ecs)
    assert done["id"] == rollback["id"] and done["rolloutState"] == "COMPLETED"
    assert {t["taskDefinitionArn"].rsplit("/", 1)[1] for t in tasks(ecs)} == {"app:1"}
    assert messages(ecs)[0] == "(service web) has reached a steady state."


def test_without_rollback_a_failed_deployment_stops_launching(fresh_account, shared_clock):
    """https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentCircuitBreaker.html:
    "If it is turned on, a service deployment will transition to a failed state and stop
    launching new tasks." The old deployment keeps serving."""
    ecs = with_service(fresh_account, shared_clock, desired=2, breaker={"enable": True, "rollback": False},
                       images=("app:1", "app:2-broken"))
    (good,) = deployments(ecs)
    ecs.update_service(cluster="c", service="web", taskDefinition="app:2")
    move(shared_clock, 2 * UNHEALTHY_AFTER)
    bad, active = deployments(ecs)
    # two tasks fail at once, twice: the third failure trips the breaker, the fourth still counts
    assert (bad["status"], bad["rolloutState"], bad["failedTasks"]) == ("PRIMARY", "FAILED", 4)
    assert (active["id"], active["runningCount"]) == (good["id"], 2)
    move(shared_clock, 10 * UNHEALTHY_AFTER)
    assert deployments(ecs)[0]["failedTasks"] == 4 and deployments(ecs)[0]["pendingCount"] == 0
    assert {t["startedBy"] for t in tasks(ecs)} == {good["id"]}


def test_without_the_breaker_failing_tasks_are_replaced_forever(fresh_account, shared_clock):
    """https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html:
    without the circuit breaker "the service scheduler keeps trying to launch tasks" (the
    deployment stays IN_PROGRESS); the failures stay counted (API_Deployment failedTasks)."""
    ecs = with_service(fresh_account, shared_clock, desired=2, images=("app:1", "app:2-broken"))
    ecs.update_service(cluster="c", service="web", taskDefinition="app:2")
    move(shared_clock, 5 * UNHEALTHY_AFTER)
    bad, active = deployments(ecs)
    assert bad["rolloutState"] == "IN_PROGRESS" and bad["failedTasks"] >= 6
    assert active["runningCount"] == 2
    assert len(tasks(ecs, "STOPPED")) == bad["failedTasks"]


def test_a_healthy_task_resets_the_failure_count_unless_told_not_to(fresh_account, shared_clock):
    """https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentCircuitBreaker.html,
    resetOnHealthyTask: "When set to true, a task that reaches a healthy state resets the
    failure count to 0. When set to false, Amazon ECS does not reset the failure count. The
    default is true." Desired 4: threshold 3. Two tasks of the new deployment exit, two others
    turn healthy, then two more exit."""
    def rollout(breaker: dict) -> dict:
        account_ecs = fresh_account.client("ecs")
        name = f"web-{len(account_ecs.list_services(cluster='c')['serviceArns'])}"
        account_ecs.create_service(cluster="c", serviceName=name, taskDefinition="app:1", desiredCount=4,
                                   launchType="FARGATE", deploymentConfiguration={
                                       "maximumPercent": 200, "minimumHealthyPercent": 100,
                                       "deploymentCircuitBreaker": breaker})
        move(shared_clock, HEALTHY_AFTER)
        account_ecs.update_service(cluster="c", service=name, taskDefinition="app:2")
        move(shared_clock, 15)  # the four new tasks run
        new = deployments(account_ecs, name)[0]["id"]
        for task in [t for t in tasks(account_ecs, name=name) if t["startedBy"] == new][:2]:
            control.stop_ecs_task(fresh_account.endpoint, "c", task["taskArn"], "EssentialContainerExited",
                                  account=fresh_account.id)
        move(shared_clock, 10)  # the other two pass their health check; the replacements run at +15
        move(shared_clock, 5)
        for task in [t for t in tasks(account_ecs, name=name)
                     if t["startedBy"] == new and t["healthStatus"] == "UNKNOWN"][:2]:
            control.stop_ecs_task(fresh_account.endpoint, "c", task["taskArn"], "EssentialContainerExited",
                                  account=fresh_account.id)
        return deployments(account_ecs, name)[0]

    ecs = with_service(fresh_account, shared_clock, desired=1)
    ecs.update_service(cluster="c", service="web", desiredCount=0)
    reset = rollout({"enable": True, "rollback": False})
    assert (reset["rolloutState"], reset["failedTasks"]) == ("IN_PROGRESS", 2)
    kept = rollout({"enable": True, "rollback": False, "resetOnHealthyTask": False})
    assert kept["rolloutState"] == "FAILED" and kept["failedTasks"] == 4  # the fourth too: still consecutive


@pytest.mark.parametrize("desired, threshold_configuration, threshold", [
    (2, None, 3), (10, None, 5), (500, None, 200),
    (2, {"type": "COUNT", "value": 1}, 1),
    (10, {"type": "BOUNDED_PERCENT", "value": 10}, 3),
    (10, {"type": "UNBOUNDED_PERCENT", "value": 10}, 1),
])
def test_the_breaker_threshold(fresh_account, shared_clock, desired, threshold_configuration, threshold):
    """https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ThresholdConfiguration.html:
    "For the percentage types (BOUNDED_PERCENT and UNBOUNDED_PERCENT), Amazon ECS multiplies
    value by the latest service desired count. For COUNT, Amazon ECS uses value directly ...
    By default ... BOUNDED_PERCENT with a value of 50"; bounded: "a minimum threshold of 3 and a
    maximum threshold of 200" (API_ServiceDeploymentCircuitBreaker.html). Read back through
    DescribeServiceDeployments' deploymentCircuitBreaker.threshold."""
    ecs = fresh_account.client("ecs")
    ecs.create_cluster(clusterName="c")
    ecs.register_task_definition(family="app", containerDefinitions=[{"name": "app", "image": "app:1", "memory": 64}])
    breaker = {"enable": True, "rollback": True}
    if threshold_configuration:
        breaker["thresholdConfiguration"] = threshold_configuration
    ecs.create_service(cluster="c", serviceName="web", taskDefinition="app", desiredCount=desired,
                       launchType="FARGATE", deploymentConfiguration={"deploymentCircuitBreaker": breaker})
    (brief,) = ecs.list_service_deployments(cluster="c", service="web")["serviceDeployments"]
    (deployment,) = ecs.describe_service_deployments(
        serviceDeploymentArns=[brief["serviceDeploymentArn"]])["serviceDeployments"]
    assert deployment["deploymentCircuitBreaker"] == {"status": "MONITORING", "failureCount": 0, "threshold": threshold}
    assert service(ecs)["deploymentConfiguration"]["deploymentCircuitBreaker"] == breaker


@pytest.mark.parametrize("code, reason, exit_code", [
    ("SpotInterruption", "Your Spot Task was interrupted.", 143),
    ("TerminationNotice", "ECS is performing maintenance on the underlying infrastructure hosting the task", 143),
    ("EssentialContainerExited", "Essential container in task exited", 1),
    ("InfrastructureHealth", "Task stopped due to an infrastructure health issue", 143),
    ("TaskFailedToStart", "CannotPullContainerError: pull image manifest has been retried 5 time(s): "
                          "failed to resolve ref app:1: not found", None),
])
def test_a_stopped_task_carries_its_stop_code_and_is_replaced(fresh_account, shared_clock, code, reason, exit_code):
    """https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html stopCode
    (TaskFailedToStart | EssentialContainerExited | UserInitiated | ServiceSchedulerInitiated |
    SpotInterruption | TerminationNotice | InfrastructureHealth) with stoppedReason; reasons from
    https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html and
    task-maintenance.html ("ECS is performing maintenance on the underlying infrastructure
    hosting the task"), cannot-pull-container.html (CannotPullContainerError). The
    InfrastructureHealth text is ours: AWS documents none. Exit codes: 143 after SIGTERM, the
    essential container's own 1, none for a container that never started. The service
    scheduler replaces the task."""
    ecs = with_service(fresh_account, shared_clock, desired=2)
    victim = tasks(ecs)[0]["taskArn"]
    replacement = control.stop_ecs_task(fresh_account.endpoint, "c", victim, code, account=fresh_account.id)
    assert replacement and replacement != victim
    move(shared_clock, 5)
    (stopped,) = ecs.describe_tasks(cluster="c", tasks=[victim])["tasks"]
    assert (stopped["lastStatus"], stopped["stopCode"], stopped["stoppedReason"]) == ("STOPPED", code, reason)
    assert [c.get("exitCode") for c in stopped["containers"]] == [exit_code]  # none: it never started
    assert victim in {t["taskArn"] for t in tasks(ecs, "STOPPED")}
    assert replacement in {t["taskArn"] for t in tasks(ecs)}


def test_a_broken_image_without_a_health_check_exits(fresh_account, shared_clock):
    """https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html:
    EssentialContainerExited, "Essential container in task exited", and the container's exit
    code; such a task counts as a failed task of its deployment (API_Deployment failedTasks)."""
    ecs = fresh_account.client("ecs")
    ecs.create_cluster(clusterName="c")
    ecs.register_task_definition(family="app", containerDefinitions=[{"name": "app", "image": "app:9-broken", "memory": 64}])
    ecs.create_service(cluster="c", serviceName="web", taskDefinition="app", desiredCount=1, launchType="FARGATE")
    (task,) = tasks(ecs)
    move(shared_clock, 15 + 10 + 5)
    (stopped,) = ecs.describe_tasks(cluster="c", tasks=[task["taskArn"]])["tasks"]
    assert (stopped["stopCode"], stopped["stoppedReason"]) == ("EssentialContainerExited", "Essential container in task exited")
    assert stopped["containers"][0]["exitCode"] == 1
    assert deployments(ecs)[0]["failedTasks"] == 1


def test_stopped_tasks_stay_listed_for_an_hour(fresh_account, shared_clock):
    """https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html desiredStatus
    STOPPED, and https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html:
    "Stopped tasks ... appear ... for at least 1 hour"."""
    ecs = with_service(fresh_account, shared_clock, desired=1)
    victim = tasks(ecs)[0]["taskArn"]
    ecs.stop_task(cluster="c", task=victim, reason="rotating credentials")
    move(shared_clock, 59 * 60)
    (stopped,) = tasks(ecs, "STOPPED")
    assert (stopped["taskArn"], stopped["stopCode"], stopped["stoppedReason"]) == (
        victim, "UserInitiated", "rotating credentials")


def test_strategy_and_deployment_configuration_are_kept_on_create_and_update(fresh_account, shared_clock):
    """https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html returns the
    capacityProviderStrategy and deploymentConfiguration (maximumPercent, minimumHealthyPercent,
    deploymentCircuitBreaker) CreateService and UpdateService set (API_UpdateService.html: "You
    can update ... the capacity provider strategy ... deployment configuration"); each deployment
    carries its strategy (API_Deployment.html capacityProviderStrategy). Tasks follow the
    strategy: base first, then by weight (developer guide, "Capacity provider strategies")."""
    ecs = fresh_account.client("ecs")
    ecs.create_cluster(clusterName="c", capacityProviders=["FARGATE", "FARGATE_SPOT"])
    ecs.register_task_definition(family="app", containerDefinitions=[{"name": "app", "image": "app:1", "memory": 64}])
    strategy = [{"capacityProvider": "FARGATE", "weight": 1, "base": 1},
                {"capacityProvider": "FARGATE_SPOT", "weight": 3, "base": 0}]
    config = {"deploymentCircuitBreaker": {"enable": True, "rollback": True},
              "maximumPercent": 150, "minimumHealthyPercent": 50}
    ecs.create_service(cluster="c", serviceName="web", taskDefinition="app", desiredCount=5,
                       capacityProviderStrategy=strategy, deploymentConfiguration=config)
    created = service(ecs)
    assert created["capacityProviderStrategy"] == strategy and created["deploymentConfiguration"] == config
    assert created["deployments"][0]["capacityProviderStrategy"] == strategy
    providers = sorted(t["capacityProviderName"] for t in tasks(ecs))
    assert providers == ["FARGATE", "FARGATE", "FARGATE_SPOT", "FARGATE_SPOT", "FARGATE_SPOT"]
    move(shared_clock, 15)

    spot_only = [{"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}]
    new_config = {"deploymentCircuitBreaker": {"enable": False, "rollback": False},
                  "maximumPercent": 200, "minimumHealthyPercent": 100}
    ecs.update_service(cluster="c", service="web", capacityProviderStrategy=spot_only,
                       deploymentConfiguration=new_config, forceNewDeployment=True)
    updated = service(ecs)
    assert updated["capacityProviderStrategy"] == spot_only and updated["deploymentConfiguration"] == new_config
    assert updated["deployments"][0]["capacityProviderStrategy"] == spot_only
    assert updated["deployments"][1]["capacityProviderStrategy"] == strategy
    move(shared_clock, 20)
    assert {t["capacityProviderName"] for t in tasks(ecs)} == {"FARGATE_SPOT"}


def test_without_a_health_check_a_running_task_is_a_healthy_one(fresh_account, shared_clock):
    """API_DeploymentCircuitBreaker.html resetOnHealthyTask ("a task that reaches a healthy
    state resets the failure count to 0") with API_HealthCheck.html: without a container health
    check a task's health is UNKNOWN, so reaching RUNNING is as healthy as it gets."""
    ecs = fresh_account.client("ecs")
    ecs.create_cluster(clusterName="c")
    for image in ("app:1", "app:2"):
        ecs.register_task_definition(family="app", containerDefinitions=[{"name": "app", "image": image, "memory": 64}])
    ecs.create_service(cluster="c", serviceName="web", taskDefinition="app:1", desiredCount=4, launchType="FARGATE",
                       deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": False}})
    move(shared_clock, 15)
    ecs.update_service(cluster="c", service="web", taskDefinition="app:2")
    move(shared_clock, 5)  # the new tasks are PENDING: two of them exit
    new = deployments(ecs)[0]["id"]
    for task in [t for t in tasks(ecs) if t["startedBy"] == new][:2]:
        control.stop_ecs_task(fresh_account.endpoint, "c", task["taskArn"], "EssentialContainerExited",
                              account=fresh_account.id)
    assert deployments(ecs)[0]["failedTasks"] == 2
    move(shared_clock, 10)  # the other two run
    assert deployments(ecs)[0]["failedTasks"] == 0


def test_a_clusters_counts_follow_its_services_tasks(fresh_account, shared_clock):
    """https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Cluster.html:
    runningTasksCount "The number of tasks in the cluster that are in the RUNNING state",
    pendingTasksCount those in PENDING, activeServicesCount "The number of services that are
    running on the cluster in an ACTIVE state". The embedded AWS works them out when
    DescribeClusters asks: they must follow every change in between."""
    ecs = with_service(fresh_account, shared_clock, desired=2)

    def counts() -> tuple[int, int, int]:
        cluster = ecs.describe_clusters(clusters=["c"])["clusters"][0]
        return cluster["runningTasksCount"], cluster["pendingTasksCount"], cluster["activeServicesCount"]

    assert counts() == (2, 0, 1)
    ecs.create_service(cluster="c", serviceName="jobs", taskDefinition="app:1", desiredCount=1, launchType="FARGATE")
    assert counts() == (2, 1, 2)  # the new task is not running yet
    ecs.update_service(cluster="c", service="web", desiredCount=4)
    move(shared_clock, HEALTHY_AFTER)
    assert counts() == (5, 0, 2)
    ecs.update_service(cluster="c", service="jobs", desiredCount=0)
    ecs.delete_service(cluster="c", service="jobs")
    move(shared_clock, HEALTHY_AFTER)
    assert counts() == (4, 0, 1)
