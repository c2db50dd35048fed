"""RunTask on Fargate: awsvpc tasks with their network interface, and their lifecycle.

moto 5.2.5 crashes on RunTask for a Fargate task definition: it sums container-level
memory, which a Fargate task definition need not have (its memory is the task's), and
answers 500. Where it does not crash, the task lacks what AWS reports for it. Here a
Fargate RunTask (launchType FARGATE, or a capacity-provider strategy, given or the
cluster's default, of FARGATE/FARGATE_SPOT) behaves as the ECS references describe it
(contract tests: tests/contract/test_ecs_run_task.py):

- awsvpc needs ``networkConfiguration`` ("required for task definitions that use the
  awsvpc network mode", API_RunTask.html); without it InvalidParameterException "Network
  Configuration must be provided when networkMode 'awsvpc' is specified." (AWS's text, as
  users report it). An unknown subnet is refused too.
- each task gets an ElasticNetworkInterface attachment: an ENI created in one of the
  given subnets (spread over them), with the subnet id, ENI id, MAC, private DNS name
  and a private IPv4 address of the subnet's range; availabilityZone is the subnet's.
- cpu and memory are the task definition's (task level), group ``family:<family>`` unless
  given, createdAt, launchType FARGATE (and capacityProviderName with a strategy: its
  base first, then its weights), platformVersion 1.4.0 for LATEST.
- the task lifecycle of task-lifecycle-explanation.html, on the embedded AWS's clock:
  PROVISIONING (the ENI is attached) -> PENDING (image pulled) -> RUNNING with
  pullStartedAt/pullStoppedAt/startedAt/connectivityAt; ECS documents no durations, the
  ones below are assumed (those of console.demo.extensions.ecs_tasks). StopTask on such a
  task: stopCode UserInitiated, the reason given or "Task stopped by user", desiredStatus
  STOPPED and STOPPING at once, DEPROVISIONING when the containers have exited (143, after
  SIGTERM), then STOPPED (stoppingAt, executionStoppedAt, stoppedAt); the ENI is deleted.

Everything else (EC2 launch type, bridge/host tasks) goes to moto as before.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

from console.demo.extensions.ecs_tasks import (
    EXIT_AFTER, PENDING_AFTER, RUNNING_AFTER, SIGTERM_EXIT, STOP_REASONS, STOPPED_AFTER,
)

# AWS documents no durations: the service scheduler's tasks' (ecs_tasks), so both kinds move alike
PROVISIONING = timedelta(seconds=PENDING_AFTER)  # the ENI is attached
PULLING = timedelta(seconds=RUNNING_AFTER - PENDING_AFTER)  # image pulled, containers started
STOPPING = timedelta(seconds=EXIT_AFTER)  # the containers exit on SIGTERM
DEPROVISIONING = timedelta(seconds=STOPPED_AFTER - EXIT_AFTER)  # the ENI is detached
FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
FARGATE_PLATFORM = "1.4.0"  # what LATEST resolves to for Linux Fargate tasks
USER_STOP_REASON = STOP_REASONS["UserInitiated"]
NO_NETWORK = "Network Configuration must be provided when networkMode 'awsvpc' is specified."

_lock = threading.RLock()
_installed = False


def _now() -> datetime:
    from console.demo import clock as demo_clock

    return demo_clock.now()


def _live(backend: Any) -> dict[str, Any]:
    """The Fargate tasks RunTask started on this backend that have not reached STOPPED."""
    live = getattr(backend, "_opsdeck_run_tasks", None)
    if live is None:
        live = backend._opsdeck_run_tasks = {}
    return live


def providers_for(strategy: list[dict[str, Any]], count: int) -> list[str]:
    """The capacity provider of each of `count` tasks: each provider's base first (in
    strategy order), the rest spread by weight (the provider furthest below its share next)."""
    chosen: list[str] = []
    for item in strategy:
        chosen += [item["capacityProvider"]] * min(int(item.get("base") or 0), count - len(chosen))
    weighted = [item for item in strategy if int(item.get("weight") or 0) > 0] or strategy[:1]
    placed = {item["capacityProvider"]: 0 for item in weighted}
    while len(chosen) < count:
        item = min(weighted, key=lambda i: (placed[i["capacityProvider"]] + 1) / max(int(i.get("weight") or 1), 1))
        placed[item["capacityProvider"]] += 1
        chosen.append(item["capacityProvider"])
    return chosen


def _invalid(message: str) -> Exception:
    from moto.ecs.exceptions import InvalidParameterException

    return InvalidParameterException(message)


def _subnets(backend: Any, network: dict[str, Any] | None) -> tuple[list[Any], list[str], str]:
    """The awsvpc configuration's subnets (moto objects), security groups and assignPublicIp."""
    from moto.ec2.models import ec2_backends

    config = (network or {}).get("awsvpcConfiguration") or {}
    subnet_ids = config.get("subnets") or []
    if not subnet_ids:
        raise _invalid(NO_NETWORK)
    if len(subnet_ids) > 16:
        raise _invalid("subnets can have at most 16 items.")
    groups = list(config.get("securityGroups") or [])
    if len(groups) > 5:
        raise _invalid("securityGroups can have at most 5 items.")
    ec2 = ec2_backends[backend.account_id][backend.region_name]
    subnets = []
    for subnet_id in subnet_ids:
        try:
            subnets.append(ec2.get_subnet(subnet_id))
        except Exception:
            raise _invalid(f"Error retrieving subnet information for [{subnet_id}]: The subnet ID '{subnet_id}' "
                           "does not exist (Service: AmazonEC2; Status Code: 400; Error Code: "
                           "InvalidSubnetID.NotFound)") from None
    return subnets, groups, config.get("assignPublicIp") or "DISABLED"


