"""Step Functions behaviour the console relies on, as AWS documents it, on the embedded AWS.

Each test states one documented behaviour and names its source. Executions run in the
embedded server's interpreter (moto's execute mode, sleeps scaled by
OPSDECK_SFN_TIME_SCALE), in an account of the test's own.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

# One definition for every outcome, picked by the input: succeed, fail, or wait (a long
# wait runs into the machine's timeout when asked to, or is stopped: aborted).
DEFINITION = {
    "TimeoutSeconds": 3600,
    "StartAt": "Route",
    "States": {
        "Route": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.outcome", "StringEquals": "fail", "Next": "Reject"},
                {"Variable": "$.outcome", "StringEquals": "wait", "Next": "Hold"},
            ],
            "Default": "Accept",
        },
        "Accept": {"Type": "Pass", "Next": "Done"},
        "Done": {"Type": "Succeed"},
        "Reject": {"Type": "Fail", "Error": "OrderRejected", "Cause": "the order was malformed"},
        "Hold": {"Type": "Wait", "Seconds": 1000, "Next": "Done"},  # scaled: 10 s
    },
}
TIMING_OUT = {**DEFINITION, "TimeoutSeconds": 1}  # its "wait" executions time out


def make_machine(account, name: str, machine_type: str = "STANDARD", definition: dict = DEFINITION) -> str:
    sfn = account.client("stepfunctions")
    role = f"arn:aws:iam::{account.id}:role/sfn"
    return sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=role,
                                    type=machine_type)["stateMachineArn"]


def start(account, machine: str, name: str, outcome: str) -> str:
    sfn = account.client("stepfunctions")
    return sfn.start_execution(stateMachineArn=machine, name=name, input=json.dumps({"outcome": outcome}))[
        "executionArn"]


def sums(account, machine: str, metrics: tuple[str, ...], stat: str = "Sum") -> dict[str, float]:
    """Each metric's `stat` over the last hour for the machine's {StateMachineArn} series."""
    cloudwatch = account.client("cloudwatch")
    now = datetime.now(timezone.utc)
    queries = [{"Id": f"m{i}", "MetricStat": {"Metric": {
        "Namespace": "AWS/States", "MetricName": metric,
        "Dimensions": [{"Name": "StateMachineArn", "Value": machine}]}, "Period": 3600, "Stat": stat}}
        for i, metric in enumerate(metrics)]
    results = cloudwatch.get_metric_data(MetricDataQueries=queries, StartTime=now - timedelta(minutes=30),
                                         EndTime=now + timedelta(minutes=30))["MetricDataResults"]
    by_id = {r["Id"]: sum(r["Values"]) for r in results}
    return {metric: by_id[f"m{i}"] for i, metric in enumerate(metrics)}


def eventually(read, expected, seconds: float = 60.0):
    """Metrics are delivered on a best-effort basis, some time after the execution: poll."""
    deadline = time.monotonic() + seconds
    while True:
        value = read()
        if value == expected or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def test_list_executions_is_not_supported_for_an_express_state_machine(fresh_account):
    """botocore model, stepfunctions 2016-11-23, ListExecutions: "This API action is not
    supported by EXPRESS state machines"; its errors include StateMachineTypeNotSupported
    ("State machine type is not supported."). A STANDARD machine's executions list."""
    sfn = fresh_account.client("stepfunctions")
    express = make_machine(fresh_account, "events", "EXPRESS")
    standard = make_machine(fresh_account, "orders")
    start(fresh_account, express, "e-1", "succeed")
    start(fresh_account, standard, "s-1", "succeed")

    with pytest.raises(ClientError) as refused:
        sfn.list_executions(stateMachineArn=express)
    assert refused.value.response["Error"]["Code"] == "StateMachineTypeNotSupported"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(sfn.exceptions.StateMachineTypeNotSupported):
        sfn.list_executions(stateMachineArn=express, statusFilter="SUCCEEDED", maxResults=10)
    assert [e["name"] for e in sfn.list_executions(stateMachineArn=standard)["executions"]] == ["s-1"]


