"""StartLiveTail on the embedded AWS: a stream, not a snapshot.

Sources: the StartLiveTail API reference
(https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartLiveTail.html)
and the botocore model logs 2014-03-28 (StartLiveTailRequest, StartLiveTailResponseStream,
LiveTailSessionStart, LiveTailSessionUpdate, LiveTailSessionLogEvent, SessionTimeoutException).
moto 5.2.5 sent one snapshot of the events already stored and closed the stream.

The model routes StartLiveTail with hostPrefix "stream-": botocore prepends it to a custom
endpoint too (http://stream-127.0.0.1:PORT, which does not resolve), so clients of the
embedded AWS turn it off (Config(inject_host_prefix=False), or
AWS_DISABLE_HOST_PREFIX_INJECTION=true); then boto3 and aiobotocore both read the stream
(measured: with the prefix on, botocore fails with EndpointConnectionError for
"http://stream-127.0.0.1:PORT/").
"""

from __future__ import annotations

import asyncio
import time

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import EventStreamError

from tests.contract.test_logs import refusal


def tail_client(account):
    return boto3.client("logs", endpoint_url=account.endpoint, region_name="us-east-1",
                        aws_access_key_id=account.access_key, aws_secret_access_key=account.secret_key,
                        config=Config(inject_host_prefix=False, retries={"total_max_attempts": 1}))


@pytest.fixture
def groups(fresh_account):
    """/svc/api (streams web-1, web-2) and /svc/worker (stream w): name -> ARN."""
    logs = fresh_account.client("logs")
    for group, streams in (("/svc/api", ("web-1", "web-2")), ("/svc/worker", ("w",))):
        logs.create_log_group(logGroupName=group)
        for stream in streams:
            logs.create_log_stream(logGroupName=group, logStreamName=stream)
    logs.put_log_events(logGroupName="/svc/api", logStreamName="web-1",
                        logEvents=[{"timestamp": int(time.time() * 1000), "message": "GET /before-the-session"}])
    arns = {g["logGroupName"]: g["logGroupArn"] for g in logs.describe_log_groups()["logGroups"]}
    return logs, arns


def test_live_tail_sends_each_second_what_arrived_samples_above_500_and_ends_after_3_hours(
        fresh_account, groups, shared_clock):
    """"A single LiveTailSessionStart object is sent at the start of the session"; "Every
    second, a LiveTailSessionUpdate object is sent" with the events ingested since (each
    with logStreamName, logGroupIdentifier, message, timestamp, ingestionTime),
    logEventFilterPattern applied, logStreamNamePrefixes narrowing one group's streams;
    "If the number of log events matching the request exceeds 500 per second, the log
    events are sampled down to 500" with sessionMetadata.sampled true; "A
    SessionTimeoutException object is returned when the session times out, after it has
    been kept open for three hours" (on the embedded AWS's clock, moved by the test: the
    session is alive at 3 h - 1 s). This one test waits: two updates, about 2 s."""
    logs, arns = groups
    tail = tail_client(fresh_account)
    both = tail.start_live_tail(logGroupIdentifiers=[arns["/svc/api"], arns["/svc/worker"]],
                                logEventFilterPattern="-DEBUG")["responseStream"]
    web2 = tail.start_live_tail(logGroupIdentifiers=[arns["/svc/api"]], logStreamNamePrefixes=["web-2"])["responseStream"]
    both, web2 = iter(both), iter(web2)
    start = next(both)["sessionStart"]
    assert start["logGroupIdentifiers"] == [arns["/svc/api"], arns["/svc/worker"]]
    assert start["logEventFilterPattern"] == "-DEBUG" and start["sessionId"] and start["requestId"]
    assert next(web2)["sessionStart"]["logStreamNamePrefixes"] == ["web-2"]

    t = int(time.time() * 1000)  # written while the sessions run (the server is not blocked by them)
    logs.put_log_events(logGroupName="/svc/api", logStreamName="web-1", logEvents=[
        {"timestamp": t + 1, "message": "GET /a"}, {"timestamp": t + 3, "message": "DEBUG noise"}])
    logs.put_log_events(logGroupName="/svc/api", logStreamName="web-2", logEvents=[
        {"timestamp": t + 2, "message": "GET /b"}])
    logs.put_log_events(logGroupName="/svc/worker", logStreamName="w", logEvents=[
        {"timestamp": t + 1, "message": "job done"}])
    asyncio.run(shared_clock.advance(3 * 3600 - 1))

    first = sorted(results_of(both, 3), key=lambda r: (r["timestamp"], r["message"]))
    assert [(r["message"], r["logStreamName"], r["logGroupIdentifier"], r["timestamp"] - t)
            for r in first] == [("GET /a", "web-1", arns["/svc/api"], 1),
                                ("job done", "w", arns["/svc/worker"], 1),
                                ("GET /b", "web-2", arns["/svc/api"], 2)]
    assert all(isinstance(r["ingestionTime"], int) for r in first)
    assert [r["message"] for r in results_of(web2, 1)] == ["GET /b"]

    logs.put_log_events(logGroupName="/svc/api", logStreamName="web-1", logEvents=[
        {"timestamp": t + 10 + i, "message": f"burst {i}"} for i in range(1200)])
    # the empty updates of the seconds spent reading web2 come first (up to 10 buffered, more in flight)
    second = next(update for update in updates(both, most=20) if update["sessionResults"])
    assert second["sessionMetadata"] == {"sampled": True}
    burst = [int(r["message"].split()[1]) for r in second["sessionResults"]]
    assert len(burst) == 500 and burst == sorted(burst) and burst[0] == 0 and burst[-1] > 1100

    asyncio.run(shared_clock.advance(1))  # three hours since the sessions started
    for stream in (both, web2):
        with pytest.raises(EventStreamError) as ended:
            # the updates already on their way (a slow reader's queue: at most 10), then the end
            for update in updates(stream, most=12):
                assert update == {"sessionMetadata": {"sampled": False}, "sessionResults": []}
        assert ended.value.response["Error"]["Code"] == "SessionTimeoutException"


