"""CloudWatch (metrics) batch and page sizes the console relies on, as AWS documents them, on
the embedded AWS.

Each test states one documented behaviour and names its source; the figures are restated
here, never read from console.aws.limits, so a wrong number there fails a test.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError


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
