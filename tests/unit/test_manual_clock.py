"""ManualClock, the time tests move: sleepers wake in order, and a positive sleep always
moves time, as real time does (InstantClock's too)."""

from __future__ import annotations

import asyncio

from console.clock import ManualClock


async def test_sleepers_wake_in_deadline_order_as_time_passes():
    clock = ManualClock()
    woke: list[str] = []

    async def nap(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append(name)

    tasks = [asyncio.ensure_future(nap("late", 3)), asyncio.ensure_future(nap("early", 1))]
    await asyncio.sleep(0)
    await clock.advance(2)
    assert woke == ["early"] and clock.monotonic() == 2
    await clock.advance(1)
    assert woke == ["early", "late"]
    await asyncio.gather(*tasks)


async def test_a_sleep_too_short_to_add_to_the_time_still_moves_it():
    """A waiter re-checking a rate limit may ask for 1e-17 s more: that sleep must move time,
    or the waiter would ask again at the same instant forever, inside one `advance`."""
    clock = ManualClock()
    await clock.advance(115.0)
    assert 115.0 + 1e-17 == 115.0
    start = clock.monotonic()
    naps = 0

    async def waiter() -> None:
        nonlocal naps
        while clock.monotonic() == start:
            naps += 1
            await clock.sleep(1e-17)

    task = asyncio.ensure_future(waiter())
    await asyncio.sleep(0)
    await asyncio.wait_for(clock.advance(1), 5)
    assert task.done() and naps == 1 and start < clock.monotonic()


async def test_an_instant_clock_moves_time_by_a_sleep_too_short_to_add():
    """The same for InstantClock (tests/clock.py), whose sleeps return at once: an
    aiobotocore token bucket on it, a rounding error short of a token, waits once."""
    from console.aws.retries import ClockTokenBucket
    from tests.clock import InstantClock

    clock = InstantClock()
    await clock.sleep(115.0)
    bucket = ClockTokenBucket(max_rate=1, clock=clock)
    await bucket.acquire()  # the bucket's first look at the clock
    bucket._current_capacity = 1 - 1e-16  # tokens are floats: 1e-16 s short at 1 a second
    naps = 0
    sleep = bucket._sleep

    async def counted(seconds: float) -> None:
        nonlocal naps
        naps += 1
        await sleep(seconds)

    bucket._sleep = counted
    await asyncio.wait_for(bucket.acquire(), 5)
    assert naps == 1 and clock.monotonic() > 115.0
