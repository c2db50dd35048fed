"""A version's own health, from its own metrics (FunctionName + ExecutedVersion).

Never the function's total: during a canary the old version keeps most of the traffic,
and its errors must neither roll back a healthy new version nor hide a failing one.
Both versions are read in one batched GetMetricData call (console.cloudwatch.metrics).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from console.aws.context import AwsContext
from console.cloudwatch.metrics import MetricQuery, fetch_metrics

NAMESPACE = "AWS/Lambda"
PERIOD = 60


@dataclass(frozen=True)
class VersionHealth:
    """Invocations and errors of one version over a window."""

    version: str
    invocations: int = 0
    errors: int = 0

    @property
    def error_rate(self) -> float | None:
        return self.errors / self.invocations if self.invocations else None

    def describe(self) -> str:
        rate = f" ({self.error_rate:.1%})" if self.error_rate is not None else ""
        return f"version {self.version}: {self.invocations} invocations, {self.errors} errors{rate}"


def version_queries(function: str, versions: list[str]) -> list[MetricQuery]:
    queries = []
    for index, version in enumerate(versions):
        dims = (("FunctionName", function), ("ExecutedVersion", version))
        queries.append(MetricQuery(f"v{index}_inv", NAMESPACE, "Invocations", dims, "Sum", PERIOD))
        queries.append(MetricQuery(f"v{index}_err", NAMESPACE, "Errors", dims, "Sum", PERIOD))
    return queries


def window(start: datetime, now: datetime) -> tuple[datetime, datetime]:
    """Whole minutes covering [start, now]: CloudWatch stores Lambda metrics per minute."""
    begin = start.replace(second=0, microsecond=0)
    end = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return begin, end


async def read_health(ctx: AwsContext, function: str, versions: list[str], start: datetime,
                      now: datetime) -> dict[str, VersionHealth]:
    """Each version's invocations and errors between `start` and `now` (one batched call)."""
    begin, end = window(start, now)
    results = await fetch_metrics(ctx, version_queries(function, versions), begin, end)
    health = {}
    for index, version in enumerate(versions):
        invocations = sum(v for _, v in results.get(f"v{index}_inv", []))
        errors = sum(v for _, v in results.get(f"v{index}_err", []))
        health[version] = VersionHealth(version, int(round(invocations)), int(round(errors)))
    return health
