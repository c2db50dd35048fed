"""With a page-size cap of 2, every listed operation pages: all items arrive in ceil(n/2) requests."""

from __future__ import annotations

import io
import json
import math
import zipfile

import boto3
import pytest

from console.demo import control
from console.demo.process import EmbeddedAws

N = 5


@pytest.fixture(scope="module")
def aws():
    with EmbeddedAws.start(size="none", simulate=False) as server:
        c = {s: boto3.client(s, endpoint_url=server.endpoint, region_name="us-east-1",
                             aws_access_key_id="testing", aws_secret_access_key="testing")
             for s in ("iam", "sqs", "lambda", "ecs", "stepfunctions", "events", "scheduler", "logs")}
        role = c["iam"].create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        queue = c["sqs"].create_queue(QueueName="q")["QueueUrl"]
        qarn = c["sqs"].get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("h.py", "def h(e, c):\n    return e\n")
        for i in range(N):
            c["lambda"].create_function(FunctionName=f"f{i}", Runtime="python3.12", Role=role, Handler="h.h",
                                        Code={"ZipFile": buf.getvalue()})
            c["lambda"].update_function_configuration(FunctionName="f0", Description=str(i))
            c["lambda"].publish_version(FunctionName="f0")
            c["lambda"].create_alias(FunctionName="f0", Name=f"a{i}", FunctionVersion="$LATEST")
            c["lambda"].create_event_source_mapping(FunctionName="f0", EventSourceArn=qarn)
            c["ecs"].create_cluster(clusterName=f"c{i}")
        c["ecs"].register_task_definition(family="td", containerDefinitions=[{"name": "a", "image": "x", "memory": 64}])
        definition = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
        for i in range(N):
            c["ecs"].create_service(cluster="c0", serviceName=f"s{i}", taskDefinition="td", desiredCount=1,
                                    launchType="FARGATE")
            sm = c["stepfunctions"].create_state_machine(name=f"sm{i}", definition=definition,
                                                         roleArn=role)["stateMachineArn"]
            c["stepfunctions"].start_execution(stateMachineArn=sm, name=f"e{i}")
            c["events"].create_event_bus(Name=f"b{i}")
            c["events"].put_rule(Name=f"r{i}", ScheduleExpression="rate(1 minute)")
            c["scheduler"].create_schedule(Name=f"s{i}", ScheduleExpression="rate(1 minute)",
                                           FlexibleTimeWindow={"Mode": "OFF"}, Target={"Arn": qarn, "RoleArn": role})
            c["logs"].create_log_group(logGroupName=f"/g{i}")
        # moto's ListTargetsByRule token is the target Arn: give each target its own.
        c["events"].put_targets(Rule="r0", Targets=[{"Id": f"t{i}", "Arn": f"{qarn}-{i}"} for i in range(N)])
        server.clients = c
        server.sm = sm
        control.set_page_size(server.endpoint, 2)
        yield server


# (service, client method, kwargs, result key, expected count, operation name)
CASES = [
    ("lambda", "list_functions", {}, "Functions", N, "ListFunctions"),
    ("lambda", "list_aliases", {"FunctionName": "f0"}, "Aliases", N, "ListAliases"),
    ("lambda", "list_versions_by_function", {"FunctionName": "f0"}, "Versions", N + 1, "ListVersionsByFunction"),
    ("lambda", "list_event_source_mappings", {}, "EventSourceMappings", N, "ListEventSourceMappings"),
    ("ecs", "list_clusters", {}, "clusterArns", N, "ListClusters"),
    ("ecs", "list_services", {"cluster": "c0"}, "serviceArns", N, "ListServices"),
    ("ecs", "list_tasks", {"cluster": "c0"}, "taskArns", N, "ListTasks"),
    ("stepfunctions", "list_state_machines", {}, "stateMachines", N, "ListStateMachines"),
    ("stepfunctions", "list_executions", None, "executions", 1, "ListExecutions"),
    ("events", "list_rules", {}, "Rules", N, "ListRules"),
    ("scheduler", "list_schedules", {}, "Schedules", N, "ListSchedules"),
    ("logs", "describe_log_groups", {}, "logGroups", N, "DescribeLogGroups"),
]