def _attach_eni(backend: Any, task: Any, subnet: Any, groups: list[str]) -> None:
    """Create the task's ENI in `subnet` and describe it as ECS does (ElasticNetworkInterface)."""
    from moto.ec2.models import ec2_backends
    from moto.moto_api._internal import mock_random

    attachment_id = str(mock_random.uuid4())
    ec2 = ec2_backends[backend.account_id][backend.region_name]
    eni = ec2.create_network_interface(
        subnet=subnet, private_ip_address=None, group_ids=groups or None,
        description=f"arn:aws:ecs:{backend.region_name}:{backend.account_id}:attachment/{attachment_id}",
    )
    eni.status = "in-use"
    ip = eni.private_ip_address
    dns = eni.private_dns_name or f"ip-{ip.replace('.', '-')}.ec2.internal"
    task.attachments = [{
        "id": attachment_id,
        "type": "ElasticNetworkInterface",
        "status": "PRECREATED",
        "details": [
            {"name": "subnetId", "value": subnet.id},
            {"name": "networkInterfaceId", "value": eni.id},
            {"name": "macAddress", "value": eni.mac_address},
            {"name": "privateDnsName", "value": dns},
            {"name": "privateIPv4Address", "value": ip},
        ],
    }]
    task._opsdeck_eni = eni.id
    for container in task.containers:
        container.network_interfaces = [{"attachmentId": attachment_id, "privateIpv4Address": ip}]


def _containers(task: Any, task_def: Any) -> list[Any]:
    from moto.ecs.models import Container
    from moto.moto_api._internal import mock_random

    containers = []
    for definition in task_def.container_definitions or []:
        container = Container(task_def)
        container.container_arn = (f"arn:aws:ecs:{task.region_name}:{task._account_id}:container/"
                                   f"{task.cluster_name}/{task.id}/{mock_random.uuid4()}")
        container.task_arn = task.task_arn
        container.name = definition.get("name")
        container.image = definition.get("image")
        container.cpu = str(definition.get("cpu") or 0)
        container.memory = str(definition["memory"]) if definition.get("memory") else None
        container.memory_reservation = (str(definition["memoryReservation"])
                                        if definition.get("memoryReservation") else None)
        container.last_status = "PENDING"
        container.exitCode = None
        container.health_status = "UNKNOWN"
        container._opsdeck_health_check = bool(definition.get("healthCheck"))
        container.network_interfaces = []
        containers.append(container)
    return containers


