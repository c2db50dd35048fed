"""Fixtures for the guarded-action tests: a fresh account with rules, and a console context on it."""

from __future__ import annotations

import pytest

from console.audit import AuditLog
from console.aws.clients import ClientPool
from console.aws.context import AwsContext
from console.clock import ManualClock
from console.config import Settings
from console.target import Target


class Rules:
    """Rules created in the test's own account, read back through boto3."""

    def __init__(self, account) -> None:
        self.account = account
        self.events = account.client("events")

    def create(self, name: str, bus: str = "default", state: str = "ENABLED") -> str:
        if bus != "default":
            try:
                self.events.create_event_bus(Name=bus)
            except self.events.exceptions.ResourceAlreadyExistsException:
                pass
        # AWS allows schedules only on the default bus; other buses get a pattern rule
        spec = {"ScheduleExpression": "rate(5 minutes)"} if bus == "default" else {
            "EventPattern": '{"source": ["shop.orders"]}'}
        return self.events.put_rule(Name=name, EventBusName=bus, State=state, **spec)["RuleArn"]

    def state(self, name: str, bus: str = "default") -> str:
        return self.events.describe_rule(Name=name, EventBusName=bus)["State"]


@pytest.fixture
def rules(fresh_account, monkeypatch) -> Rules:
    fresh_account.use(monkeypatch)
    return Rules(fresh_account)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def ctx(rules, clock):
    pool = ClientPool(clock)
    try:
        yield AwsContext(pool, Target(None, "us-east-1", rules.account.endpoint))
    finally:
        await pool.close()


@pytest.fixture
def audit(tmp_path, clock) -> AuditLog:
    return AuditLog(tmp_path / "state" / "audit.jsonl", clock)


@pytest.fixture
def runner(ctx, audit):
    from console.actions.runner import Runner

    return Runner(ctx, audit, Settings())
