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
TIMING_OUT = {**DEFINITION, "TimeoutSeconds": 50}  # its "wait" executions time out (0.5 s at the scale; 1 s, 10 ms, timed out a failing one under load)


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
    start(fresh_account, machine, "slow-1", "wait")  # the machine times out after 50 s (scaled)
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


# Lambda Task states -----------------------------------------------------------------


def make_function(account, name: str = "charge") -> str:
    """A function in the test's own account that returns its event."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return event\n")
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    role = account.client("iam").create_role(RoleName=f"{name}-role",
                                             AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    return account.client("lambda").create_function(
        FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler",
        Code={"ZipFile": buffer.getvalue()})["FunctionArn"]


def task_machine(account, resource_form: str, function: str, name: str = "charging") -> str:
    """One Lambda Task: the function ARN as Resource ("plain") or the optimised
    integration ("invoke", Parameters.FunctionName / Payload)."""
    if resource_form == "plain":
        task = {"Type": "Task", "Resource": function, "End": True}
    else:
        task = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True,
                "Parameters": {"FunctionName": function, "Payload.$": "$"}}
    return make_machine(account, name, definition={"StartAt": "Charge", "States": {"Charge": task}})


def run(account, machine: str, name: str, payload: dict) -> tuple[dict, list[dict]]:
    sfn = account.client("stepfunctions")
    execution = sfn.start_execution(stateMachineArn=machine, name=name, input=json.dumps(payload))["executionArn"]
    described = finished(sfn, execution)
    return described, sfn.get_execution_history(executionArn=execution, maxResults=1000)["events"]


FAILED_EVENT = {"plain": ("LambdaFunctionFailed", "lambdaFunctionFailedEventDetails"),
                "invoke": ("TaskFailed", "taskFailedEventDetails")}


@pytest.mark.parametrize("resource_form", ["plain", "invoke"])
def test_a_lambda_task_runs_the_function_of_the_executions_account(fresh_account, resource_form):
    """https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html: a Task
    invokes the function its Resource (or Parameters.FunctionName) names; the plain
    ARN form's output is the function's result, the optimised form's the Invoke response
    with the result under Payload. The function lives in the test's own account."""
    function = make_function(fresh_account)
    machine = task_machine(fresh_account, resource_form, function)

    described, _ = run(fresh_account, machine, "ok", {"amount": 42})
    assert described["status"] == "SUCCEEDED"
    output = json.loads(described["output"])
    assert (output if resource_form == "plain" else output["Payload"]) == {"amount": 42}


@pytest.mark.parametrize("resource_form", ["plain", "invoke"])
def test_a_function_error_fails_the_task_with_lambdas_error_and_payload(fresh_account, endpoint, resource_form):
    """https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html and
    bp-lambda-serviceexception.html: a function error is reported under the function's
    errorType, with the function's error payload ({"errorMessage", "errorType",
    "stackTrace"}) as the cause; the plain function ARN writes LambdaFunctionFailed, the
    optimised integration TaskFailed (resourceType lambda, resource invoke); the
    execution fails with the same error and cause. Both a failing function version and
    the demo's per-payload failure marker fail it."""
    from console.demo import control

    function = make_function(fresh_account)
    machine = task_machine(fresh_account, resource_form, function)
    event_type, details_key = FAILED_EVENT[resource_form]
    control.fail_function(endpoint, "charge", message="card declined", error_type="PaymentError",
                          account=fresh_account.id)
    try:
        described, history = run(fresh_account, machine, "declined", {"amount": 1})
    finally:
        control.clear_failures(endpoint)
    (failed,) = [e for e in history if e["type"] == event_type]
    details = failed[details_key]
    assert details["error"] == "PaymentError"
    assert json.loads(details["cause"]) == {"errorMessage": "card declined", "errorType": "PaymentError",
                                            "stackTrace": []}
    if resource_form == "invoke":
        assert (details["resourceType"], details["resource"]) == ("lambda", "invoke")
    assert (described["status"], described["error"], described["cause"]) == ("FAILED", "PaymentError",
                                                                             details["cause"])

    described, history = run(fresh_account, machine, "marked", {"__opsdeck_fail__": "bad card"})
    (failed,) = [e for e in history if e["type"] == event_type]
    assert failed[details_key]["error"] == "Error"
    assert json.loads(failed[details_key]["cause"])["errorMessage"] == "bad card"


