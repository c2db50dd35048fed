"""A ManualClock that keeps the embedded AWS's clock in step with the console's;
`time_flies`, which moves a ManualClock whenever something waits on it; and InstantClock.

Metric delays, Lambda update windows and request-rate quotas in the embedded AWS read
its own clock (console.demo.clock); this clock sets it (POST /_opsdeck/clock) whenever
a test moves time, before any sleeper wakes, so the console and AWS agree on `now`.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager, suppress
from datetime import datetime, timezone
from typing import AsyncIterator

from console.clock import ManualClock
from console.demo import control


class SharedClock(ManualClock):
    def __init__(self, endpoint: str, start: datetime | None = None) -> None:
        super().__init__(start)
        self.endpoint = endpoint
        self.moved()

    def moved(self) -> None:
        control.set_clock(self.endpoint, self.now())  # on control's kept connection: thousands of moves a test


@asynccontextmanager
async def time_flies(clock: ManualClock, poll: float = 0.002) -> AsyncIterator[ManualClock]:
    """While inside, whenever a task sleeps on `clock`, move time to the earliest deadline
    at once: waits (botocore's retry delays, the adaptive rate limit) pass in their order
    and cost no real time. For tests where nothing else decides when time moves."""

    async def move() -> None:
        while True:
            await asyncio.sleep(poll)
            deadlines = [deadline for deadline, _, future in clock._sleepers if not future.done()]
            if deadlines:
                await clock.advance(max(0.0, min(deadlines) - clock.monotonic()))

    mover = asyncio.ensure_future(move())
    try:
        yield clock
    finally:
        mover.cancel()
        with suppress(asyncio.CancelledError):
            await mover


class InstantClock(ManualClock):
    """A ManualClock on which every sleep returns at once, moving time by what it slept (at
    least to the next instant a float holds, as ManualClock's sleepers wake)."""

    async def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._elapsed = self._after(seconds)
            self.moved()
        await asyncio.sleep(0)


class InstantSharedClock(SharedClock, InstantClock):
    """An InstantClock the embedded AWS follows, starting now: for a command that builds its
    own clock (console.clock.SystemClock) and would otherwise wait out real minutes."""

    def __init__(self, endpoint: str) -> None:
        super().__init__(endpoint, datetime.now(timezone.utc).replace(microsecond=0))
