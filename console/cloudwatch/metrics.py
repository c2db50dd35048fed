"""CloudWatch GetMetricData, batched: up to 500 metric queries per call.

Callers describe what they want as MetricQuery values; `fetch_metrics` splits them into
calls of at most 500 queries and at most 100,800 datapoints (both limits of one call:
https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html),
runs the calls concurrently (bounded), follows NextToken, and returns every query's
datapoints by id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from console.aws.context import AwsContext, bounded_gather
from console.aws.limits import max_page

MAX_QUERIES_PER_CALL = max_page("cloudwatch", "GetMetricData")
# "A GetMetricData operation ... can retrieve as many as 500 different metrics in a single
# request, with a total of as many as 100,800 data points" (API reference, above).
MAX_DATAPOINTS_PER_CALL = 100_800
# How long CloudWatch keeps data of a one-minute period: 15 days (the CloudWatch user
# guide's "Metrics retention"); longer spans need longer periods.
ONE_MINUTE_RETENTION_DAYS = 15

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


def datapoints(query: MetricQuery, start: datetime, end: datetime) -> int:
    """The most datapoints `query` can return between `start` and `end`."""
    return max(1, -(-int((end - start).total_seconds()) // query.period))


def batches(queries: list[MetricQuery], start: datetime, end: datetime) -> list[list[MetricQuery]]:
    """Consecutive runs of queries, each within one call's limits (500 queries, 100,800
    datapoints); a query alone above the datapoint limit still gets a call (CloudWatch pages it)."""
    out: list[list[MetricQuery]] = []
    points = 0
    for query in queries:
        cost = datapoints(query, start, end)
        if not out or len(out[-1]) >= MAX_QUERIES_PER_CALL or points + cost > MAX_DATAPOINTS_PER_CALL:
            out.append([])
            points = 0
        out[-1].append(query)
        points += cost
    return out


class MetricResults(dict[str, Series]):
    """Datapoints by query id; `unknown` names the queries CloudWatch did not answer in
    full (a result whose StatusCode is InternalError or Forbidden, or still PartialData
    after the last page): their missing datapoints are unknown, not zero."""

    unknown: frozenset[str] = frozenset()


COMPLETE = "Complete"


async def fetch_metrics(
    ctx: AwsContext, queries: list[MetricQuery], start: datetime, end: datetime
) -> MetricResults:
    """Datapoints of every query between `start` and `end`, oldest first."""
    if not queries:
        return MetricResults()
    results = MetricResults({q.id: [] for q in queries})
    status: dict[str, str] = {}

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
                status[result["Id"]] = result.get("StatusCode") or COMPLETE

    await bounded_gather(one_call(batch) for batch in batches(queries, start, end))
    for points in results.values():
        points.sort(key=lambda p: p[0])
    results.unknown = frozenset(i for i in results if status.get(i) != COMPLETE)
    return results