@pytest.mark.parametrize("machine_type", ["STANDARD", "EXPRESS"])
def test_every_execution_is_counted_under_its_outcome(fresh_account, machine_type):
    """https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html,
    "Execution metrics" ("All state machines emit metrics", both workflow types):
    ExecutionsStarted, ExecutionsSucceeded, ExecutionsFailed,
    ExecutionsAborted and ExecutionsTimedOut count executions (unit count, statistic Sum),
    per state machine under the dimension StateMachineArn."""
    sfn = fresh_account.client("stepfunctions")
    machine = make_machine(fresh_account, f"flow-{machine_type.lower()}", machine_type, TIMING_OUT)
    start(fresh_account, machine, "ok-1", "succeed")
    start(fresh_account, machine, "ok-2", "succeed")
    start(fresh_account, machine, "bad-1", "fail")
    start(fresh_account, machine, "slow-1", "wait")  # the machine times out after 1 s (scaled)
    other = make_machine(fresh_account, f"held-{machine_type.lower()}", machine_type)
    sfn.stop_execution(executionArn=start(fresh_account, other, "held-1", "wait"))

    outcomes = ("ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsAborted",
                "ExecutionsTimedOut")
    expected = dict(zip(outcomes, (4.0, 2.0, 1.0, 0.0, 1.0)))
    assert eventually(lambda: sums(fresh_account, machine, outcomes), expected) == expected
    aborted = dict(zip(outcomes, (1.0, 0.0, 0.0, 1.0, 0.0)))
    assert eventually(lambda: sums(fresh_account, other, outcomes), aborted) == aborted


def test_execution_time_is_the_interval_from_start_to_close_in_milliseconds(fresh_account):
    """https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html:
    ExecutionTime is the "Interval, in milliseconds, between the time the execution starts
    and the time it closes" (statistic Average); the execution's start and close are its
    startDate and stopDate (DescribeExecution)."""
    sfn = fresh_account.client("stepfunctions")
    machine = make_machine(fresh_account, "timed")
    runs = [start(fresh_account, machine, f"run-{i}", outcome) for i, outcome in enumerate(("succeed", "fail"))]
    described = []
    for arn in runs:
        for _ in range(300):
            execution = sfn.describe_execution(executionArn=arn)
            if execution["status"] != "RUNNING":
                break
            time.sleep(0.1)
        described.append(execution)
    intervals = [(e["stopDate"] - e["startDate"]).total_seconds() * 1000 for e in described]

    count = eventually(lambda: sums(fresh_account, machine, ("ExecutionTime",), "SampleCount"),
                       {"ExecutionTime": 2.0})
    assert count == {"ExecutionTime": 2.0}
    average = sums(fresh_account, machine, ("ExecutionTime",), "Average")["ExecutionTime"]
    assert average == pytest.approx(sum(intervals) / 2, abs=2.0)  # DescribeExecution's dates are in ms


def test_execution_throttled_is_emitted_only_when_an_execution_is_throttled(fresh_account):
    """https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html:
    "The ExecutionThrottled metric will only be emitted in the case of throttled execution."
    Executions that were not throttled leave no ExecutionThrottled series (ListMetrics),
    while their other metrics are there."""
    machine = make_machine(fresh_account, "calm")
    start(fresh_account, machine, "run-1", "succeed")
    cloudwatch = fresh_account.client("cloudwatch")
    dims = [{"Name": "StateMachineArn", "Value": machine}]

    def listed(metric: str) -> int:
        return len(cloudwatch.list_metrics(Namespace="AWS/States", MetricName=metric, Dimensions=dims)["Metrics"])

    assert eventually(lambda: listed("ExecutionsSucceeded"), 1) == 1
    assert listed("ExecutionThrottled") == 0


def test_executions_started_is_emitted_twice_and_only_sum_counts_executions(fresh_account):
    """https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html:
    "Step Functions emits two ExecutionsStarted metrics for every state machine execution ...
    The SampleCount statistic shows ExecutionStarted=1 and then ExecutionStarted=0 after the
    execution completes": Sum is the number of executions."""
    machine = make_machine(fresh_account, "twice", "EXPRESS")
    for i in range(3):
        start(fresh_account, machine, f"run-{i}", "succeed")

    done = eventually(lambda: sums(fresh_account, machine, ("ExecutionsSucceeded",)), {"ExecutionsSucceeded": 3.0})
    assert done == {"ExecutionsSucceeded": 3.0}
    assert sums(fresh_account, machine, ("ExecutionsStarted",)) == {"ExecutionsStarted": 3.0}
    assert sums(fresh_account, machine, ("ExecutionsStarted",), "SampleCount") == {"ExecutionsStarted": 6.0}


# Page and batch sizes -------------------------------------------------------------
# Step Functions page sizes the console relies on, as AWS documents them, on the embedded AWS.
# Each test states one documented behaviour and names its source; the figures are restated
# here, never read from console.aws.limits, so a wrong number there fails a test. botocore
# checks only maxResults' minimum (0) on the client; what is above it reaches the server.


PASS = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}})