@pytest.mark.parametrize("service,method,kwargs,key,expected,operation", CASES, ids=[c[1] for c in CASES])
def test_paginator_gets_everything_in_ceil_n_over_2_requests(aws, service, method, kwargs, key, expected, operation):
    if kwargs is None:
        kwargs = {"stateMachineArn": aws.sm}
    control.reset_request_counts(aws.endpoint)
    items = []
    for page in aws.clients[service].get_paginator(method).paginate(**kwargs):
        items.extend(page[key])
    assert len(items) == expected
    assert len({json.dumps(i, sort_keys=True, default=str) for i in items}) == expected  # no duplicates
    counts = control.request_counts(aws.endpoint)
    assert control.count_of(counts, service, operation) == math.ceil(expected / 2)


@pytest.mark.parametrize("method,kwargs,key", [
    ("list_event_buses", {}, "EventBuses"),
    ("list_targets_by_rule", {"Rule": "r0"}, "Targets"),
])
def test_unpageable_events_operations_still_honour_limit(aws, method, kwargs, key):
    """boto3 has no paginator for these; follow NextToken by hand."""
    client = aws.clients["events"]
    items, token, requests = [], None, 0
    while requests < 20:
        response = getattr(client, method)(Limit=100, **({"NextToken": token} if token else {}), **kwargs)
        requests += 1
        assert len(response[key]) <= 2
        items.extend(response[key])
        token = response.get("NextToken")
        if not token:
            break
    assert len(items) >= N and requests == math.ceil(len(items) / 2)


def test_request_limit_below_cap_and_aws_default_without_cap(aws):
    lam = aws.clients["lambda"]
    assert len(lam.list_functions(MaxItems=1)["Functions"]) == 1
    control.set_page_size(aws.endpoint, None)
    try:
        response = lam.list_functions()
        assert len(response["Functions"]) == N and "NextMarker" not in response
        ecs = aws.clients["ecs"]
        assert len(ecs.list_clusters(maxResults=3)["clusterArns"]) == 3
    finally:
        control.set_page_size(aws.endpoint, 2)


def test_the_cap_never_hides_a_refusal(aws):
    """A page size AWS refuses is refused under the cap too (console.demo.extensions.page_limits)."""
    from botocore.exceptions import ClientError

    for call in (lambda: aws.clients["ecs"].list_clusters(maxResults=101),
                 lambda: aws.clients["stepfunctions"].list_state_machines(maxResults=1001),
                 lambda: aws.clients["logs"].describe_log_groups(limit=51),
                 lambda: aws.clients["lambda"].list_functions(MaxItems=10_001)):
        with pytest.raises(ClientError):
            call()
    # and a valid one is still capped
    assert len(aws.clients["ecs"].list_clusters(maxResults=100)["clusterArns"]) == 2


def test_list_aliases_returns_at_most_50_even_when_asked_for_more(aws):
    """AWS documents no per-response cap for ListAliases; console.aws.limits assumes
    ListFunctions' 50, and the embedded AWS keeps it (the console pages either way)."""
    lam = aws.clients["lambda"]
    for i in range(51):
        lam.create_alias(FunctionName="f1", Name=f"many{i}", FunctionVersion="$LATEST")
    control.set_page_size(aws.endpoint, None)
    try:
        page = lam.list_aliases(FunctionName="f1", MaxItems=1000)
        assert len(page["Aliases"]) == 50 and page.get("NextMarker")
        rest = lam.list_aliases(FunctionName="f1", MaxItems=1000, Marker=page["NextMarker"])
        assert len(rest["Aliases"]) == 1 and not rest.get("NextMarker")
    finally:
        control.set_page_size(aws.endpoint, 2)
