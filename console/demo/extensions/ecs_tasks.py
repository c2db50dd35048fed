"""ECS services that behave like ECS: task lifecycles, rolling deployments, container health
checks, the deployment circuit breaker, service events and stop codes, on the embedded clock.

moto 5.2.5's services never start tasks, keep one PRIMARY deployment whatever UpdateService
asks, write no events and drop the deployment configuration. Here every service is driven by
ECS's rolling-update scheduler (developer guide, "Deploy Amazon ECS services by replacing
tasks"), lazily: each ECS request, and ``reconcile_all()`` (the simulator's tick), first brings
the backend's services up to ``console.demo.clock.now()``. Only services with something due
(a task between states, a rollout under way) are in the backend's heap, so a request costs
O(log services) when the estate is quiet, however large it is.

Timings (AWS documents none; Fargate-like, deterministic for a given clock), seconds after the
scheduler launches a task:

- PROVISIONING at 0, PENDING at ``PENDING_AFTER`` (5: the ENI is attached), RUNNING at
  ``RUNNING_AFTER`` (15: image pulled, containers started).
- Container health check (the task definition's ``healthCheck``; API_HealthCheck's defaults
  interval 30, retries 3, startPeriod 0): the first check runs one interval after the
  container starts; a good image is HEALTHY then. A task without a health check counts as
  healthy once RUNNING (its healthStatus stays UNKNOWN).
- An image whose tag ends in ``-broken`` fails every check: UNHEALTHY at the ``retries``-th
  failure counted after ``startPeriod`` (90 s after RUNNING with the defaults), then the
  scheduler stops it ("Task failed container health checks"). Without a health check its
  essential container exits with code 1 ``BROKEN_EXIT_AFTER`` (10) s after RUNNING.
- A stopped task is STOPPING at once, DEPROVISIONING ``EXIT_AFTER`` (2) s later (containers
  exited: 143 after SIGTERM), STOPPED ``STOPPED_AFTER`` (5) s after the stop. Stopped tasks
  stay listed for ``STOPPED_KEPT`` (AWS: "at least 1 hour"), at most ``STOPPED_CAP`` a service.

For the seeder, the simulator and tests (through console.demo.control): ``settle_all``
(an estate at its steady state, its history in the past), ``fail_health_check`` (a task's
container health check fails now), ``stop_task`` (stop with a stop code: SpotInterruption,
TerminationNotice, TaskFailedToStart, ...), ``reconcile_all`` (advance everything now).
"""

from __future__ import annotations

import heapq
import math
import threading
from collections import deque
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable

from console.demo.extensions import ecs_deployments
from console.demo.extensions.ecs_deployments import BREAKER_REASON, digits

PENDING_AFTER = 5
RUNNING_AFTER = 15
EXIT_AFTER = 2
STOPPED_AFTER = 5
BROKEN_EXIT_AFTER = 10
HEALTH_DEFAULTS = {"interval": 30, "retries": 3, "startPeriod": 0}
STOPPED_KEPT = timedelta(hours=1)
STOPPED_CAP = 200
MAX_EVENTS = 100  # API_Service events: "A maximum of 100 of the latest events are displayed."
SETTLE_SECONDS = 600
SIGTERM_EXIT = 143
BROKEN_SUFFIX = "-broken"

DEFAULT_DEPLOYMENT_CONFIGURATION = {
    "deploymentCircuitBreaker": {"enable": False, "rollback": False},
    "maximumPercent": 200,
    "minimumHealthyPercent": 100,
}

# stopCode -> the stoppedReason AWS pairs with it when no other is given.
STOP_REASONS = {
    "UserInitiated": "Task stopped by user",
    "EssentialContainerExited": "Essential container in task exited",
    "SpotInterruption": "Your Spot Task was interrupted.",
    "TerminationNotice": "ECS is performing maintenance on the underlying infrastructure hosting the task",
    "InfrastructureHealth": "Task stopped due to an infrastructure health issue",
    "ServiceSchedulerInitiated": "Task stopped by the service scheduler",
    "TaskFailedToStart": "CannotPullContainerError: pull image manifest has been retried 5 time(s): "
                         "failed to resolve ref {image}: not found",
}
HEALTH_CHECK_REASON = "Task failed container health checks"

_lock = threading.RLock()
_installed = False


def _now() -> datetime:
    from console.demo import clock as demo_clock

    return demo_clock.now()