@pytest.mark.parametrize("resource_form", ["plain", "invoke"])
def test_a_function_that_does_not_exist_fails_the_task_with_lambda_resource_not_found(fresh_account, resource_form):
    """https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html:
    "Lambda errors are reported as Lambda.ErrorName": Invoke's 404 is
    Lambda.ResourceNotFoundException, its cause the SDK's text ("... (Service: AWSLambda;
    Status Code: 404; Error Code: ResourceNotFoundException; ...)"). For the plain ARN
    the event is LambdaFunctionFailed (as AWS's Step Functions Local writes it, observed:
    codetheweb/serverless-step-functions-local#3), for the optimised integration TaskFailed."""
    missing = f"arn:aws:lambda:us-east-1:{fresh_account.id}:function:gone"
    machine = task_machine(fresh_account, resource_form, missing)
    event_type, details_key = FAILED_EVENT[resource_form]

    described, history = run(fresh_account, machine, "nowhere", {})
    (failed,) = [e for e in history if e["type"] == event_type]
    assert failed[details_key]["error"] == "Lambda.ResourceNotFoundException"
    assert "Status Code: 404; Error Code: ResourceNotFoundException" in failed[details_key]["cause"]
    assert (described["status"], described["error"]) == ("FAILED", "Lambda.ResourceNotFoundException")


# StopExecution ---------------------------------------------------------------------


def history(sfn, execution: str) -> list[dict]:
    return sfn.get_execution_history(executionArn=execution, maxResults=1000)["events"]


def eventually_event(sfn, execution: str, event_type: str, seconds: float = 30.0) -> dict:
    """The first event of `event_type`, once the interpreter has written it."""
    deadline = time.monotonic() + seconds
    while True:
        found = [e for e in history(sfn, execution) if e["type"] == event_type]
        if found or time.monotonic() > deadline:
            return found[0] if found else {}
        time.sleep(0.05)


def test_stop_execution_keeps_its_error_and_cause(fresh_account):
    """https://docs.aws.amazon.com/step-functions/latest/apireference/API_StopExecution.html:
    error "The error code of the failure", cause "A more detailed explanation of the cause
    of the failure"; the ExecutionAborted event carries them (ExecutionAbortedEventDetails:
    error, cause). DescribeExecution returns the ABORTED execution with the stopDate
    StopExecution answered, and the stop's error and cause (not documented for ABORTED
    executions: the embedded AWS's choice, see console.demo.extensions.sfn_stop)."""
    sfn = fresh_account.client("stepfunctions")
    machine = make_machine(fresh_account, "held")
    execution = start(fresh_account, machine, "held-1", "wait")

    stopped = sfn.stop_execution(executionArn=execution, error="Operator.Cancelled", cause="duplicate order 1042")
    described = sfn.describe_execution(executionArn=execution)
    assert (described["status"], described["error"], described["cause"]) == (
        "ABORTED", "Operator.Cancelled", "duplicate order 1042")
    assert described["stopDate"] == stopped["stopDate"]
    aborted = eventually_event(sfn, execution, "ExecutionAborted")
    assert aborted["executionAbortedEventDetails"] == {"error": "Operator.Cancelled", "cause": "duplicate order 1042"}


def test_stop_execution_without_error_or_cause_and_their_length_limits(fresh_account):
    """botocore model, StopExecution: error and cause are optional (SensitiveError 0-256,
    SensitiveCause 0-32768 characters); longer ones are refused (ValidationException is
    a modelled error; the text is the generic constraint form, AWS documents none)."""
    sfn = fresh_account.client("stepfunctions")
    machine = make_machine(fresh_account, "held")
    execution = start(fresh_account, machine, "held-1", "wait")

    assert refusal(lambda: sfn.stop_execution(executionArn=execution, cause="x" * 32769))["Error"]["Code"] == \
        "ValidationException"
    assert refusal(lambda: sfn.stop_execution(executionArn=execution, error="x" * 257))["Error"]["Code"] == \
        "ValidationException"
    assert sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"
    sfn.stop_execution(executionArn=execution)
    described = sfn.describe_execution(executionArn=execution)
    assert described["status"] == "ABORTED" and "error" not in described and "cause" not in described
    assert eventually_event(sfn, execution, "ExecutionAborted")["executionAbortedEventDetails"] == {}


