"""The Step Functions panel and executions screen through the whole app, over HTTP to the
embedded server, in an account of the test's own."""

from __future__ import annotations

import json
import time
from collections import Counter

import pytest

from screens.dashboard import DashboardScreen
from tests.pilot import wait_until

PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
OUTCOMES = json.dumps({
    "StartAt": "Route",
    "States": {
        "Route": {"Type": "Choice", "Default": "Done", "Choices": [
            {"Variable": "$.outcome", "StringEquals": "fail", "Next": "Reject"},
            {"Variable": "$.outcome", "StringEquals": "wait", "Next": "Hold"}]},
        "Done": {"Type": "Succeed"},
        "Reject": {"Type": "Fail", "Error": "Rejected", "Cause": "as asked"},
        "Hold": {"Type": "Wait", "Seconds": 100000, "Next": "Done"},  # 1,000 s at the embedded time scale
    },
})


@pytest.fixture
def account(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    return fresh_account


def create(account, name: str, machine_type: str = "STANDARD", definition: str = OUTCOMES, **kw) -> str:
    return account.client("stepfunctions").create_state_machine(
        name=name, definition=definition, roleArn=f"arn:aws:iam::{account.id}:role/sfn", type=machine_type, **kw,
    )["stateMachineArn"]


def start_runs(account, machine: str, inputs: list[dict], prefix: str = "run") -> list[str]:
    sfn = account.client("stepfunctions")
    return [sfn.start_execution(stateMachineArn=machine, name=f"{prefix}-{i:02d}", input=json.dumps(payload))
            ["executionArn"] for i, payload in enumerate(inputs)]


def wait_for_statuses(account, machine: str, expected: dict[str, int]) -> None:
    """The interpreter runs executions in threads: wait (real time, bounded) until they ended as expected."""
    sfn = account.client("stepfunctions")
    deadline = time.monotonic() + 30
    while True:
        found = Counter(e["status"] for e in sfn.list_executions(stateMachineArn=machine, maxResults=1000)["executions"])
        if dict(found) == expected or time.monotonic() > deadline:
            assert dict(found) == expected
            return
        time.sleep(0.1)


async def select_machine(pilot, app, name: str) -> None:
    """Wait for the Step Functions panel to list `name` (with its executions read), and
    put the cursor on it."""
    await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
    table = app.screen.panel("stepfunctions").table
    await wait_until(pilot, lambda: any(getattr(i, "name", None) == name and (i.recent is not None or i.type == "EXPRESS")
                                        for i in table.items))
    table.focus()
    assert table.select_key(next(i.key for i in table.items if i.name == name))
    await pilot.pause()
