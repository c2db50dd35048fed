"""Step Functions page sizes the console relies on, as AWS documents them, on the embedded AWS.

Each test states one documented behaviour and names its source; the figures are restated
here, never read from console.aws.limits, so a wrong number there fails a test. botocore
checks only maxResults' minimum (0) on the client; what is above it reaches the server.
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

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
