"""Per-account request-rate quotas: the embedded AWS's realistic mode throttles like AWS.

Every figure here is restated from AWS's documentation (not read from console.aws.limits,
so a wrong number there fails here). Each test turns throttling on, freezes the embedded
AWS's clock (shared_clock) so a bucket refills only when the test moves time, and works
in an account of its own (buckets are per account and region). boto3 clients here retry
nothing, so every throttle is seen.
"""

from __future__ import annotations

import asyncio

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from console.demo import control

NO_RETRIES = Config(retries={"total_max_attempts": 1})


@pytest.fixture
def throttling(realism, shared_clock):
    realism(throttling=True)
    return shared_clock


def client(account, service: str, region: str = "us-east-1"):
    return boto3.client(service, endpoint_url=account.endpoint, region_name=region, config=NO_RETRIES,
                        aws_access_key_id=account.access_key, aws_secret_access_key=account.secret_key)


def calls_until_throttled(call, limit: int) -> tuple[int, ClientError | None]:
    """How many calls succeed before the first throttle (at most `limit` tried)."""
    for done in range(limit):
        try:
            call()
        except ClientError as exc:
            return done, exc
    return limit, None


def advance(clock, seconds: float) -> None:
    asyncio.run(clock.advance(seconds))


def test_lambda_control_plane_shares_15_requests_a_second_across_its_apis(fresh_account, throttling):
    """Lambda quotas (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html#api-requests):
    "Remainder of the control plane API requests (excludes invocation, GetFunction, and
    GetPolicy requests): 15 requests per second across all APIs (not 15 requests per second
    per API)"; GetFunction has its own 100 requests per second. The error is
    TooManyRequestsException, HTTP 429 (botocore model, shape TooManyRequestsException).
    AWS documents no bucket size: one second's worth is assumed, so the 16th call within a
    second is refused."""
    lam = client(fresh_account, "lambda")
    calls = [lam.list_functions, lambda: lam.get_account_settings()]
    done, error = calls_until_throttled(lambda: calls[len(calls) % 2](), 30)
    assert done == 15
    assert error.response["Error"]["Code"] == "TooManyRequestsException"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    with pytest.raises(ClientError) as raised:  # GetFunction is outside the shared 15
        lam.get_function(FunctionName="not-there")
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
    advance(throttling, 1.0)
    assert calls_until_throttled(lam.list_functions, 30)[0] == 15


def test_ecs_service_reads_burst_100_then_refill_20_a_second(fresh_account, throttling):
    """Request throttling for the Amazon ECS API
    (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html):
    service read actions (DescribeServices, ListServices) share a bucket of 100 refilled at
    20 a second; "If you exceed an API throttling quota, you get the ThrottlingException
    error code" (HTTP 400)."""
    ecs = client(fresh_account, "ecs")
    ecs.create_cluster(clusterName="c")
    done, error = calls_until_throttled(lambda: ecs.list_services(cluster="c"), 150)
    assert done == 100
    assert error.response["Error"]["Code"] == "ThrottlingException"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert ecs.list_clusters()["clusterArns"]  # cluster reads are another bucket
    advance(throttling, 1.0)
    assert calls_until_throttled(lambda: ecs.describe_services(cluster="c", services=["s"]), 50)[0] == 20


@pytest.mark.parametrize("region, burst, refill", [("us-east-1", 200, 5), ("us-east-2", 100, 2)])
def test_step_functions_list_executions_quota_depends_on_the_region(fresh_account, throttling, region, burst,
                                                                    refill):
    """Step Functions quotas (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html,
    "Quotas related to API action throttling"): ListExecutions has a bucket of 200 refilled
    at 5 a second in US East (N. Virginia), US West (Oregon) and Europe (Ireland), 100 at 2
    a second in all other regions; a throttled call gets ThrottlingException."""
    sfn = client(fresh_account, "stepfunctions", region)
    arn = f"arn:aws:states:{region}:{fresh_account.id}:stateMachine:none"
    call = lambda: _tolerate(lambda: sfn.list_executions(stateMachineArn=arn), "StateMachineDoesNotExist")  # noqa: E731
    done, error = calls_until_throttled(call, burst + 20)
    assert done == burst
    assert error.response["Error"]["Code"] == "ThrottlingException"
    advance(throttling, 2.0)
    assert calls_until_throttled(call, 50)[0] == 2 * refill


def test_cloudwatch_get_metric_data_500_a_second(fresh_account, throttling):
    """CloudWatch service quotas (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html):
    "Rate of GetMetricData requests: 500 per second"; the throttle answer is
    `Throttling` / "Rate exceeded" (https://repost.aws/knowledge-center/cloudwatch-400-error-throttling).
    No bucket size is documented: one second's worth is assumed."""
    cw = client(fresh_account, "cloudwatch")
    query = [{"Id": "q", "MetricStat": {"Metric": {"Namespace": "N", "MetricName": "M"}, "Period": 60, "Stat": "Sum"}}]
    start = throttling.now()
    call = lambda: cw.get_metric_data(MetricDataQueries=query, StartTime=start, EndTime=start)  # noqa: E731
    done, error = calls_until_throttled(lambda: _tolerate(call, "ValidationError"), 520)
    assert done == 500
    assert error.response["Error"]["Code"] == "Throttling"


def test_logs_filter_log_events_rate_depends_on_the_region(fresh_account, throttling):
    """CloudWatch Logs quotas (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html):
    FilterLogEvents is 25 transactions per second in us-east-1 and 10 in most other
    regions; throttled calls get ThrottlingException / "Rate exceeded"."""
    for region, rate in (("us-east-1", 25), ("us-west-2", 10)):
        logs = client(fresh_account, "logs", region)
        logs.create_log_group(logGroupName="g")
        done, error = calls_until_throttled(lambda: logs.filter_log_events(logGroupName="g"), 40)
        assert (done, error.response["Error"]["Code"]) == (rate, "ThrottlingException")


def test_eventbridge_apis_other_than_put_events_50_a_second(fresh_account, throttling):
    """EventBridge quotas (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html,
    as archived): "All EventBridge APIs other than PutEvents are limited to 50 requests
    per second by default." The current page no longer lists it: assumed still true."""
    events = client(fresh_account, "events")
    done, error = calls_until_throttled(events.list_rules, 60)
    assert (done, error.response["Error"]["Code"]) == (50, "ThrottlingException")
    events.put_events(Entries=[{"Source": "s", "DetailType": "d", "Detail": "{}"}])  # not in that quota


def test_quotas_are_per_account(fresh_account, endpoint, throttling):
    """Quotas are per account and region (each page above says so): one account's calls
    never use another's tokens."""
    lam = client(fresh_account, "lambda")
    assert calls_until_throttled(lam.list_functions, 20)[0] == 15
    other = boto3.client("lambda", endpoint_url=endpoint, region_name="us-east-1", config=NO_RETRIES)
    assert calls_until_throttled(other.list_functions, 5)[0] == 5  # the default account is untouched
    counts = control.request_counts(endpoint)
    assert counts["throttled"] >= 1
    assert control.count_of(counts, "lambda", "ListFunctions", fresh_account.id) == 16


def test_no_throttling_unless_the_realistic_mode_is_on(fresh_account):
    lam = client(fresh_account, "lambda")
    assert calls_until_throttled(lam.list_functions, 40)[0] == 40


def _tolerate(call, code: str):
    """Run `call`; an error answer `code` counts as an answer (the quota was spent)."""
    try:
        return call()
    except ClientError as exc:
        if exc.response["Error"]["Code"] != code:
            raise
        return None
