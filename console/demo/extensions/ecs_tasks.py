"""ECS services that actually run tasks.

moto's services never start tasks, list_tasks ignores serviceName, and
describe_tasks walks every task towards STOPPED. The console's ECS views are
built on tasks, so here each service is reconciled to ``desiredCount`` RUNNING,
HEALTHY tasks (group ``service:<name>``, startedBy the primary deployment) on
create/update/delete and on ``reconcile_all()`` (the simulator calls it), with
the service events AWS writes. Tasks are indexed per service so reconciling
costs O(tasks changed), not O(tasks in the estate).
"""

from __future__ import annotations

import threading
import types
from collections import deque
from datetime import datetime
from typing import Any, Iterable

MAX_EVENTS = 100
KEEP_STOPPED_PER_SERVICE = 20

_lock = threading.RLock()
_installed = False


def _now() -> datetime:
    from console.demo import clock as demo_clock

    return demo_clock.now()


def _state(backend: Any) -> dict:
    """Per-backend index: service key -> {task arn: Task}, and recently stopped tasks."""
    state = getattr(backend, "_opsdeck_ecs", None)
    if state is None:
        state = {"running": {}, "stopped": {}}
        backend._opsdeck_ecs = state
    return state


def _key(service: Any) -> tuple[str, str]:
    return (service.cluster_name, service.name)


def _event(service: Any, message: str) -> None:
    from moto.moto_api._internal import mock_random

    service.events.insert(0, {"id": str(mock_random.uuid4()), "createdAt": _now(), "message": message})
    del service.events[MAX_EVENTS:]


def _launch(service: Any) -> tuple[str, str | None]:
    strategy = getattr(service, "capacity_provider_strategy", None) or []
    if strategy:
        provider = strategy[0].get("capacityProvider")
        return ("FARGATE" if provider in ("FARGATE", "FARGATE_SPOT") else "EC2"), provider
    return (service.launch_type or "FARGATE"), None


def _start_task(backend: Any, service: Any) -> Any:
    from moto.ecs.models import Container, Task

    cluster = backend._get_cluster(service.cluster_name)
    task_def = backend.describe_task_definition(service.task_definition)
    launch_type, provider = _launch(service)
    deployments = service.deployments or [{}]
    started_by = deployments[0].get("id") or "ecs-svc/0"
    # No ENI: awsvpc would need a real moto subnet per task; keep the config on the task instead.
    shadow = types.SimpleNamespace(
        arn=task_def.arn, network_mode="bridge", container_definitions=task_def.container_definitions
    )
    task = Task(
        cluster=cluster, task_definition=shadow, container_instance_arn=None,
        resource_requirements=None, backend=backend, group=f"service:{service.name}",
        started_by=started_by, launch_type=launch_type if not provider else "",
        platform_version=service.platform_version or ("LATEST" if launch_type == "FARGATE" else None),
        capacity_provider_name=provider,
    )
    task.network_configuration = service.network_configuration or {}
    task.containers = []
    for definition in task_def.container_definitions or []:
        container = Container(task_def)
        container.name = definition.get("name")
        container.image = definition.get("image")
        container.cpu = definition.get("cpu", 0)
        container.memory = definition.get("memory")
        container.last_status = "RUNNING"
        container.health_status = "HEALTHY"
        container.task_arn = task.task_arn
        task.containers.append(container)
    now = _now()
    task.health_status = "HEALTHY"
    task.connectivity = "CONNECTED"
    task.created_at = task.pull_started_at = task.pull_stopped_at = task.started_at = now
    task.connectivity_at = now
    task.cpu = task_def.cpu
    task.memory = task_def.memory
    task.availability_zone = f"{service.region_name}a"
    task.version = 2
    backend.tasks.setdefault(cluster.name, {})[task.task_arn] = task
    return task


def _stop_task(backend: Any, task: Any, reason: str, code: str = "ServiceSchedulerInitiated") -> None:
    now = _now()
    task.last_status = "STOPPED"
    task.desired_status = "STOPPED"
    task.stopped_reason = reason
    task.stop_code = code
    task.stopping_at = task.execution_stopped_at = task.stopped_at = now
    for container in task.containers:
        container.last_status = "STOPPED"
    state = _state(backend)
    key = (task.cluster_name, task.group.split(":", 1)[-1])
    state["running"].get(key, {}).pop(task.task_arn, None)
    stopped = state["stopped"].setdefault(key, deque())
    stopped.append(task.task_arn)
    while len(stopped) > KEEP_STOPPED_PER_SERVICE:  # keep memory bounded under churn
        backend.tasks.get(task.cluster_name, {}).pop(stopped.popleft(), None)


