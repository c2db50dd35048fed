"""A service's state and the reason in words, from models built in-process (no server): the
rules of console.services.ecs.health, one by one."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from console.services.ecs.health import FLAP_THRESHOLD, WINDOW, replaced, service_health, stop_words, stop_of
from console.services.ecs.models import (
    FAILED, FLAPPING, HEALTHY, INACTIVE, ROLLING_OUT, SHORT, UNHEALTHY, EcsContainer, EcsDeployment, EcsService,
    EcsTask,
)
from console.target import Target

TARGET = Target(profile=None, region="us-east-1", endpoint="http://127.0.0.1:1", account="123456789012")
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
DEFINITIONS = "arn:aws:ecs:us-east-1:123456789012:task-definition"


def deployment(id: str, status: str = "PRIMARY", desired: int = 4, running: int = 4, state: str = "COMPLETED",
               reason: str = "", task_definition: str = "app:7") -> EcsDeployment:
    return EcsDeployment(id, status, task_definition, desired, running, 0, state, NOW, rollout_reason=reason,
                         task_definition_arn=f"{DEFINITIONS}/{task_definition}")


def service(desired: int = 4, running: int = 4, pending: int = 0, deployments=None, status: str = "ACTIVE"):
    return EcsService(TARGET, "arn:aws:ecs:us-east-1:123456789012:service/prod/api", "api", "prod", status, desired,
                      running, pending, "FARGATE", "app:7",
                      tuple(deployments if deployments is not None else [deployment("ecs-svc/1")]), None, None, True)


def task(n: int, health: str = "HEALTHY", stopped_ago: float | None = None, code: str | None = None,
         reason: str | None = None, exit_code: int | None = None, container_reason: str = "",
         definition: str = "app:7") -> EcsTask:
    stopped = stopped_ago is not None
    at = NOW - timedelta(seconds=stopped_ago) if stopped else None
    container = EcsContainer("app", "registry/app:1", "STOPPED" if stopped else "RUNNING", health, exit_code,
                             container_reason)
    return EcsTask(TARGET, f"arn:aws:ecs:us-east-1:123456789012:task/prod/t{n}", f"t{n}", "prod", "api",
                   "STOPPED" if stopped else "RUNNING", "STOPPED" if stopped else "RUNNING", health, (container,),
                   f"{DEFINITIONS}/{definition}", definition, "FARGATE", None,
                   "us-east-1a", "256", "512", NOW, NOW, at, at, code, reason, "service:api")


def running(count: int = 4, unhealthy: int = 0) -> list[EcsTask]:
    return [task(i, "UNHEALTHY" if i < unhealthy else "HEALTHY") for i in range(count)]


def health(svc, stopped=(), live=None):
    return service_health(svc, running() if live is None else live, stopped, NOW)


def test_a_steady_service_is_healthy_with_no_reason():
    found = health(service())
    assert (found.state, found.reason, found.steady, found.healthy_tasks) == (HEALTHY, "", True, 4)


def test_the_window_and_threshold_are_ten_minutes_and_two():
    assert (WINDOW, FLAP_THRESHOLD) == (600.0, 2)


@pytest.mark.parametrize("stopped, state, reason", [
    # health checks: the reason AWS gives (the code may be anything, even a person's)
    ([task(10, stopped_ago=60, code="ServiceSchedulerInitiated", reason="Task failed container health checks"),
      task(11, stopped_ago=200, code="UserInitiated", reason="Task failed container health checks"),
      task(12, stopped_ago=400, code="ServiceSchedulerInitiated",
           reason="Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:tg/api)"),
      task(13, stopped_ago=500, code="ServiceSchedulerInitiated", reason="Task failed container health checks")],
     FLAPPING, "tasks replaced 4× in 10 min (failed container health checks)"),
    ([task(10, stopped_ago=30, code="EssentialContainerExited", reason="Essential container in task exited",
           exit_code=137),
      task(11, stopped_ago=90, code="EssentialContainerExited", reason="Essential container in task exited",
           exit_code=137)],
     FLAPPING, "tasks replaced 2× in 10 min (essential container exited (exit 137))"),
    ([task(10, stopped_ago=30, code="TaskFailedToStart", reason="CannotPullContainerError: pull access denied",
           container_reason="CannotPullContainerError: pull access denied for registry/app"),
      task(11, stopped_ago=90, code="TaskFailedToStart", reason="CannotPullContainerError: pull access denied",
           container_reason="CannotPullContainerError: pull access denied for registry/app")],
     FLAPPING, "tasks replaced 2× in 10 min (CannotPullContainerError)"),
    # one replacement is an incident, not a loop; older ones are outside the window
    ([task(10, stopped_ago=30, code="SpotInterruption", reason="Your Spot Task was interrupted.")], HEALTHY, ""),
    ([task(10, stopped_ago=30, code="EssentialContainerExited", reason="Essential container in task exited"),
      task(11, stopped_ago=WINDOW + 1, code="EssentialContainerExited", reason="Essential container in task exited")],
     HEALTHY, ""),
    # what people and the scheduler's own scaling stop is not the service failing
    ([task(10, stopped_ago=30, code="UserInitiated", reason="Task stopped by user"),
      task(11, stopped_ago=40, code="UserInitiated", reason="Task stopped by user"),
      task(12, stopped_ago=50, code="ServiceSchedulerInitiated",
           reason="Scaling activity initiated by (deployment ecs-svc/1)")], HEALTHY, ""),
])
def test_replacements_in_the_window(stopped, state, reason):
    found = health(service(), stopped)
    assert (found.state, found.reason) == (state, reason)
    assert found.last_stop.task_id == "t10"  # the newest failure, else the newest stop


def test_a_running_task_failing_its_checks_is_unhealthy():
    found = health(service(), live=running(4, unhealthy=1))
    assert (found.state, found.reason, found.unhealthy_tasks, found.healthy_tasks) == (
        UNHEALTHY, "1 task failing health checks", 1, 3)


def test_a_rollout_in_progress_says_how_far_the_new_deployment_is():
    svc = service(deployments=[deployment("ecs-svc/2", desired=4, running=2, state="IN_PROGRESS",
                                          task_definition="app:8"),
                               deployment("ecs-svc/1", status="ACTIVE", desired=4, running=4)])
    assert svc.deploying and svc.rollout_state == "IN_PROGRESS"
    found = health(svc)
    assert (found.state, found.reason, found.steady) == (ROLLING_OUT, "rolling out ecs-svc/2 2/4 new tasks", False)


def test_a_deployment_the_circuit_breaker_failed_and_the_rollback_after_it():
    reason = "ECS deployment circuit breaker: tasks failed to start."
    failed = service(deployments=[deployment("ecs-svc/2", running=0, state="FAILED", reason=reason)])
    assert (health(failed).state, health(failed).reason) == (
        FAILED, "deployment ecs-svc/2 failed (circuit breaker: tasks failed to start)")
    rolling_back = service(deployments=[
        deployment("ecs-svc/3", desired=4, running=1, state="IN_PROGRESS", task_definition="app:7"),
        deployment("ecs-svc/2", status="ACTIVE", running=0, state="FAILED", reason=reason, task_definition="app:8")])
    assert health(rolling_back).reason == (
        "deployment ecs-svc/2 failed (circuit breaker: tasks failed to start); rolling back to app:7: 1/4 tasks")


def test_while_the_circuit_breaker_rolls_back_the_service_reads_as_failed():
    """The failed deployment may be gone from DescribeServices already: the rollback
    deployment's rolloutStateReason says what is going on."""
    svc = service(deployments=[
        deployment("ecs-svc/3", desired=2, running=1, state="IN_PROGRESS", task_definition="app:7",
                   reason="ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1."),
        deployment("ecs-svc/1", status="ACTIVE", desired=2, running=2, task_definition="app:7")])
    assert (health(svc).state, health(svc).reason) == (
        FAILED, "deployment failed (circuit breaker); rolling back to app:7: 1/2 tasks")


