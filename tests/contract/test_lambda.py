"""Lambda behaviour the console relies on, kept by the embedded AWS.

Each test states one documented behaviour, names its source, and checks it over HTTP
against the embedded server, in an account of its own. Lambda's metrics come from the
embedded AWS's traffic writer (console.demo.simulator, through control.lambda_traffic),
which writes what Lambda writes.
"""

from __future__ import annotations

import asyncio
import io
import uuid
import zipfile
from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

from console.demo import control

ROLE_POLICY = '{"Version":"2012-10-17","Statement":[]}'

PER_INVOCATION = ("Invocations", "Errors", "Throttles", "Duration", "ConcurrentExecutions")
FOUR_SETS = {(), ("FunctionName",), ("FunctionName", "Resource"), ("ExecutedVersion", "FunctionName", "Resource")}


def zip_of(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("app.py", (2020, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


def make_function(account, versions: int = 2, weight: float | None = 0.3) -> str:
    """A function with `versions` published versions and alias `live` on version 1
    (with `weight` of its traffic on version 2)."""
    lam = account.client("lambda")
    role = account.client("iam").create_role(RoleName=f"contract-{uuid.uuid4().hex[:8]}",
                                             AssumeRolePolicyDocument=ROLE_POLICY)["Role"]["Arn"]
    name = f"fn-{uuid.uuid4().hex[:10]}"
    lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler",
                        Code={"ZipFile": zip_of("v1")}, Publish=True)
    for number in range(2, versions + 1):
        lam.update_function_code(FunctionName=name, ZipFile=zip_of(f"v{number}"))
        lam.publish_version(FunctionName=name)
    routing = {"RoutingConfig": {"AdditionalVersionWeights": {"2": weight}}} if weight else {}
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1", **routing)
    return name


@pytest.fixture
def traffic(fresh_account):
    """A function with versions 1 and 2, `live` routing 30 % to version 2, version 2
    failing; 10 requests through `live` (7 on 1, 3 on 2) and 4 of version 2 directly."""
    name = make_function(fresh_account)
    control.fail_function(fresh_account.endpoint, name, "2", message="boom", account=fresh_account.id)
    # CloudWatch Logs refuses events far from real time: the traffic is written near it
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(minutes=5)
    try:
        through_alias = control.lambda_traffic(fresh_account.endpoint, name, now, 10, account=fresh_account.id)
        direct = control.lambda_traffic(fresh_account.endpoint, name, now, 4, alias="2", account=fresh_account.id)
    finally:
        control.clear_failures(fresh_account.endpoint)
    assert through_alias["by_version"] == {"1": {"invocations": 7, "errors": 0}, "2": {"invocations": 3, "errors": 3}}
    assert direct["by_version"] == {"2": {"invocations": 4, "errors": 4}}
    return name, now


def _listed(cw, **filters) -> set[tuple[str, tuple[tuple[str, str], ...]]]:
    found = set()
    for page in cw.get_paginator("list_metrics").paginate(Namespace="AWS/Lambda", **filters):
        for metric in page["Metrics"]:
            found.add((metric["MetricName"], tuple(sorted((d["Name"], d["Value"]) for d in metric["Dimensions"]))))
    return found


def _sum(cw, name: str, now: datetime, dims: dict[str, str], metric: str = "Invocations") -> float:
    query = {"Id": "q", "MetricStat": {"Metric": {"Namespace": "AWS/Lambda", "MetricName": metric, "Dimensions": [
        {"Name": k, "Value": v} for k, v in dims.items()]}, "Period": 60, "Stat": "Sum"}}
    (result,) = cw.get_metric_data(MetricDataQueries=[query], StartTime=now,
                                   EndTime=now + timedelta(minutes=1))["MetricDataResults"]
    return sum(result["Values"])


def test_lambda_metrics_exist_only_in_four_dimension_sets(fresh_account, traffic):
    """Lambda's dimensions: "Across All Functions (none)", "By Function Name (FunctionName)", "By Resource
    (Resource) – View metrics for a version or alias of a function", "By Executed Version (ExecutedVersion) –
    View metrics for a combination of alias and version"
    (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-view.html); the sets are {},
    {FunctionName}, {FunctionName, Resource} and {FunctionName, Resource, ExecutedVersion} (aws-cdk-lib 2.276.0
    aws-lambda/lib/lambda-canned-metrics.generated.d.ts). ExecutedVersion "only applies to alias invocations"
    (the archived monitoring-functions-metrics.md of the Lambda guide)."""
    name, _ = traffic
    listed = _listed(fresh_account.client("cloudwatch"))
    assert {tuple(n for n, _ in dims) for _, dims in listed} == FOUR_SETS
    executed = {dims for _, dims in listed if len(dims) == 3}
    assert executed == {(("ExecutedVersion", v), ("FunctionName", name), ("Resource", f"{name}:live")) for v in "12"}


def test_resource_names_the_alias_or_version_invoked(fresh_account, traffic):
    """Resource is "name:alias" for an alias invocation and "name:version" for a version
    invocation. NOT on an AWS page: aws-cdk#14248 lists it from a real account
    ({"FunctionName": f, "Resource": "f:live", "ExecutedVersion": "42"}); aws-cdk PR #20836
    fixed the version form (aws-cdk-lib's aws-lambda/lib/alias.js builds `${functionName}:${aliasName}`)."""
    name, _ = traffic
    resources = {dict(dims)["Resource"] for _, dims in _listed(fresh_account.client("cloudwatch"))
                 if "Resource" in dict(dims)}
    assert resources == {f"{name}:live", f"{name}:2"}


@pytest.mark.parametrize("metric", PER_INVOCATION)
def test_per_invocation_metrics_are_published_at_every_level(fresh_account, traffic, metric):
    """Invocations, Errors, Throttles, Duration and ConcurrentExecutions carry all four sets (aws-cdk-lib 2.276.0
    aws-lambda/lib/lambda-canned-metrics.generated.d.ts; "Lambda emits this metric [ConcurrentExecutions] for
    all functions, versions, and aliases",
    https://docs.aws.amazon.com/lambda/latest/dg/monitoring-concurrency.html)."""
    listed = _listed(fresh_account.client("cloudwatch"), MetricName=metric)
    assert {tuple(n for n, _ in dims) for _, dims in listed} == FOUR_SETS


def test_unreserved_concurrency_is_account_wide_only(fresh_account, traffic):
    """UnreservedConcurrentExecutions: "Lambda emits this metric across all functions in a
    region" (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-concurrency.html; only
    the {} set in aws-cdk-lib 2.276.0 aws-lambda/lib/lambda-canned-metrics.generated.d.ts)."""
    listed = _listed(fresh_account.client("cloudwatch"), MetricName="UnreservedConcurrentExecutions")
    assert {dims for _, dims in listed} == {()}


def test_no_series_is_published_for_function_and_executed_version_alone(fresh_account, traffic):
    """{FunctionName, ExecutedVersion} is not a published set, and CloudWatch matches dimension sets exactly: "You
    can only retrieve statistics using combinations of dimensions that you specifically published"
    (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html). A canary reading
    it sees no traffic at all."""
    name, now = traffic
    cw = fresh_account.client("cloudwatch")
    for version in "12":
        for metric in ("Invocations", "Errors"):
            assert _sum(cw, name, now, {"FunctionName": name, "ExecutedVersion": version}, metric) == 0


def test_each_version_behind_an_alias_has_its_own_figures(fresh_account, traffic):
    """{FunctionName, Resource=name:alias, ExecutedVersion} gives each version's own invocations and errors through
    the alias (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-view.html: "View metrics for a
    combination of alias and version"); {FunctionName} is every invocation of the function, and {FunctionName,
    Resource} each alias or version (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-view.html)."""
    name, now = traffic
    cw = fresh_account.client("cloudwatch")
    alias = {"FunctionName": name, "Resource": f"{name}:live"}
    figures = {(v, m): _sum(cw, name, now, {**alias, "ExecutedVersion": v}, m)
               for v in "12" for m in ("Invocations", "Errors")}
    assert figures == {("1", "Invocations"): 7, ("1", "Errors"): 0, ("2", "Invocations"): 3, ("2", "Errors"): 3}
    assert _sum(cw, name, now, alias) == 10
    assert _sum(cw, name, now, {"FunctionName": name, "Resource": f"{name}:2"}) == 4
    assert _sum(cw, name, now, {"FunctionName": name}) == 14
    assert _sum(cw, name, now, {}) == 14  # the account's only function


# -- updates ------------------------------------------------------------------------------------
IN_PROGRESS = "The operation cannot be performed at this time. An update is in progress for resource: {}"


def _status(lam, name: str) -> str:
    return lam.get_function_configuration(FunctionName=name)["LastUpdateStatus"]


def _advance(clock, seconds: float) -> None:
    asyncio.run(clock.advance(seconds))


@pytest.mark.parametrize("update", ["code", "configuration"])
def test_an_update_is_in_progress_before_it_is_successful(fresh_account, shared_clock, realism, update):
    """"InProgress – An update is happening on an existing function"; "Successful – The update has completed"
    (https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html); botocore:lambda enum LastUpdateStatus
    Successful | Failed | InProgress, and its FunctionUpdated waiter polls until Successful. AWS documents no
    duration ("functions in a VPC can take a minute"): the test sets 30 s."""
    realism(lambda_update_seconds=30)
    name = make_function(fresh_account, versions=1, weight=None)
    lam = fresh_account.client("lambda")
    assert _status(lam, name) == "Successful"
    if update == "code":
        answer = lam.update_function_code(FunctionName=name, ZipFile=zip_of("v2"))
    else:
        answer = lam.update_function_configuration(FunctionName=name, Description="changed")
    assert answer["LastUpdateStatus"] == "InProgress"
    assert _status(lam, name) == "InProgress"
    assert lam.get_function(FunctionName=name)["Configuration"]["LastUpdateStatus"] == "InProgress"
    assert lam.get_function_configuration(FunctionName=name, Qualifier="1")["LastUpdateStatus"] == "Successful"
    _advance(shared_clock, 29)
    assert _status(lam, name) == "InProgress"
    _advance(shared_clock, 1)
    assert _status(lam, name) == "Successful"


@pytest.mark.parametrize("operation", ["UpdateFunctionCode", "UpdateFunctionConfiguration", "PublishVersion"])
def test_changes_fail_with_a_conflict_while_an_update_is_in_progress(fresh_account, shared_clock, realism,
                                                                    operation):
    """"The following operations fail while an asynchronous update is in progress: UpdateFunctionCode,
    UpdateFunctionConfiguration, PublishVersion"
    (https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html); with ResourceConflictException, HTTP
    409, "another operation is in progress" (botocore:lambda, listed on all three). The message is OBSERVED in
    real AWS output, NOT documented: "The operation cannot be performed at this time. An update is in progress
    for resource: <function ARN>"."""
    realism(lambda_update_seconds=30)
    name = make_function(fresh_account, versions=1, weight=None)
    lam = fresh_account.client("lambda")
    arn = lam.update_function_code(FunctionName=name, ZipFile=zip_of("v2"))["FunctionArn"]
    call = {"UpdateFunctionCode": lambda: lam.update_function_code(FunctionName=name, ZipFile=zip_of("v3")),
            "UpdateFunctionConfiguration": lambda: lam.update_function_configuration(FunctionName=name,
                                                                                     Description="x"),
            "PublishVersion": lambda: lam.publish_version(FunctionName=name)}[operation]
    with pytest.raises(ClientError) as refused:
        call()
    error = refused.value.response
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == ("ResourceConflictException", 409)
    assert error["Error"]["Message"] == IN_PROGRESS.format(arn.split(":$LATEST")[0])
    assert [v["Version"] for v in lam.list_versions_by_function(FunctionName=name)["Versions"]] == ["$LATEST", "1"]
    _advance(shared_clock, 30)
    call()  # Successful: accepted now


def test_last_modified_moves_with_every_update_and_code_sha256_with_the_package(fresh_account, shared_clock):
    """FunctionConfiguration.LastModified: "The date and time that the function was last
    updated"; CodeSha256: "The SHA256 hash of the function's deployment package"
    (botocore:lambda; https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html).
    A code update and a configuration update each move LastModified; only a new package
    changes CodeSha256."""
    name = make_function(fresh_account, versions=1, weight=None)
    lam = fresh_account.client("lambda")

    def read() -> tuple[datetime, str]:
        config = lam.get_function_configuration(FunctionName=name)
        return _when(config["LastModified"]), config["CodeSha256"]

    created, sha = read()
    _advance(shared_clock, 60)
    lam.update_function_code(FunctionName=name, ZipFile=zip_of("v2"))
    coded, new_sha = read()
    assert coded == shared_clock.now() and coded > created and new_sha != sha
    _advance(shared_clock, 60)
    lam.update_function_configuration(FunctionName=name, Description="changed")
    configured, same_sha = read()
    assert configured == shared_clock.now() and same_sha == new_sha
    published = lam.publish_version(FunctionName=name)
    assert _when(published["LastModified"]) == shared_clock.now() and published["CodeSha256"] == new_sha
    assert _when(lam.get_function_configuration(FunctionName=name, Qualifier="1")["LastModified"]) == created


def _when(text: str) -> datetime:
    """Lambda's LastModified (2026-11-27T10:00:00.000+0000; moto writes ...000000Z)."""
    from console.services.lambda_.sources import _parse_time

    moment = _parse_time(text)
    assert moment is not None, text
    return moment


# Page and batch sizes -------------------------------------------------------------
# Lambda page sizes the console relies on, as AWS documents them, on the embedded AWS.
# Each test states one documented behaviour and names its source; the figures are restated
# here, never read from console.aws.limits, so a wrong number there fails a test. botocore
# checks only MaxItems' minimum (1) on the client; what is above it reaches the server.


def make_functions(account, count: int) -> list[str]:
    lam = account.client("lambda")
    role = account.client("iam").create_role(RoleName="lambda", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    code = zip_of("def handle(event, context):\n    return event\n")
    names = [f"fn-{i:03d}" for i in range(count)]
    for name in names:
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handle",
                            Code={"ZipFile": code})
    return names


def publish_versions(account, function: str, count: int) -> None:
    lam = account.client("lambda")
    for i in range(count):
        lam.update_function_configuration(FunctionName=function, Description=f"v{i}")
        lam.publish_version(FunctionName=function)


def test_list_functions_returns_up_to_50_functions_per_call(fresh_account):
    """https://docs.aws.amazon.com/lambda/latest/api/API_ListFunctions.html: "Lambda
    returns up to 50 functions per call." (no MaxItems: a page of 50 and a NextMarker)."""
    lam = fresh_account.client("lambda")
    names = make_functions(fresh_account, 51)

    first = lam.list_functions()
    assert len(first["Functions"]) == 50 and first.get("NextMarker")
    rest = lam.list_functions(Marker=first["NextMarker"])
    assert sorted(f["FunctionName"] for f in first["Functions"] + rest["Functions"]) == names
    assert not rest.get("NextMarker")


def test_list_functions_returns_at_most_50_even_when_asked_for_more(fresh_account):
    """https://docs.aws.amazon.com/lambda/latest/api/API_ListFunctions.html, MaxItems:
    "Note that ListFunctions returns a maximum of 50 items in each response, even if you set
    the number higher." (the request is not refused: the page is capped)."""
    lam = fresh_account.client("lambda")
    make_functions(fresh_account, 51)

    for asked in (51, 1000, 10_000):
        page = lam.list_functions(MaxItems=asked)
        assert len(page["Functions"]) == 50 and page.get("NextMarker")


def test_list_versions_by_function_returns_at_most_50_versions_per_call(fresh_account):
    """https://docs.aws.amazon.com/lambda/latest/api/API_ListVersionsByFunction.html:
    "Lambda returns up to 50 versions per call."; MaxItems: "Note that
    ListVersionsByFunction returns a maximum of 50 items in each response, even if you set
    the number higher." """
    lam = fresh_account.client("lambda")
    (name,) = make_functions(fresh_account, 1)
    publish_versions(fresh_account, name, 50)  # with $LATEST: 51 versions

    for asked in ({}, {"MaxItems": 1000}):
        page = lam.list_versions_by_function(FunctionName=name, **asked)
        assert len(page["Versions"]) == 50 and page.get("NextMarker")
        rest = lam.list_versions_by_function(FunctionName=name, Marker=page["NextMarker"], **asked)
        assert len(rest["Versions"]) == 1 and not rest.get("NextMarker")


def test_list_event_source_mappings_returns_at_most_100_even_when_asked_for_more(fresh_account):
    """https://docs.aws.amazon.com/lambda/latest/api/API_ListEventSourceMappings.html,
    MaxItems: "Note that ListEventSourceMappings returns a maximum of 100 items in each
    response, even if you set the number higher." """
    lam = fresh_account.client("lambda")
    sqs = fresh_account.client("sqs")
    (name,) = make_functions(fresh_account, 1)
    queue = sqs.create_queue(QueueName="work")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    for _ in range(101):
        lam.create_event_source_mapping(FunctionName=name, EventSourceArn=queue_arn)

    page = lam.list_event_source_mappings(FunctionName=name, MaxItems=1000)
    assert len(page["EventSourceMappings"]) == 100 and page.get("NextMarker")
    rest = lam.list_event_source_mappings(FunctionName=name, MaxItems=1000, Marker=page["NextMarker"])
    assert len(rest["EventSourceMappings"]) == 1 and not rest.get("NextMarker")


def test_list_functions_max_items_is_at_most_10000(fresh_account):
    """botocore model, lambda 2015-03-31, ListFunctions.MaxItems: shape MaxListItems,
    "min": 1, "max": 10000 (the API reference: "Valid Range: Minimum value of 1. Maximum
    value of 10000."). AWS documents no answer above it: the embedded AWS refuses it with
    AWS's generic constraint error (ValidationException, "1 validation error detected:
    Value '10001' at 'maxItems' failed to satisfy constraint: Member must have value less
    than or equal to 10000"), which is our choice, not a documented text."""
    lam = fresh_account.client("lambda")
    make_functions(fresh_account, 1)

    assert len(lam.list_functions(MaxItems=10_000)["Functions"]) == 1
    with pytest.raises(ClientError) as refused:
        lam.list_functions(MaxItems=10_001)
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "less than or equal to 10000" in refused.value.response["Error"]["Message"]


def test_logging_config_names_the_group_lambda_writes_to(fresh_account):
    """A function's configuration carries its LoggingConfig: LogGroup /aws/lambda/<name> and
    LogFormat Text unless CreateFunction or UpdateFunctionConfiguration named others; an
    update changes only the fields it names; ListFunctions shows the same.
    Sources: https://docs.aws.amazon.com/lambda/latest/api/API_LoggingConfig.html and
    https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-loggroups.html"""
    lam = fresh_account.client("lambda")
    name = make_function(fresh_account, versions=1, weight=None)
    assert lam.get_function_configuration(FunctionName=name)["LoggingConfig"] == {
        "LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"}
    role = lam.get_function_configuration(FunctionName=name)["Role"]
    lam.create_function(FunctionName=f"{name}-shared", Runtime="python3.12", Role=role, Handler="app.handler",
                        Code={"ZipFile": zip_of("v1")}, LoggingConfig={"LogGroup": "/shared/app"})
    assert lam.get_function(FunctionName=f"{name}-shared")["Configuration"]["LoggingConfig"] == {
        "LogFormat": "Text", "LogGroup": "/shared/app"}
    lam.update_function_configuration(FunctionName=name, LoggingConfig={"LogFormat": "JSON",
                                                                        "ApplicationLogLevel": "WARN"})
    lam.get_waiter("function_updated_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1})
    lam.update_function_configuration(FunctionName=name, LoggingConfig={"LogGroup": "/shared/app"})
    listed = {f["FunctionName"]: f["LoggingConfig"] for f in lam.list_functions()["Functions"]}
    assert listed[name] == {"LogFormat": "JSON", "ApplicationLogLevel": "WARN", "LogGroup": "/shared/app"}
