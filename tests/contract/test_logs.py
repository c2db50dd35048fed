"""CloudWatch Logs page sizes the console relies on, as AWS documents them, on the embedded AWS.

Each test states one documented behaviour and names its source; the figures are restated
here, never read from console.aws.limits, so a wrong number there fails a test. botocore
checks only the minimum (1) of `limit` on the client; what is above it reaches the server,
and AWS refuses it: InvalidParameterException "1 validation error detected: Value '51' at
'limit' failed to satisfy constraint: Member must have value less than or equal to 50"
(observed on AWS: aws/aws-sdk-pandas#2684, boto/boto3#4645; not in AWS's documentation).
"""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError


def refusal(call) -> dict:
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response


def test_describe_log_groups_returns_up_to_50_by_default(fresh_account):
    """https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html,
    limit: "The maximum number of items returned. If you don't specify a value, the default
    is up to 50 items." """
    logs = fresh_account.client("logs")
    for i in range(51):
        logs.create_log_group(logGroupName=f"/app/group-{i:03d}")

    first = logs.describe_log_groups()
    assert len(first["logGroups"]) == 50 and first.get("nextToken")
    rest = logs.describe_log_groups(nextToken=first["nextToken"])
    assert len(rest["logGroups"]) == 1 and not rest.get("nextToken")


def test_describe_log_groups_limit_is_at_most_50(fresh_account):
    """https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html,
    limit: "Valid Range: Minimum value of 1. Maximum value of 50." (botocore shape
    DescribeLimit). limit=51 is refused with the text observed on AWS (module docstring)."""
    logs = fresh_account.client("logs")
    logs.create_log_group(logGroupName="/app/only")

    assert len(logs.describe_log_groups(limit=50)["logGroups"]) == 1
    error = refusal(lambda: logs.describe_log_groups(limit=51))
    assert error["Error"]["Code"] == "InvalidParameterException"
    assert error["Error"]["Message"] == ("1 validation error detected: Value '51' at 'limit' failed to satisfy "
                                         "constraint: Member must have value less than or equal to 50")
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_describe_log_streams_returns_up_to_50_by_default(fresh_account):
    """https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogStreams.html,
    limit: "The maximum number of items returned. If you don't specify a value, the default
    is up to 50 items." """
    logs = fresh_account.client("logs")
    logs.create_log_group(logGroupName="/app/busy")
    for i in range(51):
        logs.create_log_stream(logGroupName="/app/busy", logStreamName=f"stream-{i:03d}")

    first = logs.describe_log_streams(logGroupName="/app/busy")
    assert len(first["logStreams"]) == 50 and first.get("nextToken")
    rest = logs.describe_log_streams(logGroupName="/app/busy", nextToken=first["nextToken"])
    assert len(rest["logStreams"]) == 1 and not rest.get("nextToken")


def test_describe_log_streams_limit_is_at_most_50(fresh_account):
    """https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogStreams.html,
    limit: "Valid Range: Minimum value of 1. Maximum value of 50." limit=51 is refused with
    the text observed on AWS for this operation (aws/aws-sdk-pandas#2684)."""
    logs = fresh_account.client("logs")
    logs.create_log_group(logGroupName="/app/busy")
    logs.create_log_stream(logGroupName="/app/busy", logStreamName="only")

    assert len(logs.describe_log_streams(logGroupName="/app/busy", limit=50)["logStreams"]) == 1
    error = refusal(lambda: logs.describe_log_streams(logGroupName="/app/busy", limit=51))
    assert error["Error"]["Code"] == "InvalidParameterException"
    assert "Member must have value less than or equal to 50" in error["Error"]["Message"]


def test_filter_log_events_pages_hold_at_most_10000_events_by_default(fresh_account):
    """https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html,
    limit: "The maximum number of events to return. The default is 10,000 events."; and
    "Each page returned can contain up to 1 MB of log events or up to 10,000 log events. A
    returned page might only be partially full, or even empty. ... If the results include a
    nextToken, there might be more log events available." Without `limit` (as the console
    asks) no page holds more than 10,000 events, and following nextToken reads them all."""
    logs = fresh_account.client("logs")
    logs.create_log_group(logGroupName="/app/chatty")
    logs.create_log_stream(logGroupName="/app/chatty", logStreamName="s")
    now = int(time.time() * 1000)
    logs.put_log_events(logGroupName="/app/chatty", logStreamName="s",
                        logEvents=[{"timestamp": now - 60_000 + i, "message": f"line {i}"} for i in range(10_000)])
    logs.put_log_events(logGroupName="/app/chatty", logStreamName="s",
                        logEvents=[{"timestamp": now - 1_000, "message": "line 10000"}])

    seen, token, pages = [], None, 0
    while pages < 50:
        page = logs.filter_log_events(logGroupName="/app/chatty", startTime=now - 120_000,
                                      **({"nextToken": token} if token else {}))
        pages += 1
        assert len(page["events"]) <= 10_000
        seen.extend(event["message"] for event in page["events"])
        token = page.get("nextToken")
        if not token:
            break
    assert pages >= 2 and len(seen) == 10_001 and len(set(seen)) == 10_001


def test_filter_log_events_limit_is_at_most_10000(fresh_account):
    """https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html,
    limit: "Valid Range: Minimum value of 1. Maximum value of 10000." (botocore shape
    EventsLimit). limit=10001 is refused with InvalidParameterException and the validation
    text observed on AWS for DescribeLogGroups/Streams (this operation's own text is not
    documented)."""
    logs = fresh_account.client("logs")
    logs.create_log_group(logGroupName="/app/quiet")

    assert logs.filter_log_events(logGroupName="/app/quiet", limit=10_000)["events"] == []
    error = refusal(lambda: logs.filter_log_events(logGroupName="/app/quiet", limit=10_001))
    assert error["Error"]["Code"] == "InvalidParameterException"
    assert "Member must have value less than or equal to 10000" in error["Error"]["Message"]