# RedriveExecution -------------------------------------------------------------------

# Prepare (Pass) -> Charge (Lambda Task, one retry) -> Done (Pass).
def redrive_machine(account, function: str) -> str:
    definition = {"StartAt": "Prepare", "States": {
        "Prepare": {"Type": "Pass", "Result": "ready", "ResultPath": "$.prepared", "Next": "Charge"},
        "Charge": {"Type": "Task", "Resource": function, "ResultPath": "$.charged", "Next": "Done",
                   "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 1}]},
        "Done": {"Type": "Pass", "End": True}}}
    return make_machine(account, "redriven", definition=definition)


def failed_execution(account, endpoint, name: str = "order-1") -> tuple[str, list[dict]]:
    """An execution of redrive_machine that failed at Charge (its function failing), the
    function then fixed."""
    from console.demo import control

    sfn = account.client("stepfunctions")
    machine = redrive_machine(account, make_function(account))
    control.fail_function(endpoint, "charge", message="gateway down", account=account.id)
    try:
        execution = sfn.start_execution(stateMachineArn=machine, name=name, input='{"order": 1}')["executionArn"]
        assert finished(sfn, execution)["status"] == "FAILED"
        events = history(sfn, execution)
    finally:
        control.clear_failures(endpoint)
    return execution, events


def test_redrive_reruns_the_failed_state_with_its_input_and_keeps_the_history(fresh_account, endpoint):
    """https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html: a
    redrive "continues the failed execution from the unsuccessful step and uses the same
    input. Step Functions preserves the results and execution history of the successful
    steps, which are not rerun"; "Redriven executions use the same state machine definition
    and execution ARN"; "the redrive related execution events [are] appended to the events
    of the original execution attempt. For example, the ExecutionRedriven event"
    (ExecutionRedrivenEventDetails.redriveCount); the retry count of a rerun Task "is reset
    to 0". DescribeExecution and ListExecutions give redriveCount and redriveDate;
    RedriveExecution answers redriveDate."""
    sfn = fresh_account.client("stepfunctions")
    execution, before = failed_execution(fresh_account, endpoint)
    assert [e["type"] for e in before].count("LambdaFunctionScheduled") == 2  # a try and one retry
    charge_input = next(e["stateEnteredEventDetails"]["input"] for e in before
                        if e.get("stateEnteredEventDetails", {}).get("name") == "Charge")

    answer = sfn.redrive_execution(executionArn=execution)
    described = finished(sfn, execution)
    assert described["status"] == "SUCCEEDED" and described["redriveCount"] == 1
    assert described["redriveDate"] == answer["redriveDate"]
    prepared = {"order": 1, "prepared": "ready"}  # Prepare's result, kept; Charge returns its input
    assert json.loads(described["output"]) == {**prepared, "charged": prepared}
    after = history(sfn, execution)
    assert after[: len(before)] == before
    redriven = after[len(before)]
    assert (redriven["type"], redriven["id"]) == ("ExecutionRedriven", len(before) + 1)
    assert redriven["executionRedrivenEventDetails"] == {"redriveCount": 1}
    rerun = after[len(before) + 1:]
    entered = [e["stateEnteredEventDetails"] for e in rerun if "stateEnteredEventDetails" in e]
    assert [d["name"] for d in entered] == ["Charge", "Done"]  # Prepare is not rerun
    assert json.loads(entered[0]["input"]) == json.loads(charge_input)
    assert [e["id"] for e in after] == list(range(1, len(after) + 1))
    (listed,) = sfn.list_executions(stateMachineArn=described["stateMachineArn"])["executions"]
    assert (listed["redriveCount"], listed["redriveDate"]) == (1, answer["redriveDate"])


def test_each_redrive_counts_and_its_retries_start_again(fresh_account, endpoint):
    """https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html, "Retry
    behavior of redriven executions": the retry attempt count "is reset to 0 to allow for
    the maximum number of attempts on redrive"; redriveCount "is only updated if you
    successfully redrive an execution" (DescribeExecution)."""
    from console.demo import control

    sfn = fresh_account.client("stepfunctions")
    execution, before = failed_execution(fresh_account, endpoint)
    control.fail_function(endpoint, "charge", message="still down", account=fresh_account.id)
    try:
        sfn.redrive_execution(executionArn=execution)
        assert finished(sfn, execution)["status"] == "FAILED"
    finally:
        control.clear_failures(endpoint)
    again = history(sfn, execution)[len(before):]
    assert [e["type"] for e in again].count("LambdaFunctionScheduled") == 2
    sfn.redrive_execution(executionArn=execution)
    described = finished(sfn, execution)
    assert (described["status"], described["redriveCount"]) == ("SUCCEEDED", 2)
    counts = [e["executionRedrivenEventDetails"]["redriveCount"] for e in history(sfn, execution)
              if e["type"] == "ExecutionRedriven"]
    assert counts == [1, 2]


def test_only_unsuccessful_standard_executions_can_be_redriven(fresh_account, endpoint):
    """https://docs.aws.amazon.com/step-functions/latest/apireference/API_RedriveExecution.html:
    redrivable if "The execution status isn't SUCCEEDED" (failed, aborted or timed out);
    otherwise ExecutionNotRedrivable. DescribeExecution: redriveStatus is NOT_REDRIVABLE
    "if calling the RedriveExecution API action would return the ExecutionNotRedrivable
    error", with redriveStatusReason "Execution is RUNNING and cannot be redriven." /
    "Execution is SUCCEEDED and cannot be redriven."; redriveCount 0 before any redrive.
    An unknown execution is ExecutionDoesNotExist."""
    sfn = fresh_account.client("stepfunctions")
    machine = make_machine(fresh_account, "outcomes")
    succeeded = start(fresh_account, machine, "ok", "succeed")
    running = start(fresh_account, machine, "waiting", "wait")
    failed = start(fresh_account, machine, "bad", "fail")
    finished(sfn, succeeded), finished(sfn, failed)

    for execution, reason in ((succeeded, "Execution is SUCCEEDED and cannot be redriven."),
                              (running, "Execution is RUNNING and cannot be redriven.")):
        error = refusal(lambda: sfn.redrive_execution(executionArn=execution))
        assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == ("ExecutionNotRedrivable", 400)
        described = sfn.describe_execution(executionArn=execution)
        assert (described["redriveStatus"], described["redriveStatusReason"], described["redriveCount"]) == (
            "NOT_REDRIVABLE", reason, 0)
    described = sfn.describe_execution(executionArn=failed)
    assert (described["redriveStatus"], described["redriveCount"]) == ("REDRIVABLE", 0)
    assert "redriveStatusReason" not in described and "redriveDate" not in described
    sfn.stop_execution(executionArn=running)
    assert sfn.describe_execution(executionArn=running)["redriveStatus"] == "REDRIVABLE"  # ABORTED
    missing = succeeded.rsplit(":", 1)[0] + ":never-ran"
    assert refusal(lambda: sfn.redrive_execution(executionArn=missing))["Error"]["Code"] == "ExecutionDoesNotExist"


# The machine's 1 s timeout is real time (the interpreter's own): on a loaded machine the
# timeout can come in Route rather than Hold (handled below) or the rerun can race it.
@pytest.mark.flaky(reruns=2)
def test_a_failed_fail_state_fails_again_and_a_timed_out_execution_reruns_its_state(fresh_account):
    """https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html, "Redrive
    behavior of individual states": a Fail state "Reenters the Fail state and fails again";
    a timed-out execution is redrivable and "the state machine level timeout ... is reset
    to 0" (the rerun Wait times out again, after the same TimeoutSeconds)."""
    sfn = fresh_account.client("stepfunctions")
    machine = make_machine(fresh_account, "timing-out", definition=TIMING_OUT)
    failed = start(fresh_account, machine, "bad", "fail")
    slow = start(fresh_account, machine, "slow", "wait")
    assert finished(sfn, failed)["status"] == "FAILED" and finished(sfn, slow)["status"] == "TIMED_OUT"
    assert "stopDate" in sfn.describe_execution(executionArn=slow)

    sfn.redrive_execution(executionArn=failed)
    described = finished(sfn, failed)
    assert (described["status"], described["error"], described["redriveCount"]) == ("FAILED", "OrderRejected", 1)
    rerun = history(sfn, failed)
    after = rerun[[e["type"] for e in rerun].index("ExecutionRedriven") + 1:]
    assert [e["stateEnteredEventDetails"]["name"] for e in after if "stateEnteredEventDetails" in e] == ["Reject"]
    sfn.redrive_execution(executionArn=slow)
    assert finished(sfn, slow)["status"] == "TIMED_OUT"
    rerun = history(sfn, slow)
    redriven = [e["type"] for e in rerun].index("ExecutionRedriven")
    entered = lambda events: [e["stateEnteredEventDetails"]["name"] for e in events  # noqa: E731
                              if "stateEnteredEventDetails" in e]
    # it reruns the state it timed out in: Hold, or Route when the timeout came first (a loaded machine)
    assert entered(rerun[redriven + 1:]) == entered(rerun[:redriven])[-1:] + ["Hold"] * (
        entered(rerun[:redriven])[-1] != "Hold")
    assert rerun[-1]["type"] == "ExecutionTimedOut"


def test_the_redrivable_period_is_14_days_from_the_stop(fresh_account, shared_clock):
    """https://docs.aws.amazon.com/step-functions/latest/apireference/API_RedriveExecution.html:
    "Your workflow execution has not exceeded the redrivable period of 14 days ... This
    period starts from the day a state machine completes its execution"; past it,
    redriveStatusReason "Execution redrivable period exceeded." and ExecutionNotRedrivable.
    (The embedded AWS's clock, moved here, decides.)"""
    import asyncio

    sfn = fresh_account.client("stepfunctions")
    machine = make_machine(fresh_account, "late")
    failed = start(fresh_account, machine, "bad", "fail")
    stop = finished(sfn, failed)["stopDate"]
    asyncio.run(shared_clock.advance((stop - shared_clock.now()).total_seconds() + 14 * 86400 - 60))
    assert sfn.describe_execution(executionArn=failed)["redriveStatus"] == "REDRIVABLE"
    asyncio.run(shared_clock.advance(120))
    described = sfn.describe_execution(executionArn=failed)
    assert (described["redriveStatus"], described["redriveStatusReason"]) == (
        "NOT_REDRIVABLE", "Execution redrivable period exceeded.")
    assert refusal(lambda: sfn.redrive_execution(executionArn=failed))["Error"]["Code"] == "ExecutionNotRedrivable"


def test_a_repeated_client_token_answers_the_first_redrive(fresh_account, endpoint):
    """botocore model, RedriveExecution.clientToken: "The API will return idempotent
    responses for the last 10 client tokens used to successfully redrive the execution.
    These client tokens are valid for up to 15 minutes after they are first used." A
    repeat redrives nothing: one ExecutionRedriven event, redriveCount 1."""
    sfn = fresh_account.client("stepfunctions")
    execution, _ = failed_execution(fresh_account, endpoint)

    first = sfn.redrive_execution(executionArn=execution, clientToken="redrive-order-1")
    assert finished(sfn, execution)["status"] == "SUCCEEDED"
    repeat = sfn.redrive_execution(executionArn=execution, clientToken="redrive-order-1")
    assert repeat["redriveDate"] == first["redriveDate"]
    assert sfn.describe_execution(executionArn=execution)["redriveCount"] == 1
    assert [e["type"] for e in history(sfn, execution)].count("ExecutionRedriven") == 1
    error = refusal(lambda: sfn.redrive_execution(executionArn=execution, clientToken="another"))
    assert error["Error"]["Code"] == "ExecutionNotRedrivable"


def test_list_executions_filters_on_redrive(fresh_account, endpoint):
    """botocore model, ListExecutions.redriveFilter: "Sets a filter to list executions based
    on whether or not they have been redriven" (REDRIVEN, NOT_REDRIVEN); without it both."""
    sfn = fresh_account.client("stepfunctions")
    execution, _ = failed_execution(fresh_account, endpoint)
    machine = sfn.describe_execution(executionArn=execution)["stateMachineArn"]
    other = sfn.start_execution(stateMachineArn=machine, name="order-2", input='{"order": 2}')["executionArn"]
    finished(sfn, other)
    sfn.redrive_execution(executionArn=execution)

    def names(**asked):
        return sorted(e["name"] for e in sfn.list_executions(stateMachineArn=machine, **asked)["executions"])

    assert names() == ["order-1", "order-2"]
    assert names(redriveFilter="REDRIVEN") == ["order-1"]
    assert names(redriveFilter="NOT_REDRIVEN") == ["order-2"]


def test_a_redriven_execution_is_counted_as_redriven_and_under_its_new_outcome(fresh_account, endpoint):
    """https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html,
    "Redrive execution metrics for Standard Workflows": ExecutionsRedriven ("Number of
    redriven executions") and RedrivenExecutionsSucceeded / -Failed / -Aborted / -TimedOut;
    "For all redriven executions, the Executions* metric is emitted" as well. The first
    attempt's failure stays counted; the redrive starts no new execution."""
    execution, _ = failed_execution(fresh_account, endpoint)
    sfn = fresh_account.client("stepfunctions")
    machine = sfn.describe_execution(executionArn=execution)["stateMachineArn"]
    sfn.redrive_execution(executionArn=execution)
    assert finished(sfn, execution)["status"] == "SUCCEEDED"

    metrics = ("ExecutionsStarted", "ExecutionsFailed", "ExecutionsSucceeded", "ExecutionsRedriven",
               "RedrivenExecutionsSucceeded", "RedrivenExecutionsFailed")
    expected = dict(zip(metrics, (1.0, 1.0, 1.0, 1.0, 1.0, 0.0)))
    assert eventually(lambda: sums(fresh_account, machine, metrics), expected) == expected


def test_list_executions_puts_the_latest_stopped_or_redriven_first(fresh_account, endpoint):
    """https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html:
    "Results are sorted by time, with the most recent execution first. Running executions
    are sorted by their startDate or redriveDate, and other executions are sorted by their
    stopDate." """
    sfn = fresh_account.client("stepfunctions")
    machine = make_machine(fresh_account, "ordered")
    held = start(fresh_account, machine, "started-first", "wait")
    quick = start(fresh_account, machine, "started-second", "succeed")
    finished(sfn, quick)
    sfn.stop_execution(executionArn=held)  # stops last: most recent

    def names():
        return [e["name"] for e in sfn.list_executions(stateMachineArn=machine)["executions"]]

    assert names() == ["started-first", "started-second"]
    later = start(fresh_account, machine, "started-third", "fail")
    finished(sfn, later)
    assert names() == ["started-third", "started-first", "started-second"]
    sfn.redrive_execution(executionArn=held)  # running again since its redrive: most recent
    assert names()[0] == "started-first"
    sfn.stop_execution(executionArn=held)


def test_a_failed_executions_history_ends_with_execution_failed(fresh_account):
    """https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html: a
    redrive's events are "appended to the events of the original execution attempt",
    which end with its ExecutionFailed event (HistoryEvent ids: "Events are numbered
    sequentially"). Map iterations whose Lambda calls are still in flight when another
    iteration fails the execution add nothing after ExecutionFailed."""
    sfn = fresh_account.client("stepfunctions")
    function = make_function(fresh_account)
    definition = {"StartAt": "Each", "States": {"Each": {"Type": "Map", "End": True, "ItemsPath": "$.items",
        "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Route", "States": {
            "Route": {"Type": "Choice", "Choices": [{"Variable": "$.bad", "BooleanEquals": True, "Next": "Refuse"}],
                      "Default": "Charge"},
            "Refuse": {"Type": "Fail", "Error": "Refused", "Cause": "a bad item"},
            "Charge": {"Type": "Task", "Resource": function, "Next": "Ship"},
            "Ship": {"Type": "Task", "Resource": function, "End": True}}}}}}
    machine = make_machine(fresh_account, "split", definition=definition)
    items = [{"bad": i == 6, "n": i} for i in range(12)]
    execution = sfn.start_execution(stateMachineArn=machine, name="split-1",
                                    input=json.dumps({"items": items}))["executionArn"]
    assert finished(sfn, execution)["status"] == "FAILED"
    time.sleep(0.5)  # the other iterations' Lambda calls have long returned

    events = history(sfn, execution)
    assert events[-1]["type"] == "ExecutionFailed"
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))


