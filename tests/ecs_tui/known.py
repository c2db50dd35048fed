"""Known ECS models for the screens' snapshot and in-process tests: a cluster in trouble
and a calm one, services in every health state, a flapping service's tasks (running and
stopped), deployments mid-rollout, the deployment history and the events AWS writes.

Figures are the ones AWS would give, with its own wording for reasons and events."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from console.services.ecs import models as M
from tests.app.conftest import T0, TARGET

ACCOUNT = "123456789012"
WINDOW = 600.0  # the health window (s)


def arn(kind: str, path: str) -> str:
    return f"arn:aws:ecs:us-east-1:{ACCOUNT}:{kind}/{path}"


def cluster(name: str, services: int, running: int, *, not_steady: int | None = 0, flapping: int | None = 0,
            unhealthy: int | None = 0, pending: int = 0) -> M.EcsCluster:
    return M.EcsCluster(TARGET, arn("cluster", name), name, "ACTIVE", ("FARGATE", "FARGATE_SPOT"),
                        (M.CapacityShare("FARGATE", 1, 1), M.CapacityShare("FARGATE_SPOT", 3)),
                        running, pending, services, not_steady, flapping, unhealthy)


def stop(task_id: str, minutes_ago: float, code: str = "EssentialContainerExited",
         reason: str = "Essential container in task exited", exit_code: int | None = 1,
         health_check: bool = False) -> M.TaskStop:
    return M.TaskStop(task_id, T0 - timedelta(minutes=minutes_ago), code, reason, exit_code, "", health_check)


def health(state: str, healthy: int = 2, unhealthy: int = 0, *, replaced: int = 0, failed_checks: int = 0,
           reason: str = "", last_stop: M.TaskStop | None = None) -> M.ServiceHealth:
    return M.ServiceHealth(state, reason, healthy, unhealthy, 0, replaced, failed_checks, WINDOW, last_stop)


def deployment(number: int, status: str, revision: int, desired: int, running: int, *, pending: int = 0,
               failed: int = 0, rollout: str = "COMPLETED", family: str = "app",
               minutes_ago: float = 60) -> M.EcsDeployment:
    reason = {"COMPLETED": f"ECS deployment ecs-svc/{number} completed.",
              "IN_PROGRESS": f"ECS deployment ecs-svc/{number} in progress.",
              "FAILED": "ECS deployment circuit breaker: tasks failed to start."}[rollout]
    at = T0 - timedelta(minutes=minutes_ago)
    return M.EcsDeployment(f"ecs-svc/{number}", status, f"{family}:{revision}", desired, running, pending, rollout,
                           at + timedelta(minutes=2), f"arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/{family}:{revision}",
                           failed, reason, at, "FARGATE")


def event(number: int, minutes_ago: float, message: str) -> M.EcsEvent:
    return M.EcsEvent(f"ev-{number:04d}", T0 - timedelta(minutes=minutes_ago), message)


def metrics(cpu: tuple, memory: tuple) -> M.ServiceMetrics:
    return M.ServiceMetrics(T0 - timedelta(minutes=60), 300, cpu, memory)


def service(name: str, state: str, cluster_name: str = "prod", *, desired: int = 2, running: int = 2,
            pending: int = 0, revision: int = 7, deployments: tuple[M.EcsDeployment, ...] | None = None,
            service_health: M.ServiceHealth | None = None, last_event: M.EcsEvent | None = None,
            service_metrics: M.ServiceMetrics | None = None, strategy=(), launch_type: str | None = "FARGATE",
            breaker: bool = True, rollback: bool = True) -> M.EcsService:
    deployments = deployments if deployments is not None else (deployment(1, "PRIMARY", revision, desired, running),)
    service_health = service_health if service_health is not None else health(state, running)
    launch = launch_type or " ".join(str(s) for s in strategy)
    return M.EcsService(TARGET, arn("service", f"{cluster_name}/{name}"), name, cluster_name, "ACTIVE", desired,
                        running, pending, launch, f"{name}:{revision}", deployments, service_health.healthy_tasks,
                        service_health.unhealthy_tasks, breaker,
                        f"arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/{name}:{revision}", rollback, launch_type,
                        tuple(strategy), T0 - timedelta(days=30), last_event, service_health, service_metrics)


SPOT = (M.CapacityShare("FARGATE", 1, 1), M.CapacityShare("FARGATE_SPOT", 3))
CPU = (22.0, 25.0, 31.0, 28.0, 35.0, 41.0, 38.0, 44.0, 52.0, 49.0, 47.0, 46.0)
MEMORY = (40.0, 40.5, 41.0, 41.0, 41.5, 42.0, 42.0, 43.0, 43.5, 44.0, 44.0, 44.5)


def worker() -> M.EcsService:
    """The issue's worker-service: 2/2 running, but one task fails its container health
    check every 30 s and is replaced: flapping, not healthy."""
    last = stop("3f2a9c1e", 1.5, "TaskFailedToStart", "Task failed container health checks", None, True)
    return service("worker-service", M.FLAPPING, service_health=health(
        M.FLAPPING, 1, 1, replaced=6, failed_checks=6, last_stop=last,
        reason="6 tasks replaced in 10m (6 failed health checks); last: Task failed container health checks"),
        last_event=event(40, 0.5, "(service worker-service) (task 3f2a9c1e) failed container health checks."),
        service_metrics=metrics(CPU, MEMORY), strategy=SPOT, launch_type=None)


def services() -> tuple[M.EcsService, ...]:
    return (
        service("api", M.HEALTHY, desired=3, running=3, service_health=health(M.HEALTHY, 3),
                last_event=event(10, 42, "(service api) has reached a steady state."),
                service_metrics=metrics(CPU, MEMORY)),
        worker(),
        service("checkout", M.ROLLING_OUT, desired=4, running=5, pending=1, revision=12,
                deployments=(deployment(9, "PRIMARY", 12, 4, 2, pending=1, rollout="IN_PROGRESS", minutes_ago=3),
                             deployment(8, "ACTIVE", 11, 4, 3, minutes_ago=90)),
                service_health=health(M.ROLLING_OUT, 5, reason="deployment ecs-svc/9 in progress: 2 of 4 tasks "
                                      "of checkout:12 running"),
                last_event=event(30, 1, "(service checkout) has started 1 tasks: (task 9d1e7a55)."),
                service_metrics=metrics(CPU[::-1], MEMORY)),
        service("payments", M.FAILED, revision=5,
                deployments=(deployment(7, "PRIMARY", 4, 2, 2, minutes_ago=2),
                             deployment(6, "ACTIVE", 5, 2, 0, failed=3, rollout="FAILED", minutes_ago=12)),
                service_health=health(M.FAILED, 2, replaced=3, reason="deployment ecs-svc/6 failed: ECS deployment "
                                      "circuit breaker: tasks failed to start.; rolling back to ecs-svc/7",
                                      last_stop=stop("77aa01bc", 4, "TaskFailedToStart",
                                                     "CannotPullContainerError: pull image manifest has been "
                                                     "retried 5 time(s): payments:1.4-broken not found", None)),
                last_event=event(20, 2, "(service payments) rolling back to deployment ecs-svc/7.")),
        service("reports", M.SHORT, desired=2, running=1, service_health=health(
            M.SHORT, 1, reason="1 of 2 tasks running"), launch_type=None, strategy=SPOT),
        service("[red]markup[/]", M.HEALTHY, desired=1, running=1, service_health=health(M.HEALTHY, 1),
                last_event=event(11, 300, "(service [red]markup[/]) has reached a steady state.\x1b]52;c;AAAA\x07")),
    )


def clusters() -> tuple[M.EcsCluster, ...]:
    return (cluster("prod", 6, 14, not_steady=4, flapping=1, unhealthy=2, pending=1),
            cluster("batch", 3, 6),
            cluster("staging", 2, 2, not_steady=None, flapping=None, unhealthy=None))


# the worker's own screen -------------------------------------------------------------------------------
def container(name: str, status: str = "RUNNING", health_status: str = "HEALTHY", exit_code: int | None = None,
              reason: str = "") -> M.EcsContainer:
    return M.EcsContainer(name, f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/{name}:1.4.2", status, health_status,
                          exit_code, reason)


def task(task_id: str, *, status: str = "RUNNING", health_status: str = "HEALTHY", started_ago: float = 30,
         stopped_ago: float | None = None, stop_code: str | None = None, reason: str | None = None,
         containers: tuple[M.EcsContainer, ...] | None = None, provider: str = "FARGATE", az: str = "us-east-1a",
         revision: int = 7) -> M.EcsTask:
    stopped_at = None if stopped_ago is None else T0 - timedelta(minutes=stopped_ago)
    containers = containers if containers is not None else (container("app", status, health_status),)
    return M.EcsTask(TARGET, arn("task", f"prod/{task_id}"), task_id, "prod", "worker-service", status,
                     "STOPPED" if stopped_ago is not None else "RUNNING", health_status, containers,
                     f"arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/worker-service:{revision}",
                     f"worker-service:{revision}", provider, "FARGATE", az, "256", "512",
                     T0 - timedelta(minutes=started_ago + 0.5), T0 - timedelta(minutes=started_ago),
                     stopped_at, stopped_at, stop_code, reason, "service:worker-service")


def worker_tasks() -> tuple[M.EcsTask, ...]:
    failing = "Task failed container health checks"
    return (
        task("a81c44d2e0f94b6b", started_ago=95),
        task("c3b9e1f0a7d24e55", started_ago=0.5, health_status="UNHEALTHY", provider="FARGATE_SPOT",
             az="us-east-1b", containers=(container("app", "RUNNING", "UNHEALTHY"), container("envoy"))),
        task("3f2a9c1e5b7d4c08", status="STOPPED", health_status="UNHEALTHY", started_ago=2, stopped_ago=1.5,
             stop_code="TaskFailedToStart", reason=failing, provider="FARGATE_SPOT", az="us-east-1b",
             containers=(container("app", "STOPPED", "UNHEALTHY", 137), container("envoy", "STOPPED", "UNKNOWN", 0))),
        task("9be04d7c11aa4f3e", status="STOPPED", health_status="UNKNOWN", started_ago=40, stopped_ago=31,
             stop_code="EssentialContainerExited", reason="Essential container in task exited",
             containers=(container("app", "STOPPED", "UNKNOWN", 1, "OutOfMemoryError: Container killed due to "
                                                                    "memory usage"),)),
        task("0d5f6e2a8c9b4e71", status="STOPPED", health_status="UNKNOWN", started_ago=200, stopped_ago=95,
             stop_code="SpotInterruption", reason="Your Spot Task was interrupted.", provider="FARGATE_SPOT"),
    )


def worker_events() -> tuple[M.EcsEvent, ...]:
    events = []
    for i in range(12):
        minutes = 0.5 + i * 1.5
        if i % 3 == 0:
            message = f"(service worker-service) (task {i:x}3f2a9c1e) failed container health checks."
        elif i % 3 == 1:
            message = f"(service worker-service) has stopped 1 running tasks: (task {i:x}3f2a9c1e)."
        else:
            message = f"(service worker-service) has started 1 tasks: (task {i:x}c3b9e1f0)."
        events.append(event(100 - i, minutes, message))
    events.append(event(50, 95, "(service worker-service) has reached a steady state."))
    return tuple(events)


def worker_history() -> tuple[M.EcsServiceDeployment, ...]:
    def revision(number: int, running: int) -> M.RevisionCount:
        return M.RevisionCount(arn("service-revision", f"prod/worker-service/{number}"), 2, running, 0)

    def one(number: int, status: str, minutes_ago: float, reason: str = "", rollback: str = "") -> M.EcsServiceDeployment:
        at = T0 - timedelta(minutes=minutes_ago)
        return M.EcsServiceDeployment(TARGET, arn("service-deployment", f"prod/worker-service/dep{number}"),
                                      arn("service", "prod/worker-service"), arn("cluster", "prod"), status, reason,
                                      at, at, at + timedelta(minutes=6), None, at + timedelta(minutes=6),
                                      revision(number, 2), (), rollback)
    return (one(3, "SUCCESSFUL", 96), one(2, "ROLLBACK_SUCCESSFUL", 180, rollback="circuit breaker: tasks failed "
                                                                                     "to start"),
            one(1, "SUCCESSFUL", 60 * 24 * 3))


def worker_detail() -> M.ServiceDetail:
    service = replace(worker(), deployments=(deployment(3, "PRIMARY", 7, 2, 2, minutes_ago=96),))
    return M.ServiceDetail(service, worker_tasks(), worker_events(), worker_history())
