"""The seeded demo estate, read back through the API the console uses."""

from __future__ import annotations

import json
import re
import time

import pytest

from console.demo import estate as E
from console.demo.seed import seed_estate
from console.demo.seed_large import seed_large


@pytest.fixture
def aws(endpoint):
    """Clients for the session's seeded estate (tests/conftest.py)."""
    return E.Clients(endpoint)


def test_functions_versions_and_canary(aws):
    lam = aws("lambda")
    functions = {f["FunctionName"]: f for f in lam.list_functions()["Functions"]}
    assert set(functions) == set(E.FUNCTION_NAMES)
    assert functions["items-api"]["PackageType"] == "Image"
    assert {functions[n]["Runtime"] for n in E.FUNCTION_NAMES if n != "items-api"} == {"python3.11", "python3.12", "nodejs20.x"}
    assert functions["process-payment"]["Environment"]["Variables"]["DB_PASSWORD"] == "hunter2-demo"
    assert E.LAYER in functions["validate-order"]["Layers"][0]["Arn"]
    versions = [v["Version"] for v in lam.list_versions_by_function(FunctionName="validate-order")["Versions"]]
    assert versions == ["$LATEST", "1", "2", "3"]
    alias = lam.get_alias(FunctionName="process-payment", Name="live")
    assert alias["FunctionVersion"] == "2"
    assert alias["RoutingConfig"]["AdditionalVersionWeights"] == {"3": 0.1}
    assert lam.get_alias(FunctionName="check-inventory", Name="live")["FunctionVersion"] == "2"
    assert lam.get_function_concurrency(FunctionName="process-payment")["ReservedConcurrentExecutions"] == 50


def test_each_release_has_its_own_code_and_time(aws):
    """Seeded versions differ as releases do: their own CodeSha256 and LastModified, RELEASE_GAP
    apart; $LATEST runs the newest release's code; the canary's version is the newest of all."""
    from console.services.lambda_.sources import _parse_time

    lam = aws("lambda")
    for spec in E.FUNCTIONS:
        found = {v["Version"]: (v["CodeSha256"], _parse_time(v["LastModified"]))
                 for v in lam.list_versions_by_function(FunctionName=spec.name)["Versions"]}
        numbered = [found[str(n)] for n in range(1, spec.versions + 1)]
        assert len({sha for sha, _ in numbered}) == spec.versions, spec.name
        assert [b[1] - a[1] for a, b in zip(numbered, numbered[1:])] == [E.RELEASE_GAP] * (spec.versions - 1)
        assert found["$LATEST"][0] == numbered[-1][0] and found["$LATEST"][1] < numbered[-1][1]
    canary = _parse_time(lam.get_function_configuration(FunctionName=E.CANARY_FUNCTION,
                                                        Qualifier=E.CANARY_VERSION)["LastModified"])
    others = [_parse_time(lam.get_function_configuration(FunctionName=name)["LastModified"])
              for name in E.FUNCTION_NAMES if name != E.CANARY_FUNCTION]
    assert all(canary > other for other in others)


def test_triggers(aws):
    lam = aws("lambda")
    (sqs,) = lam.list_event_source_mappings(FunctionName="validate-order")["EventSourceMappings"]
    assert sqs["EventSourceArn"].endswith(":orders-queue")
    assert (sqs["BatchSize"], sqs["MaximumBatchingWindowInSeconds"]) == (10, 5)
    (stream,) = lam.list_event_source_mappings(FunctionName="update-inventory")["EventSourceMappings"]
    assert ":table/inventory/stream/" in stream["EventSourceArn"]
    (notify,) = aws("s3").get_bucket_notification_configuration(Bucket=E.UPLOADS_BUCKET)["LambdaFunctionConfigurations"]
    assert notify["LambdaFunctionArn"].endswith(":function:process-upload")
    assert notify["Filter"]["Key"]["FilterRules"] == [{"Name": "Prefix", "Value": "uploads/"}] or notify["Filter"]["Key"]["FilterRules"][0]["Value"] == "uploads/"
    api = aws("apigatewayv2")
    (http,) = [a for a in api.get_apis()["Items"] if a["Name"] == E.HTTP_API]
    routes = api.get_routes(ApiId=http["ApiId"])["Items"]
    assert [r["RouteKey"] for r in routes] == ["GET /items"]
    (integration,) = api.get_integrations(ApiId=http["ApiId"])["Items"]
    assert integration["IntegrationUri"].endswith(":function:items-api")


