"""AWS/ECS CPUUtilization and MemoryUtilization, written as ECS writes them for Fargate services.

moto 5.2.5 publishes no ECS metrics. The "Amazon ECS CloudWatch metrics" page
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html) and
"Amazon ECS service utilization metrics" (service_utilization.html) say, and so this does:

- "Amazon ECS sends metrics to CloudWatch at one-minute intervals", only "for resources that
  have tasks in the RUNNING state": one datapoint a minute for each ACTIVE service with
  RUNNING tasks, none for a service without.
- CPUUtilization and MemoryUtilization, unit Percent, useful statistics Average, Minimum,
  Maximum: Average is the service's tasks together ("total CPU units used by tasks in
  service" x 100 / "total CPU units specified in task definition" x running tasks), Minimum
  the least busy task, Maximum the busiest. Each minute is one statistic set (SampleCount:
  the RUNNING tasks, an assumption: AWS documents no sample count) so each of those reads
  exactly.
- Dimensions {ClusterName, ServiceName}. The {ClusterName} series is "only supported for
  tasks hosted on an Amazon EC2 instance" (measured against the instances registered in the
  cluster): the embedded AWS runs Fargate tasks only, so it writes none.

Each task's figure is drawn from a `random.Random` seeded with (seed, account, region,
cluster, service, minute, task index) around the service's own level (from its name) and
an hourly swing: the same seed and clock give the same figures. The simulator's tick
(console.demo.simulator) writes every complete minute since the last it wrote (at most
MAX_CATCH_UP of them), and its backfill the hour before the demo starts, stamped with the
minute they cover, through the embedded CloudWatch's PutMetricData
(console.demo.extensions.cloudwatch_index: its delay applies).
"""

from __future__ import annotations

import math
import random
import zlib
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

NAMESPACE = "AWS/ECS"
METRICS = ("CPUUtilization", "MemoryUtilization")
MINUTE = timedelta(minutes=1)
MAX_CATCH_UP = 60  # minutes one tick writes at most (a server that was paused)


def install() -> None:
    """Nothing of moto's to replace: the simulator's tick writes the datums built here
    (console.demo.simulator), once a minute as ECS does."""


def _minute(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(second=0, microsecond=0)


def level(cluster: str, service: str) -> tuple[float, float]:
    """The service's typical (CPU %, memory %): its own, from its name."""
    rng = random.Random(f"ecs-level:{cluster}/{service}")
    return rng.uniform(15.0, 55.0), rng.uniform(30.0, 70.0)


def task_figures(seed: int, account: str, region: str, cluster: str, service: str, tasks: int,
                 minute: datetime) -> dict[str, list[float]]:
    """Each RUNNING task's CPU and memory utilisation (%) over one minute."""
    cpu_level, memory_level = level(cluster, service)
    minute = _minute(minute)
    swing = math.sin(2 * math.pi * (minute.minute + minute.hour * 60) / 60.0)
    rng = random.Random(zlib.crc32(f"{seed}:ecs:{account}:{region}:{cluster}/{service}".encode())
                        * 100_000_000 + int(minute.timestamp()) // 60)  # an int seeds far faster than a str
    cpu = [round(min(100.0, max(0.5, rng.gauss(cpu_level + 10.0 * swing, 6.0))), 2) for _ in range(tasks)]
    memory = [round(min(100.0, max(1.0, rng.gauss(memory_level + 3.0 * swing, 3.0))), 2) for _ in range(tasks)]
    return {"CPUUtilization": cpu, "MemoryUtilization": memory}


def service_datums(seed: int, account: str, region: str, cluster: str, service: str, tasks: int,
                   minute: datetime) -> list[dict[str, Any]]:
    """One minute of a service's AWS/ECS datums: a statistic set per metric."""
    if tasks <= 0:
        return []
    figures = task_figures(seed, account, region, cluster, service, tasks, minute)
    dimensions = [{"Name": "ClusterName", "Value": cluster}, {"Name": "ServiceName", "Value": service}]
    return [{
        "MetricName": name, "Dimensions": dimensions, "Timestamp": _minute(minute), "Unit": "Percent",
        "StatisticValues": {"SampleCount": float(len(values)), "Sum": round(sum(values), 4),
                            "Minimum": min(values), "Maximum": max(values)},
    } for name, values in figures.items()]


def running_by_service(account: str, region: str) -> dict[tuple[str, str], int]:
    """(cluster, service) -> RUNNING tasks, for the ACTIVE services with any, read from the
    server's own ECS backend (the demo's simulator runs in the server's process)."""
    from moto.ecs.models import ecs_backends

    backend = ecs_backends[account][region]
    counts: Counter = Counter()
    for cluster_name, tasks in list(backend.tasks.items()):
        for task in list(tasks.values()):
            if task.group.startswith("service:") and task.last_status == "RUNNING":
                counts[(cluster_name, task.group[len("service:"):])] += 1
    active = {(s.cluster_name, s.name) for s in list(backend.services.values()) if s.status == "ACTIVE"}
    return {key: n for key, n in counts.items() if key in active}


def due_minutes(published: dict[Any, datetime], key: Any, now: datetime) -> list[datetime]:
    """The complete minutes up to `now` not yet written for `key` (at most MAX_CATCH_UP),
    marked written in `published`. A service seen for the first time starts with the
    current minute: the ones before it had no tasks running that anybody saw."""
    last = _minute(now) - MINUTE
    previous = published.get(key)
    if previous is None:
        published[key] = last
        return []
    first = max(previous + MINUTE, last - (MAX_CATCH_UP - 1) * MINUTE)
    if first > last:
        return []
    published[key] = last
    return [first + i * MINUTE for i in range(int((last - first) / MINUTE) + 1)]
