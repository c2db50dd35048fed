"""Step Functions action tests: tiny machines in the test's own account on the embedded
server, run for real by its interpreter (waits scaled by OPSDECK_SFN_TIME_SCALE), read back
through boto3; the CLI runs in-process against it."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from click.testing import CliRunner

from console.demo import control

ECHO = {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}}
REJECT = {"StartAt": "Prepare", "States": {
    "Prepare": {"Type": "Pass", "Next": "Reject"},
    "Reject": {"Type": "Fail", "Error": "OrderRejected", "Cause": "the order was malformed"}}}
# 10^6 s at the test server's scale of 0.01: hours, so it is RUNNING until stopped
HOLD = {"StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "Seconds": 1_000_000, "End": True}}}
FINAL = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


class Machines:
    """State machines and executions in the test's own account, read back through boto3."""

    def __init__(self, account) -> None:
        self.account = account
        self.sfn = account.client("stepfunctions")
        self.running: list[str] = []

    def create(self, definition: dict, name: str | None = None, machine_type: str = "STANDARD") -> str:
        name = name or f"m-{uuid.uuid4().hex[:8]}"
        return self.sfn.create_state_machine(
            name=name, definition=json.dumps(definition), roleArn=f"arn:aws:iam::{self.account.id}:role/sfn",
            type=machine_type)["stateMachineArn"]

    def start(self, machine_arn: str, payload: object = None, name: str | None = None) -> str:
        arn = self.sfn.start_execution(stateMachineArn=machine_arn, name=name or f"e-{uuid.uuid4().hex[:8]}",
                                       input=json.dumps(payload if payload is not None else {}))["executionArn"]
        self.running.append(arn)
        return arn

    def describe(self, arn: str) -> dict:
        return self.sfn.describe_execution(executionArn=arn)

    def executions(self, machine_arn: str) -> list[dict]:
        return self.sfn.list_executions(stateMachineArn=machine_arn)["executions"]

    def settled(self, arn: str, statuses=FINAL, seconds: float = 30.0) -> dict:
        """DescribeExecution once the interpreter has moved it to one of `statuses`."""
        deadline = time.monotonic() + seconds
        while True:
            raw = self.describe(arn)
            if raw["status"] in statuses or time.monotonic() > deadline:
                return raw
            time.sleep(0.05)

    def stop_all(self) -> None:
        for arn in self.running:
            try:
                if self.describe(arn)["status"] == "RUNNING":
                    self.sfn.stop_execution(executionArn=arn)
            except Exception:  # noqa: BLE001 - cleanup only
                pass


@pytest.fixture
def machines(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    made = Machines(fresh_account)
    try:
        yield made
    finally:
        made.stop_all()  # a Wait must not hold an interpreter thread after the test


@pytest.fixture
def opsdeck(endpoint):
    """Run `opsdeck --endpoint-url <server> ARGS...` in-process; returns click's Result."""
    from console.cli import main

    def run(*args: str, global_args: tuple[str, ...] = (), input: str | None = None):
        return CliRunner().invoke(main, [*global_args, "--endpoint-url", endpoint, *args], input=input)

    return run


def audit_records(tmp_path) -> list[dict]:
    path = tmp_path / "state" / "audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def calls(endpoint: str, operation: str, account: str) -> int:
    """How many `operation` requests the server saw from `account`."""
    return control.count_of(control.request_counts(endpoint), "stepfunctions", operation, account)


@pytest.fixture
def failed_at_charge(machines, endpoint):
    """A FAILED execution of `redrivable` (Prepare -> Charge, a Lambda Task -> Done) that
    failed at Charge (its function failing), the function fixed since: a redrive succeeds."""
    from tests.contract.test_stepfunctions import make_function

    function = make_function(machines.account)
    machine = machines.create({"StartAt": "Prepare", "States": {
        "Prepare": {"Type": "Pass", "Result": "ready", "ResultPath": "$.prepared", "Next": "Charge"},
        "Charge": {"Type": "Task", "Resource": function, "ResultPath": "$.charged", "Next": "Done"},
        "Done": {"Type": "Pass", "End": True}}}, "redrivable")
    control.fail_function(endpoint, "charge", message="gateway down", account=machines.account.id)
    try:
        execution = machines.start(machine, {"order": 1}, name="order-1")
        assert machines.settled(execution)["status"] == "FAILED"
    finally:
        control.clear_failures(endpoint)
    return execution


def entered(machines, execution: str, state: str) -> int:
    """How many times the history says `state` was entered."""
    events = machines.sfn.get_execution_history(executionArn=execution, maxResults=1000)["events"]
    return sum(1 for e in events if e.get("stateEnteredEventDetails", {}).get("name") == state)