def make_machines(account, count: int) -> list[str]:
    sfn = account.client("stepfunctions")
    role = f"arn:aws:iam::{account.id}:role/sfn"
    return [sfn.create_state_machine(name=f"flow-{i:03d}", definition=PASS, roleArn=role)["stateMachineArn"]
            for i in range(count)]


def start_executions(account, machine: str, count: int) -> None:
    sfn = account.client("stepfunctions")
    for i in range(count):
        sfn.start_execution(stateMachineArn=machine, name=f"run-{i:03d}")


def refusal(call) -> dict:
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response


def test_list_state_machines_returns_100_by_default_and_for_max_results_0(fresh_account):
    """https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListStateMachines.html,
    maxResults: "The default is 100 and the maximum allowed page size is 1000. A value of 0
    uses the default." """
    sfn = fresh_account.client("stepfunctions")
    arns = make_machines(fresh_account, 101)

    for asked in ({}, {"maxResults": 0}):
        first = sfn.list_state_machines(**asked)
        assert len(first["stateMachines"]) == 100 and first.get("nextToken")
        rest = sfn.list_state_machines(nextToken=first["nextToken"], **asked)
        assert sorted(m["stateMachineArn"] for m in first["stateMachines"] + rest["stateMachines"]) == sorted(arns)
        assert not rest.get("nextToken")


def test_list_state_machines_page_size_is_at_most_1000(fresh_account):
    """https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListStateMachines.html,
    maxResults: "the maximum allowed page size is 1000" (botocore model: PageSize, "max":
    1000). Above it: AWS documents no answer; the embedded AWS refuses with the generic
    ValidationException ("... Member must have value less than or equal to 1000"), our
    choice of text."""
    sfn = fresh_account.client("stepfunctions")
    make_machines(fresh_account, 101)

    page = sfn.list_state_machines(maxResults=1000)
    assert len(page["stateMachines"]) == 101 and not page.get("nextToken")
    error = refusal(lambda: sfn.list_state_machines(maxResults=1001))
    assert error["Error"]["Code"] == "ValidationException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "less than or equal to 1000" in error["Error"]["Message"]


def test_list_executions_returns_100_by_default_and_for_max_results_0(fresh_account):
    """https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html,
    maxResults: "The default is 100 and the maximum allowed page size is 1000. A value of 0
    uses the default." """
    sfn = fresh_account.client("stepfunctions")
    (machine,) = make_machines(fresh_account, 1)
    start_executions(fresh_account, machine, 101)

    for asked in ({}, {"maxResults": 0}):
        first = sfn.list_executions(stateMachineArn=machine, **asked)
        assert len(first["executions"]) == 100 and first.get("nextToken")
        rest = sfn.list_executions(stateMachineArn=machine, nextToken=first["nextToken"], **asked)
        assert len(rest["executions"]) == 1 and not rest.get("nextToken")


def test_list_executions_page_size_is_at_most_1000(fresh_account):
    """https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html,
    maxResults: "the maximum allowed page size is 1000" (botocore model: PageSize, "max":
    1000; ValidationException is among the operation's modelled errors). Above it: refused
    with ValidationException; the text ("... Member must have value less than or equal to
    1000") is AWS's generic constraint form, our choice."""
    sfn = fresh_account.client("stepfunctions")
    (machine,) = make_machines(fresh_account, 1)
    start_executions(fresh_account, machine, 101)

    page = sfn.list_executions(stateMachineArn=machine, maxResults=1000)
    assert len(page["executions"]) == 101 and not page.get("nextToken")
    error = refusal(lambda: sfn.list_executions(stateMachineArn=machine, maxResults=1001))
    assert error["Error"]["Code"] == "ValidationException"


def test_get_execution_history_page_size_is_at_most_1000(fresh_account):
    """https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html,
    maxResults: "The default is 100 and the maximum allowed page size is 1000." Above it:
    refused with ValidationException (the generic constraint form; AWS documents no text)."""
    sfn = fresh_account.client("stepfunctions")
    (machine,) = make_machines(fresh_account, 1)
    execution = sfn.start_execution(stateMachineArn=machine, name="once")["executionArn"]

    assert sfn.get_execution_history(executionArn=execution, maxResults=1000)["events"]
    error = refusal(lambda: sfn.get_execution_history(executionArn=execution, maxResults=1001))
    assert error["Error"]["Code"] == "ValidationException"


# Execution history pages --------------------------------------------------------

# 60 Pass states in a row: ExecutionStarted, 2 events per state, ExecutionSucceeded = 122 events.
CHAIN = {"StartAt": "Step00", "States": {
    f"Step{i:02d}": ({"Type": "Pass", "Next": f"Step{i + 1:02d}"} if i < 59 else {"Type": "Pass", "End": True})
    for i in range(60)}}


