"""EventBridge and EventBridge Scheduler page sizes the console relies on, as AWS documents
them, on the embedded AWS.

Each test states one documented behaviour and names its source; the figures are restated
here, never read from console.aws.limits, so a wrong number there fails a test. botocore
checks only the minimum (1) of Limit/MaxResults on the client; what is above it reaches the
server. AWS documents no error text for a page size above the maximum: the embedded AWS
answers AWS's generic constraint error, ValidationException "1 validation error detected:
Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or
equal to 100" (for Scheduler ValidationException is the modelled error), our choice.

Then EventBridge rules' schedules: the expressions PutRule refuses, and scheduled rules firing
on the simulated clock (moved by the test, never waited for), delivering to SQS, Step Functions
and Lambda with their input, dead-letter queues and AWS/Events metrics. EventBridge Scheduler's
are in test_scheduler.py.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError


def refused_with_validation_error(call) -> None:
    with pytest.raises(ClientError) as caught:
        call()
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "less than or equal to 100" in caught.value.response["Error"]["Message"]


def queue_arn(account) -> str:
    sqs = account.client("sqs")
    url = sqs.create_queue(QueueName="targets")["QueueUrl"]
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def test_list_rules_returns_at_most_100_rules_per_page(fresh_account):
    """https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListRules.html:
    "The maximum number of results per page for requests is 100." (Limit: botocore shape
    LimitMax100, 1-100). Limit=100 pages 101 rules as 100 + 1; Limit=101 is refused."""
    events = fresh_account.client("events")
    for i in range(101):
        events.put_rule(Name=f"rule-{i:03d}", ScheduleExpression="rate(1 hour)")

    first = events.list_rules(Limit=100)
    assert len(first["Rules"]) == 100 and first.get("NextToken")
    rest = events.list_rules(Limit=100, NextToken=first["NextToken"])
    assert len(rest["Rules"]) == 1 and not rest.get("NextToken")
    refused_with_validation_error(lambda: events.list_rules(Limit=101))


def test_list_event_buses_limit_is_at_most_100(fresh_account):
    """https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListEventBuses.html,
    Limit: "Valid Range: Minimum value of 1. Maximum value of 100." (botocore shape
    LimitMax100). Limit=100 is accepted, Limit=101 refused."""
    events = fresh_account.client("events")
    events.create_event_bus(Name="orders")

    names = {bus["Name"] for bus in events.list_event_buses(Limit=100)["EventBuses"]}
    assert {"default", "orders"} <= names
    refused_with_validation_error(lambda: events.list_event_buses(Limit=101))


def test_list_rule_names_by_target_returns_at_most_100_names_per_page(fresh_account):
    """https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListRuleNamesByTarget.html:
    "The maximum number of results per page for requests is 100." (Limit: LimitMax100).
    Limit=100 pages 101 rules targeting one ARN as 100 + 1; Limit=101 is refused."""
    events = fresh_account.client("events")
    target = queue_arn(fresh_account)
    for i in range(101):
        events.put_rule(Name=f"rule-{i:03d}", ScheduleExpression="rate(1 hour)")
        events.put_targets(Rule=f"rule-{i:03d}", Targets=[{"Id": "queue", "Arn": target}])

    first = events.list_rule_names_by_target(TargetArn=target, Limit=100)
    assert len(first["RuleNames"]) == 100 and first.get("NextToken")
    rest = events.list_rule_names_by_target(TargetArn=target, Limit=100, NextToken=first["NextToken"])
    assert len(rest["RuleNames"]) == 1 and not rest.get("NextToken")
    refused_with_validation_error(lambda: events.list_rule_names_by_target(TargetArn=target, Limit=101))


def test_list_targets_by_rule_limit_is_at_most_100(fresh_account):
    """https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListTargetsByRule.html:
    "The maximum number of results per page for requests is 100." (Limit: LimitMax100).
    Limit=100 is accepted, Limit=101 refused."""
    events = fresh_account.client("events")
    events.put_rule(Name="hourly", ScheduleExpression="rate(1 hour)")
    events.put_targets(Rule="hourly", Targets=[{"Id": "queue", "Arn": queue_arn(fresh_account)}])

    assert len(events.list_targets_by_rule(Rule="hourly", Limit=100)["Targets"]) == 1
    refused_with_validation_error(lambda: events.list_targets_by_rule(Rule="hourly", Limit=101))


def test_list_schedules_max_results_is_at_most_100(fresh_account):
    """https://docs.aws.amazon.com/scheduler/latest/APIReference/API_ListSchedules.html,
    MaxResults: "Valid Range: Minimum value of 1. Maximum value of 100." (botocore shape
    MaxResults, 1-100; the operation models ValidationException). MaxResults=100 pages 101
    schedules as 100 + 1; MaxResults=101 is refused."""
    scheduler = fresh_account.client("scheduler")
    target = {"Arn": queue_arn(fresh_account), "RoleArn": f"arn:aws:iam::{fresh_account.id}:role/scheduler"}
    for i in range(101):
        scheduler.create_schedule(Name=f"every-{i:03d}", ScheduleExpression="rate(1 hour)",
                                  FlexibleTimeWindow={"Mode": "OFF"}, Target=target)

    first = scheduler.list_schedules(MaxResults=100)
    assert len(first["Schedules"]) == 100 and first.get("NextToken")
    rest = scheduler.list_schedules(MaxResults=100, NextToken=first["NextToken"])
    assert len(rest["Schedules"]) == 1 and not rest.get("NextToken")
    refused_with_validation_error(lambda: scheduler.list_schedules(MaxResults=101))


def test_list_schedule_groups_max_results_is_at_most_100(fresh_account):
    """https://docs.aws.amazon.com/scheduler/latest/APIReference/API_ListScheduleGroups.html,
    MaxResults: "Valid Range: Minimum value of 1. Maximum value of 100." MaxResults=100 is
    accepted, MaxResults=101 refused."""
    scheduler = fresh_account.client("scheduler")
    scheduler.create_schedule_group(Name="nightly")

    names = {group["Name"] for group in scheduler.list_schedule_groups(MaxResults=100)["ScheduleGroups"]}
    assert "nightly" in names
    refused_with_validation_error(lambda: scheduler.list_schedule_groups(MaxResults=101))


# -- schedule expressions ----------------------------------------------------------------------

INVALID_RULE_EXPRESSIONS = (
    "cron(bad)", "cron(0 3 * * ?)", "cron(0 3 * * ? * *)", "cron(0 1 * * * *)", "cron(0 3 ? * ? *)",
    "cron(71 8 1 * ? *)", "cron(7 20 * * NOT *)", "cron(0 dummy ? * MON-FRI *)", "cron()",
    "rate(1 minutes)", "rate(5 minute)", "rate(0 minutes)", "rate(-10 minutes)", "rate(10 seconds)",
    "rate(10 MINUTES)", "rate( 10 minutes )", " rate(10 minutes)", "rate(10)", "rate()",
    "at(2030-01-01T09:00:00)",
)


def test_put_rule_refuses_an_invalid_schedule_expression_with_awss_one_message(fresh_account):
    """EventBridge user guide, eb-cron-expressions (six fields; "You can't specify the
    Day-of-month and Day-of-week fields in the same cron expression") and eb-rate-expressions
    ("If the value is equal to 1, then the unit must be singular ... greater than 1, the unit must
    be plural"; a positive number; minute(s)/hour(s)/day(s)); rules take cron() and rate() only.
    AWS answers every one with ValidationException "Parameter ScheduleExpression is not valid."
    (observed: winglang/wing#7115, cds-snc/notification-terraform#344; LocalStack's
    AWS-validated PutRule snapshots). Valid ones are stored."""
    events = fresh_account.client("events")
    for expression in INVALID_RULE_EXPRESSIONS:
        with pytest.raises(ClientError) as caught:
            events.put_rule(Name="bad", ScheduleExpression=expression)
        error = caught.value.response["Error"]
        assert (error["Code"], error["Message"]) == ("ValidationException", "Parameter ScheduleExpression is not valid."), expression
    valid = ("cron(0 3 * * ? *)", "cron(0/15 8-17 ? * MON-FRI *)", "cron(15 10 ? * 6L 2030-2035)",
             "cron(0 2 ? * SAT#3 *)", "rate(1 minute)", "rate(5 minutes)", "rate(1 day)")
    for i, expression in enumerate(valid):
        events.put_rule(Name=f"good-{i}", ScheduleExpression=expression)
    assert {r["ScheduleExpression"] for r in events.list_rules(NamePrefix="good-")["Rules"]} == set(valid)


def test_a_schedule_expression_is_refused_on_a_custom_bus(fresh_account):
    """EventBridge user guide, eb-create-rule-schedule: scheduled rules run on the default event
    bus only; PutRule on another bus answers ValidationException "ScheduleExpression is
    supported only on the default event bus." (LocalStack's AWS-validated snapshot)."""
    events = fresh_account.client("events")
    events.create_event_bus(Name="orders")
    with pytest.raises(ClientError) as caught:
        events.put_rule(Name="sweep", EventBusName="orders", ScheduleExpression="rate(5 minutes)")
    assert caught.value.response["Error"]["Message"] == "ScheduleExpression is supported only on the default event bus."


# -- firing on the simulated clock -------------------------------------------------------------


def make_queue(account, name: str) -> tuple[str, str]:
    sqs = account.client("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def bodies(account, url: str) -> list:
    """Every message in the queue, parsed (each received once)."""
    sqs = account.client("sqs")
    found = []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return found
        for message in messages:
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def move_to(clock, moment) -> None:
    asyncio.run(clock.advance((moment - clock.now()).total_seconds()))


def rule_sums(account, rule: str, start, end, names=("TriggeredRules", "Invocations", "FailedInvocations")) -> dict:
    queries = [{"Id": f"m{i}", "MetricStat": {"Metric": {"Namespace": "AWS/Events", "MetricName": name, "Dimensions": [
        {"Name": "RuleName", "Value": rule}]}, "Period": 60, "Stat": "Sum"}} for i, name in enumerate(names)]
    results = account.client("cloudwatch").get_metric_data(MetricDataQueries=queries, StartTime=start - timedelta(minutes=1),
                                                           EndTime=end)["MetricDataResults"]
    return {names[int(r["Id"][1:])]: sum(r["Values"]) for r in results}


def next_minute(moment, plus: int = 1):
    return moment.replace(second=0, microsecond=0) + timedelta(minutes=plus)


def early_in_a_minute(clock):
    """Move to 10 s into the next minute: a rate(1 minute) made now fires once in the next 61 s
    (made at 12:00:59, its second fire falls in the minute of 12:02, which has begun by 12:02:00)."""
    moment = next_minute(clock.now()) + timedelta(seconds=10)
    move_to(clock, moment)
    return moment


def test_a_rate_rule_fires_each_period_from_its_creation_with_the_scheduled_event(fresh_account, shared_clock):
    """eb-rate-expressions: "A rate expression starts when you create the scheduled event rule";
    without Input the target receives the scheduled event (eb-run-lambda-schedule, eb-events):
    detail-type "Scheduled Event", source "aws.events", resources [the rule's ARN], detail {}.
    eb-monitoring: TriggeredRules and Invocations by RuleName count each fire. The minute is the
    precision ("Your scheduled rule runs within that minute"): a fire due at 12:02:20 is in the
    minute of 12:02, not before it."""
    created = next_minute(shared_clock.now()) + timedelta(seconds=20)
    move_to(shared_clock, created)
    url, arn = make_queue(fresh_account, "ticks")
    events = fresh_account.client("events")
    rule_arn = events.put_rule(Name="every-2", ScheduleExpression="rate(2 minutes)")["RuleArn"]
    events.put_targets(Rule="every-2", Targets=[{"Id": "q", "Arn": arn}])

    move_to(shared_clock, created + timedelta(seconds=99))  # the minute before the first fire's
    assert bodies(fresh_account, url) == []
    move_to(shared_clock, created + timedelta(minutes=4, seconds=1))
    got = bodies(fresh_account, url)
    assert [b["time"] for b in got] == [f"{created + timedelta(minutes=m):%Y-%m-%dT%H:%M:00Z}" for m in (2, 4)]
    event = got[0]
    assert (event["detail-type"], event["source"], event["resources"], event["detail"]) == \
        ("Scheduled Event", "aws.events", [rule_arn], {})
    assert (event["account"], event["region"], event["version"]) == (fresh_account.id, "us-east-1", "0")
    assert rule_sums(fresh_account, "every-2", created, created + timedelta(minutes=5)) == \
        {"TriggeredRules": 2, "Invocations": 2, "FailedInvocations": 0}


def test_a_cron_rule_fires_at_its_utc_minute_and_a_disabled_one_never(fresh_account, shared_clock):
    """eb-scheduled-rule-pattern: cron expressions are in UTC, the minute is the finest
    precision. A DISABLED rule does not run (API_PutRule, State)."""
    at = next_minute(shared_clock.now(), 2)
    url, arn = make_queue(fresh_account, "cron")
    events = fresh_account.client("events")
    expression = f"cron({at.minute} {at.hour} * * ? *)"
    for name, state in (("on", "ENABLED"), ("off", "DISABLED")):
        events.put_rule(Name=name, ScheduleExpression=expression, State=state)
        events.put_targets(Rule=name, Targets=[{"Id": "q", "Arn": arn, "Input": json.dumps({"rule": name})}])
    move_to(shared_clock, at - timedelta(seconds=1))
    assert bodies(fresh_account, url) == []
    move_to(shared_clock, at + timedelta(minutes=3))
    assert bodies(fresh_account, url) == [{"rule": "on"}]


def test_input_input_path_and_input_transformer_shape_what_the_target_gets(fresh_account, shared_clock):
    """eb-transform-target-input: Input is passed as is; InputPath selects part of the event;
    InputTransformer fills InputTemplate from InputPathsMap (a string value inside quotes goes in
    as text, elsewhere as JSON) and the predefined <aws.events.rule-name>."""
    start = early_in_a_minute(shared_clock)
    url, arn = make_queue(fresh_account, "shaped")
    events = fresh_account.client("events")
    events.put_rule(Name="shaped", ScheduleExpression="rate(1 minute)")
    events.put_targets(Rule="shaped", Targets=[
        {"Id": "input", "Arn": arn, "Input": '{"fixed": true}'},
        {"Id": "path", "Arn": arn, "InputPath": "$.resources"},
        {"Id": "transformer", "Arn": arn, "InputTransformer": {
            "InputPathsMap": {"kind": "$.detail-type", "account": "$.account", "detail": "$.detail"},
            "InputTemplate": '{"what": "<kind> for <account>", "detail": <detail>, "rule": "<aws.events.rule-name>"}'}},
    ])
    move_to(shared_clock, start + timedelta(seconds=61))
    got = bodies(fresh_account, url)
    rule_arn = f"arn:aws:events:us-east-1:{fresh_account.id}:rule/shaped"
    assert sorted(got, key=json.dumps) == sorted([
        {"fixed": True}, [rule_arn],
        {"what": f"Scheduled Event for {fresh_account.id}", "detail": {}, "rule": "shaped"},
    ], key=json.dumps)


def test_a_rule_starts_a_state_machine_execution_with_the_event(fresh_account, shared_clock):
    """eb-targets: a Step Functions state machine target runs StartExecution with the event as
    the execution's input."""
    start = early_in_a_minute(shared_clock)
    sfn = fresh_account.client("stepfunctions")
    machine = sfn.create_state_machine(
        name="sweeper", roleArn=f"arn:aws:iam::{fresh_account.id}:role/sfn",
        definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}))["stateMachineArn"]
    events = fresh_account.client("events")
    events.put_rule(Name="sweep", ScheduleExpression="rate(1 minute)")
    events.put_targets(Rule="sweep", Targets=[{"Id": "m", "Arn": machine,
                                                "RoleArn": f"arn:aws:iam::{fresh_account.id}:role/events"}])
    move_to(shared_clock, start + timedelta(seconds=61))
    (execution,) = sfn.list_executions(stateMachineArn=machine)["executions"]
    given = json.loads(sfn.describe_execution(executionArn=execution["executionArn"])["input"])
    assert given["detail-type"] == "Scheduled Event" and given["resources"] == [
        f"arn:aws:events:us-east-1:{fresh_account.id}:rule/sweep"]


def test_a_lambda_target_is_invoked_and_a_missing_version_is_a_failed_invocation(fresh_account, shared_clock):
    """Lambda developer guide: EventBridge invokes functions asynchronously, so the call fails
    only when Lambda refuses it (here: a version that does not exist, ResourceNotFoundException,
    a 4xx EventBridge does not retry: re:Post eventbridge-resolve-failedinvocation-errors).
    eb-monitoring: Invocations counts it, FailedInvocations counts the refused one. The invoked
    function's runtime writes its START/REPORT lines."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return event\n")
    lam = fresh_account.client("lambda")
    role = fresh_account.client("iam").create_role(RoleName="lambda", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    arn = lam.create_function(FunctionName="nightly", Runtime="python3.12", Handler="app.handler", Role=role,
                              Code={"ZipFile": buffer.getvalue()})["FunctionArn"]
    events = fresh_account.client("events")
    start = early_in_a_minute(shared_clock)
    for name, target in (("works", arn), ("broken", f"{arn}:7")):
        events.put_rule(Name=name, ScheduleExpression="rate(1 minute)")
        events.put_targets(Rule=name, Targets=[{"Id": "fn", "Arn": target}])
    move_to(shared_clock, start + timedelta(seconds=61))
    lines = [e["message"] for e in fresh_account.client("logs").filter_log_events(
        logGroupName="/aws/lambda/nightly")["events"]]
    assert sum(line.startswith("START RequestId:") for line in lines) == 1
    assert rule_sums(fresh_account, "works", start, start + timedelta(minutes=2)) == \
        {"TriggeredRules": 1, "Invocations": 1, "FailedInvocations": 0}
    assert rule_sums(fresh_account, "broken", start, start + timedelta(minutes=2)) == \
        {"TriggeredRules": 1, "Invocations": 1, "FailedInvocations": 1}


def test_a_refused_event_goes_to_the_targets_dead_letter_queue(fresh_account, shared_clock):
    """eb-rule-dlq: an event not delivered to a target goes to the target's DeadLetterConfig SQS
    queue, the event as the body, with the RULE_ARN, TARGET_ARN, ERROR_CODE and ERROR_MESSAGE
    message attributes; eb-monitoring: InvocationsSentToDlq by RuleName counts it."""
    start = early_in_a_minute(shared_clock)
    dlq_url, dlq = make_queue(fresh_account, "dlq")
    missing = f"arn:aws:lambda:us-east-1:{fresh_account.id}:function:gone"
    events = fresh_account.client("events")
    rule_arn = events.put_rule(Name="lost", ScheduleExpression="rate(1 minute)")["RuleArn"]
    events.put_targets(Rule="lost", Targets=[{"Id": "fn", "Arn": missing, "DeadLetterConfig": {"Arn": dlq}}])
    move_to(shared_clock, start + timedelta(seconds=61))
    (message,) = fresh_account.client("sqs").receive_message(QueueUrl=dlq_url, MessageAttributeNames=["All"])["Messages"]
    attributes = {k: v["StringValue"] for k, v in message["MessageAttributes"].items()}
    assert json.loads(message["Body"])["resources"] == [rule_arn]
    assert (attributes["RULE_ARN"], attributes["TARGET_ARN"], attributes["ERROR_CODE"]) == \
        (rule_arn, missing, "ResourceNotFoundException")
    assert rule_sums(fresh_account, "lost", start, start + timedelta(minutes=2),
                     ("FailedInvocations", "InvocationsSentToDlq")) == {"FailedInvocations": 1, "InvocationsSentToDlq": 1}
