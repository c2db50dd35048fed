"""Grouping of event types and shapes moto's interpreter does not produce, written as AWS
documents them: HistoryEvent in the botocore model (service-2.json of "states"), the
lambda:invoke output in the Step Functions developer guide ("Invoke an AWS Lambda function
with Step Functions", connect-lambda.html: Payload, SdkHttpMetadata, SdkResponseMetadata,
StatusCode), the Lambda runtimes' error JSON ("AWS Lambda function errors in Python" /
"in Node.js": errorMessage, errorType, requestId, stackTrace / trace), and the distributed
Map's MapRunStarted. Real histories are tested in test_real_histories.py."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from console.services.stepfunctions.history import ExecutionHistory, Failure, pretty
from console.services.stepfunctions.steps import StateOutcome, StepStatus

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
FUNCTION = "arn:aws:lambda:us-east-1:111122223333:function:charge-card:live"
REQUEST_ID = "9c6a1e2b-8f55-4bd1-a8a7-2b51c3c0f1d0"


class History:
    """AWS-shaped events, each following the one before unless told otherwise."""

    def __init__(self) -> None:
        self.events: list[dict] = []

    def add(self, event_type: str, details_key: str | None = None, after: int | None = None,
            seconds: float | None = None, **details) -> int:
        event_id = len(self.events) + 1
        event = {"id": event_id, "type": event_type,
                 "previousEventId": event_id - 1 if after is None else after,
                 "timestamp": T0 + timedelta(seconds=event_id if seconds is None else seconds)}
        if details_key:
            event[details_key] = details
        self.events.append(event)
        return event_id

    def entered(self, kind: str, name: str, after: int | None = None, **kw) -> int:
        return self.add(f"{kind}StateEntered", "stateEnteredEventDetails", after, name=name,
                        input=json.dumps({"order": 7}), **kw)

    def exited(self, kind: str, name: str, after: int | None = None, **kw) -> int:
        return self.add(f"{kind}StateExited", "stateExitedEventDetails", after, name=name, output="{}", **kw)

    def group(self) -> ExecutionHistory:
        return ExecutionHistory.from_events(self.events)


def started(history: History) -> None:
    history.add("ExecutionStarted", "executionStartedEventDetails", input='{"order": 7}', roleArn="arn:role")


def invoke_output() -> str:
    return json.dumps({
        "ExecutedVersion": "3", "Payload": {"charged": True},
        "SdkHttpMetadata": {"HttpHeaders": {"x-amzn-RequestId": REQUEST_ID}, "HttpStatusCode": 200},
        "SdkResponseMetadata": {"RequestId": REQUEST_ID}, "StatusCode": 200})


def test_a_lambda_invoke_task_gives_the_request_id_and_the_time_of_the_call():
    h = History()
    started(h)
    h.entered("Task", "Charge")
    h.add("TaskScheduled", "taskScheduledEventDetails", resourceType="lambda", resource="invoke",
          region="us-east-1", parameters=json.dumps({"FunctionName": FUNCTION, "Payload": {"order": 7}}))
    h.add("TaskStarted", "taskStartedEventDetails", resourceType="lambda", resource="invoke")
    h.add("TaskSucceeded", "taskSucceededEventDetails", resourceType="lambda", resource="invoke",
          output=invoke_output())
    h.exited("Task", "Charge")
    h.add("ExecutionSucceeded", "executionSucceededEventDetails", output="{}")

    call = h.group().steps[0].lambda_call

    assert call.function_name == "charge-card"
    assert call.request_id == REQUEST_ID
    assert (call.started_at, call.ended_at) == (T0 + timedelta(seconds=4), T0 + timedelta(seconds=5))


def test_a_legacy_lambda_task_failure_gives_the_function_and_the_error_request_id():
    cause = json.dumps({"errorMessage": "card expired", "errorType": "CardError", "requestId": REQUEST_ID,
                        "stackTrace": ['  File "/var/task/app.py", line 9, in handler\n    raise CardError()\n']})
    h = History()
    started(h)
    h.entered("Task", "Charge")
    h.add("LambdaFunctionScheduled", "lambdaFunctionScheduledEventDetails", resource=FUNCTION, input="{}")
    h.add("LambdaFunctionStarted")
    h.add("LambdaFunctionFailed", "lambdaFunctionFailedEventDetails", error="CardError", cause=cause)
    h.add("ExecutionFailed", "executionFailedEventDetails", error="CardError", cause=cause)

    history = h.group()
    charge = history.first_failure

    assert charge.status == StepStatus.FAILED
    assert (charge.failure.error_type, charge.failure.error_message) == ("CardError", "card expired")
    assert charge.failure.stack_trace[0].startswith('  File "/var/task/app.py"')
    assert charge.lambda_call.request_id == REQUEST_ID
    assert charge.parameters == "{}"  # LambdaFunctionScheduled input


def test_lambda_error_causes_from_each_runtime_and_plain_text():
    node = Failure.of("TypeError", json.dumps({"errorType": "TypeError", "errorMessage": "x is undefined",
                                               "trace": ["TypeError: x is undefined", "    at handler"]}))
    assert node.stack_trace == ("TypeError: x is undefined", "    at handler")
    old_python = Failure.of("E", json.dumps({"errorMessage": "m", "errorType": "E",
                                             "stackTrace": [["/var/task/a.py", 3, "h", "raise E()"]]}))
    assert old_python.stack_trace == ("/var/task/a.py, 3, h, raise E()",)
    plain = Failure.of("States.Timeout", "Task timed out after 30.00 seconds")
    assert not plain.structured and plain.cause == "Task timed out after 30.00 seconds"
    other_json = Failure.of("Custom", '{"reason": "no stock"}')
    assert not other_json.structured and other_json.cause == '{"reason": "no stock"}'
    assert pretty('{"a":[1,2]}') == '{\n  "a": [\n    1,\n    2\n  ]\n}' and pretty("not json") == "not json"


def test_a_state_timed_out_with_its_execution_takes_the_timeout():
    h = History()
    started(h)
    h.entered("Wait", "Hold")
    h.add("ExecutionTimedOut", "executionTimedOutEventDetails", error="States.Timeout", cause="")

    history = h.group()

    assert history.status == "TIMED_OUT"
    hold = history.first_failure
    assert (hold.name, hold.status, hold.failure.error) == ("Hold", StepStatus.FAILED, "States.Timeout")


def test_a_running_execution_shows_the_state_it_is_in_and_a_retry_being_waited_for():
    h = History()
    started(h)
    h.entered("Pass", "Validate")
    h.exited("Pass", "Validate")
    h.entered("Task", "Charge")
    h.add("TaskScheduled", "taskScheduledEventDetails", resourceType="lambda", resource="invoke",
          parameters=json.dumps({"FunctionName": FUNCTION}))
    h.add("TaskStarted", "taskStartedEventDetails", resourceType="lambda", resource="invoke")
    h.add("TaskFailed", "taskFailedEventDetails", resourceType="lambda", resource="invoke", error="Busy", cause="")

    history = h.group()

    assert history.running
    assert history.outcomes() == {"Validate": StateOutcome(StepStatus.SUCCEEDED),
                                  "Charge": StateOutcome(StepStatus.RUNNING)}


def test_a_distributed_map_gives_its_map_run():
    run_arn = "arn:aws:states:us-east-1:111122223333:mapRun:flow/Each:0b5b0f6e"
    h = History()
    started(h)
    h.entered("Map", "Each")
    h.add("MapStateStarted", "mapStateStartedEventDetails", length=0)
    h.add("MapRunStarted", "mapRunStartedEventDetails", mapRunArn=run_arn)
    h.add("MapRunFailed", "mapRunFailedEventDetails", error="States.ExceedToleratedFailureThreshold",
          cause="The specified tolerated failure threshold was exceeded")
    h.add("ExecutionFailed", "executionFailedEventDetails", error="States.ExceedToleratedFailureThreshold")

    each = h.group().steps[0]

    assert each.map_run_arn == run_arn
    assert each.status == StepStatus.FAILED
    assert each.failure.error == "States.ExceedToleratedFailureThreshold"


def test_interleaved_branches_are_told_apart_by_their_previous_event():
    h = History()
    started(h)
    entered = h.entered("Parallel", "Both")
    start = h.add("ParallelStateStarted")
    a = h.entered("Pass", "A", after=start)
    b = h.entered("Fail", "B", after=start)
    a_exit = h.exited("Pass", "A", after=a)
    failed = h.add("ParallelStateFailed", after=b)
    h.add("ExecutionFailed", "executionFailedEventDetails", error="Rejected", cause="bad order", after=failed)
    assert entered and a_exit

    history = h.group()
    both = history.steps[0]

    assert [[v.name for v in branch.steps] for branch in both.branches] == [["A"], ["B"]]
    assert both.branches[0].steps[0].status == StepStatus.SUCCEEDED
    b_visit = history.first_failure
    assert (b_visit.name, b_visit.failure.error, b_visit.failure.cause) == ("B", "Rejected", "bad order")


def test_a_redriven_execution_counts_the_last_visit():
    h = History()
    started(h)
    h.entered("Task", "Charge")
    h.add("TaskScheduled", "taskScheduledEventDetails", resourceType="lambda", resource="invoke",
          parameters="{}")
    h.add("TaskFailed", "taskFailedEventDetails", error="Busy", cause="")
    h.add("ExecutionFailed", "executionFailedEventDetails", error="Busy")
    h.add("ExecutionRedriven", "executionRedrivenEventDetails", redriveCount=1)
    h.entered("Task", "Charge")
    h.add("TaskScheduled", "taskScheduledEventDetails", resourceType="lambda", resource="invoke",
          parameters="{}")
    h.add("TaskSucceeded", "taskSucceededEventDetails", output="{}")
    h.exited("Task", "Charge")
    h.add("ExecutionSucceeded", "executionSucceededEventDetails", output="{}")

    history = h.group()

    assert history.status == "SUCCEEDED" and history.redrives == 1 and history.failure is None
    assert [v.status for v in history.steps] == [StepStatus.FAILED, StepStatus.SUCCEEDED]
    assert history.outcomes() == {"Charge": StateOutcome(StepStatus.SUCCEEDED)}
