"""botocore's retries, waiting on the injected Clock instead of real time.

aiobotocore waits in three places between one attempt of a call and the next:

- the endpoint sleeps the retry delay its handlers computed (`AioEndpoint._sleep`, the hook
  aiobotocore itself overrides for its anyio endpoint);
- in adaptive mode (opsdeck's, see console.aws.clients) a client-side rate limiter holds
  requests back after throttles: a token bucket refilled by elapsed time, whose waiter
  times out after the time the next token needs;
- the standard retry handler sleeps before giving up a long-polling operation (SQS
  ReceiveMessage, Step Functions GetActivityTask) when the retry quota is spent.

`use_clock(client, clock)` moves all three onto the pool's Clock, keeping botocore's
retry config, delays, quota and user agent (`cfg/retry-mode#adaptive`) as they are. Under
the SystemClock a wait is the same real wait as before; under a ManualClock a retry waits
for the test to move time, so tests of throttling and errors cost no real seconds.
Socket timeouts (connect_timeout, read_timeout) are the network's, not a wait, and stay real.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiobotocore.retries.adaptive import AsyncClientRateLimiter
from aiobotocore.retries.bucket import AsyncTokenBucket
from aiobotocore.retries.standard import AioRetryHandler
from botocore.retries import standard, throttling
from botocore.retries.adaptive import RateClocker

from console.clock import Clock


class _Seconds:
    """botocore's clock interface (`current_time()`, seconds) read from a Clock."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def current_time(self) -> float:
        return self._clock.monotonic()


class ClockTokenBucket(AsyncTokenBucket):
    """aiobotocore's token bucket, refilled and waited on by `clock`.

    aiobotocore waits for a new fill rate with `asyncio.wait_for(condition.wait(), seconds)`;
    here a timer on the clock rings the condition after `seconds` instead. Waiters re-check
    the capacity whenever they wake (AsyncTokenBucket._acquire loops), so a ring that wakes
    another waiter too only makes it check again.
    """

    def __init__(self, max_rate: float, clock: Clock) -> None:
        self._sleep = clock.sleep
        super().__init__(max_rate, _Seconds(clock))

    async def _wait_for_new_fill_rate(self, sleep_amount: float) -> None:
        timer = asyncio.ensure_future(self._ring_after(sleep_amount))
        try:
            await self._new_fill_rate_condition.wait()
        finally:
            timer.cancel()

    async def _ring_after(self, seconds: float) -> None:
        await self._sleep(seconds)
        async with self._new_fill_rate_condition:
            self._new_fill_rate_condition.notify_all()


def clock_rate_limiter(clock: Clock) -> AsyncClientRateLimiter:
    """What aiobotocore.retries.adaptive.register_retry_handler builds, on `clock`."""
    seconds = _Seconds(clock)
    return AsyncClientRateLimiter(
        rate_adjustor=throttling.CubicCalculator(starting_max_rate=0, start_time=seconds.current_time()),
        rate_clocker=RateClocker(seconds),
        token_bucket=ClockTokenBucket(max_rate=1, clock=clock),
        throttling_detector=standard.ThrottlingErrorDetector(retry_event_adapter=standard.RetryEventAdapter()),
        clock=seconds,
    )


def _handler_owners(client: Any, event: str, kind: type) -> list[Any]:
    """The objects of type `kind` whose bound methods handle `event` on this client.

    botocore's event system has no public way to list handlers; the emitter's trie is read
    here, in one place, and use_clock fails loudly if aiobotocore stops registering them so.
    """
    handlers = client.meta.events._emitter._handlers.prefix_search(event)
    owners = []
    for handler in handlers:
        owner = getattr(handler, "__self__", None)
        if isinstance(owner, kind) and owner not in owners:
            owners.append(owner)
    return owners


def use_clock(client: Any, clock: Clock) -> None:
    """Make every retry wait of this (just created) aiobotocore client wait on `clock`."""
    client._endpoint._sleep = clock.sleep
    operation_event = f"needs-retry.{client.meta.service_model.service_id.hyphenize()}"
    for handler in _handler_owners(client, operation_event, AioRetryHandler):
        handler._sleep = clock.sleep
    if client.meta.config.retries.get("mode") != "adaptive":
        return
    events = client.meta.events
    registered = _handler_owners(client, "before-send", AsyncClientRateLimiter)
    if len(registered) != 1:
        raise RuntimeError(f"expected aiobotocore's one adaptive rate limiter on the client, found {registered}")
    events.unregister("before-send", registered[0].on_sending_request)
    events.unregister("needs-retry", registered[0].on_receiving_response)
    limiter = clock_rate_limiter(clock)
    events.register("before-send", limiter.on_sending_request)
    events.register("needs-retry", limiter.on_receiving_response)