def test_ecs(aws):
    ecs = aws("ecs")
    (cluster,) = ecs.describe_clusters(clusters=[E.CLUSTER])["clusters"]
    assert cluster["capacityProviders"] == ["FARGATE", "FARGATE_SPOT"]
    assert [(s["capacityProvider"], s["weight"]) for s in cluster["defaultCapacityProviderStrategy"]] == [("FARGATE", 1), ("FARGATE_SPOT", 3)]
    revisions = ecs.list_task_definitions(familyPrefix=E.TASK_FAMILY)["taskDefinitionArns"]
    assert [r.rsplit(":", 1)[1] for r in revisions] == ["1", "2", "3", "4"]
    task_def = ecs.describe_task_definition(taskDefinition=f"{E.TASK_FAMILY}:3")["taskDefinition"]
    (container,) = task_def["containerDefinitions"]
    assert task_def["networkMode"] == "awsvpc" and task_def["requiresCompatibilities"] == ["FARGATE"]
    assert container["name"] == "app" and container["healthCheck"]["command"][0] == "CMD-SHELL"
    assert ":secret:my-app/db" in container["secrets"][0]["valueFrom"]
    assert container["logConfiguration"]["options"] == {
        "awslogs-group": "/ecs/my-app",
        "awslogs-region": "us-east-1",
        "awslogs-stream-prefix": "app",
    }
    services = {s["serviceName"]: s for s in ecs.describe_services(cluster=E.CLUSTER, services=[E.SERVICE, E.WORKER_SERVICE])["services"]}
    assert services[E.SERVICE]["desiredCount"] == 3 and services[E.WORKER_SERVICE]["desiredCount"] == 2
    assert services[E.SERVICE]["taskDefinition"].endswith(":task-definition/my-app:3")
    assert len(ecs.list_tasks(cluster=E.CLUSTER)["taskArns"]) == 5


def test_state_machines_and_past_executions(aws):
    sfn = aws("stepfunctions")
    machines = {m["name"]: m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]}
    assert set(machines) == {E.ORDER_MACHINE, E.BATCH_MACHINE, E.RECONCILE_MACHINE, E.EVENTS_MACHINE}
    types = {m["name"]: m["type"] for m in sfn.list_state_machines()["stateMachines"]}
    assert types == {E.ORDER_MACHINE: "STANDARD", E.BATCH_MACHINE: "STANDARD", E.RECONCILE_MACHINE: "STANDARD",
                     E.EVENTS_MACHINE: "EXPRESS"}
    logging = sfn.describe_state_machine(stateMachineArn=machines[E.EVENTS_MACHINE])["loggingConfiguration"]
    (destination,) = logging["destinations"]  # the EXPRESS machine's executions are read in its logs
    assert f":log-group:{E.EVENTS_MACHINE_LOG_GROUP}:" in destination["cloudWatchLogsLogGroup"]["logGroupArn"]
    assert aws("logs").describe_log_groups(logGroupNamePrefix=E.EVENTS_MACHINE_LOG_GROUP)["logGroups"]
    definition = json.loads(sfn.describe_state_machine(stateMachineArn=machines[E.ORDER_MACHINE])["definition"])
    assert definition["StartAt"] == "ValidateOrder"
    assert set(definition["States"]) == {
        "ValidateOrder", "CheckInventory", "ProcessPayment", "ParallelProcessing", "OrderComplete", "OrderFailed",
    }
    assert definition["States"]["ProcessPayment"]["Retry"][0]["MaxAttempts"] == 3
    batch = json.loads(sfn.describe_state_machine(stateMachineArn=machines[E.BATCH_MACHINE])["definition"])
    assert {s["Type"] for s in batch["States"].values()} >= {"Choice", "Map"}

    def statuses():  # EXPRESS machines list no executions (tests/contract/test_stepfunctions.py)
        return {
            e["name"]: e["status"]
            for name, arn in machines.items() if types[name] == "STANDARD"
            for e in sfn.list_executions(stateMachineArn=arn)["executions"]
        }

    assert seeded_statuses(sfn) == EXPECTED_STATUSES
    history = seeded_history(sfn, "order-1007")
    failed_lambdas = [e for e in history if e["type"] == "LambdaFunctionFailed"]
    assert len(failed_lambdas) == 4  # ProcessPayment: the first try and 3 retries
    entered = [e["stateEnteredEventDetails"]["name"] for e in history if "stateEnteredEventDetails" in e]
    assert entered[-1] == "OrderFailed" and "ProcessPayment" in entered