def redriven_part(sfn, execution: str) -> list[dict]:
    events = history(sfn, execution)
    return events[[e["type"] for e in events].index("ExecutionRedriven") + 1:]


def failing_then_fixed(account, endpoint, definition: dict, payload: dict) -> str:
    """An execution of `definition` that failed while function "charge" failed, redriven
    once the function is fixed; returns it when the redrive has ended."""
    from console.demo import control

    sfn = account.client("stepfunctions")
    machine = make_machine(account, "partial", definition=definition)
    control.fail_function(endpoint, "charge", message="gateway down", account=account.id)
    try:
        execution = sfn.start_execution(stateMachineArn=machine, name="run-1",
                                        input=json.dumps(payload))["executionArn"]
        assert finished(sfn, execution)["status"] == "FAILED"
    finally:
        control.clear_failures(endpoint)
    sfn.redrive_execution(executionArn=execution)
    assert finished(sfn, execution)["status"] == "SUCCEEDED"
    return execution


def test_redriving_a_parallel_reruns_only_its_failed_branch(fresh_account, endpoint):
    """https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html, "Redrive
    behavior of individual states", Parallel: "Reschedules and redrives only those branches
    that failed or aborted." The branch that completed keeps its output."""
    function = make_function(fresh_account)
    definition = {"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "Note", "States": {"Note": {"Type": "Pass", "Result": "noted", "End": True}}},
        {"StartAt": "Charge", "States": {"Charge": {"Type": "Task", "Resource": function, "End": True}}}]}}}
    sfn = fresh_account.client("stepfunctions")
    execution = failing_then_fixed(fresh_account, endpoint, definition, {"order": 7})

    rerun = redriven_part(sfn, execution)
    assert [e["stateEnteredEventDetails"]["name"] for e in rerun if "stateEnteredEventDetails" in e] == [
        "Both", "Charge"]
    assert json.loads(sfn.describe_execution(executionArn=execution)["output"]) == ["noted", {"order": 7}]