def _short(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def new_deployment_id() -> str:
    """``ecs-svc/`` and 19 digits, as AWS numbers deployments."""
    return f"ecs-svc/{digits()}"


# -- per-backend state ---------------------------------------------------------------------


class Run:
    """What the scheduler knows of one service: its tasks by state and its history."""

    __slots__ = ("key", "active", "stopping", "stopped", "steady", "completed", "records", "revisions",
                 "queued")

    def __init__(self, key: tuple[str, str]) -> None:
        self.key = key
        self.active: dict[str, Any] = {}      # desiredStatus RUNNING
        self.stopping: dict[str, Any] = {}    # desiredStatus STOPPED, not yet STOPPED
        self.stopped: deque[Any] = deque()    # STOPPED, oldest first
        self.steady = False
        self.completed: dict | None = None    # the last COMPLETED deployment (a copy)
        self.records: list[dict] = []         # service deployments, oldest first (ecs_deployments)
        self.revisions: dict[str, dict] = {}  # deployment id -> its service revision
        self.queued: datetime | None = None   # when it is in the backend's heap

    def tasks(self) -> Iterable[Any]:
        yield from self.active.values()
        yield from self.stopping.values()


def _state(backend: Any) -> dict:
    state = getattr(backend, "_opsdeck_ecs", None)
    if state is None:
        state = {"runs": {}, "by_cluster": {}, "stale_counts": set(), "heap": [], "seq": 0}
        backend._opsdeck_ecs = state
    return state


def _key(service: Any) -> tuple[str, str]:
    return (service.cluster_name, service.name)


def _run(backend: Any, service: Any, groups: dict[str, list[Any]] | None = None, adopt: bool = True) -> Run:
    """The service's run; made on first use, adopting what moto made without the scheduler (an
    estate written straight into moto's backend): its deployment, with a service-deployment
    record, and the tasks in its group as RUNNING tasks of it. ``groups``: the cluster's
    unadopted running tasks by group, when adopting many services."""
    runs = _state(backend)["runs"]
    run = runs.get(_key(service))
    if run is None:
        run = runs[_key(service)] = Run(_key(service))
        _state(backend)["by_cluster"].setdefault(service.cluster_name, []).append(run)
        if not adopt:
            return run
        if getattr(service, "deployment_configuration", None) is None:
            service.deployment_configuration = with_defaults({})
        if getattr(service, "created_at", None) is None:
            service.created_at = _now()
        if service.deployments and service.deployments[0].get("taskDefinition"):
            ecs_deployments.started(service, run, service.deployments[0], _now(),
                                    deployment_configuration(service), breaker_threshold(service))
        group = f"service:{service.name}"
        if groups is None:
            groups = _unadopted(backend, service.cluster_name)
        primary = service.deployments[0]["id"] if service.deployments else "ecs-svc/0"
        for task in groups.get(group, ()):
            task._opsdeck = {"deployment": primary}
            task.last_status = "RUNNING"
            task.health_status = getattr(task, "health_status", None) or "UNKNOWN"
            run.active[task.task_arn] = task
    return run


def _unadopted(backend: Any, cluster_name: str) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = {}
    for task in backend.tasks.get(cluster_name, {}).values():
        if task.desired_status == "RUNNING" and not hasattr(task, "_opsdeck") and task.group.startswith("service:"):
            groups.setdefault(task.group, []).append(task)
    return groups


def _queue(backend: Any, run: Run) -> None:
    due = _run_due(run)
    if due is None or (run.queued is not None and run.queued <= due):
        return
    state = _state(backend)
    state["seq"] += 1
    heapq.heappush(state["heap"], (due, state["seq"], run.key))
    run.queued = due


# -- task timeline ---------------------------------------------------------------------------


def _health_check(definition: dict) -> dict | None:
    check = definition.get("healthCheck")
    if not check or not check.get("command"):
        return None
    return {name: check.get(name) if check.get(name) is not None else default
            for name, default in HEALTH_DEFAULTS.items()}


def _broken(definition: dict) -> bool:
    return str(definition.get("image") or "").endswith(BROKEN_SUFFIX)


def _plan(definitions: list[dict], launched: datetime, deployment: str) -> dict:
    """When each of the task's transitions happens, fixed at launch."""
    running = launched + timedelta(seconds=RUNNING_AFTER)
    plan: dict[str, Any] = {
        "deployment": deployment, "pending": launched + timedelta(seconds=PENDING_AFTER), "running": running,
        "healthy": None, "unhealthy": None, "exit": None, "checked": False,
    }
    essential = [d for d in definitions if d.get("essential", True)] or definitions
    checks = [c for c in (_health_check(d) for d in essential) if c]
    broken = any(_broken(d) for d in essential)
    if checks:
        plan["checked"] = True
        if broken:
            worst = max(checks, key=lambda c: c["interval"] * c["retries"] + c["startPeriod"])
            first_counted = math.floor(worst["startPeriod"] / worst["interval"]) + 1
            plan["unhealthy"] = running + timedelta(seconds=worst["interval"] * (first_counted + worst["retries"] - 1))
        else:
            plan["healthy"] = running + timedelta(seconds=max(c["interval"] for c in checks))
    elif broken:
        plan["exit"] = running + timedelta(seconds=BROKEN_EXIT_AFTER)
    return plan


def _task_due(task: Any) -> datetime | None:
    plan = getattr(task, "_opsdeck", None)
    if not plan:
        return None
    status = task.last_status
    if status == "PROVISIONING":
        return plan["pending"]
    if status == "PENDING":
        return plan["running"]
    if status == "RUNNING" and task.desired_status == "RUNNING":
        times = [t for t in (plan.get("healthy") if task.health_status == "UNKNOWN" else None,
                             plan.get("unhealthy") if task.health_status != "UNHEALTHY" else None,
                             plan.get("exit")) if t is not None]
        return min(times) if times else None
    if status == "STOPPING":
        return plan.get("deprovision")
    if status == "DEPROVISIONING":
        return plan.get("stopped")
    return None


def _run_due(run: Run) -> datetime | None:
    times = [t for t in (_task_due(task) for task in run.tasks()) if t is not None]
    if run.stopped:
        times.append(run.stopped[0].stopped_at + STOPPED_KEPT)
    return min(times) if times else None


def healthy(task: Any) -> bool:
    """Counts towards minimumHealthyPercent: RUNNING, and HEALTHY where a health check is defined."""
    if task.last_status != "RUNNING" or task.desired_status != "RUNNING" or \
            getattr(task, "health_status", None) == "UNHEALTHY":
        return False
    return task.health_status == "HEALTHY" or not task._opsdeck.get("checked")


def _set_health(task: Any, health: str) -> None:
    task.health_status = health
    for container in task.containers:
        if getattr(container, "_opsdeck_checked", False) or health == "UNHEALTHY":
            container.health_status = health


def _step(backend: Any, service: Any, run: Run, task: Any, at: datetime) -> None:
    """Apply the task's next transition (due at ``at``)."""
    plan = task._opsdeck
    status = task.last_status
    if status == "PROVISIONING":
        task.last_status = "PENDING"
        task.connectivity = "CONNECTED"
        task.connectivity_at = task.pull_started_at = at
        for container in task.containers:
            container.last_status = "PENDING"
    elif status == "PENDING":
        task.last_status = "RUNNING"
        task.pull_stopped_at = at - timedelta(seconds=2)
        task.started_at = at
        for container in task.containers:
            container.last_status = "RUNNING"
        if not plan.get("checked") and plan.get("exit") is None:
            _succeeded(service, plan["deployment"])  # no health check: healthy once RUNNING
    elif status == "RUNNING":
        if plan.get("exit") is not None and plan["exit"] <= at:
            plan["exit"] = None
            stop(run, task, at, "EssentialContainerExited", exit_code=1)
            _failed(service, run, plan["deployment"], at)
        elif plan.get("unhealthy") is not None and plan["unhealthy"] <= at and task.health_status != "UNHEALTHY":
            _set_health(task, "UNHEALTHY")  # the scheduler stops it in _schedule
        elif plan.get("healthy") is not None and plan["healthy"] <= at and task.health_status == "UNKNOWN":
            _set_health(task, "HEALTHY")
            _succeeded(service, plan["deployment"])
    elif status == "STOPPING":
        task.last_status = "DEPROVISIONING"
        task.execution_stopped_at = at
        for container in task.containers:
            container.last_status = "STOPPED"
            container.exitCode = plan.get("exit_code")
    elif status == "DEPROVISIONING":
        task.last_status = "STOPPED"
        task.stopped_at = at
        run.stopping.pop(task.task_arn, None)
        run.stopped.append(task)
        _forget(backend, run, at)


def _forget(backend: Any, run: Run, now: datetime) -> None:
    """Drop stopped tasks older than STOPPED_KEPT, and any beyond STOPPED_CAP."""
    tasks = backend.tasks.get(run.key[0], {})
    while run.stopped and (len(run.stopped) > STOPPED_CAP or run.stopped[0].stopped_at + STOPPED_KEPT <= now):
        tasks.pop(run.stopped.popleft().task_arn, None)


# -- launching and stopping -------------------------------------------------------------------


def _launch(service: Any, run: Run, deployment_id: str) -> tuple[str, str | None]:
    strategy = getattr(service, "capacity_provider_strategy", None) or []
    if strategy:
        provider = _provider_for([t for t in run.active.values() if t._opsdeck["deployment"] == deployment_id],
                                 strategy)
        return ("FARGATE" if provider in ("FARGATE", "FARGATE_SPOT") else "EC2"), provider
    return (service.launch_type or "FARGATE"), None


def _provider_for(tasks: list[Any], strategy: list[dict]) -> str:
    """The capacity provider a deployment's next task goes to: each provider's ``base`` first,
    then the rest split by ``weight`` (the provider furthest below its share)."""
    counts: dict[str, int] = {}
    for task in tasks:
        name = getattr(task, "capacity_provider_name", None)
        if name:
            counts[name] = counts.get(name, 0) + 1
    for item in strategy:
        if counts.get(item["capacityProvider"], 0) < int(item.get("base") or 0):
            return item["capacityProvider"]
    extra = {item["capacityProvider"]: counts.get(item["capacityProvider"], 0) - int(item.get("base") or 0)
             for item in strategy}
    weights = {item["capacityProvider"]: int(item.get("weight") or 0) for item in strategy}
    total, weight_sum = sum(extra.values()) + 1, sum(weights.values())
    if not weight_sum:
        return strategy[0]["capacityProvider"]
    return max(strategy, key=lambda item: weights[item["capacityProvider"]] / weight_sum * total
               - extra[item["capacityProvider"]])["capacityProvider"]


def _start_task(backend: Any, service: Any, run: Run, deployment: dict, at: datetime) -> Any:
    import types

    from moto.ecs.models import Container, Task

    cluster = backend._get_cluster(service.cluster_name)
    task_def = backend.describe_task_definition(deployment["taskDefinition"])
    launch_type, provider = _launch(service, run, deployment["id"])
    # No ENI: awsvpc would need a real moto subnet per task; keep the config on the task instead.
    shadow = types.SimpleNamespace(
        arn=task_def.arn, network_mode="bridge", container_definitions=task_def.container_definitions
    )
    task = Task(
        cluster=cluster, task_definition=shadow, container_instance_arn=None,
        resource_requirements=None, backend=backend, group=f"service:{service.name}",
        started_by=deployment["id"], launch_type=launch_type if not provider else "",
        platform_version=service.platform_version or ("LATEST" if launch_type == "FARGATE" else None),
        capacity_provider_name=provider,
    )
    task.network_configuration = service.network_configuration or {}
    definitions = task_def.container_definitions or []
    task.containers = []
    for definition in definitions:
        container = Container(task_def)
        container.name = definition.get("name")
        container.image = definition.get("image")
        container.cpu = definition.get("cpu", 0)
        container.memory = definition.get("memory")
        container.last_status = "PENDING"
        container._opsdeck_checked = _health_check(definition) is not None
        container.health_status = "UNKNOWN"
        container.exitCode = None
        container.task_arn = task.task_arn
        container.container_arn = (f"arn:aws:ecs:{service.region_name}:{backend.account_id}:container/"
                                   f"{cluster.name}/{_short(task.task_arn)}/{container.container_arn.rsplit('/', 1)[1]}")
        task.containers.append(container)
    task.last_status = "PROVISIONING"
    task.stopped_reason = None
    task.health_status = "UNKNOWN"
    task.connectivity = None
    task.created_at = at
    task.cpu = task_def.cpu
    task.memory = task_def.memory
    task.availability_zone = f"{service.region_name}{'abc'[len(run.active) % 3]}"
    task.version = 1
    task._opsdeck = _plan(definitions, at, deployment["id"])
    backend.tasks.setdefault(cluster.name, {})[task.task_arn] = task
    run.active[task.task_arn] = task
    return task


def stop(run: Run, task: Any, at: datetime, code: str,
         reason: str | None = None, exit_code: int | None = SIGTERM_EXIT) -> None:
    """Stop a task as ECS does: desiredStatus STOPPED and STOPPING now, STOPPED a few seconds on."""
    plan = task._opsdeck
    started = task.last_status == "RUNNING"
    task.desired_status = "STOPPED"
    task.last_status = "STOPPING"
    task.stop_code = code
    image = next((c.image for c in task.containers), "")
    task.stopped_reason = (reason or STOP_REASONS.get(code, "")).replace("{image}", str(image))
    task.stopping_at = at
    task.version = getattr(task, "version", 1) + 1
    plan["exit_code"] = exit_code if started else None
    plan["deprovision"] = at + timedelta(seconds=EXIT_AFTER)
    plan["stopped"] = at + timedelta(seconds=STOPPED_AFTER)
    plan["healthy"] = plan["unhealthy"] = plan["exit"] = None
    run.active.pop(task.task_arn, None)
    run.stopping[task.task_arn] = task
    run.steady = False


def _event(service: Any, message: str, at: datetime) -> None:
    from moto.moto_api._internal import mock_random

    service.events.insert(0, {"id": str(mock_random.uuid4()), "createdAt": at, "message": message})
    del service.events[MAX_EVENTS:]


def _tasks_text(tasks: list[Any]) -> str:
    return " ".join(f"(task {_short(t.task_arn)})" for t in tasks)


# -- deployments -------------------------------------------------------------------------------


def deployment_configuration(service: Any) -> dict:
    return with_defaults(getattr(service, "deployment_configuration", None) or {})


def with_defaults(config: dict) -> dict:
    """A deploymentConfiguration with AWS's defaults for what it leaves out."""
    merged = {**DEFAULT_DEPLOYMENT_CONFIGURATION, **config}
    merged["deploymentCircuitBreaker"] = {**DEFAULT_DEPLOYMENT_CONFIGURATION["deploymentCircuitBreaker"],
                                          **(config.get("deploymentCircuitBreaker") or {})}
    return merged


def breaker_threshold(service: Any) -> int:
    """API_ThresholdConfiguration: BOUNDED_PERCENT (default, value 50) is value% of the desired
    count kept within 3..200 (the circuit breaker's documented bounds); UNBOUNDED_PERCENT the
    same without the bounds; COUNT the value itself. Fractions round up."""
    breaker = deployment_configuration(service)["deploymentCircuitBreaker"]
    config = breaker.get("thresholdConfiguration") or {}
    kind, value = config.get("type") or "BOUNDED_PERCENT", int(config.get("value") or 50)
    if kind == "COUNT":
        return max(1, value)
    threshold = math.ceil(value * service.desired_count / 100)
    return max(1, threshold) if kind == "UNBOUNDED_PERCENT" else min(200, max(3, threshold))


def _deployment(service: Any, deployment_id: str) -> dict | None:
    return next((d for d in service.deployments if d.get("id") == deployment_id), None)


def new_deployment(service: Any, run: Run, at: datetime, rollback_to: dict | None = None) -> dict:
    """A new PRIMARY deployment of the service's task definition; the old PRIMARY turns ACTIVE."""
    previous = service.deployments[0] if service.deployments else {}
    strategy = getattr(service, "capacity_provider_strategy", None) or []
    deployment_id = new_deployment_id()
    deployment = {
        "id": deployment_id, "status": "PRIMARY", "taskDefinition": service.task_definition,
        "desiredCount": service.desired_count, "pendingCount": 0, "runningCount": 0, "failedTasks": 0,
        "createdAt": at, "updatedAt": at,
        "launchType": None if strategy else (service.launch_type or previous.get("launchType")),
        "capacityProviderStrategy": strategy or None,
        "platformVersion": service.platform_version or previous.get("platformVersion"),
        "platformFamily": previous.get("platformFamily"),
        "networkConfiguration": service.network_configuration or None,
        "rolloutState": "IN_PROGRESS",
        "rolloutStateReason": f"ECS deployment circuit breaker: rolling back to deploymentId {rollback_to['id']}."
        if rollback_to else f"ECS deployment {deployment_id} in progress.",
    }
    for old in service.deployments:
        if old["status"] == "PRIMARY":
            old["status"] = "ACTIVE"
            old["updatedAt"] = at
    service.deployments.insert(0, deployment)
    run.steady = False
    ecs_deployments.started(service, run, deployment, at, deployment_configuration(service),
                            breaker_threshold(service), rollback_to)
    return deployment


def _succeeded(service: Any, deployment_id: str) -> None:
    """A task reached a healthy state: the circuit breaker forgets earlier failures
    (resetOnHealthyTask, default true)."""
    deployment = _deployment(service, deployment_id)
    breaker = deployment_configuration(service)["deploymentCircuitBreaker"]
    if deployment is not None and breaker.get("resetOnHealthyTask", True) is not False:
        deployment["failedTasks"] = 0


def _failed(service: Any, run: Run, deployment_id: str, at: datetime) -> None:
    """A task of ``deployment_id`` failed to reach or stay in a healthy RUNNING state."""
    deployment = _deployment(service, deployment_id)
    if deployment is None:
        return
    deployment["failedTasks"] = deployment.get("failedTasks", 0) + 1
    deployment["updatedAt"] = at
    breaker = deployment_configuration(service)["deploymentCircuitBreaker"]
    ecs_deployments.failure(run, deployment, at)
    if not (breaker.get("enable") and deployment["status"] == "PRIMARY"
            and deployment.get("rolloutState") == "IN_PROGRESS"
            and deployment["failedTasks"] >= breaker_threshold(service)):
        return
    deployment["rolloutState"] = "FAILED"
    deployment["rolloutStateReason"] = BREAKER_REASON
    _event(service, f"(service {service.name}) (deployment {deployment_id}) deployment failed: tasks failed to start.", at)
    target = run.completed if breaker.get("rollback") else None
    ecs_deployments.failed(run, deployment, at, rolling_back_to=target)
    if target is None:
        return
    service.task_definition = target["taskDefinition"]
    _event(service, f"(service {service.name}) rolling back to deployment {target['id']}.", at)
    new_deployment(service, run, at, rollback_to=target)


def _schedule(backend: Any, service: Any, run: Run, at: datetime) -> None:
    """The service scheduler's decisions at ``at``: replace unhealthy tasks, launch the PRIMARY
    deployment's tasks within maximumPercent, drain older deployments while
    minimumHealthyPercent holds, scale in; then counts, rollout state and events."""
    for _ in range(4):  # stopping may make room to launch at the same instant
        if not _schedule_once(backend, service, run, at):
            break
    _bookkeep(service, run, at)


def _schedule_once(backend: Any, service: Any, run: Run, at: datetime) -> bool:
    changed = False
    for task in [t for t in run.active.values() if t.last_status == "RUNNING" and t.health_status == "UNHEALTHY"]:
        stop(run, task, at, "ServiceSchedulerInitiated", HEALTH_CHECK_REASON)
        _event(service, f"(service {service.name}) (task {_short(task.task_arn)}) failed container health checks.", at)
        _failed(service, run, task._opsdeck["deployment"], at)
        changed = True
    if not service.deployments:
        return changed
    primary = service.deployments[0]
    desired = service.desired_count if service.status == "ACTIVE" else 0
    config = deployment_configuration(service)
    most = desired * int(config.get("maximumPercent") or 200) // 100
    least = math.ceil(desired * int(config.get("minimumHealthyPercent") or 0) / 100)
    mine = [t for t in run.active.values() if t._opsdeck["deployment"] == primary["id"]]
    older = [t for t in run.active.values() if t._opsdeck["deployment"] != primary["id"]]
    failed = primary.get("rolloutState") == "FAILED"
    reason = f"Scaling activity initiated by (deployment {primary['id']})"
    if not failed and service.task_definition and len(mine) < desired:
        room = max(most, desired) - len(run.active) if older else desired - len(mine)
        count = min(desired - len(mine), room)
        if count > 0:
            started = [_start_task(backend, service, run, primary, at) for _ in range(count)]
            _event(service, f"(service {service.name}) has started {count} tasks: {_tasks_text(started)}.", at)
            run.steady = False
            changed = True
    stopped: list[Any] = []
    if not failed or desired == 0:
        count_healthy = sum(1 for t in run.active.values() if healthy(t))
        for task in sorted(older, key=healthy):  # not-yet-healthy ones first
            if not healthy(task):
                stopped.append(task)
            elif count_healthy - 1 >= least:
                stopped.append(task)
                count_healthy -= 1
    surplus = len(mine) - desired
    if surplus > 0:
        stopped += sorted(mine, key=healthy)[:surplus]
    for task in stopped:
        stop(run, task, at, "ServiceSchedulerInitiated", reason)
    if stopped:
        _event(service, f"(service {service.name}) has stopped {len(stopped)} running tasks: {_tasks_text(stopped)}.", at)
        changed = True
    return changed


def _bookkeep(service: Any, run: Run, at: datetime) -> None:
    by_deployment: dict[str, list[Any]] = {}
    for task in run.active.values():
        by_deployment.setdefault(task._opsdeck["deployment"], []).append(task)
    for deployment in list(service.deployments):
        tasks = by_deployment.get(deployment["id"], [])
        running = sum(1 for t in tasks if t.last_status == "RUNNING")
        pending = len(tasks) - running
        if (deployment["runningCount"], deployment["pendingCount"]) != (running, pending):
            deployment["runningCount"], deployment["pendingCount"] = running, pending
            deployment["updatedAt"] = at
        if deployment["status"] == "PRIMARY":
            deployment["desiredCount"] = service.desired_count
        elif not tasks:  # drained: INACTIVE, and gone from the list as on AWS
            deployment["status"] = "INACTIVE"
            deployment["updatedAt"] = at
            service.deployments.remove(deployment)
            if deployment["id"] != (run.completed or {}).get("id"):
                run.revisions.pop(deployment["id"], None)
    service.running_count = sum(d["runningCount"] for d in service.deployments)
    service.pending_count = sum(d["pendingCount"] for d in service.deployments)
    if not service.deployments:
        return
    primary = service.deployments[0]
    desired = service.desired_count if service.status == "ACTIVE" else 0
    mine = by_deployment.get(primary["id"], [])
    at_desired = len(service.deployments) == 1 and len(mine) == desired and all(healthy(t) for t in mine)
    if at_desired and primary.get("rolloutState") == "IN_PROGRESS":
        primary["rolloutState"] = "COMPLETED"
        primary["rolloutStateReason"] = f"ECS deployment {primary['id']} completed."
        primary["updatedAt"] = at
        run.completed = dict(primary)
        _event(service, f"(service {service.name}) (deployment {primary['id']}) deployment completed.", at)
        ecs_deployments.completed(run, primary, at)
    if at_desired and not run.steady and primary.get("rolloutState") != "FAILED" and service.status == "ACTIVE":
        _event(service, f"(service {service.name}) has reached a steady state.", at)
        run.steady = True


def _counts_changed(backend: Any, cluster_name: str) -> None:
    """The cluster's task and service counts are worked out when DescribeClusters next asks
    (they are read nowhere else): once per look, not once per change to one of its services."""
    _state(backend)["stale_counts"].add(cluster_name)


def sync_counts(backend: Any) -> None:
    stale = _state(backend)["stale_counts"]
    while stale:
        _sync_cluster(backend, stale.pop())


def _sync_cluster(backend: Any, cluster_name: str) -> None:
    try:
        cluster = backend._get_cluster(cluster_name)
    except Exception:
        return
    running = pending = 0
    for run in _state(backend)["by_cluster"].get(cluster_name, ()):
        for task in run.active.values():
            if task.last_status == "RUNNING":
                running += 1
            else:
                pending += 1
    others = [t for t in backend.tasks.get(cluster_name, {}).values()
              if not hasattr(t, "_opsdeck") and t.desired_status == "RUNNING"]
    cluster.running_tasks_count = running + sum(1 for t in others if t.last_status == "RUNNING")
    cluster.pending_tasks_count = pending + sum(1 for t in others if t.last_status in ("PROVISIONING", "PENDING"))
    # moto keys services "cluster:service": a prefix test per key, not an attribute read per service
    # (this runs after every change to a service: over every service, 2,000 creates took seconds)
    prefix = f"{cluster_name}:"
    cluster.active_services_count = sum(
        1 for key, s in backend.services.items() if key.startswith(prefix) and s.status == "ACTIVE"
    )


# -- advancing ---------------------------------------------------------------------------------


def _advance_service(backend: Any, service: Any, run: Run, now: datetime) -> None:
    """Play the service's transitions in time order up to ``now``, the scheduler after each."""
    for _ in range(10_000):  # bounded: a day of failing tasks is far fewer steps
        due = _run_due(run)
        if due is None or due > now:
            break
        for task in list(run.tasks()):
            task_due = _task_due(task)
            if task_due is not None and task_due <= due:
                _step(backend, service, run, task, due)
        _forget(backend, run, due)
        _schedule(backend, service, run, due)
    _schedule(backend, service, run, now)


def touch(backend: Any, service: Any, now: datetime | None = None) -> Run:
    """Bring one service up to ``now`` and let the scheduler act (after a change to it)."""
    with _lock:
        now = now or _now()
        run = _run(backend, service)
        _advance_service(backend, service, run, now)
        _counts_changed(backend, service.cluster_name)
        _queue(backend, run)
        return run


def advance(backend: Any, now: datetime | None = None) -> int:
    """Bring every service of ``backend`` with something due up to ``now``; returns how many."""
    with _lock:
        now = now or _now()
        state = _state(backend)
        heap = state["heap"]
        moved: set[tuple[str, str]] = set()
        while heap and heap[0][0] <= now:
            due, _, key = heapq.heappop(heap)
            run = state["runs"].get(key)
            if run is None or run.queued != due:
                continue  # a stale entry: the run was queued again for another time
            run.queued = None
            service = backend.services.get(f"{key[0]}:{key[1]}")
            if service is None:
                continue
            _advance_service(backend, service, run, now)
            moved.add(key)
            _queue(backend, run)
        for cluster_name in {key[0] for key in moved}:
            _counts_changed(backend, cluster_name)
        return len(moved)


def _backends(account: str | None = None) -> Iterable[Any]:
    """Every region's ECS backend of `account` (None: of every account)."""
    from moto.ecs.models import ecs_backends

    for account_id in [account] if account else list(ecs_backends.keys()):
        regions = ecs_backends[account_id]
        for region in list(regions.keys()):
            yield regions[region]


def reconcile_all() -> int:
    """Advance every account's and region's services to now; returns how many services moved."""
    return sum(advance(backend) for backend in _backends())


TASK_TIMES = ("created_at", "connectivity_at", "pull_started_at", "pull_stopped_at", "started_at", "stopping_at",
              "execution_stopped_at")
PLAN_TIMES = ("pending", "running", "healthy", "unhealthy", "exit", "deprovision", "stopped")


def _backdate(service: Any, run: Run, horizon: datetime, shift: timedelta) -> None:
    """Move what happened to the service since ``horizon`` (and what its tasks have still to
    do) ``shift`` into the past, keeping its order."""

    def back(moment: Any) -> Any:
        if not isinstance(moment, datetime):
            return moment
        if moment.tzinfo is None:  # moto's own timestamps are naive UTC
            moment = moment.replace(tzinfo=timezone.utc)
        return moment - shift if moment >= horizon else moment

    for task in run.tasks():
        if getattr(task, "created_at", horizon) >= horizon:
            for name in PLAN_TIMES:
                if task._opsdeck.get(name) is not None:
                    task._opsdeck[name] -= shift
            for name in TASK_TIMES:
                setattr(task, name, back(getattr(task, name, None)))
    for item in [*service.events, *service.deployments, *run.records, *run.revisions.values()]:
        for name in ("createdAt", "startedAt", "updatedAt", "finishedAt", "stoppedAt"):
            if name in item:
                item[name] = back(item[name])


def settle_all(seconds: float = SETTLE_SECONDS, account: str | None = None) -> int:
    """Let what happened to every service since the last settle (or ever) have happened up to
    ``seconds`` ago: a seeded estate starts at its steady state, its history in the past.
    Settling again after more changes (a seeder's next chapter) places them after the last
    chapter and before now. Services never seen by the scheduler (written straight into
    moto's backend) are adopted with the tasks of their group; the tasks they lack are
    launched in the past too. `account`: that account's services only (a test's), else
    every account's. Returns how many services."""
    count = 0
    with _lock:
        now = _now()
        for backend in _backends(account):
            state = _state(backend)
            last_at, last_until = state.get("settled_at"), state.get("settled_until")
            gap = seconds if last_at is None else min(seconds, (last_at - last_until).total_seconds() - 1)
            shift = timedelta(seconds=max(gap, 0))
            horizon = now - shift if last_at is None else max(now - shift, last_at)
            groups: dict[str, dict[str, list[Any]]] = {}
            moved: list[Any] = []
            for service in list(backend.services.values()):
                if service.status != "ACTIVE":
                    continue
                if service.cluster_name not in groups:
                    groups[service.cluster_name] = _unadopted(backend, service.cluster_name)
                run = _run(backend, service, groups[service.cluster_name])
                if any(_task_due(t) is not None for t in run.tasks()) or len(run.active) < service.desired_count:
                    _backdate(service, run, horizon, shift)
                    _schedule(backend, service, run, now - shift)  # tasks it lacks start in the past too
                    moved.append(service)
                _advance_service(backend, service, run, now)
                _queue(backend, run)
                count += 1
            if moved:
                state["settled_at"] = now
                ends = [s.events[0]["createdAt"] for s in moved if s.events] + ([last_until] if last_until else [])
                state["settled_until"] = max(ends, default=now - shift)
            for cluster_name in {s.cluster_name for s in backend.services.values()}:
                _counts_changed(backend, cluster_name)
    return count


# -- module functions for the simulator, the seeder and the control API --------------------------


def _backend(account: str | None, region: str) -> Any:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ecs.models import ecs_backends

    return ecs_backends[account or DEFAULT_ACCOUNT_ID][region]


def _find_task(backend: Any, cluster: str, task: str) -> Any:
    cluster_name = backend._get_cluster(cluster).name
    tasks = backend.tasks.get(cluster_name, {})
    if task in tasks:
        return tasks[task]
    for arn, candidate in tasks.items():
        if _short(arn) == _short(task):
            return candidate
    raise LookupError(f"task {task} not found in cluster {cluster}")


def _service_of(backend: Any, task: Any) -> Any | None:
    if not task.group.startswith("service:"):
        return None
    return backend.services.get(f"{task.cluster_name}:{task.group.split(':', 1)[1]}")


def stop_task(cluster: str, task: str, code: str, reason: str | None = None, exit_code: int | None = None,
              account: str | None = None, region: str = "us-east-1") -> str | None:
    """Stop a service task with a given stop code (SpotInterruption, TerminationNotice,
    InfrastructureHealth, EssentialContainerExited, TaskFailedToStart, ...) and AWS's reason
    for it unless ``reason`` is given; the scheduler launches its replacement. A failure code
    (EssentialContainerExited, TaskFailedToStart) counts towards the circuit breaker.
    Returns the replacement's ARN, if one was launched."""
    if code not in STOP_REASONS:
        raise ValueError(f"stop code {code!r}: expected one of {', '.join(sorted(STOP_REASONS))}")
    backend = _backend(account, region)
    with _lock:
        found = _find_task(backend, cluster, task)
        service = _service_of(backend, found)
        if service is None or found.desired_status != "RUNNING":
            raise LookupError(f"task {task} is not a running service task in cluster {cluster}")
        now = _now()
        run = touch(backend, service, now)
        if found.task_arn not in run.active:
            raise LookupError(f"task {task} is not running")
        if exit_code is None:
            exit_code = {"EssentialContainerExited": 1, "TaskFailedToStart": None}.get(code, SIGTERM_EXIT)
        before = set(run.active)
        stop(run, found, now, code, reason, exit_code=exit_code)
        if code in ("EssentialContainerExited", "TaskFailedToStart"):
            _failed(service, run, found._opsdeck["deployment"], now)
        _event(service, f"(service {service.name}) has stopped 1 running tasks: (task {_short(found.task_arn)}).", now)
        touch(backend, service, now)
        return next(iter(set(run.active) - before), None)


def fail_health_check(cluster: str, task: str, account: str | None = None, region: str = "us-east-1") -> str | None:
    """A running task's container health check fails now: it turns UNHEALTHY and the scheduler
    stops and replaces it, with AWS's event and stop reason. Returns the replacement's ARN."""
    backend = _backend(account, region)
    with _lock:
        found = _find_task(backend, cluster, task)
        service = _service_of(backend, found)
        if service is None:
            raise LookupError(f"task {task} is not a service task")
        run = _run(backend, service)
        before = set(run.active)
        _set_health(found, "UNHEALTHY")
        touch(backend, service)
        return next(iter(set(run.active) - before), None)


def set_task_health(
    cluster: str, task: str, health: str = "UNHEALTHY", account: str | None = None, region: str = "us-east-1",
) -> None:
    """Set healthStatus on a task and its containers; an UNHEALTHY service task is then
    stopped and replaced by the scheduler (fail_health_check)."""
    if health == "UNHEALTHY":
        fail_health_check(cluster, task, account, region)
        return
    backend = _backend(account, region)
    with _lock:
        _set_health(_find_task(backend, cluster, task), health)


# -- moto patches ------------------------------------------------------------------------------


def _describe_tasks(self: Any, cluster_str: str, tasks: list[str]) -> list[Any]:
    """describe_tasks without moto's advance() towards STOPPED, and O(requested)."""
    from moto.ecs.exceptions import InvalidParameterException

    cluster = self._get_cluster(cluster_str)
    if not tasks:
        raise InvalidParameterException("Tasks cannot be empty.")
    cluster_tasks = self.tasks.get(cluster.name, {})
    by_id = None
    found = []
    for wanted in tasks:
        task = cluster_tasks.get(wanted)
        if task is None:
            if by_id is None:
                by_id = {_short(arn): t for arn, t in cluster_tasks.items()}
            task = by_id.get(_short(wanted))
        if task is not None and task not in found:
            found.append(task)
    return found


def _strategy_key(value: Any) -> Any:
    return [(s.get("capacityProvider"), s.get("weight"), s.get("base")) for s in value or []]


def _service_arn(compute: Any) -> Any:
    """Service.arn, worked out once per service: moto builds it anew on every read (the
    account's long-ARN setting, the partition), and ListServices reads every service's in
    the cluster for each page (1,498 of them for each of platform-prod's 15 pages). AWS
    too fixes a service's ARN format when the service is created."""

    def arn(self: Any) -> str:
        found = self.__dict__.get("_opsdeck_arn")
        if found is None:
            found = self.__dict__["_opsdeck_arn"] = compute(self)
        return found

    return arn


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.core.responses import BaseResponse
    from moto.ecs.models import EC2ContainerServiceBackend as Backend, Service
    from moto.ecs.responses import EC2ContainerServiceResponse as Response

    original_list_tasks = Backend.list_tasks
    original_update = Backend.update_service
    original_delete = Backend.delete_service
    original_describe_clusters = Backend.describe_clusters
    original_stop = Backend.stop_task
    original_create_response = Response.create_service

    def call_action(self):  # type: ignore[no-untyped-def]
        """Every ECS request sees its backend's services brought up to now."""
        with _lock:
            advance(self.ecs_backend)
            return BaseResponse.call_action(self)

    def list_tasks(self, cluster_str=None, container_instance=None, family=None, started_by=None,
                   service_name=None, desiredStatus=None):  # type: ignore[no-untyped-def]
        """AWS semantics: serviceName filters by the service's group, desiredStatus defaults to RUNNING."""
        if service_name and cluster_str and not (container_instance or family or started_by):
            cluster = self._get_cluster(cluster_str)
            name = service_name.split("/")[-1]
            status = desiredStatus or "RUNNING"
            group = f"service:{name}"
            return [t for t in self.tasks.get(cluster.name, {}).values()
                    if t.group == group and t.desired_status == status]
        tasks = original_list_tasks(self, cluster_str, container_instance, family, started_by,
                                    None, desiredStatus or "RUNNING")
        if service_name:
            group = f"service:{service_name.split('/')[-1]}"
            tasks = [t for t in tasks if t.group == group]
        return tasks

    def update_service(self, service_properties):  # type: ignore[no-untyped-def]
        """A new deployment when the task definition, capacity-provider strategy or network
        changes, or forceNewDeployment; desiredCount alone scales the PRIMARY deployment;
        deploymentConfiguration is merged into what the service has."""
        force = bool(service_properties.pop("force_new_deployment", False))
        cluster = self._get_cluster(service_properties.get("cluster", "default"))
        current = self._get_service(cluster.name, service_properties["service"].split("/")[-1])
        before = (current.task_definition, _strategy_key(getattr(current, "capacity_provider_strategy", None)),
                  current.network_configuration)
        old_config = getattr(current, "deployment_configuration", None) or {}
        new_config = service_properties.get("deployment_configuration")
        service = original_update(self, service_properties)
        if new_config is not None:
            merged = {**old_config, **new_config}
            if "deploymentCircuitBreaker" in new_config:
                merged["deploymentCircuitBreaker"] = new_config["deploymentCircuitBreaker"]
            service.deployment_configuration = merged
        if service.task_definition:
            service.task_definition = self.describe_task_definition(service.task_definition).arn
        after = (service.task_definition, _strategy_key(getattr(service, "capacity_provider_strategy", None)),
                 service.network_configuration)
        with _lock:
            now = _now()
            run = _run(self, service)
            _advance_service(self, service, run, now)
            if force or after != before:
                new_deployment(service, run, now)
            touch(self, service, now)
        return service

    def delete_service(self, cluster_name, service_name, force):  # type: ignore[no-untyped-def]
        service = original_delete(self, cluster_name, service_name, force)
        touch(self, service)
        return service

    def stop_task(self, cluster_str, task_str, reason):  # type: ignore[no-untyped-def]
        task = _find_task(self, cluster_str, task_str)
        service = _service_of(self, task)
        if service is None or not hasattr(task, "_opsdeck"):
            return original_stop(self, cluster_str, task_str, reason)
        with _lock:
            now = _now()
            run = touch(self, service, now)
            if task.task_arn in run.active:
                stop(run, task, now, "UserInitiated", reason or None)
                touch(self, service, now)
        return task

    def describe_clusters(self, cluster_names):  # type: ignore[no-untyped-def]
        with _lock:
            sync_counts(self)
        return original_describe_clusters(self, cluster_names)

    def create_service(self):  # type: ignore[no-untyped-def]
        """Keep capacityProviderStrategy and deploymentConfiguration (moto drops both), number
        the deployment as AWS does, then let the scheduler start the tasks."""
        strategy = self._get_param("capacityProviderStrategy")
        config = self._get_param("deploymentConfiguration")
        result = original_create_response(self)
        service = result.result["service"]
        service.deployment_configuration = with_defaults(config or {})
        if strategy:
            service.capacity_provider_strategy = strategy
            if not self._get_param("launchType"):
                service.launch_type = None
        with _lock:
            now = _now()
            service.created_at = now
            run = _run(self.ecs_backend, service, adopt=False)
            service.deployments.clear()
            if service.task_definition and service.deployment_controller.get("type", "ECS") == "ECS":
                new_deployment(service, run, now)
                service.deployments[0]["platformFamily"] = "Linux" if (service.launch_type or "FARGATE") != "EC2" \
                    or strategy else None
            touch(self.ecs_backend, service, now)
        return result

    Response.call_action = call_action
    Service.arn = property(_service_arn(Service.arn.fget))
    Backend.list_tasks = list_tasks
    Backend.describe_tasks = _describe_tasks
    Backend.update_service = update_service
    Backend.delete_service = delete_service
    Backend.describe_clusters = describe_clusters
    Backend.stop_task = stop_task
    Response.create_service = create_service
    _installed = True
