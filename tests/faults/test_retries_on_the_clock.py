"""botocore's retries wait on the console's Clock (console.aws.retries), not in real time.

Through the fault proxy, requests are counted as they arrive: with the pool on a
ManualClock, each retry is sent only once the test moves the clock past its delay, and
after a throttle adaptive mode's client-side rate limit holds requests until the clock
has refilled its bucket. STS is the AWS API here: the console's own, not a service panel's.
"""

from __future__ import annotations

import asyncio

import pytest
from botocore.exceptions import ClientError

from console.aws.clients import ClientPool, client_config
from console.clock import ManualClock
from console.demo.faultproxy import FaultProxy
from console.target import Target

ATTEMPTS = client_config().retries["max_attempts"] + 1  # botocore's max_attempts counts retries
MAX_BACKOFF = 20.0  # botocore's standard mode caps each retry delay at 20 s


@pytest.fixture
def proxy(endpoint):
    with FaultProxy(endpoint, seed=3) as running:
        yield running


async def until(predicate) -> None:
    """Let real I/O run until `predicate()` holds."""
    for _ in range(400):
        if predicate():
            return
        await asyncio.sleep(0.025)
    raise AssertionError("condition never became true")


async def asleep_or_done(clock: ManualClock, task: asyncio.Future) -> None:
    """Until `task` is done or asleep on the clock."""
    await until(lambda: task.done() or clock.sleepers >= 1)


async def real_moment() -> None:
    """A tenth of a second of real time, in which nothing waiting on the clock may move."""
    for _ in range(10):
        await asyncio.sleep(0.01)


async def test_each_retry_waits_for_the_clock(proxy):
    clock = ManualClock()
    pool = ClientPool(clock)
    try:
        sts = await pool.client(Target(None, "us-east-1", proxy.endpoint), "sts")
        proxy.set(throttle=1.0, services={"sts"})
        call = asyncio.ensure_future(sts.get_caller_identity())
        moves = 0
        while True:
            await asleep_or_done(clock, call)
            if call.done():
                break
            sent = proxy.count("sts", "GetCallerIdentity")
            await real_moment()  # real time passes, the clock stands still: no retry is sent
            assert proxy.count("sts", "GetCallerIdentity") == sent and not call.done()
            await clock.advance(MAX_BACKOFF)  # past the delay (one move may cover several)
            moves += 1
        with pytest.raises(ClientError) as throttled:
            await call
        assert throttled.value.response["Error"]["Code"] == "Throttling"
        assert proxy.count("sts", "GetCallerIdentity", fault="throttle") == ATTEMPTS
        assert 1 <= moves <= ATTEMPTS - 1

        proxy.off()  # the next call goes through at once, and is counted once
        assert (await sts.get_caller_identity())["Account"]
        assert proxy.count("sts", "GetCallerIdentity") == ATTEMPTS + 1
    finally:
        await pool.close()


async def test_after_a_throttle_the_adaptive_rate_limit_waits_for_the_clock(proxy):
    clock = ManualClock()
    pool = ClientPool(clock)
    try:
        sts = await pool.client(Target(None, "us-east-1", proxy.endpoint), "sts")
        proxy.set(throttle=1.0, services={"sts"})
        first = asyncio.ensure_future(sts.get_caller_identity())
        await asleep_or_done(clock, first)  # throttled once: the limiter is on now
        proxy.off()
        await clock.advance(MAX_BACKOFF)
        assert (await asyncio.wait_for(first, 30))["Account"]
        sent = proxy.count("sts", "GetCallerIdentity")
        assert sent == 2

        # With no time passing on the clock, the bucket holds its last token at most:
        # a burst of calls is sent one at a time as the clock refills it.
        burst = [asyncio.ensure_future(sts.get_caller_identity()) for _ in range(3)]
        await until(lambda: clock.sleepers >= 1)  # the ones without a token wait for one
        await real_moment()
        passed = proxy.count("sts", "GetCallerIdentity") - sent
        assert passed < 3 and not all(call.done() for call in burst), passed
        for _ in range(20):
            if all(call.done() for call in burst):
                break
            await clock.advance(2.0)  # a token at the slowest rate the limiter goes down to, 0.5/s
            await real_moment()
        results = await asyncio.wait_for(asyncio.gather(*burst), 30)
        assert all(r["Account"] for r in results)
        assert proxy.count("sts", "GetCallerIdentity") == sent + 3
        assert proxy.faults() == {"throttle": 1}
    finally:
        await pool.close()
