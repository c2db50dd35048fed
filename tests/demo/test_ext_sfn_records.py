"""The Step Functions extensions on stored execution records (the large estate's), which
never ran in moto's interpreter: listed, described, refused a redrive, never a 500."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import boto3
import pytest

ACCOUNT = "333333333333"


@pytest.fixture
def sfn(in_process_moto):
    """The extensions installed in this process, where console.demo.seed_large writes records."""
    from console.demo.extensions import sfn_history, sfn_redrive, sfn_stop

    for module in (sfn_history, sfn_stop, sfn_redrive):
        module.install()
    client = boto3.client("stepfunctions", endpoint_url=in_process_moto, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    client.meta.events.register("before-send", lambda request, **_: request.headers.__setitem__(
        "x-moto-account-id", ACCOUNT))
    return client


def stored_record(machine_arn: str, name: str, status: str) -> str:
    """An execution record written straight into the backend, as seed_large writes them."""
    from moto.stepfunctions.models import Execution
    from moto.stepfunctions.responses import get_backend

    backend = get_backend(ACCOUNT, "us-east-1")
    machine = backend.describe_state_machine(machine_arn)
    execution = Execution(region_name="us-east-1", account_id=ACCOUNT, state_machine_name=machine.name,
                          execution_name=name, state_machine_arn=machine_arn, execution_input="{}")
    execution.start_date = datetime.now(timezone.utc) - timedelta(minutes=10)
    execution.stop_date = execution.start_date + timedelta(seconds=3)
    execution.status = status
    machine.executions.append(execution)
    return execution.execution_arn


def test_stored_records_are_listed_described_and_not_redrivable(sfn):
    definition = {"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}
    machine = sfn.create_state_machine(name="records", definition=json.dumps(definition),
                                       roleArn=f"arn:aws:iam::{ACCOUNT}:role/sfn")["stateMachineArn"]
    failed = stored_record(machine, "run-0001", "FAILED")
    stored_record(machine, "run-0002", "SUCCEEDED")

    listed = sfn.list_executions(stateMachineArn=machine)["executions"]
    assert [(e["name"], e["redriveCount"]) for e in listed] == [("run-0002", 0), ("run-0001", 0)]
    described = sfn.describe_execution(executionArn=failed)
    assert (described["redriveStatus"], described["redriveStatusReason"]) == (
        "NOT_REDRIVABLE", "Execution was started before the launch of RedriveExecution.")
    with pytest.raises(sfn.exceptions.ExecutionNotRedrivable):
        sfn.redrive_execution(executionArn=failed)
    sfn.stop_execution(executionArn=failed)  # already ended: nothing changes
    assert sfn.describe_execution(executionArn=failed)["status"] == "FAILED"


def test_a_stored_records_history_is_what_the_record_knows(sfn):
    definition = {"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}
    machine = sfn.create_state_machine(name="records", definition=json.dumps(definition),
                                       roleArn=f"arn:aws:iam::{ACCOUNT}:role/sfn")["stateMachineArn"]
    failed = stored_record(machine, "run-0003", "FAILED")

    events = sfn.get_execution_history(executionArn=failed)["events"]
    assert [(e["id"], e["type"]) for e in events] == [(1, "ExecutionStarted"), (2, "ExecutionFailed")]
    assert events[0]["executionStartedEventDetails"]["input"] == "{}"
