"""The read-only allow-list, checked against botocore's own service models."""

from __future__ import annotations

import botocore.session
import pytest

from console.aws.errors import ErrorClass, describe_problem
from console.aws.readonly import ALLOWED, CREDENTIAL_OPERATIONS, READ_ONLY_OPERATIONS, ReadOnlyViolation, is_allowed

SESSION = botocore.session.get_session()

# Calls that change AWS state (or run real work) and that opsdeck's actions make or could
# make. None may pass in read-only mode.
MUTATING = [
    ("lambda", "Invoke"), ("lambda", "InvokeAsync"), ("lambda", "InvokeWithResponseStream"),
    ("lambda", "UpdateAlias"), ("lambda", "UpdateFunctionCode"), ("lambda", "UpdateFunctionConfiguration"),
    ("lambda", "PublishVersion"), ("lambda", "PutFunctionConcurrency"), ("lambda", "DeleteFunction"),
    ("lambda", "UpdateEventSourceMapping"),
    ("stepfunctions", "StartExecution"), ("stepfunctions", "StartSyncExecution"), ("stepfunctions", "TestState"),
    ("stepfunctions", "StopExecution"), ("stepfunctions", "RedriveExecution"), ("stepfunctions", "GetActivityTask"),
    ("stepfunctions", "UpdateStateMachine"),
    ("ecs", "UpdateService"), ("ecs", "StopTask"), ("ecs", "RunTask"), ("ecs", "StartTask"),
    ("ecs", "RegisterTaskDefinition"), ("ecs", "ExecuteCommand"),
    ("events", "PutRule"), ("events", "DisableRule"), ("events", "EnableRule"), ("events", "PutTargets"),
    ("events", "RemoveTargets"), ("events", "PutEvents"), ("events", "TestEventPattern"),
    ("scheduler", "UpdateSchedule"), ("scheduler", "CreateSchedule"), ("scheduler", "DeleteSchedule"),
    ("logs", "PutLogEvents"), ("logs", "CreateLogGroup"), ("logs", "PutRetentionPolicy"),
    ("cloudwatch", "PutMetricData"), ("cloudwatch", "SetAlarmState"), ("cloudwatch", "PutMetricAlarm"),
    ("sqs", "SendMessage"), ("sqs", "PurgeQueue"), ("iam", "UpdateAssumeRolePolicy"),
]


def operations(service: str) -> set[str]:
    return set(SESSION.get_service_model(service).operation_names)


@pytest.mark.parametrize("service,operation", sorted(ALLOWED))
def test_every_allowed_pair_exists_in_botocore(service, operation):
    model = SESSION.get_service_model(service)
    assert model.service_name == service, f"{service}: use the botocore service name, not {model.service_id}"
    assert operation in model.operation_names, f"{service} has no operation {operation}"


def test_known_mutating_operations_exist_and_are_refused():
    for service, operation in MUTATING:
        assert operation in operations(service), f"the test's own list is wrong: {service}:{operation}"
    allowed = [pair for pair in MUTATING if is_allowed(*pair)]
    assert allowed == []


def test_no_prefix_rule_could_have_produced_the_list():
    """Every service with a Start*/Test* read keeps its mutating namesakes out: prefixes would not."""
    assert is_allowed("logs", "StartLiveTail") and not is_allowed("stepfunctions", "StartExecution")
    assert not any(op.startswith("Test") for _, op in ALLOWED)
    # operations not named by the list are refused, whatever they look like
    assert not is_allowed("lambda", "GetFunctionX") and not is_allowed("Lambda", "GetFunction")


def test_credential_resolution_is_allowed():
    for pair in [("sts", "AssumeRole"), ("sts", "AssumeRoleWithWebIdentity"),
                 ("sso", "GetRoleCredentials"), ("sso-oidc", "CreateToken")]:
        assert pair in CREDENTIAL_OPERATIONS and is_allowed(*pair)
    assert not CREDENTIAL_OPERATIONS & READ_ONLY_OPERATIONS


def test_every_read_opsdeck_makes_today_is_allowed():
    today = [("lambda", "ListFunctions"), ("lambda", "ListAliases"), ("ecs", "ListClusters"),
             ("ecs", "ListServices"), ("ecs", "DescribeServices"), ("ecs", "ListTasks"), ("ecs", "DescribeTasks"),
             ("ecs", "DescribeClusters"), ("stepfunctions", "ListStateMachines"),
             ("stepfunctions", "ListExecutions"), ("events", "ListEventBuses"), ("events", "ListRules"),
             ("scheduler", "ListSchedules"), ("scheduler", "GetSchedule"), ("cloudwatch", "GetMetricData"),
             ("sts", "GetCallerIdentity")]
    assert [pair for pair in today if not is_allowed(*pair)] == []


def test_describe_problem_explains_a_violation():
    problem = describe_problem(ReadOnlyViolation("lambda", "UpdateAlias"), profile="prod", endpoint=None)
    assert problem.kind is ErrorClass.READ_ONLY
    assert problem.headline == "Read-only mode: opsdeck will not call lambda:UpdateAlias"
    assert "Nothing was sent" in problem.remedy and "[profiles.prod]" in problem.remedy
    assert "--read-only" in problem.cli_remedy and "--read-only" not in problem.remedy  # a flag: the CLI's only
    assert not problem.fatal_for_session
