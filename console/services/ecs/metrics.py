"""AWS/ECS CPUUtilization and MemoryUtilization of every service, for its sparklines.

"Amazon ECS sends metrics to CloudWatch at one-minute intervals", by ClusterName and
ServiceName, and only while the service has RUNNING tasks ("no metrics will be reported
for that resource during that period"): a minute without a datapoint is unknown, None,
never 0 % (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html).
The Average statistic is the service's utilisation across its tasks against what its
task definition reserves (service_utilization.html).

Two queries per service over the last WINDOW_MINUTES at one-minute periods, in batched
GetMetricData calls (console.cloudwatch.metrics: 500 queries a call): 2,000 services cost
8 calls. They change once a minute, so the services source reads them once a minute
(METRICS_EVERY), and at once for services it has not read yet.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Sequence

from console.aws.context import AwsContext
from console.cloudwatch.metrics import MetricQuery, Series, fetch_metrics
from console.services.ecs.models import ServiceMetrics

NAMESPACE = "AWS/ECS"
WINDOW_MINUTES = 30
PERIOD = 60
METRICS_EVERY = 60.0  # seconds: the metrics' resolution
QUERIES = (("cpu", "CPUUtilization"), ("mem", "MemoryUtilization"))


def window_bounds(now: datetime) -> tuple[datetime, datetime]:
    """[start, end) of the last WINDOW_MINUTES in whole minutes, ending after the current one."""
    end = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return end - timedelta(minutes=WINDOW_MINUTES), end


def metric_queries(services: Sequence[tuple[str, str]]) -> list[MetricQuery]:
    """Two queries per (cluster name, service name), ids `s<index>_cpu` and `s<index>_mem`."""
    return [
        MetricQuery(f"s{index}_{suffix}", NAMESPACE, metric, (("ClusterName", cluster), ("ServiceName", service)),
                    "Average", PERIOD)
        for index, (cluster, service) in enumerate(services)
        for suffix, metric in QUERIES
    ]


def _per_minute(series: Series, start: datetime) -> tuple[float | None, ...]:
    values: list[float | None] = [None] * WINDOW_MINUTES
    for at, value in series:
        index = int((at - start).total_seconds() // PERIOD)
        if 0 <= index < WINDOW_MINUTES:
            values[index] = value
    return tuple(values)


async def fetch_service_metrics(ctx: AwsContext, services: Sequence[tuple[str, str]]
                                ) -> dict[tuple[str, str], ServiceMetrics]:
    """Each (cluster name, service name)'s last WINDOW_MINUTES of utilisation."""
    if not services:
        return {}
    start, end = window_bounds(ctx.clock.now())
    results = await fetch_metrics(ctx, metric_queries(services), start, end)
    return {
        key: ServiceMetrics(start, PERIOD, _per_minute(results.get(f"s{i}_cpu", []), start),
                            _per_minute(results.get(f"s{i}_mem", []), start))
        for i, key in enumerate(services)
    }
