"""EventBridge action tests: rules, schedules, a queue and a function in the test's own account
on the embedded server, read back through boto3; the console acts through a context on it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from console.aws.clients import ClientPool
from console.aws.context import AwsContext
from console.clock import ManualClock
from console.target import Target

ROLE = "arn:aws:iam::{account}:role/opsdeck-events"
PATTERN = {"source": ["shop.orders"], "detail-type": ["OrderPlaced"], "detail": {"total": [{"numeric": [">", 0]}]}}


class Estate:
    """What a test creates in its account, and how it reads AWS state back (boto3 over HTTP)."""

    def __init__(self, account) -> None:
        self.account = account
        self.events = account.client("events")
        self.scheduler = account.client("scheduler")
        self.sqs = account.client("sqs")
        self.role = ROLE.format(account=account.id)

    # Scheduler ---------------------------------------------------------------------------
    def schedule(self, name: str, group: str = "default", state: str = "ENABLED", **extra) -> str:
        if group != "default":
            try:
                self.scheduler.create_schedule_group(Name=group)
            except self.scheduler.exceptions.ConflictException:
                pass
        spec = {
            "ScheduleExpression": "cron(30 8 ? * MON-FRI *)", "ScheduleExpressionTimezone": "Europe/Berlin",
            "FlexibleTimeWindow": {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15},
            "Description": "weekday digest", "State": state,
            "Target": {"Arn": f"arn:aws:lambda:us-east-1:{self.account.id}:function:digest", "RoleArn": self.role,
                       "Input": json.dumps({"schedule": name}),
                       "RetryPolicy": {"MaximumRetryAttempts": 7, "MaximumEventAgeInSeconds": 3600},
                       "DeadLetterConfig": {"Arn": f"arn:aws:sqs:us-east-1:{self.account.id}:digest-dlq"}},
            **extra,
        }
        return self.scheduler.create_schedule(Name=name, GroupName=group, **spec)["ScheduleArn"]

    def get_schedule(self, name: str, group: str = "default") -> dict:
        return self.scheduler.get_schedule(Name=name, GroupName=group)

    # EventBridge ---------------------------------------------------------------------------
    def bus(self, name: str) -> str:
        return self.events.create_event_bus(Name=name)["EventBusArn"]

    def rule(self, name: str, bus: str = "default", pattern: dict | None = None, state: str = "ENABLED") -> str:
        return self.events.put_rule(Name=name, EventBusName=bus, State=state,
                                    EventPattern=json.dumps(pattern or PATTERN))["RuleArn"]

    def queue(self, name: str) -> tuple[str, str]:
        url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        return url, arn

    def received(self, url: str) -> list[dict]:
        messages = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(m["Body"]) for m in messages]


@pytest.fixture
def estate(fresh_account, monkeypatch) -> Estate:
    fresh_account.use(monkeypatch)
    return Estate(fresh_account)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def ctx(estate, clock):
    pool = ClientPool(clock)
    try:
        yield AwsContext(pool, Target(None, "us-east-1", estate.account.endpoint))
    finally:
        await pool.close()


@pytest.fixture
def opsdeck(estate):
    """Run `opsdeck ARGS...` against the test's account; the click Result."""
    from console.cli import main

    def run(*args: str, input: str | None = None):
        return CliRunner().invoke(main, ["--endpoint-url", estate.account.endpoint, "--region", "us-east-1", *args],
                                  input=input)
    return run