FILTER_LOG_EVENTS = "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html"


@pytest.fixture
def three_streams(fresh_account):
    """Three streams written out of order: timestamps interleave across streams, one late
    event arrives after later ones, and two events (c, then b) share a timestamp."""
    logs = fresh_account.client("logs")
    logs.create_log_group(logGroupName="/app/three")
    for stream in ("app/a", "app/b", "app/c"):
        logs.create_log_stream(logGroupName="/app/three", logStreamName=stream)
    t = int(time.time() * 1000) - 60_000

    def put(stream: str, *offsets: int) -> None:
        logs.put_log_events(logGroupName="/app/three", logStreamName=stream, logEvents=[
            {"timestamp": t + offset, "message": f"{stream[-1]}+{offset}"} for offset in offsets])

    put("app/c", 5, 9)
    put("app/a", 1, 7)
    put("app/b", 3, 5)
    put("app/a", 2)  # late: ingested after everything else, stamped before most
    return logs, t


def test_filter_log_events_interleaves_streams_in_timestamp_order(three_streams):
    """FilterLogEvents API reference: "The returned log events are sorted by event timestamp,
    the timestamp when the event was ingested by CloudWatch Logs, and the ID of the
    PutLogEvents request." Events of every stream come in one time order (moto 5.2.5 returned
    them stream by stream); the tie at +5 goes to c's event, ingested first. Every event
    carries logStreamName, timestamp, message, ingestionTime and eventId (FilteredLogEvent)."""
    logs, t = three_streams
    events = logs.filter_log_events(logGroupName="/app/three")["events"]

    assert [e["message"] for e in events] == ["a+1", "a+2", "b+3", "c+5", "b+5", "a+7", "c+9"]
    assert [e["logStreamName"] for e in events] == ["app/a", "app/a", "app/b", "app/c", "app/b", "app/a", "app/c"]
    assert [e["timestamp"] - t for e in events] == [1, 2, 3, 5, 5, 7, 9]
    assert all(isinstance(e["ingestionTime"], int) and e["eventId"] for e in events)
    assert len({e["eventId"] for e in events}) == 7


def test_filter_log_events_pages_follow_next_token_and_respect_limit(three_streams):
    """FilterLogEvents API reference, limit: "The maximum number of events to return"; "If
    the results include a nextToken, there might be more log events available ... If the
    results don't include a nextToken, then pagination is finished." Pages of at most
    `limit` continue the same interleaved order; startFromHead=false ("the latest log events
    are returned first") reverses it, and its nextToken keeps that direction."""
    logs, _ = three_streams
    pages, token = [], None
    while True:
        page = logs.filter_log_events(logGroupName="/app/three", limit=3, **({"nextToken": token} if token else {}))
        pages.append([e["message"] for e in page["events"]])
        token = page.get("nextToken")
        if not token:
            break
    assert pages == [["a+1", "a+2", "b+3"], ["c+5", "b+5", "a+7"], ["c+9"]]

    newest = logs.filter_log_events(logGroupName="/app/three", limit=4, startFromHead=False)
    older = logs.filter_log_events(logGroupName="/app/three", limit=4, nextToken=newest["nextToken"])
    assert [e["message"] for e in newest["events"] + older["events"]] == ["c+9", "a+7", "b+5", "c+5", "b+3", "a+2",
                                                                            "a+1"]
    assert "nextToken" not in older


def test_filter_log_events_time_range_includes_both_ends(three_streams):
    """FilterLogEvents API reference: startTime, "Events with a timestamp before this time are
    not returned"; endTime, "Events with a timestamp later than this time are not returned".
    An event stamped exactly startTime or endTime is returned."""
    logs, t = three_streams
    events = logs.filter_log_events(logGroupName="/app/three", startTime=t + 3, endTime=t + 7)["events"]
    assert [e["message"] for e in events] == ["b+3", "c+5", "b+5", "a+7"]


def test_filter_log_events_narrows_to_streams_by_name_or_prefix(three_streams, fresh_account):
    """FilterLogEvents API reference: logStreamNames "Filters the results to only logs from the
    log streams in this list"; logStreamNamePrefix "to include only events from log streams
    that have names starting with this prefix"; "If you specify a value for both
    logStreamNamePrefix and logStreamNames, the action returns an InvalidParameterException
    error." logGroupIdentifier takes the group's ARN instead of logGroupName."""
    logs, _ = three_streams
    named = logs.filter_log_events(logGroupName="/app/three", logStreamNames=["app/a", "app/c"])["events"]
    assert [e["message"] for e in named] == ["a+1", "a+2", "c+5", "a+7", "c+9"]
    logs.create_log_stream(logGroupName="/app/three", logStreamName="other/b")
    logs.put_log_events(logGroupName="/app/three", logStreamName="other/b",
                        logEvents=[{"timestamp": named[0]["timestamp"], "message": "elsewhere"}])
    prefixed = logs.filter_log_events(logGroupName="/app/three", logStreamNamePrefix="app/b")["events"]
    assert [e["message"] for e in prefixed] == ["b+3", "b+5"]

    arn = logs.describe_log_groups(logGroupNamePrefix="/app/three")["logGroups"][0]["logGroupArn"]
    by_arn = logs.filter_log_events(logGroupIdentifier=arn, logStreamNamePrefix="other/")["events"]
    assert [e["message"] for e in by_arn] == ["elsewhere"]

    error = refusal(lambda: logs.filter_log_events(logGroupName="/app/three", logStreamNames=["app/a"],
                                                   logStreamNamePrefix="app/"))
    assert error["Error"]["Code"] == "InvalidParameterException"
