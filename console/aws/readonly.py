"""Read-only mode: the explicit list of AWS calls opsdeck may make when it must change nothing.

An allow-list of (botocore service name, operation) pairs, never name prefixes:
`Test*` would let states:TestState run real integrations, `Start*` would let
StartExecution through, `Get*` would let states:GetActivityTask claim a task.
Every pair is checked against botocore's service models by a test, so a typo cannot
silently widen or narrow the list.

The guard runs on opsdeck's own clients (console.aws.clients.ClientPool registers
`guard` on `provide-client-params`, the first event of every API call), so a refused
call raises ReadOnlyViolation before its parameters are even built: no request
leaves the process. Adding a read to opsdeck means adding its pair here.
"""

from __future__ import annotations

from typing import Any, Callable

# (botocore service name, operation name): reads only.
READ_ONLY_OPERATIONS: frozenset[tuple[str, str]] = frozenset(
    [("lambda", op) for op in (
        "ListFunctions", "GetFunction", "GetFunctionConfiguration", "ListAliases", "GetAlias",
        "ListVersionsByFunction", "ListEventSourceMappings", "GetEventSourceMapping", "GetPolicy",
        "GetFunctionConcurrency", "ListProvisionedConcurrencyConfigs", "GetProvisionedConcurrencyConfig",
        "GetFunctionEventInvokeConfig", "ListFunctionEventInvokeConfigs", "GetFunctionUrlConfig",
        "ListFunctionUrlConfigs", "ListLayers", "ListLayerVersions", "GetLayerVersion",
        "GetLayerVersionByArn", "ListTags", "GetAccountSettings",
    )]
    + [("ecs", op) for op in (
        "ListClusters", "DescribeClusters", "ListServices", "ListServicesByNamespace", "DescribeServices",
        "ListTasks", "DescribeTasks", "ListTaskDefinitions", "ListTaskDefinitionFamilies",
        "DescribeTaskDefinition", "DescribeTaskSets", "ListServiceDeployments", "DescribeServiceDeployments",
        "DescribeServiceRevisions", "ListContainerInstances", "DescribeContainerInstances",
        "DescribeCapacityProviders", "ListAccountSettings", "ListAttributes", "ListTagsForResource",
        "GetTaskProtection",
    )]
    + [("stepfunctions", op) for op in (
        "ListStateMachines", "DescribeStateMachine", "ListExecutions", "DescribeExecution",
        "GetExecutionHistory", "ListStateMachineVersions", "ListStateMachineAliases",
        "DescribeStateMachineAlias", "DescribeStateMachineForExecution", "ListMapRuns", "DescribeMapRun",
        "ListActivities", "DescribeActivity", "ListTagsForResource",
        # Checks a definition and returns diagnostics; creates and changes nothing.
        "ValidateStateMachineDefinition",
        # Deliberately absent although their names look harmless: TestState (runs the
        # state's real integrations), GetActivityTask (claims a task from a worker queue).
    )]
    + [("events", op) for op in (
        "ListRules", "DescribeRule", "ListTargetsByRule", "ListRuleNamesByTarget", "ListEventBuses",
        "DescribeEventBus", "ListArchives", "DescribeArchive", "ListReplays", "DescribeReplay",
        "ListConnections", "DescribeConnection", "ListApiDestinations", "DescribeApiDestination",
        "ListTagsForResource",
        # Deliberately absent: TestEventPattern (harmless, but a Test* is never allowed by shape).
    )]
    + [("scheduler", op) for op in (
        "ListSchedules", "GetSchedule", "ListScheduleGroups", "GetScheduleGroup", "ListTagsForResource",
    )]
    + [("cloudwatch", op) for op in (
        "GetMetricData", "ListMetrics", "GetMetricStatistics", "DescribeAlarms", "DescribeAlarmsForMetric",
        "DescribeAlarmHistory", "ListDashboards", "GetDashboard", "ListTagsForResource",
    )]
    + [("logs", op) for op in (
        "DescribeLogGroups", "DescribeLogStreams", "FilterLogEvents", "GetLogEvents", "ListTagsForResource",
        "DescribeMetricFilters", "DescribeSubscriptionFilters", "DescribeQueries",
        # StartLiveTail opens a read-only stream of log events; despite "Start" it changes
        # nothing in the account (it is billed per minute, like reading).
        "StartLiveTail",
        # StartQuery runs a Logs Insights query over existing events and GetQueryResults
        # reads its results; StopQuery cancels a query opsdeck started. None of them
        # changes a resource: they create no log group, stream, event or setting.
        "StartQuery", "GetQueryResults", "StopQuery",
    )]
    + [
        ("sts", "GetCallerIdentity"),
        ("apigatewayv2", "GetApis"),
        ("apigatewayv2", "GetApi"),
        ("apigatewayv2", "GetRoutes"),
        ("apigatewayv2", "GetIntegrations"),
        ("apigatewayv2", "GetStages"),
        ("s3", "GetBucketNotificationConfiguration"),
        ("sqs", "GetQueueAttributes"),
        ("sqs", "GetQueueUrl"),
        ("sqs", "ListQueues"),
        ("dynamodb", "DescribeTable"),
        # Stream descriptions belong to the DynamoDB Streams API, a service of its own.
        ("dynamodbstreams", "DescribeStream"),
        ("iam", "GetRole"),
    ]
)

# Credential resolution is never blocked: obtaining credentials changes nothing in the
# account, and refusing it would make read-only mode unable to read at all. botocore
# makes these calls with its own internal clients (which this guard never sees), but
# opsdeck calls AssumeRole itself for MFA profiles (botocore's MFA prompt would block the
# event loop), and that call goes through the pool, so it must pass explicitly.
CREDENTIAL_OPERATIONS: frozenset[tuple[str, str]] = frozenset({
    ("sts", "AssumeRole"),
    ("sts", "AssumeRoleWithWebIdentity"),
    ("sts", "GetSessionToken"),  # MFA with long-term keys and no role to assume
    ("sso", "GetRoleCredentials"),
    ("sso-oidc", "CreateToken"),  # also refreshes an SSO token (grant_type=refresh_token)
})

ALLOWED: frozenset[tuple[str, str]] = READ_ONLY_OPERATIONS | CREDENTIAL_OPERATIONS


class ReadOnlyViolation(Exception):
    """opsdeck was asked to make a call read-only mode does not allow; nothing was sent."""

    def __init__(self, service: str, operation: str) -> None:
        self.service = service
        self.operation = operation
        super().__init__(f"read-only mode: opsdeck will not call {service}:{operation}")


def is_allowed(service: str, operation: str) -> bool:
    """True when `service:operation` (botocore service name) may be called in read-only mode."""
    return (service, operation) in ALLOWED


def make_guard(is_read_only: Callable[[], bool]) -> Callable[..., None]:
    """A `provide-client-params` handler that refuses calls outside ALLOWED while
    `is_read_only()` is true (asked on every call, so the mode can change at runtime)."""

    def guard(*, model: Any, **_: Any) -> None:
        if not is_read_only():
            return
        service = model.service_model.service_name
        if (service, model.name) not in ALLOWED:
            raise ReadOnlyViolation(service, model.name)

    return guard
