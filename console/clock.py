"""The one source of time for console/.

Nothing in console/ calls time.time, datetime.now or asyncio.sleep directly (a test
enforces it): the composition root injects a Clock, so tests move time instead of
waiting for poll intervals and canary windows.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
import time
from datetime import datetime, timedelta, timezone
from typing import Awaitable, Protocol


async def first_of(*waits: Awaitable) -> list[asyncio.Future]:
    """Until one of `waits` is done (a sleep on the clock, an event); the others are
    cancelled. Their futures, in order, to see which one it was."""
    futures = [asyncio.ensure_future(wait) for wait in waits]
    try:
        await asyncio.wait(futures, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for future in futures:
            future.cancel()
    return futures


class Clock(Protocol):
    def now(self) -> datetime:
        """Wall-clock time, timezone-aware UTC."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards; for ages and intervals."""

    async def sleep(self, seconds: float) -> None:
        """Suspend the calling task for `seconds` of this clock's time."""


class SystemClock:
    """Real time."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class ManualClock:
    """Time that only moves when a test calls `advance`.

    Sleepers wake in deadline order as time passes them; `advance` yields to the event
    loop after each wake-up so the woken tasks run before time moves on.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._start = start or datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
        self._elapsed = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self._elapsed)

    def monotonic(self) -> float:
        return self._elapsed

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._after(seconds), next(self._order), future))
        await future

    def _after(self, seconds: float) -> float:
        """The time `seconds` (> 0) from now: later than now even when `seconds` is less than a
        float can add to `_elapsed`, as real time moves (a waiter re-checking a rate limit
        would otherwise ask again at the same instant, forever)."""
        return max(self._elapsed + seconds, math.nextafter(self._elapsed, math.inf))

    @property
    def sleepers(self) -> int:
        """How many tasks are asleep on this clock (tests wait for a loop to go back to sleep)."""
        return sum(not future.done() for _, _, future in self._sleepers)

    async def advance(self, seconds: float) -> None:
        """Move time forward, waking every sleeper whose deadline passes, in order."""
        target = self._elapsed + seconds
        while self._sleepers and self._sleepers[0][0] <= target:
            deadline, _, future = heapq.heappop(self._sleepers)
            if deadline > self._elapsed:
                self._elapsed = deadline
                self.moved()
            if not future.done():
                future.set_result(None)
            for _ in range(5):
                await asyncio.sleep(0)
        if target > self._elapsed:
            self._elapsed = target
            self.moved()
        await asyncio.sleep(0)

    async def jump(self, seconds: float) -> None:
        """Move time forward at once, as over a laptop's sleep: nothing runs meanwhile, and
        every sleeper whose deadline passes wakes once, at the end. (`advance` wakes them in
        order, so an hour of it is an hour of polling.)"""
        target = self._elapsed + seconds
        if target > self._elapsed:
            self._elapsed = target
            self.moved()
        while self._sleepers and self._sleepers[0][0] <= target:
            _, _, future = heapq.heappop(self._sleepers)
            if not future.done():
                future.set_result(None)
        await asyncio.sleep(0)

    def moved(self) -> None:
        """Called whenever time moves forward, before any sleeper wakes; a subclass keeps
        another clock in step (tests: the embedded AWS's, see tests/clock.py)."""