# Every seeded STANDARD execution and how it ends.
EXPECTED_STATUSES = {f"order-100{i}": "SUCCEEDED" for i in range(1, 6)} | {
    "order-1006": "FAILED",  # validation failure caught into OrderFailed
    "order-1007": "FAILED",  # payment failing after three retries, caught into OrderFailed
    "order-1008": "FAILED",  # the Parallel's SendConfirmation branch failed
    "batch-2026-11-27": "SUCCEEDED", "batch-empty": "SUCCEEDED",
    "batch-2026-11-28": "FAILED",  # one Map iteration failed
    "batch-bulk-restock": "SUCCEEDED",  # a history of over 1,000 events
    "reconcile-nightly": "TIMED_OUT",  # the machine's TimeoutSeconds expires
}


def seeded_statuses(sfn, seconds: float = 60.0) -> dict[str, str]:
    """The seeded STANDARD executions' statuses, once they have all ended as expected (or
    `seconds` have passed)."""
    arns = [m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"] if m["type"] == "STANDARD"]

    def statuses() -> dict[str, str]:
        seen = {e["name"]: e["status"] for arn in arns
                for page in sfn.get_paginator("list_executions").paginate(stateMachineArn=arn)
                for e in page["executions"]}
        return {name: seen.get(name) for name in EXPECTED_STATUSES}

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and statuses() != EXPECTED_STATUSES:
        time.sleep(0.25)
    return statuses()


def seeded_history(sfn, name: str) -> list[dict]:
    machine = E.ORDER_MACHINE if name.startswith("order-") else E.BATCH_MACHINE
    arn = f"arn:aws:states:{E.REGION}:{E.DEFAULT_ACCOUNT}:execution:{machine}:{name}"
    return [e for page in sfn.get_paginator("get_execution_history").paginate(executionArn=arn)
            for e in page["events"]]


def test_the_seeded_bad_order_is_a_validation_error_caught_into_order_failed(aws):
    """order-1006: validate-order raises ValidationError (Lambda's error shape: the
    function's errorType is the error), ValidateOrder's Catch names it and moves to
    OrderFailed, which fails the execution with its own error."""
    sfn = aws("stepfunctions")
    assert seeded_statuses(sfn)["order-1006"] == "FAILED"
    history = seeded_history(sfn, "order-1006")
    (failed,) = [e for e in history if e["type"] == "LambdaFunctionFailed"]
    details = failed["lambdaFunctionFailedEventDetails"]
    assert details["error"] == "ValidationError"
    assert json.loads(details["cause"])["errorType"] == "ValidationError"
    entered = [e["stateEnteredEventDetails"]["name"] for e in history if "stateEnteredEventDetails" in e]
    assert entered == ["ValidateOrder", "OrderFailed"]
    assert history[-1]["executionFailedEventDetails"]["error"] == "OrderFailed"


def test_the_seeded_order_with_a_failed_parallel_branch(aws):
    """order-1008: SendConfirmation fails inside ParallelProcessing, nothing catches it, the
    execution fails with the function's error; UpdateInventory's branch ran."""
    sfn = aws("stepfunctions")
    assert seeded_statuses(sfn)["order-1008"] == "FAILED"
    history = seeded_history(sfn, "order-1008")
    types = [e["type"] for e in history]
    assert "ParallelStateFailed" in types and types[-1] == "ExecutionFailed"
    scheduled = {e["id"]: e["lambdaFunctionScheduledEventDetails"]["resource"] for e in history
                 if e["type"] == "LambdaFunctionScheduled"}
    (failed,) = [e for e in history if e["type"] == "LambdaFunctionFailed"]
    assert json.loads(failed["lambdaFunctionFailedEventDetails"]["cause"])["errorMessage"] == "mailbox unavailable"
    assert any(r.endswith(":function:send-confirmation") for r in scheduled.values())
    assert history[-1]["executionFailedEventDetails"]["error"] == "Error"


def test_the_seeded_batch_with_one_failed_map_iteration(aws):
    """batch-2026-11-28: of four items, the third is out of stock: its ReserveItem fails,
    one Map iteration fails and with it the execution."""
    sfn = aws("stepfunctions")
    assert seeded_statuses(sfn)["batch-2026-11-28"] == "FAILED"
    history = seeded_history(sfn, "batch-2026-11-28")
    types = [e["type"] for e in history]
    assert types.count("MapIterationFailed") == 1 and "MapStateFailed" in types
    (failed,) = [e for e in history if e["type"] == "LambdaFunctionFailed"]
    assert json.loads(failed["lambdaFunctionFailedEventDetails"]["cause"])["errorMessage"] == "SKU-402 is out of stock"


def test_the_seeded_bulk_batch_has_a_history_of_over_1000_events(aws):
    """batch-bulk-restock: 90 items through the Map, each reserved and shipped; its history
    takes more than one page of 1,000 events."""
    sfn = aws("stepfunctions")
    assert seeded_statuses(sfn)["batch-bulk-restock"] == "SUCCEEDED"
    arn = f"arn:aws:states:{E.REGION}:{E.DEFAULT_ACCOUNT}:execution:{E.BATCH_MACHINE}:batch-bulk-restock"
    first = sfn.get_execution_history(executionArn=arn, maxResults=1000)
    assert len(first["events"]) == 1000 and first["nextToken"]
    history = seeded_history(sfn, "batch-bulk-restock")
    assert len(history) > 1000 and [e["type"] for e in history].count("MapIterationSucceeded") == 90


def test_the_express_machines_seeded_executions_show_in_its_metrics(aws):
    """AWS lists no EXPRESS executions; the six seeded ones (four delivered, one malformed,
    one timed out) are in its AWS/States metrics."""
    from datetime import datetime, timedelta, timezone

    machine = f"arn:aws:states:{E.REGION}:{E.DEFAULT_ACCOUNT}:stateMachine:{E.EVENTS_MACHINE}"
    cw = aws("cloudwatch")
    metrics = ("ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut")

    def sums():
        now = datetime.now(timezone.utc)
        queries = [{"Id": f"m{i}", "MetricStat": {"Metric": {
            "Namespace": "AWS/States", "MetricName": m,
            "Dimensions": [{"Name": "StateMachineArn", "Value": machine}]}, "Period": 60, "Stat": "Sum"}}
            for i, m in enumerate(metrics)]
        results = cw.get_metric_data(MetricDataQueries=queries, StartTime=now - timedelta(hours=3),
                                     EndTime=now + timedelta(minutes=5))["MetricDataResults"]
        return [sum(r["Values"]) for r in sorted(results, key=lambda r: r["Id"])]

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and sums() != [6, 4, 1, 1]:
        time.sleep(0.25)
    assert sums() == [6, 4, 1, 1]
    with pytest.raises(aws("stepfunctions").exceptions.StateMachineTypeNotSupported):
        aws("stepfunctions").list_executions(stateMachineArn=machine)


def test_events_and_schedules(aws):
    events = aws("events")
    rules = {r["Name"]: r for r in events.list_rules()["Rules"]}
    assert {"s3-upload-rule", "daily-cleanup", "inventory-sync", "legacy-report"} <= set(rules)
    assert rules["daily-cleanup"]["ScheduleExpression"] == "cron(0 3 * * ? *)"
    assert rules["inventory-sync"]["ScheduleExpression"] == "rate(5 minutes)"
    assert rules["legacy-report"]["State"] == "DISABLED"
    assert json.loads(rules["s3-upload-rule"]["EventPattern"])["detail"]["object"]["key"] == [{"prefix": "uploads/"}]
    (target,) = events.list_targets_by_rule(Rule="order-placed", EventBusName=E.ORDERS_BUS)["Targets"]
    assert target["Arn"].endswith(":stateMachine:order-processing") and target["RoleArn"].endswith(E.EVENTS_ROLE)
    scheduler = aws("scheduler")
    got = {
        s["Name"]: scheduler.get_schedule(Name=s["Name"], GroupName=s["GroupName"])
        for s in scheduler.list_schedules()["Schedules"]
    }
    assert got["black-friday-warmup"]["ScheduleExpression"] == "at(2026-12-01T09:00:00)"
    assert got["weekday-digest"]["ScheduleExpression"] == "cron(30 8 ? * MON-FRI *)"
    assert got["weekday-digest"]["ScheduleExpressionTimezone"] == "Europe/Berlin"
    assert ":function:" in got["weekday-digest"]["Target"]["Arn"]


def test_scheduled_rules_and_schedules_of_every_kind(aws):
    """A state machine sweeper, a rule whose target version does not exist; schedules in the
    reports group: a flexible Berlin cron with a retry policy, a failing rate() with a DLQ, a
    one-time at() tomorrow."""
    events = aws("events")
    rules = {r["Name"]: r for r in events.list_rules()["Rules"]}
    assert rules[E.SWEEPER_RULE]["ScheduleExpression"] == "rate(15 minutes)"
    (sweeper,) = events.list_targets_by_rule(Rule=E.SWEEPER_RULE)["Targets"]
    assert sweeper["Arn"].endswith(f":stateMachine:{E.BATCH_MACHINE}") and json.loads(sweeper["Input"]) == E.SWEEPER_INPUT
    (failing,) = events.list_targets_by_rule(Rule=E.FAILING_RULE)["Targets"]
    assert failing["Arn"].endswith(":function:cleanup:3") and failing["InputTransformer"]["InputPathsMap"] == {"at": "$.time"}
    scheduler = aws("scheduler")
    assert {g["Name"] for g in scheduler.list_schedule_groups()["ScheduleGroups"]} == {"default", E.SCHEDULE_GROUP}
    got = {s["Name"]: scheduler.get_schedule(Name=s["Name"], GroupName=E.SCHEDULE_GROUP)
           for s in scheduler.list_schedules(GroupName=E.SCHEDULE_GROUP)["Schedules"]}
    assert got["warehouse-rollup"]["FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 30}
    assert got["warehouse-rollup"]["ScheduleExpressionTimezone"] == "Europe/Berlin"
    assert got["warehouse-rollup"]["Target"]["RetryPolicy"] == {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600}
    partner = got[E.FAILING_SCHEDULE]["Target"]
    assert partner["Arn"].endswith(":function:send-confirmation:9")
    assert partner["DeadLetterConfig"]["Arn"].endswith(f":{E.SCHEDULER_DLQ}")
    assert re.fullmatch(r"at\(\d{4}-\d{2}-\d{2}T07:00:00\)", got["price-freeze"]["ScheduleExpression"])


def test_the_last_day_of_rule_and_schedule_metrics(aws):
    """Backfilled AWS/Events by RuleName: a fire every 5 minutes of MISSED_RULE's but one, two
    hours before seeding (GetMetricData: the embedded CloudWatch answers the last 3 hours of a
    series); the whole day is stored (GetMetricStatistics): the failing rule's invocations all
    failed; AWS/Scheduler by group: the failing schedule's attempts went to its DLQ."""
    from datetime import datetime, timedelta, timezone

    now = datetime.now(timezone.utc)
    cw = aws("cloudwatch")
    (recent,) = cw.get_metric_data(MetricDataQueries=[{"Id": "m", "MetricStat": {"Metric": {
        "Namespace": "AWS/Events", "MetricName": "Invocations", "Dimensions": [{"Name": "RuleName", "Value": E.MISSED_RULE}]},
        "Period": 60, "Stat": "Sum"}}], StartTime=now - timedelta(minutes=170), EndTime=now - timedelta(minutes=30),
        ScanBy="TimestampAscending")["MetricDataResults"]
    gaps = [b - a for a, b in zip(recent["Timestamps"], recent["Timestamps"][1:])]
    assert len(gaps) > 20 and [gap for gap in gaps if gap > timedelta(minutes=6)] == [timedelta(minutes=10)]

    def day(namespace: str, name: str, dims: dict) -> float:
        return sum(p["Sum"] for p in cw.get_metric_statistics(
            Namespace=namespace, MetricName=name, Dimensions=[{"Name": k, "Value": v} for k, v in dims.items()],
            StartTime=now - timedelta(hours=25), EndTime=now + timedelta(hours=1), Period=3600,
            Statistics=["Sum"])["Datapoints"])

    def rule(name: str, metric: str = "Invocations") -> float:
        return day("AWS/Events", metric, {"RuleName": name})

    assert rule(E.MISSED_RULE) >= 24 * 12 - 1 and rule(E.SWEEPER_RULE) >= 96  # plus any fired since
    assert rule("daily-cleanup", "TriggeredRules") >= 1 and rule("legacy-report", "TriggeredRules") == 0
    assert rule(E.FAILING_RULE) == rule(E.FAILING_RULE, "FailedInvocations") >= 24
    group = {"ScheduleGroup": E.SCHEDULE_GROUP}
    assert day("AWS/Scheduler", "InvocationAttemptCount", group) >= 48
    assert day("AWS/Scheduler", "InvocationsSentToDeadLetterCount", group) >= 48


def test_log_groups_and_lines(aws):
    logs = aws("logs")
    groups = {g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]}
    assert groups >= {f"/aws/lambda/{n}" for n in E.FUNCTION_NAMES} | {"/ecs/my-app"}
    (stream,) = logs.describe_log_streams(logGroupName="/aws/lambda/process-payment")["logStreams"]
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}", stream["logStreamName"])
    lines = [e["message"] for e in logs.get_log_events(logGroupName="/aws/lambda/process-payment", logStreamName=stream["logStreamName"])["events"]]
    assert lines[0].startswith("START RequestId: ")
    assert re.search(r"REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 512 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms", lines[4])
    assert any(line.startswith("[ERROR]") and "Traceback (most recent call last):" in line for line in lines)
    assert any(json.loads(line).get("level") == "INFO" for line in lines if line.startswith("{"))
    tasks = aws("ecs").list_tasks(cluster=E.CLUSTER)["taskArns"]
    ecs_streams = {s["logStreamName"] for s in logs.describe_log_streams(logGroupName="/ecs/my-app")["logStreams"]}
    assert ecs_streams == {f"app/app/{arn.rsplit('/', 1)[1]}" for arn in tasks}


