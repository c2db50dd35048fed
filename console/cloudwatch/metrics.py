"""CloudWatch GetMetricData, batched: up to 500 metric queries per call.

Callers describe what they want as MetricQuery values; `fetch_metrics` splits them into
calls of at most 500, runs the calls concurrently (bounded), follows NextToken, and
returns every query's datapoints by id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from console.aws.context import AwsContext, bounded_gather, chunks
from console.aws.limits import max_page

MAX_QUERIES_PER_CALL = max_page("cloudwatch", "GetMetricData")

# CloudWatch's ingestion delay, in seconds: how long after a datapoint is written
# GetMetricData may still not return it. ASSUMED: AWS documents no current figure (the
# archived developer guide said data is "generally available from the service within one
# minute from the end of the time period"; research C.2).
INGESTION_DELAY = 60.0


@dataclass(frozen=True)
class MetricQuery:
    id: str  # ^[a-z][a-zA-Z0-9_]*$, unique within one fetch
    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]
    stat: str  # Sum | Average | Maximum | Minimum | SampleCount
    period: int  # seconds, a multiple of 60

    def as_api(self) -> dict:
        return {
            "Id": self.id,
            "MetricStat": {
                "Metric": {
                    "Namespace": self.namespace,
                    "MetricName": self.metric,
                    "Dimensions": [{"Name": n, "Value": v} for n, v in self.dimensions],
                },
                "Period": self.period,
                "Stat": self.stat,
            },
            "ReturnData": True,
        }


Series = list[tuple[datetime, float]]  # oldest first


async def fetch_metrics(
    ctx: AwsContext, queries: list[MetricQuery], start: datetime, end: datetime
) -> dict[str, Series]:
    """Datapoints of every query between `start` and `end`, oldest first."""
    if not queries:
        return {}
    results: dict[str, Series] = {q.id: [] for q in queries}

    async def one_call(batch: list[MetricQuery]) -> None:
        async for page in ctx.pages(
            "cloudwatch",
            "get_metric_data",
            MetricDataQueries=[q.as_api() for q in batch],
            StartTime=start,
            EndTime=end,
            ScanBy="TimestampAscending",
        ):
            for result in page.get("MetricDataResults", []):
                points = results.setdefault(result["Id"], [])
                points.extend(zip(result.get("Timestamps", []), result.get("Values", [])))

    await bounded_gather(one_call(list(batch)) for batch in chunks(queries, MAX_QUERIES_PER_CALL))
    for points in results.values():
        points.sort(key=lambda p: p[0])
    return results
