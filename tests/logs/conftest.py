"""A tail over HTTP on a fresh account, its clock set to real now (CloudWatch rejects far-off stamps)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from console.aws.clients import ClientPool
from console.aws.context import AwsContext
from console.clock import ManualClock
from console.cloudwatch.logs import to_ms
from console.target import Target


def real_now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def context_for(endpoint: str, clock: ManualClock) -> AwsContext:
    return AwsContext(ClientPool(clock), Target(None, "us-east-1", endpoint))


class LogWriter:
    """Writes lines at chosen timestamps with PutLogEvents, as the Lambda runtime would."""

    def __init__(self, account, group: str) -> None:
        self.logs = account.client("logs")
        self.group = group
        self.logs.create_log_group(logGroupName=group)
        self.streams: set[str] = set()

    def put(self, at: datetime, message: str, stream: str = "s1") -> None:
        self.put_many([(at, message)], stream)

    def put_many(self, lines: list[tuple[datetime, str]], stream: str = "s1") -> None:
        if stream not in self.streams:
            self.logs.create_log_stream(logGroupName=self.group, logStreamName=stream)
            self.streams.add(stream)
        answer = self.logs.put_log_events(
            logGroupName=self.group, logStreamName=stream,
            logEvents=[{"timestamp": to_ms(at), "message": m} for at, m in lines],
        )
        assert "rejectedLogEventsInfo" not in answer, answer


@pytest.fixture
def t0() -> datetime:
    """The tail's start: half an hour ago, so everything written is inside CloudWatch's limits."""
    return real_now() - timedelta(minutes=30)


@pytest.fixture
async def tail_env(fresh_account, monkeypatch, t0):
    fresh_account.use(monkeypatch)
    clock = ManualClock(t0)
    ctx = context_for(fresh_account.endpoint, clock)
    try:
        yield fresh_account, clock, ctx
    finally:
        await ctx.pool.close()


async def wait_asleep(clock: ManualClock, seconds: float = 30.0) -> None:
    """Until the feed's task is asleep on the clock again (its HTTP calls are real)."""
    for _ in range(int(seconds / 0.01)):
        if clock.sleepers:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the tail never went back to sleep")
