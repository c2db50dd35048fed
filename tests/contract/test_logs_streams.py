"""FilterLogEvents naming a log stream that does not exist, on the embedded AWS.

https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html,
Errors: ResourceNotFoundException, "The specified resource does not exist.", HTTP 400. The
page lists the error without saying that a missing name in logStreamNames causes it; that
case and its text ("The specified log stream does not exist.") are what FilterLogEvents
answers on real accounts (percona/rds_exporter#81; percona/rds_exporter#123: one missing
stream fails the whole call). moto 5.2.5 ignores missing names; the embedded AWS refuses.
"""

from __future__ import annotations

import time

import pytest

from tests.contract.test_logs import refusal


@pytest.fixture
def logs(fresh_account):
    logs = fresh_account.client("logs")
    logs.create_log_group(logGroupName="/ecs/web")
    logs.create_log_stream(logGroupName="/ecs/web", logStreamName="ecs/app/written")
    logs.put_log_events(logGroupName="/ecs/web", logStreamName="ecs/app/written",
                        logEvents=[{"timestamp": int(time.time() * 1000), "message": "hello"}])
    return logs


def test_one_missing_stream_fails_the_whole_call(logs):
    error = refusal(lambda: logs.filter_log_events(
        logGroupName="/ecs/web", logStreamNames=["ecs/app/written", "ecs/app/not-yet"]))
    assert error["Error"]["Code"] == "ResourceNotFoundException"
    assert error["Error"]["Message"] == "The specified log stream does not exist."
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_streams_that_exist_are_read(logs):
    logs.create_log_stream(logGroupName="/ecs/web", logStreamName="ecs/app/empty")
    answer = logs.filter_log_events(logGroupName="/ecs/web", logStreamNames=["ecs/app/written", "ecs/app/empty"])
    assert [(e["logStreamName"], e["message"]) for e in answer["events"]] == [("ecs/app/written", "hello")]


def test_a_missing_group_is_said_first(logs):
    error = refusal(lambda: logs.filter_log_events(logGroupName="/ecs/gone", logStreamNames=["ecs/app/not-yet"]))
    assert error["Error"]["Code"] == "ResourceNotFoundException"
    assert error["Error"]["Message"] == "The specified log group does not exist."
