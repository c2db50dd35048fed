"""SVG snapshot of the execution screen on its first failure, from a known AWS-shaped
history (fixed times, so the picture does not depend on the server's clock): an order
validated, its card charged with one retry, then a Map of shipments whose second item
fails with a Lambda error. The feed's fetch is answered with that history; the stepping
itself is tested against real executions in test_screen.py. Update with
`pytest tests/sfn_history/test_snapshot.py --snapshot-update` and look at the SVG."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from console.app import OpsdeckApp
from console.aws.clients import ClientPool
from console.clock import ManualClock
from console.services.stepfunctions.history import ExecutionHistory
from console.target import Target
from screens.dashboard import DashboardScreen
from screens.stepfunctions.execution import ExecutionScreen
from tests.pilot import wait_until
from tests.sfn_history.test_aws_shaped import FUNCTION, History, invoke_output, started

TARGET = Target(None, "us-east-1", "http://127.0.0.1:1", "123456789012", demo=True)
T0 = datetime(2026, 3, 1, 12, 5, tzinfo=timezone.utc)
ARN = "arn:aws:states:us-east-1:123456789012:execution:order-flow:order-1008"
DEFINITION = {"StartAt": "Validate", "States": {
    "Validate": {"Type": "Pass", "Next": "Charge"},
    "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Ship",
               "Retry": [{"ErrorEquals": ["Busy"], "MaxAttempts": 2}]},
    "Ship": {"Type": "Map", "ItemsPath": "$.parcels", "Next": "Done", "ItemProcessor": {
        "StartAt": "Label", "States": {"Label": {"Type": "Task", "Resource": FUNCTION, "End": True}}}},
    "Done": {"Type": "Succeed"}}}
CAUSE = json.dumps({"errorMessage": "no courier for postcode 99999", "errorType": "CourierError",
                    "requestId": "4f1c2d3e-0000-4aaa-8bbb-123456789abc",
                    "stackTrace": ['  File "/var/task/label.py", line 12, in handler\n    raise CourierError(msg)\n']})


def history() -> ExecutionHistory:
    h = History()
    started(h)
    h.entered("Pass", "Validate")
    h.exited("Pass", "Validate")
    h.entered("Task", "Charge")
    scheduled = {"resourceType": "lambda", "resource": "invoke",
                 "parameters": json.dumps({"FunctionName": FUNCTION, "Payload": {"order": 7}})}
    h.add("TaskScheduled", "taskScheduledEventDetails", **scheduled)
    h.add("TaskStarted", "taskStartedEventDetails", resourceType="lambda", resource="invoke")
    h.add("TaskFailed", "taskFailedEventDetails", error="Busy", cause="try again")
    h.add("TaskScheduled", "taskScheduledEventDetails", **scheduled)
    h.add("TaskStarted", "taskStartedEventDetails", resourceType="lambda", resource="invoke")
    h.add("TaskSucceeded", "taskSucceededEventDetails", output=invoke_output())
    h.exited("Task", "Charge")
    h.entered("Map", "Ship")
    map_started = h.add("MapStateStarted", "mapStateStartedEventDetails", length=2)
    for index in range(2):
        iteration = h.add("MapIterationStarted", "mapIterationStartedEventDetails", after=map_started,
                          name="Ship", index=index)
        h.entered("Task", "Label", after=iteration)
        h.add("LambdaFunctionScheduled", "lambdaFunctionScheduledEventDetails", resource=FUNCTION,
              input=json.dumps({"parcel": index}))
        h.add("LambdaFunctionStarted")
        if index:
            h.add("LambdaFunctionFailed", "lambdaFunctionFailedEventDetails", error="CourierError", cause=CAUSE)
            h.add("MapIterationFailed", "mapIterationFailedEventDetails", name="Ship", index=index)
        else:
            h.add("LambdaFunctionSucceeded", "lambdaFunctionSucceededEventDetails", output='{"label": "L-0"}')
            h.exited("Task", "Label")
            h.add("MapIterationSucceeded", "mapIterationSucceededEventDetails", name="Ship", index=index)
    h.add("MapStateFailed")
    h.add("ExecutionFailed", "executionFailedEventDetails", error="CourierError", cause=CAUSE)
    return h.group()


class KnownExecutionScreen(ExecutionScreen):
    """The execution screen with its feed answered by the known history and definition."""

    def feeds(self):
        async def known(ctx):
            return history(), json.dumps(DEFINITION)

        return {key: feed._replace(fetch=known) for key, feed in super().feeds().items()}


async def identify_ok(ctx) -> str:
    return "123456789012"


def on_first_failure(app):
    async def open_screen(pilot):
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen)
                         and not any(w.group == "connect" and not w.is_finished for w in app.workers))
        screen = KnownExecutionScreen(ARN)
        await app.push_screen(screen)
        await wait_until(pilot, lambda: screen.history is not None)
        await pilot.press("f")
        await pilot.pause(0.2)
    return open_screen


def known_app() -> OpsdeckApp:
    clock = ManualClock(T0)
    return OpsdeckApp(TARGET, ClientPool(clock), clock, sources={}, identify=identify_ok)


def test_execution_screen_on_its_first_failure(snap_compare):
    app = known_app()
    assert snap_compare(app, terminal_size=(160, 48), run_before=on_first_failure(app))


def test_execution_screen_at_80x24(snap_compare):
    """Narrow: the timeline and graph above, the panels below, each scrollable."""
    app = known_app()
    assert snap_compare(app, terminal_size=(80, 24), run_before=on_first_failure(app))


async def test_l_narrows_the_logs_to_the_request_id_the_history_gives():
    """AWS-shaped: moto's histories carry no request id (test_screen.py covers that case)."""
    from screens.log_view import LogViewScreen

    app = known_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await on_first_failure(app)(pilot)
        await pilot.press("l")
        # its LoggingConfig cannot be read here (no server): botocore's retries wait on the clock
        await wait_until(pilot, lambda: isinstance(app.screen, LogViewScreen), clock=app.clock, step=1.0)
        assert app.screen.groups == ("/aws/lambda/charge-card",)
        assert app.screen.filter_pattern == '"4f1c2d3e-0000-4aaa-8bbb-123456789abc"'
