"""Lambda page sizes the console relies on, as AWS documents them, on the embedded AWS.

Each test states one documented behaviour and names its source; the figures are restated
here, never read from console.aws.limits, so a wrong number there fails a test. botocore
checks only MaxItems' minimum (1) on the client; what is above it reaches the server.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from botocore.exceptions import ClientError


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handle(event, context):\n    return event\n")
    return buffer.getvalue()


def make_functions(account, count: int) -> list[str]:
    lam = account.client("lambda")
    role = account.client("iam").create_role(RoleName="lambda", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    code = _zip()
    names = [f"fn-{i:03d}" for i in range(count)]
    for name in names:
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="handler.handle",
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
