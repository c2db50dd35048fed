"""Small state machines run for real on the embedded AWS (moto's interpreter, execute mode),
in an account of the test's own, and the helpers that read their histories back."""

from __future__ import annotations

import io
import json
import time
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest

from console.aws.clients import ClientPool
from console.aws.context import AwsContext
from console.clock import ManualClock
from console.demo.extensions.lambda_invoke import FAIL_KEY
from console.target import Target

FUNCTION = "pay"
RUN_TIMEOUT = 20.0  # seconds: a bound on a few fast states, never a wait the test relies on


def invoke(function_arn: str, payload: str = "$", retry: dict | None = None, catch: list | None = None,
           **rest) -> dict:
    """A Task calling `function_arn` through arn:aws:states:::lambda:invoke."""
    state = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
             "Parameters": {"FunctionName": function_arn, "Payload.$": payload}, **rest}
    if retry:
        state["Retry"] = [retry]
    if catch:
        state["Catch"] = catch
    return state


def failing(message: str) -> dict:
    """A payload the embedded Lambda fails on (console.demo.extensions.lambda_invoke)."""
    return {FAIL_KEY: message}


@dataclass
class Runs:
    account: object
    function_arn: str

    @property
    def sfn(self):
        return self.account.client("stepfunctions")

    def machine(self, name: str, definition: dict) -> str:
        return self.sfn.create_state_machine(name=name, definition=json.dumps(definition),
                                             roleArn=f"arn:aws:iam::{self.account.id}:role/sfn")["stateMachineArn"]

    def run(self, name: str, definition: dict, execution_input: dict) -> str:
        """Create the machine, run one execution to its end; its ARN."""
        arn = self.sfn.start_execution(stateMachineArn=self.machine(name, definition), name="run",
                                       input=json.dumps(execution_input))["executionArn"]
        return self.wait(arn)

    def wait(self, arn: str) -> str:
        deadline = time.monotonic() + RUN_TIMEOUT
        while self.sfn.describe_execution(executionArn=arn)["status"] == "RUNNING":
            assert time.monotonic() < deadline, f"{arn} still running after {RUN_TIMEOUT} s"
            time.sleep(0.05)
        return arn

    def events(self, arn: str) -> list[dict]:
        """Every event, through boto3's paginator (the embedded AWS pages as AWS does)."""
        pages = self.sfn.get_paginator("get_execution_history").paginate(executionArn=arn)
        return [event for page in pages for event in page["events"]]

    def context(self) -> AwsContext:
        return AwsContext(ClientPool(ManualClock(datetime.now(timezone.utc))),
                          Target(None, "us-east-1", self.account.endpoint))


def _make_function(iam, lam, name: str) -> str:
    role = iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("h.py", "def h(event, context):\n    return event\n")
    return lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="h.h",
                               Code={"ZipFile": code.getvalue()})["FunctionArn"]


@pytest.fixture
def runs(fresh_account, monkeypatch) -> Runs:
    """A fresh account with one function (echoing its payload) to call from tasks: the
    embedded interpreter invokes it in the execution's account, as Step Functions does
    (console/demo/extensions/sfn_lambda.py)."""
    fresh_account.use(monkeypatch)
    name = f"{FUNCTION}-{fresh_account.id}"
    arn = _make_function(fresh_account.client("iam"), fresh_account.client("lambda"), name)
    return Runs(fresh_account, arn)
