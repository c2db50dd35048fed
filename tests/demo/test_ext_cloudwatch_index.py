"""GetMetricData from the per-minute index: same answers as moto's scan, at estate scale."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import boto3
import pytest

from console.demo.extensions import cloudwatch_index

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def cw(aws):
    return boto3.client("cloudwatch", endpoint_url=aws.endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def _stat(qid, fn, metric, stat, period=60):
    return {"Id": qid, "MetricStat": {"Metric": {"Namespace": "AWS/Lambda", "MetricName": metric,
            "Dimensions": [{"Name": "FunctionName", "Value": fn}]}, "Period": period, "Stat": stat}}


def _data(rng):
    """Known datapoints: single values, Values/Counts and StatisticValues over 40 minutes."""
    data = []
    for minute in range(40):
        ts = T0 + timedelta(minutes=minute, seconds=rng.randrange(60))
        for fn in ("a", "b"):
            dims = [{"Name": "FunctionName", "Value": fn}]
            data.append({"MetricName": "Errors", "Dimensions": dims, "Timestamp": ts, "Value": rng.randrange(5)})
            if minute % 3 == 0:
                data.append({"MetricName": "Duration", "Dimensions": dims, "Timestamp": ts,
                             "Values": [rng.uniform(1, 900), rng.uniform(1, 900)], "Counts": [1, 3]})
            if minute % 4 == 1:
                data.append({"MetricName": "Duration", "Dimensions": dims, "Timestamp": ts,
                             "StatisticValues": {"SampleCount": 4, "Sum": 400.0, "Minimum": 5.0, "Maximum": 250.0}})
    return data


def test_index_matches_moto_original_on_a_small_dataset():
    """Compares against moto's own (unpatched) get_metric_data on the same backend."""
    from moto.cloudwatch.models import CloudWatchBackend

    backend = CloudWatchBackend("us-east-1", "123456789012")
    data = _data(random.Random(7))
    CloudWatchBackend.put_metric_data(backend, "AWS/Lambda", data)  # unpatched in this process
    cloudwatch_index._index_put(backend, "AWS/Lambda", data)
    queries = [_stat(f"q{i}", fn, metric, stat, period)
               for i, (fn, metric, stat, period) in enumerate(
                   (fn, m, s, p) for fn in ("a", "b") for m in ("Errors", "Duration")
                   for s in ("Sum", "Average", "Minimum", "Maximum", "SampleCount") for p in (60, 300))]
    for scan_by in ("TimestampAscending", "TimestampDescending"):
        start, end = T0 - timedelta(minutes=5), T0 + timedelta(minutes=45)
        original = CloudWatchBackend.get_metric_data(backend, queries, start, end, scan_by)
        indexed = cloudwatch_index.get_metric_data(backend, queries, start, end, scan_by)
        assert [r["id"] for r in indexed] == [r["id"] for r in original]
        for want, got in zip(original, indexed):
            assert got["timestamps"] == want["timestamps"], want["id"]
            assert got["values"] == pytest.approx([float(v) for v in want["values"]]), want["id"]
            assert got["label"] == want["label"]


def test_get_metric_data_over_http_exact_figures(cw):
    dims = [{"Name": "FunctionName", "Value": "checkout"}]
    cw.put_metric_data(Namespace="AWS/Lambda", MetricData=[
        {"MetricName": "Invocations", "Dimensions": dims, "Timestamp": T0 + timedelta(minutes=m, seconds=s),
         "Value": v} for m, s, v in [(0, 5, 2), (0, 50, 3), (1, 10, 7), (3, 0, 1)]])
    response = cw.get_metric_data(
        StartTime=T0, EndTime=T0 + timedelta(minutes=5),
        MetricDataQueries=[
            {"Id": "s", "MetricStat": {"Metric": {"Namespace": "AWS/Lambda", "MetricName": "Invocations",
                                                  "Dimensions": dims}, "Period": 60, "Stat": "Sum"}},
            {"Id": "avg2", "MetricStat": {"Metric": {"Namespace": "AWS/Lambda", "MetricName": "Invocations",
                                                     "Dimensions": dims}, "Period": 120, "Stat": "Average"}},
            {"Id": "p99", "MetricStat": {"Metric": {"Namespace": "AWS/Lambda", "MetricName": "Invocations",
                                                    "Dimensions": dims}, "Period": 60, "Stat": "p99"}},
            {"Id": "math", "Expression": "s * 2"},
        ])
    results = {r["Id"]: r for r in response["MetricDataResults"]}
    assert results["s"]["Values"] == [1.0, 7.0, 5.0]  # descending by time by default
    assert [t.minute for t in results["s"]["Timestamps"]] == [3, 1, 0]
    assert results["avg2"]["Values"] == [1.0, 4.0]
    assert results["p99"]["Values"] == [1.0, 7.0, 3.0]  # nearest rank of (2, 3) is 3 (tests/contract)
    assert results["math"]["Values"] == [] and results["math"]["StatusCode"] == "Complete"


def test_estate_scale_2000_functions_500_queries(cw):
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    metrics = ("Invocations", "Errors", "Throttles", "Duration", "ConcurrentExecutions")
    for first in range(0, 2000, 100):  # 2000 functions x 5 metrics x 3 minutes, batched
        batch = [{"MetricName": m, "Dimensions": [{"Name": "FunctionName", "Value": f"fn-{i}"}],
                  "Timestamp": now - timedelta(minutes=k), "Value": float(i % 7 + k)}
                 for i in range(first, first + 100) for m in metrics for k in range(3)]
        for chunk in range(0, len(batch), 1000):
            cw.put_metric_data(Namespace="AWS/Lambda", MetricData=batch[chunk:chunk + 1000])
    queries = [{"Id": f"q{i}", "MetricStat": {"Metric": {
        "Namespace": "AWS/Lambda", "MetricName": "Errors",
        "Dimensions": [{"Name": "FunctionName", "Value": f"fn-{i}"}]}, "Period": 60, "Stat": "Sum"}}
        for i in range(500)]
    response = cw.get_metric_data(MetricDataQueries=queries, StartTime=now - timedelta(minutes=10),
                                  EndTime=now + timedelta(minutes=1))
    results = response["MetricDataResults"]
    assert len(results) == 500
    assert results[3]["Values"] == [3.0, 4.0, 5.0]


def test_a_day_of_rule_metrics_is_kept_and_three_hours_of_the_rest():
    """"Did the nightly rule fire?" reads 24 h of AWS/Events (kept 15 days, as AWS keeps one-minute data); other series keep 3 hours."""
    index = cloudwatch_index.MetricIndex()
    newest = T0 + timedelta(days=30)
    for namespace in ("AWS/Events", "AWS/Lambda"):
        for hours_ago in (14 * 24, 20, 4, 0):
            stamp = newest - timedelta(hours=hours_ago)
            index.add(namespace, "Invocations", frozenset(), None, stamp, cloudwatch_index.Arrival(1.0, 1.0, 1.0, 1.0, [1.0], [1.0], True))
    kept = {key[0]: sorted(buckets) for key, units in index.series.items() for buckets in units.values()}
    minutes = lambda *hours: [int((newest - timedelta(hours=h)).timestamp() // 60) for h in hours]  # noqa: E731
    assert kept == {"AWS/Events": minutes(14 * 24, 20, 4, 0), "AWS/Lambda": minutes(0)}