def updates(stream, most: int = 5):
    """The next sessionUpdates (one a real second): a write can land just after a second's
    update was cut, so what a test wrote may come one update later."""
    for _ in range(most):
        yield next(stream)["sessionUpdate"]


def results_of(stream, count: int) -> list[dict]:
    """The results of the next updates until `count` have come, none of them sampled, each
    update's in time order."""
    results: list[dict] = []
    for update in updates(stream):
        assert update["sessionMetadata"] == {"sampled": False}
        stamps = [r["timestamp"] for r in update["sessionResults"]]
        assert stamps == sorted(stamps)
        results += update["sessionResults"]
        if len(results) >= count:
            return results
    raise AssertionError(f"{len(results)} of {count} results in five updates")


def test_live_tail_takes_1_to_10_log_groups_by_arn(fresh_account, groups):
    """StartLiveTailRequest.logGroupIdentifiers: "Specify each log group by its ARN ... the ARN
    can't end with an asterisk (*). You can include up to 10 log groups." (list max 10:
    botocore checks only the minimum, AWS answers the constraint with its generic validation
    text). A group that does not exist is ResourceNotFoundException. All refused before the
    stream starts, HTTP 400."""
    logs, arns = groups
    tail = tail_client(fresh_account)
    for i in range(9):
        logs.create_log_group(logGroupName=f"/svc/extra-{i}")
    every = sorted(g["logGroupArn"] for g in logs.describe_log_groups()["logGroups"])
    assert len(every) == 11

    error = refusal(lambda: tail.start_live_tail(logGroupIdentifiers=every))
    assert error["Error"]["Code"] == "InvalidParameterException"
    assert error["Error"]["Message"] == (
        f"1 validation error detected: Value '[{', '.join(every)}]' at 'logGroupIdentifiers' failed to satisfy "
        "constraint: Member must have length less than or equal to 10")
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "sessionStart" in next(iter(tail.start_live_tail(logGroupIdentifiers=every[:10])["responseStream"]))

    for identifiers in (["/svc/api"], [arns["/svc/api"] + ":*"]):
        assert refusal(lambda: tail.start_live_tail(logGroupIdentifiers=identifiers))["Error"]["Code"] == \
            "InvalidParameterException"
    missing = arns["/svc/api"].replace("/svc/api", "/svc/none")
    assert refusal(lambda: tail.start_live_tail(logGroupIdentifiers=[missing]))["Error"]["Code"] == \
        "ResourceNotFoundException"


def test_live_tail_stream_filters_need_one_group_and_a_valid_pattern(fresh_account, groups):
    """StartLiveTailRequest: logStreamNames and logStreamNamePrefixes, "If you specify this
    field, you can't also specify" the other, and "You can specify this parameter only if
    you specify only one log group"; logEventFilterPattern follows the filter pattern syntax
    (an invalid one: InvalidParameterException "Invalid filter pattern")."""
    _, arns = groups
    tail = tail_client(fresh_account)
    api, worker = arns["/svc/api"], arns["/svc/worker"]
    calls = [
        dict(logGroupIdentifiers=[api], logStreamNames=["web-1"], logStreamNamePrefixes=["web"]),
        dict(logGroupIdentifiers=[api, worker], logStreamNames=["web-1"]),
        dict(logGroupIdentifiers=[api, worker], logStreamNamePrefixes=["web"]),
        dict(logGroupIdentifiers=[api], logEventFilterPattern="{ $.level = "),
    ]
    errors = [refusal(lambda: tail.start_live_tail(**call))["Error"] for call in calls]
    assert [e["Code"] for e in errors] == ["InvalidParameterException"] * 4
    assert errors[3]["Message"] == "Invalid filter pattern"



def test_aiobotocore_reads_the_stream(fresh_account, groups):
    """The stream is the botocore model's StartLiveTailResponseStream in the
    application/vnd.amazon.eventstream framing: aiobotocore (the console's client) parses its
    initial response and sessionStart (no wait: both are sent at once)."""
    from aiobotocore.session import get_session

    _, arns = groups

    async def first_event() -> dict:
        async with get_session().create_client(
                "logs", endpoint_url=fresh_account.endpoint, region_name="us-east-1",
                aws_access_key_id=fresh_account.access_key, aws_secret_access_key=fresh_account.secret_key,
                config=Config(inject_host_prefix=False)) as logs:
            answer = await logs.start_live_tail(logGroupIdentifiers=[arns["/svc/worker"]])
            async for event in answer["responseStream"]:
                return event
        return {}

    start = asyncio.run(first_event())["sessionStart"]
    assert start["logGroupIdentifiers"] == [arns["/svc/worker"]] and start["sessionId"]