def finished(sfn, execution: str, seconds: float = 60.0) -> dict:
    """DescribeExecution once the execution has stopped running."""
    deadline = time.monotonic() + seconds
    while True:
        described = sfn.describe_execution(executionArn=execution)
        if described["status"] != "RUNNING" or time.monotonic() > deadline:
            return described
        time.sleep(0.05)


def long_history(account) -> str:
    sfn = account.client("stepfunctions")
    machine = make_machine(account, "chain", definition=CHAIN)
    execution = sfn.start_execution(stateMachineArn=machine, name="long", input='{"n": 1}')["executionArn"]
    assert finished(sfn, execution)["status"] == "SUCCEEDED"
    return execution


def test_get_execution_history_pages_100_events_by_default_in_ascending_order(fresh_account):
    """https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html:
    "By default, the results are returned in ascending order of the timeStamp of the
    events"; maxResults: "The default is 100 ... A value of 0 uses the default"; "If
    nextToken is returned, there are more results available ... Make the call again using
    the returned token to retrieve the next page." HistoryEvent.id: "Events are numbered
    sequentially, starting at one." """
    sfn = fresh_account.client("stepfunctions")
    execution = long_history(fresh_account)

    for asked in ({}, {"maxResults": 0}):
        first = sfn.get_execution_history(executionArn=execution, **asked)
        assert len(first["events"]) == 100 and first["nextToken"]
        rest = sfn.get_execution_history(executionArn=execution, nextToken=first["nextToken"], **asked)
        assert "nextToken" not in rest
        ids = [e["id"] for e in first["events"] + rest["events"]]
        assert ids == list(range(1, 123))
    assert first["events"][0]["type"] == "ExecutionStarted"
    assert rest["events"][-1]["type"] == "ExecutionSucceeded"


def test_get_execution_history_reverse_order_gives_the_latest_events_first(fresh_account):
    """https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html:
    "Use the reverseOrder parameter to get the latest events first"; reverseOrder "Lists
    events in descending order of their timeStamp"; pages of at most maxResults events."""
    sfn = fresh_account.client("stepfunctions")
    execution = long_history(fresh_account)

    pages = list(sfn.get_paginator("get_execution_history").paginate(
        executionArn=execution, reverseOrder=True, PaginationConfig={"PageSize": 50}))
    assert [len(p["events"]) for p in pages] == [50, 50, 22]
    ids = [e["id"] for p in pages for e in p["events"]]
    assert ids == list(range(122, 0, -1))
    assert pages[0]["events"][0]["type"] == "ExecutionSucceeded"


def test_get_execution_history_refuses_a_token_that_is_not_one_of_its_own(fresh_account):
    """botocore model, GetExecutionHistory: errors include InvalidToken ("The provided
    token is not valid."), HTTP 400; a token is "a unique pagination token for each
    page" of this history. An unknown execution is ExecutionDoesNotExist."""
    sfn = fresh_account.client("stepfunctions")
    execution = long_history(fresh_account)
    (machine,) = make_machines(fresh_account, 1)
    other = sfn.start_execution(stateMachineArn=machine, name="other")["executionArn"]
    token = sfn.get_execution_history(executionArn=execution, maxResults=10)["nextToken"]

    for bad in ("not-a-token", token):
        error = refusal(lambda: sfn.get_execution_history(executionArn=other, nextToken=bad))
        assert error["Error"]["Code"] == "InvalidToken"
        assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    missing = execution.rsplit(":", 1)[0] + ":never-ran"
    assert refusal(lambda: sfn.get_execution_history(executionArn=missing))["Error"]["Code"] == "ExecutionDoesNotExist"


def test_get_execution_history_leaves_out_input_and_output_when_asked(fresh_account):
    """https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html,
    includeExecutionData: "You can select whether execution data (input or output of a
    history event) is returned. The default is true." """
    sfn = fresh_account.client("stepfunctions")
    execution = long_history(fresh_account)

    def data_fields(events):
        return sum(1 for e in events for k, v in e.items() if k.endswith("EventDetails")
                   for field in ("input", "output") if field in v)

    assert data_fields(sfn.get_execution_history(executionArn=execution, maxResults=1000)["events"]) > 0
    trimmed = sfn.get_execution_history(executionArn=execution, maxResults=1000, includeExecutionData=False)
    assert len(trimmed["events"]) == 122 and data_fields(trimmed["events"]) == 0