def _fargate_task(backend: Any, cluster: Any, task_def: Any, provider: str | None, launch_type: str | None,
                  subnet: Any, groups: list[str], network: dict[str, Any], group: str, started_by: str | None,
                  overrides: dict[str, Any] | None, tags: list[dict[str, str]] | None) -> Any:
    import types

    from moto.ecs.models import Task

    # moto's Task would create its own ENI (with an IP outside the subnet) and sum the
    # container memory: give it a view of the definition without awsvpc, and attach here.
    shadow = types.SimpleNamespace(arn=task_def.arn, network_mode="bridge",
                                   container_definitions=task_def.container_definitions)
    task = Task(cluster=cluster, task_definition=shadow, container_instance_arn=None, resource_requirements=None,
                backend=backend, group=group, launch_type=launch_type or "FARGATE", overrides=overrides or {},
                started_by=started_by or "", tags=tags or [], platform_version=FARGATE_PLATFORM,
                capacity_provider_name=provider)
    now = _now()
    task.containers = _containers(task, task_def)
    task.network_configuration = network
    task.created_at = now
    task.availability_zone = subnet.availability_zone
    task.cpu = task_def.cpu or str(sum(int(d.get("cpu") or 0) for d in task_def.container_definitions or []))
    task.memory = task_def.memory or str(sum(int(d.get("memory") or 0) for d in task_def.container_definitions or []))
    task.platform_family = "Linux"
    task.ephemeral_storage = {"sizeInGiB": 20}
    task.enable_execute_command = False
    task.health_status = "UNKNOWN"
    task.version = 1
    task.last_status = "PROVISIONING"
    _attach_eni(backend, task, subnet, groups)
    return task


def _advance(backend: Any, now: datetime | None = None) -> None:
    """Move this backend's RunTask tasks along their lifecycle to `now`."""
    live = _live(backend)
    if not live:
        return
    now = now or _now()
    touched = set()
    with _lock:
        for arn, task in list(live.items()):
            before = task.last_status
            _step(backend, task, now)
            if task.last_status != before:
                touched.add(task.cluster_name)
            if task.last_status == "STOPPED":
                live.pop(arn, None)
        for cluster_name in touched:
            _count(backend, cluster_name)


def _step(backend: Any, task: Any, now: datetime) -> None:
    stopping = getattr(task, "stopping_at", None)
    if stopping is not None:
        if now >= stopping + STOPPING and task.last_status not in ("DEPROVISIONING", "STOPPED"):
            task.last_status = "DEPROVISIONING"
            task.execution_stopped_at = stopping + STOPPING
            for container in task.containers:
                if container.last_status == "RUNNING":
                    container.exitCode = SIGTERM_EXIT
                container.last_status = "STOPPED"
            task.connectivity = None
        if now >= stopping + STOPPING + DEPROVISIONING:
            task.last_status = "STOPPED"
            task.stopped_at = stopping + STOPPING + DEPROVISIONING
            _release_eni(backend, task)
        return
    created = task.created_at
    if task.last_status == "PROVISIONING" and now >= created + PROVISIONING:
        task.last_status = "PENDING"
        task.pull_started_at = created + PROVISIONING
        for attachment in task.attachments:
            attachment["status"] = "ATTACHED"
    if task.last_status == "PENDING" and now >= created + PROVISIONING + PULLING:
        started = created + PROVISIONING + PULLING
        task.last_status = "RUNNING"
        task.pull_stopped_at = started
        task.started_at = started
        task.connectivity = "CONNECTED"
        task.connectivity_at = started
        for container in task.containers:
            container.last_status = "RUNNING"
            broken = str(container.image or "").endswith("-broken")
            if container._opsdeck_health_check:
                container.health_status = "UNHEALTHY" if broken else "HEALTHY"
        checked = [c.health_status for c in task.containers if c._opsdeck_health_check]
        task.health_status = "UNHEALTHY" if "UNHEALTHY" in checked else "HEALTHY" if checked else "UNKNOWN"


def _release_eni(backend: Any, task: Any) -> None:
    from moto.ec2.models import ec2_backends

    for attachment in task.attachments:
        attachment["status"] = "DELETED"
    eni_id = getattr(task, "_opsdeck_eni", None)
    if eni_id:
        ec2_backends[backend.account_id][backend.region_name].enis.pop(eni_id, None)
        task._opsdeck_eni = None


def _count(backend: Any, cluster_name: str) -> None:
    """The cluster's running and pending task counts, from its tasks' lastStatus."""
    cluster = backend.clusters.get(cluster_name)
    if cluster is None:
        return
    statuses = [t.last_status for t in backend.tasks.get(cluster_name, {}).values()]
    cluster.running_tasks_count = statuses.count("RUNNING")
    cluster.pending_tasks_count = sum(s in ("PROVISIONING", "PENDING", "ACTIVATING") for s in statuses)