def _short(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def _sync_counts(backend: Any, service: Any) -> None:
    running = len(_state(backend)["running"].get(_key(service), {}))
    service.running_count = running
    service.pending_count = 0
    if service.deployments:
        primary = service.deployments[0]
        primary["runningCount"] = running
        primary["pendingCount"] = 0
        primary["desiredCount"] = service.desired_count
        if running == service.desired_count and primary.get("rolloutState") == "IN_PROGRESS":
            primary["rolloutState"] = "COMPLETED"
            primary["rolloutStateReason"] = f"ECS deployment {primary.get('id')} completed."
            primary["updatedAt"] = _now()


def _sync_cluster(backend: Any, cluster_name: str) -> None:
    try:
        cluster = backend._get_cluster(cluster_name)
    except Exception:
        return
    tasks = backend.tasks.get(cluster_name, {}).values()
    cluster.running_tasks_count = sum(1 for t in tasks if t.last_status == "RUNNING")
    cluster.pending_tasks_count = 0
    cluster.active_services_count = sum(
        1 for s in backend.services.values() if s.cluster_name == cluster_name and s.status == "ACTIVE"
    )


def reconcile_service(backend: Any, service: Any) -> int:
    """Start or stop tasks until the service runs desiredCount of them; returns how many changed."""
    with _lock:
        running = _state(backend)["running"].setdefault(_key(service), {})
        desired = service.desired_count if service.status == "ACTIVE" else 0
        changed = 0
        if len(running) < desired and service.task_definition:
            started = [_start_task(backend, service) for _ in range(desired - len(running))]
            for task in started:
                running[task.task_arn] = task
            _event(service, f"(service {service.name}) has started {len(started)} tasks: "
                            + " ".join(f"(task {_short(t.task_arn)})" for t in started) + ".")
            changed += len(started)
        elif len(running) > desired:
            surplus = list(running.values())[: len(running) - desired]
            for task in surplus:
                _stop_task(backend, task, "Scaling activity initiated by (deployment "
                           f"{(service.deployments or [{}])[0].get('id', '')})")
            _event(service, f"(service {service.name}) has stopped {len(surplus)} running tasks: "
                            + " ".join(f"(task {_short(t.task_arn)})" for t in surplus) + ".")
            changed += len(surplus)
        _sync_counts(backend, service)
        if changed:
            if len(running) == desired:
                _event(service, f"(service {service.name}) has reached a steady state.")
            _sync_cluster(backend, service.cluster_name)
        return changed


def _backends() -> Iterable[Any]:
    from moto.ecs.models import ecs_backends

    for account_id in list(ecs_backends.keys()):
        regions = ecs_backends[account_id]
        for region in list(regions.keys()):
            yield regions[region]


def reconcile_all() -> int:
    """Reconcile every service of every account and region; returns tasks started + stopped."""
    total = 0
    for backend in _backends():
        for service in list(backend.services.values()):
            if service.status == "ACTIVE" or _state(backend)["running"].get(_key(service)):
                total += reconcile_service(backend, service)
    return total


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


def replace_task(
    cluster: str, task: str, reason: str = "Task failed ELB health checks",
    account: str | None = None, region: str = "us-east-1",
) -> str | None:
    """Stop a service task the way a failed health check does and start its replacement; returns the new ARN."""
    backend = _backend(account, region)
    with _lock:
        old = _find_task(backend, cluster, task)
        service_name = old.group.split(":", 1)[-1] if old.group.startswith("service:") else None
        _stop_task(backend, old, reason, code="TaskFailedToStart" if "start" in reason.lower() else "EssentialContainerExited")
        if service_name is None:
            return None
        service = backend._get_service(cluster, service_name)
        _event(service, f"(service {service.name}) has stopped 1 running tasks: (task {_short(old.task_arn)}).")
        before = set(_state(backend)["running"].get(_key(service), {}))
        reconcile_service(backend, service)
        new = set(_state(backend)["running"].get(_key(service), {})) - before
        return next(iter(new), None)


def set_task_health(
    cluster: str, task: str, health: str = "UNHEALTHY", account: str | None = None, region: str = "us-east-1",
) -> None:
    """Set healthStatus on a task and its containers (the simulator's unhealthy tasks)."""
    backend = _backend(account, region)
    with _lock:
        found = _find_task(backend, cluster, task)
        found.health_status = health
        for container in found.containers:
            container.health_status = health


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


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.ecs.models import EC2ContainerServiceBackend as Backend
    from moto.ecs.responses import EC2ContainerServiceResponse as Response

    original_list_tasks = Backend.list_tasks
    original_update = Backend.update_service
    original_delete = Backend.delete_service
    original_stop = Backend.stop_task
    original_create_response = Response.create_service

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
        service = original_update(self, service_properties)
        reconcile_service(self, service)
        return service

    def delete_service(self, cluster_name, service_name, force):  # type: ignore[no-untyped-def]
        service = original_delete(self, cluster_name, service_name, force)
        reconcile_service(self, service)
        return service

    def stop_task(self, cluster_str, task_str, reason):  # type: ignore[no-untyped-def]
        task = _find_task(self, cluster_str, task_str)
        with _lock:
            if task.task_arn in _state(self)["running"].get((task.cluster_name, task.group.split(":", 1)[-1]), {}):
                _stop_task(self, task, reason or "Task stopped by user", code="UserInitiated")
                _sync_cluster(self, task.cluster_name)
                return task
        return original_stop(self, cluster_str, task_str, reason)

    def create_service(self):  # type: ignore[no-untyped-def]
        """Keep capacityProviderStrategy and deploymentConfiguration (moto drops both),
        then start the tasks."""
        strategy = self._get_param("capacityProviderStrategy")
        deployment_configuration = self._get_param("deploymentConfiguration")
        result = original_create_response(self)
        service = result.result["service"]
        if deployment_configuration:
            service.deployment_configuration = deployment_configuration
        if strategy:
            service.capacity_provider_strategy = strategy
            if not self._get_param("launchType"):
                service.launch_type = None
                for deployment in service.deployments:
                    deployment["launchType"] = None
                    deployment["capacityProviderStrategy"] = strategy
        reconcile_service(self.ecs_backend, service)
        return result

    Backend.list_tasks = list_tasks
    Backend.describe_tasks = _describe_tasks
    Backend.update_service = update_service
    Backend.delete_service = delete_service
    Backend.stop_task = stop_task
    Response.create_service = create_service
    _installed = True
