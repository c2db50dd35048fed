"""Lambda panel tests: datapoints written with PutMetricData at known times, in an account
of the test's own, read back through the console's fetch and the real app."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from console.aws.clients import ClientPool
from console.aws.context import AwsContext
from console.clock import ManualClock
from console.target import Target


def now_at_half_minute() -> datetime:
    """A real 'now' (the index keeps 3 hours before the newest datapoint), 30 s into its minute."""
    return datetime.now(timezone.utc).replace(second=30, microsecond=0)


def context_for(endpoint: str, clock: ManualClock) -> AwsContext:
    return AwsContext(ClientPool(clock), Target(None, "us-east-1", endpoint))


def put_minute(cloudwatch, function: str, at: datetime, *, invocations: float = 0, errors: float = 0,
               throttles: float = 0, duration_avg: float | None = None, duration_max: float | None = None,
               concurrency: float | None = None) -> None:
    """One minute of a function's AWS/Lambda metrics, the way Lambda records them: one
    Duration sample per invocation (StatisticValues with SampleCount = invocations)."""
    dims = [{"Name": "FunctionName", "Value": function}]
    data = [
        {"MetricName": "Invocations", "Dimensions": dims, "Timestamp": at, "Value": invocations},
        {"MetricName": "Errors", "Dimensions": dims, "Timestamp": at, "Value": errors},
        {"MetricName": "Throttles", "Dimensions": dims, "Timestamp": at, "Value": throttles},
    ]
    if duration_avg is not None and invocations:
        top = duration_max if duration_max is not None else duration_avg
        data.append({"MetricName": "Duration", "Dimensions": dims, "Timestamp": at, "StatisticValues": {
            "SampleCount": invocations, "Sum": duration_avg * invocations, "Minimum": min(duration_avg, top),
            "Maximum": top}})
    if concurrency is not None:
        data.append({"MetricName": "ConcurrentExecutions", "Dimensions": dims, "Timestamp": at, "Value": concurrency})
    cloudwatch.put_metric_data(Namespace="AWS/Lambda", MetricData=data)


def ago(now: datetime, minutes: int) -> datetime:
    return now - timedelta(minutes=minutes)
