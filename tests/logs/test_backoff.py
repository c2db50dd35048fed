"""Backoff under throttling: the policy as a state machine, and a tail throttled over HTTP."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from aiobotocore.config import AioConfig
from botocore.exceptions import ClientError, EndpointConnectionError

import console.aws.clients as clients
from console.aws.errors import ErrorClass, classify
from console.demo.faultproxy import FaultProxy
from console.cloudwatch.logs import Backoff, intervals
from console.cloudwatch.logs_feed import LogFeed
from tests.logs.conftest import LogWriter, context_for, real_now, wait_asleep
from console.clock import ManualClock


def throttle(code: str = "ThrottlingException") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "Rate exceeded"}}, "FilterLogEvents")


def test_policy_doubles_to_the_cap_and_resets_on_success():
    network = EndpointConnectionError(endpoint_url="http://x")
    denied = ClientError({"Error": {"Code": "AccessDeniedException"}}, "FilterLogEvents")
    outcomes = [None, throttle(), throttle(), throttle(), throttle(), throttle(), None, throttle(), network, denied, None]
    assert intervals(outcomes, base=2, cap=20) == [2, 4, 8, 16, 20, 20, 2, 4, 4, 4, 2]


def test_a_throttled_filter_log_events_error_doubles_the_interval():
    backoff = Backoff(base=2, cap=60)
    assert backoff.record(throttle()) == 4
    assert backoff.record(throttle("TooManyRequestsException")) == 8
    assert backoff.interval == 8
    assert backoff.record(None) == 2


@pytest.fixture
def one_attempt(monkeypatch):
    """botocore retries sleep in real time: one attempt per call, so the tail sees each throttle."""
    original = clients.client_config
    monkeypatch.setattr(clients, "client_config",
                        lambda: original().merge(AioConfig(retries={"mode": "standard", "total_max_attempts": 1})))


async def test_throttled_tail_backs_off_on_the_clock_and_loses_nothing(fresh_account, monkeypatch, one_attempt):
    fresh_account.use(monkeypatch)
    logs = LogWriter(fresh_account, "/g")
    with FaultProxy(fresh_account.endpoint, seed=3) as proxy:
        clock = ManualClock(logs_now := real_now())
        ctx = context_for(proxy.endpoint, clock)
        feed = LogFeed(ctx, "/g", since=logs_now - timedelta(minutes=1), live=False, keep_trying=True,
                       interval=2, fast_interval=None, max_interval=16)
        tail = feed.tail
        logs.put(logs_now - timedelta(seconds=10), "kept through the throttling")
        errors: list[BaseException] = []
        seen: list = []

        async def consume():
            async for batch in feed.batches():  # one a read, empty when it failed
                seen.extend(batch)
                if feed.error is not None:
                    errors.append(feed.error)

        proxy.set(throttle=1.0, services={"logs"})
        task = asyncio.create_task(consume())
        try:
            await wait_asleep(clock)
            assert tail.interval == 4 and len(errors) == 1
            # Asleep for 4 s now: 2 s later there is no new request, 4 s later there is.
            calls = proxy.count("logs", "FilterLogEvents")
            await clock.advance(2)
            await asyncio.sleep(0.2)
            assert proxy.count("logs", "FilterLogEvents") == calls
            await clock.advance(2)
            await wait_asleep(clock)
            assert proxy.count("logs", "FilterLogEvents") == calls + 1
            assert tail.interval == 8
            for expected in (16, 16):  # capped
                await clock.advance(tail.interval)
                await wait_asleep(clock)
                assert tail.interval == expected
            assert seen == [] and all(classify(e) is ErrorClass.THROTTLED for e in errors) and len(errors) == 4

            proxy.off()
            await clock.advance(tail.interval)
            await wait_asleep(clock)
            assert tail.interval == 2, "reset on success"
            assert [e.message for e in seen] == ["kept through the throttling"]
            await clock.advance(2)
            await wait_asleep(clock)
            assert len(seen) == 1
        finally:
            task.cancel()
            await ctx.pool.close()