def run_fargate(backend: Any, cluster_str: str, task_definition_str: str, count: int, overrides: Any,
                started_by: str | None, tags: Any, launch_type: str | None, network: dict[str, Any] | None,
                group: str | None, strategy: list[dict[str, Any]] | None) -> list[Any] | None:
    """Start `count` Fargate tasks; None when the request is not a Fargate one (moto's to answer)."""
    if launch_type and strategy:
        raise _invalid("Specify either Launch Type or Capacity Provider Strategy, but not both.")
    cluster = backend._get_cluster(cluster_str)
    if not launch_type and not strategy:
        strategy = cluster.default_capacity_provider_strategy or None
    if launch_type != "FARGATE" and not (strategy and all(s.get("capacityProvider") in FARGATE_PROVIDERS
                                                          for s in strategy)):
        return None
    if not 1 <= count <= 10:
        raise _invalid("count must be between 1 and 10.")
    task_def = backend.describe_task_definition(task_definition_str)
    if task_def.network_mode != "awsvpc":
        raise _invalid("Task definition does not support launch_type FARGATE.")
    if not network:
        raise _invalid(NO_NETWORK)
    subnets, groups, _public = _subnets(backend, network)
    providers = providers_for(strategy, count) if strategy else [None] * count
    with _lock:
        live = _live(backend)
        offset = len(backend.tasks.get(cluster.name, {}))
        tasks = []
        for index, provider in enumerate(providers):
            task = _fargate_task(backend, cluster, task_def, provider, "FARGATE", subnets[(offset + index) % len(subnets)],
                                 groups, network, group or f"family:{task_def.family}", started_by, overrides, tags)
            backend.tasks.setdefault(cluster.name, {})[task.task_arn] = task
            live[task.task_arn] = task
            tasks.append(task)
        _count(backend, cluster.name)
    return tasks


def stop_run_task(backend: Any, task: Any, reason: str | None) -> Any:
    """StopTask on a RunTask task: UserInitiated, stopping from now."""
    with _lock:
        if task.desired_status != "STOPPED":
            task.desired_status = "STOPPED"
            task.stop_code = "UserInitiated"
            task.stopped_reason = reason or USER_STOP_REASON
            task.stopping_at = _now()
            task.last_status = "STOPPING"
            _count(backend, task.cluster_name)
        return task


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.ecs.models import EC2ContainerServiceBackend as Backend

    original_run = Backend.run_task
    original_stop = Backend.stop_task
    original_describe = Backend.describe_tasks
    original_list = Backend.list_tasks
    original_clusters = Backend.describe_clusters

    def run_task(self, cluster_str, task_definition_str, count, overrides, started_by, tags, launch_type,
                 networking_configuration=None, group=None, platform_version=None,
                 capacity_provider_strategy=None):  # type: ignore[no-untyped-def]
        _advance(self)
        tasks = run_fargate(self, cluster_str, task_definition_str, count, overrides, started_by, tags, launch_type,
                            networking_configuration, group, capacity_provider_strategy)
        if tasks is not None:
            return tasks
        return original_run(self, cluster_str, task_definition_str, count, overrides, started_by, tags, launch_type,
                            networking_configuration, group, platform_version, capacity_provider_strategy)

    def stop_task(self, cluster_str, task_str, reason):  # type: ignore[no-untyped-def]
        _advance(self)
        live = _live(self)
        cluster_name = self._get_cluster(cluster_str).name
        wanted = task_str.rsplit("/", 1)[-1]
        for arn, task in list(live.items()):
            if task.cluster_name == cluster_name and arn.rsplit("/", 1)[-1] == wanted:
                return stop_run_task(self, task, reason)
        return original_stop(self, cluster_str, task_str, reason)

    def describe_tasks(self, cluster_str, tasks):  # type: ignore[no-untyped-def]
        _advance(self)
        return original_describe(self, cluster_str, tasks)

    def list_tasks(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        _advance(self)
        return original_list(self, *args, **kwargs)

    def describe_clusters(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        _advance(self)
        return original_clusters(self, *args, **kwargs)

    Backend.run_task = run_task
    Backend.stop_task = stop_task
    Backend.describe_tasks = describe_tasks
    Backend.list_tasks = list_tasks
    Backend.describe_clusters = describe_clusters
    _installed = True