def test_size_none_seeds_nothing(endpoint):
    seed_estate(endpoint, "none", account="111111111111")
    assert E.Clients(endpoint, "111111111111")("lambda").list_functions()["Functions"] == []


@pytest.mark.long
def test_large_estate_counts(in_process_moto):
    """Bulk seeding writes to the server's own backends (same process here)."""
    account = "222222222222"
    counts = seed_large(account=account)
    aws = E.Clients(in_process_moto, account)
    lam = aws("lambda")
    functions = sum(len(p["Functions"]) for p in lam.get_paginator("list_functions").paginate())
    assert functions == counts["functions"] >= 2000
    ecs = aws("ecs")
    clusters = ecs.list_clusters()["clusterArns"]
    assert len(clusters) == 5
    assert sum(len(ecs.list_services(cluster=c)["serviceArns"]) for c in clusters) == counts["services"] >= 200
    assert sum(len(ecs.list_tasks(cluster=c)["taskArns"]) for c in clusters) == counts["tasks"] >= 2000
    sfn = aws("stepfunctions")
    listed = [m for p in sfn.get_paginator("list_state_machines").paginate() for m in p["stateMachines"]]
    assert len(listed) == counts["state_machines"] >= 100
    express = [m for m in listed if m["type"] == "EXPRESS"]
    assert len(express) == counts["express_machines"] >= 1
    machines = [m for m in listed if m["type"] == "STANDARD"]
    executions = [e for m in machines[:3] for e in sfn.list_executions(stateMachineArn=m["stateMachineArn"])["executions"]]
    assert len(executions) == 3 * counts["executions"] // len(machines)
    assert {e["status"] for e in executions} <= {"SUCCEEDED", "FAILED"} and all("stopDate" in e for e in executions)
    failed = next(e for m in machines for e in sfn.list_executions(stateMachineArn=m["stateMachineArn"], statusFilter="FAILED")["executions"])
    assert sfn.describe_execution(executionArn=failed["executionArn"])["error"] == "States.TaskFailed"
    rules = sum(len(p["Rules"]) for p in aws("events").get_paginator("list_rules").paginate())
    assert rules == counts["rules"] >= 500
    # AWS/States metrics: what each STANDARD machine's records say, an hour of traffic per EXPRESS one
    from datetime import datetime, timedelta, timezone

    now = datetime.now(timezone.utc)
    first = machines[0]["stateMachineArn"]
    records = [e for p in sfn.get_paginator("list_executions").paginate(stateMachineArn=first) for e in p["executions"]]

    def total(machine: str, metric: str) -> float:
        query = {"Id": "q", "MetricStat": {"Metric": {"Namespace": "AWS/States", "MetricName": metric, "Dimensions": [
            {"Name": "StateMachineArn", "Value": machine}]}, "Period": 3600, "Stat": "Sum"}}
        (result,) = aws("cloudwatch").get_metric_data(MetricDataQueries=[query], StartTime=now - timedelta(hours=3),
                                                      EndTime=now + timedelta(minutes=5))["MetricDataResults"]
        return sum(result["Values"])

    assert total(first, "ExecutionsStarted") == len(records)
    assert total(first, "ExecutionsFailed") == sum(e["status"] == "FAILED" for e in records)
    assert total(express[0]["stateMachineArn"], "ExecutionsStarted") > 60 * 60