def test_crashes_of_a_deployment_rolled_back_and_gone_do_not_make_the_service_flap():
    crashed = [task(10 + i, stopped_ago=30 * i + 30, code="ServiceSchedulerInitiated",
                    reason="Task failed container health checks", definition="app:8") for i in range(4)]
    drained = task(20, stopped_ago=5, code="ServiceSchedulerInitiated",
                   reason="Scaling activity initiated by (deployment ecs-svc/3)")
    found = health(service(), [drained, *crashed])  # it runs app:7 alone again
    assert (found.state, found.replaced) == (HEALTHY, 0)
    assert found.last_stop.task_id == "t10"  # the newest failure: not hidden by a task drained since
    rolling_out = service(deployments=[deployment("ecs-svc/2", state="IN_PROGRESS", running=0,
                                                  task_definition="app:8"),
                                       deployment("ecs-svc/1", status="ACTIVE")])
    assert health(rolling_out, crashed).state == FLAPPING  # while app:8 is deployed, they count


def test_a_service_short_of_tasks_says_why_the_last_one_stopped():
    stopped = [task(10, stopped_ago=30, code="EssentialContainerExited", reason="Essential container in task exited",
                    exit_code=1)]
    found = health(service(running=3), stopped, live=running(3))
    assert (found.state, found.reason) == (SHORT, "1 task short: essential container exited (exit 1)")
    assert health(service(desired=4, running=2, pending=2), live=running(2)).reason == "2 tasks short (2 pending)"


def test_a_draining_service_is_not_at_fault():
    found = health(service(status="DRAINING"), live=[])
    assert (found.state, found.steady) == (INACTIVE, True)


def test_stop_words_and_what_counts_as_replaced():
    spot = task(1, stopped_ago=1, code="SpotInterruption", reason="Your Spot Task was interrupted.")
    user = task(2, stopped_ago=1, code="UserInitiated", reason="Task stopped by user")
    assert (stop_words(stop_of(spot)), replaced(spot)) == ("Spot interruption", True)
    assert (stop_words(stop_of(user)), replaced(user)) == ("stopped by user", False)
    elb = task(3, stopped_ago=1, code="ServiceSchedulerInitiated", reason="Task failed ELB health checks in (tg)")
    assert stop_words(stop_of(elb)) == "failed ELB health checks" and stop_of(elb).health_check


def test_a_service_model_gives_its_ref_and_no_verdict_before_its_tasks_are_read():
    svc = service()
    assert (svc.ref.cluster, svc.ref.service, svc.ref.target) == ("prod", "api", TARGET)
    assert svc.steady is None and svc.reason == ""
    assert replace(svc, health=health(svc)).steady is True