def test_redriving_an_inline_map_reruns_only_its_failed_iterations(fresh_account, endpoint):
    """https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html, "Redrive
    behavior of individual states", Inline Map: "Reschedules and redrives only those
    iterations that failed or aborted." Those that completed keep their output, in item
    order; one iteration at a time (MaxConcurrency 1), the one after the failure never
    started, so it runs now."""
    function = make_function(fresh_account)
    definition = {"StartAt": "Each", "States": {"Each": {"Type": "Map", "End": True, "ItemsPath": "$.items",
        "MaxConcurrency": 1, "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Route", "States": {
            "Route": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericEquals": 2, "Next": "Charge"}],
                      "Default": "Keep"},
            "Keep": {"Type": "Pass", "End": True},
            "Charge": {"Type": "Task", "Resource": function, "End": True}}}}}}
    sfn = fresh_account.client("stepfunctions")
    items = [{"n": n} for n in range(4)]
    execution = failing_then_fixed(fresh_account, endpoint, definition, {"items": items})

    rerun = redriven_part(sfn, execution)
    started = [e["mapIterationStartedEventDetails"]["index"] for e in rerun if e["type"] == "MapIterationStarted"]
    assert started == [2, 3]
    assert json.loads(sfn.describe_execution(executionArn=execution)["output"]) == items
