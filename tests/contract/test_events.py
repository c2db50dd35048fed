"""EventBridge and EventBridge Scheduler page sizes the console relies on, as AWS documents
them, on the embedded AWS.

Each test states one documented behaviour and names its source; the figures are restated
here, never read from console.aws.limits, so a wrong number there fails a test. botocore
checks only the minimum (1) of Limit/MaxResults on the client; what is above it reaches the
server. AWS documents no error text for a page size above the maximum: the embedded AWS
answers AWS's generic constraint error, ValidationException "1 validation error detected:
Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or
equal to 100" (for Scheduler ValidationException is the modelled error), our choice.
"""

from __future__ import annotations

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
