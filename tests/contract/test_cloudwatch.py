"""CloudWatch metrics behaviour the console relies on, kept by the embedded AWS.

Each test states one documented behaviour, names its source, and checks it over HTTP
against the embedded server, in an account of its own.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

NAMESPACE = "Opsdeck/Contract"  # a custom namespace: nothing else writes here


def _minute_ago() -> datetime:
    return datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(minutes=5)


def _query(qid: str, dims: list[tuple[str, str]], stat: str, metric: str = "Latency", period: int = 60) -> dict:
    return {"Id": qid, "MetricStat": {"Metric": {"Namespace": NAMESPACE, "MetricName": metric,
                                                 "Dimensions": [{"Name": n, "Value": v} for n, v in dims]},
                                      "Period": period, "Stat": stat}}


def _values(cw, queries: list[dict], start: datetime, end: datetime) -> dict[str, list[float]]:
    response = cw.get_metric_data(MetricDataQueries=queries, StartTime=start, EndTime=end,
                                  ScanBy="TimestampAscending")
    return {r["Id"]: r["Values"] for r in response["MetricDataResults"]}


def _put(cw, minute: datetime, dims: list[tuple[str, str]], metric: str = "Latency", **value) -> None:
    cw.put_metric_data(Namespace=NAMESPACE, MetricData=[
        {"MetricName": metric, "Dimensions": [{"Name": n, "Value": v} for n, v in dims],
         "Timestamp": minute + timedelta(seconds=10), **value}])


def test_statistics_match_the_published_dimension_set_exactly(fresh_account):
    """"CloudWatch treats each unique combination of dimensions as a separate metric ... You can only retrieve
    statistics using combinations of dimensions that you specifically published" and "CloudWatch does not
    aggregate across dimensions for your custom metrics"
    (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html, "Dimension
    combinations"; botocore:cloudwatch GetMetricStatistics.Dimensions: "You must specify the same dimensions
    that were used when the metrics were created")."""
    cw = fresh_account.client("cloudwatch")
    minute = _minute_ago()
    _put(cw, minute, [("Service", "shop"), ("Stage", "prod")], Value=7)
    found = _values(cw, [_query("both", [("Service", "shop"), ("Stage", "prod")], "Sum"),
                         _query("reversed", [("Stage", "prod"), ("Service", "shop")], "Sum"),
                         _query("subset", [("Service", "shop")], "Sum"),
                         _query("none", [], "Sum"),
                         _query("superset", [("Service", "shop"), ("Stage", "prod"), ("Zone", "a")], "Sum")],
                    minute, minute + timedelta(minutes=1))
    assert found == {"both": [7.0], "reversed": [7.0], "subset": [], "none": [], "superset": []}


def test_list_metrics_lists_each_metric_once(fresh_account):
    """ListMetrics returns metrics, and "CloudWatch treats each unique combination of dimensions as a separate
    metric" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html): a metric
    written many times is listed once
    (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_ListMetrics.html)."""
    cw = fresh_account.client("cloudwatch")
    minute = _minute_ago()
    for second in range(3):
        for dims in ([], [("Service", "shop")], [("Service", "shop"), ("Stage", "prod")]):
            _put(cw, minute + timedelta(seconds=second), dims, Value=1)
    listed = [(m["MetricName"], sorted((d["Name"], d["Value"]) for d in m.get("Dimensions", [])))
              for m in cw.list_metrics(Namespace=NAMESPACE)["Metrics"]]
    assert sorted(listed) == [("Latency", []), ("Latency", [("Service", "shop")]),
                              ("Latency", [("Service", "shop"), ("Stage", "prod")])]


def test_a_datapoint_is_returned_only_after_the_ingestion_delay(fresh_account, shared_clock, realism):
    """Metrics arrive late: "CloudWatch data is generally available from the service within one minute from the end
    of the time period" (the archived CloudWatch developer guide,
    http://docs.amazonwebservices.com/AmazonCloudWatch/latest/DeveloperGuide/arch-Amazon-CloudWatch-statistics.html);
    Step Functions: "The data point for a minute might be delayed before being available through CloudWatch"
    (https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html). AWS documents no current
    figure: the delay here (60 s) is ASSUMED, as in the demo."""
    realism(metric_delay=60)
    cw = fresh_account.client("cloudwatch")
    written = shared_clock.now()
    minute = written.replace(second=0)
    cw.put_metric_data(Namespace=NAMESPACE, MetricData=[
        {"MetricName": "Latency", "Timestamp": written - timedelta(seconds=1), "Value": 3.0}])
    window = (minute - timedelta(minutes=1), minute + timedelta(minutes=2))

    def seen() -> list[float]:
        return _values(cw, [_query("s", [], "Sum")], *window)["s"]

    assert seen() == []
    asyncio.run(shared_clock.advance(59))
    assert seen() == []
    asyncio.run(shared_clock.advance(1))
    assert seen() == [3.0]


def test_percentiles_from_raw_values(fresh_account):
    """"CloudWatch needs raw data points to calculate percentile statistics"; "Using the Values and Counts method
    enables you to publish up to 150 values per metric with one PutMetricData request, and supports retrieving
    percentile statistics on this data" (botocore:cloudwatch PutMetricData). What a percentile is: "p95 is the
    95th percentile and means that 95 percent of the data within the period is lower than this value"
    (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html). AWS does not
    say how it is computed (nearest rank or interpolation): the embedded AWS uses the NEAREST RANK, an
    assumption, so the expected figures are values that were published (1..100: p99 is 99, where interpolation
    would give 99.01)."""
    cw = fresh_account.client("cloudwatch")
    minute = _minute_ago()
    _put(cw, minute, [("Fn", "a")], Values=[float(v) for v in range(1, 101)])  # 1..100, once each
    _put(cw, minute, [("Fn", "b")], Values=[10.0, 20.0, 1000.0], Counts=[50, 49, 1])
    stats = ("p50", "p90", "p99", "p99.5", "p100", "Average", "SampleCount")
    queries = [_query(f"{fn}_{i}", [("Fn", fn)], stat) for fn in ("a", "b") for i, stat in enumerate(stats)]
    found = _values(cw, queries, minute, minute + timedelta(minutes=1))
    assert [found[f"a_{i}"] for i in range(len(stats))] == [[50.0], [90.0], [99.0], [100.0], [100.0], [50.5], [100.0]]
    assert [found[f"b_{i}"] for i in range(len(stats))] == [[10.0], [20.0], [20.0], [1000.0], [1000.0],
                                                           [(500 + 980 + 1000) / 100], [100.0]]


def test_percentiles_across_a_longer_period_use_every_value_in_it(fresh_account):
    """A statistic aggregates "the data within the period"
    (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html): with a
    3-minute period, the p90 is over all three minutes' values together."""
    cw = fresh_account.client("cloudwatch")
    minute = _minute_ago()
    for offset, values in enumerate(([1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0, 10.0])):
        _put(cw, minute + timedelta(minutes=offset), [("Fn", "a")], Values=values)
    found = _values(cw, [_query("p90", [("Fn", "a")], "p90", period=180),
                         _query("p90m", [("Fn", "a")], "p90")], minute, minute + timedelta(minutes=3))
    assert found == {"p90": [9.0], "p90m": [3.0, 6.0, 10.0]}


def test_percentiles_from_a_statistic_set_only_under_the_documented_conditions(fresh_account):
    """"If you publish data using a statistic set instead, you can only retrieve percentile
    statistics for this data if one of the following conditions is true: The SampleCount
    value of the statistic set is 1 and Min, Max, and Sum are all equal. The Min and Max
    are equal, and Sum is equal to Min multiplied by SampleCount." (botocore:cloudwatch
    PutMetricData; the newer wording, stricter than GetMetricStatistics' older "Min and
    Max equal"). Other statistic sets give no percentile for their period; Sum still works."""
    cw = fresh_account.client("cloudwatch")
    minute = _minute_ago()
    sets = {
        "one": {"SampleCount": 1, "Sum": 5.0, "Minimum": 5.0, "Maximum": 5.0},
        "same": {"SampleCount": 4, "Sum": 28.0, "Minimum": 7.0, "Maximum": 7.0},
        "spread": {"SampleCount": 4, "Sum": 400.0, "Minimum": 5.0, "Maximum": 250.0},
        "inconsistent": {"SampleCount": 4, "Sum": 30.0, "Minimum": 7.0, "Maximum": 7.0},  # older wording only
    }
    for fn, values in sets.items():
        _put(cw, minute, [("Fn", fn)], StatisticValues=values)
    _put(cw, minute, [("Fn", "mixed")], Values=[1.0, 2.0])
    _put(cw, minute, [("Fn", "mixed")], StatisticValues=sets["spread"])
    names = [*sets, "mixed"]
    found = _values(cw, [_query(f"{fn}_p", [("Fn", fn)], "p99") for fn in names]
                    + [_query(f"{fn}_s", [("Fn", fn)], "Sum") for fn in names], minute, minute + timedelta(minutes=1))
    assert {fn: found[f"{fn}_p"] for fn in names} == {"one": [5.0], "same": [7.0], "spread": [], "inconsistent": [],
                                                      "mixed": []}
    assert {fn: found[f"{fn}_s"] for fn in names} == {"one": [5.0], "same": [28.0], "spread": [400.0],
                                                      "inconsistent": [30.0], "mixed": [403.0]}


def test_no_percentiles_for_a_metric_with_negative_values(fresh_account):
    """"Percentile statistics are not available for metrics when any of the metric values are negative numbers."
    (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html;
    botocore:cloudwatch GetMetricStatistics.ExtendedStatistics)"""
    cw = fresh_account.client("cloudwatch")
    minute = _minute_ago()
    _put(cw, minute, [("Fn", "a")], Values=[3.0, 4.0])
    _put(cw, minute + timedelta(minutes=1), [("Fn", "a")], Values=[-1.0, 5.0])
    found = _values(cw, [_query("p", [("Fn", "a")], "p50"), _query("s", [("Fn", "a")], "Sum")],
                    minute, minute + timedelta(minutes=2))
    assert found == {"p": [], "s": [7.0, 4.0]}


@pytest.mark.parametrize("stat", ["tm99", "IQM", "wm90"])
def test_other_extended_statistics_are_not_computed_here(fresh_account, stat):
    """Not an AWS behaviour: the embedded AWS computes only the statistics the console uses
    (Sum, Average, Minimum, Maximum, SampleCount, pNN). Trimmed means and the rest answer
    no values rather than a wrong figure."""
    cw = fresh_account.client("cloudwatch")
    minute = _minute_ago()
    _put(cw, minute, [("Fn", "a")], Values=[1.0, 2.0, 3.0])
    assert _values(cw, [_query("x", [("Fn", "a")], stat)], minute, minute + timedelta(minutes=1)) == {"x": []}


# Page and batch sizes -------------------------------------------------------------
# CloudWatch (metrics) batch and page sizes the console relies on, as AWS documents them, on the embedded AWS.
# Each test states one documented behaviour and names its source; the figures are restated
# here, never read from console.aws.limits, so a wrong number there fails a test.


def queries(count: int) -> list[dict]:
    return [{"Id": f"q{i}", "MetricStat": {"Metric": {"Namespace": "Opsdeck/Test", "MetricName": f"m{i}"},
                                           "Period": 60, "Stat": "Sum"}} for i in range(count)]


def test_get_metric_data_takes_at_most_500_queries(fresh_account):
    """https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html,
    MetricDataQueries: "A single GetMetricData call can include as many as 500
    MetricDataQuery structures." More is refused. AWS documents no error for 501: the
    embedded AWS answers ValidationError (CloudWatch's code for invalid input) "The
    collection MetricDataQueries must not have a size greater than 500.", our choice."""
    cloudwatch = fresh_account.client("cloudwatch")
    end = datetime.now(timezone.utc)
    window = {"StartTime": end - timedelta(hours=1), "EndTime": end}

    assert len(cloudwatch.get_metric_data(MetricDataQueries=queries(500), **window)["MetricDataResults"]) == 500
    with pytest.raises(ClientError) as refused:
        cloudwatch.get_metric_data(MetricDataQueries=queries(501), **window)
    assert refused.value.response["Error"]["Code"] == "ValidationError"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_list_metrics_returns_up_to_500_results_per_call(fresh_account):
    """https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_ListMetrics.html:
    "Up to 500 results are returned for any one call. To retrieve additional results, use
    the returned token with subsequent calls." """
    cloudwatch = fresh_account.client("cloudwatch")
    cloudwatch.put_metric_data(Namespace="Opsdeck/Test",
                               MetricData=[{"MetricName": f"m{i:03d}", "Value": 1.0} for i in range(501)])

    first = cloudwatch.list_metrics(Namespace="Opsdeck/Test")
    assert len(first["Metrics"]) == 500 and first.get("NextToken")
    rest = cloudwatch.list_metrics(Namespace="Opsdeck/Test", NextToken=first["NextToken"])
    assert len(rest["Metrics"]) == 1 and not rest.get("NextToken")
    names = {m["MetricName"] for m in first["Metrics"] + rest["Metrics"]}
    assert names == {f"m{i:03d}" for i in range(501)}


def test_get_metric_data_rounds_a_recent_start_time_down_to_the_minute(fresh_account):
    """StartTime: "CloudWatch rounds the specified time as follows: Start time less than 15 days
    ago - Round down to the nearest whole minute. For example, 12:32:34 is rounded down to
    12:32:00." (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html)
    A window that starts mid-minute still holds that minute's datapoints."""
    cw = fresh_account.client("cloudwatch")
    minute = _minute_ago()
    _put(cw, minute, [("Service", "rounding")], Value=7)  # stamped minute + 10 s
    found = _values(cw, [_query("q", [("Service", "rounding")], "Sum")],
                    minute + timedelta(seconds=34), minute + timedelta(minutes=2))
    assert found == {"q": [7.0]}
