"""opsdeck's share of the account's API quotas.

AWS's request-rate quotas are per account and region (console.aws.limits): a console
left open shares them with the account's deploy pipelines and everyone else's tools.
Two rules follow, both enforced here for every request opsdeck's clients send:

- Never more than AWS allows: each quota is a token bucket (its documented rate and
  bucket size) that a request waits for, on the injected clock, before it is sent. A
  first load or a refresh the user asked for may go that fast. Requests waiting for a
  token go first come first served, except a listing's pages: each unlocks a page's worth
  of the calls waiting (a ListServices page, ten DescribeServices), so it goes ahead of
  them, unless they have waited PATIENCE.
- At steady state, at most SHARE (a tenth) of each quota. Polling sources are scheduled
  from what their last tick cost (`interval_for`: on average a regular source uses at
  most REGULAR_SHARE of the share), and sweeps -- per-resource calls such as one
  ListAliases per function -- spend only what is left of SWEEP_CEILING of the share
  (`spare`): the last minute's sweep calls and the average minute of everything else
  over the last five (so a regular source's tick landing after a sweep does not push a
  minute over). The rest is headroom.

Calls are attributed to the polling source that made them (a context variable the
engine sets around each tick), so a source's cost is known even while others run;
calls made inside `sweeping()` are a sweep's and never stretch the source's interval.
"""

from __future__ import annotations

import asyncio
import math
from collections import Counter, deque
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Iterator

from console.aws.limits import Quota, quota_for, quotas
from console.clock import Clock
from console.target import Target

SHARE = 0.1  # of each quota, at steady state
REGULAR_SHARE = 0.4  # of that share, on average, for a source that refreshes a fixed set of calls
SWEEP_CEILING = 0.9  # of that share: sweeps top a minute's calls up to this, no further
WINDOW = 60.0  # seconds over which steady-state use is counted
AVERAGE_OVER = 300.0  # seconds over which the other calls' average minute is taken
MIN_WAIT = 1e-3  # seconds: never a wait too short to move a clock
PATIENCE = 1.0  # seconds a call waits behind listings' pages at most before it goes first
# opsdeck refills its buckets a little slower than AWS documents and keeps one token fewer:
# AWS counts a request when it arrives, we when we send it, and a request that takes
# longer on the way lands beside the next ones.
PACE = 0.98
SLACK = 1.0

# The polling source whose tick is running in this task (None: a screen or an action).
current_source: ContextVar[str | None] = ContextVar("opsdeck_polling_source", default=None)
_sweeping: ContextVar[bool] = ContextVar("opsdeck_sweeping", default=False)


@contextmanager
def sweeping() -> Iterator[None]:
    """Calls made inside are a sweep's: limited by `spare`, so they do not pace their source."""
    token = _sweeping.set(True)
    try:
        yield
    finally:
        _sweeping.reset(token)


TOKEN, SERVE = "token", "serve"  # what a waiter is handed: its token, or the bucket to serve


@dataclass
class _Waiter:
    since: float  # clock.monotonic() when it began to wait
    page: bool
    handed: asyncio.Future[str] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


@dataclass
class _Bucket:
    tokens: float
    at: float  # clock.monotonic() of the last refill
    # Requests waiting for a token: a listing's pages, then the rest, each first come first
    # served (`ApiBudget._next`). One of them at a time serves the bucket: it sleeps on the
    # clock and hands the tokens out as they come, its own included, then hands the serving
    # on (50 sleepers re-checking every refill cost O(n^2) wakes).
    pages: deque[_Waiter] = field(default_factory=deque)
    others: deque[_Waiter] = field(default_factory=deque)
    serving: bool = False

    def waiting(self) -> bool:
        return bool(self.pages or self.others)

    def queue_of(self, waiter: _Waiter) -> deque[_Waiter]:
        return self.pages if waiter.page else self.others


def is_page(operation: str) -> bool:
    """A listing's page (List*): the calls its items need wait for it, a page's worth at a time."""
    return operation.startswith("List")


def _where(target: Target) -> tuple[Any, ...]:
    """Quotas are per account and region; before the account is known, per profile."""
    return (target.account or target.profile, target.region, target.endpoint)


class ApiBudget:
    def __init__(self, clock: Clock, share: float = SHARE) -> None:
        self.clock = clock
        self.share = share
        self._buckets: dict[tuple[Any, ...], _Bucket] = {}
        # call times per (account, region, endpoint, quota): a sweep's in the last WINDOW, the
        # others (regular sources, screens, actions) in the last AVERAGE_OVER
        self._swept: dict[tuple[Any, ...], deque[float]] = {}
        self._other: dict[tuple[Any, ...], deque[float]] = {}
        self._since: dict[tuple[Any, ...], float] = {}  # the first other call under each quota
        self._by_source: Counter[tuple[str, tuple[Any, ...], str]] = Counter()  # (source, where, quota) -> calls

    # the hard limit ------------------------------------------------------------------
    async def acquire(self, target: Target, service: str, operation: str) -> None:
        """Wait until a request of `operation` fits its quota's documented rate, then count it."""
        quota = quota_for(service, operation, target.region)
        if quota is None:
            return
        key = (*_where(target), quota.name)
        burst = max(1.0, quota.burst - SLACK)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(burst, self.clock.monotonic())
        now = self.clock.monotonic()
        self._refill(bucket, quota, burst, now)
        if bucket.tokens >= 1.0 and not bucket.waiting():
            bucket.tokens -= 1.0
        else:
            await self._wait(bucket, quota, burst, is_page(operation))
            now = self.clock.monotonic()
        self._record(key, quota, now)

    def _refill(self, bucket: _Bucket, quota: Quota, burst: float, now: float) -> None:
        bucket.tokens = min(burst, bucket.tokens + (now - bucket.at) * quota.rate * PACE)
        bucket.at = now

    async def _wait(self, bucket: _Bucket, quota: Quota, burst: float, page: bool) -> None:
        """Queue for a token (a page in `pages`, else in `others`); serve the bucket when
        nobody does, or when the one serving it hands the serving on."""
        waiter = _Waiter(self.clock.monotonic(), page)
        bucket.queue_of(waiter).append(waiter)
        if bucket.serving:
            try:
                if await waiter.handed == TOKEN:
                    return
            except asyncio.CancelledError:
                queue = bucket.queue_of(waiter)
                if waiter in queue:
                    queue.remove(waiter)
                if waiter.handed.done() and not waiter.handed.cancelled():
                    if waiter.handed.result() == TOKEN:
                        bucket.tokens += 1.0  # handed a token it will not use: the next one's
                    else:
                        self._hand_on(bucket)  # handed the serving, which it will not do
                raise
        await self._serve(bucket, quota, burst, waiter)

    async def _serve(self, bucket: _Bucket, quota: Quota, burst: float, own: _Waiter) -> None:
        """Hand each token, as the bucket refills, to the waiter `_next` names, until `own`
        has its own; then hand the serving on to one still waiting."""
        bucket.serving = True
        try:
            while True:
                now = self.clock.monotonic()
                self._refill(bucket, quota, burst, now)
                while bucket.tokens >= 1.0 and bucket.waiting():
                    bucket.tokens -= 1.0
                    waiter = self._next(bucket, now)
                    if waiter is own:
                        return
                    if waiter.handed.done():  # cancelled, not yet out of the queue: not served
                        bucket.tokens += 1.0
                    else:
                        waiter.handed.set_result(TOKEN)
                # at least MIN_WAIT: a refill can land a hair short of a whole token, and a
                # wait too short to move the clock would never end
                await self.clock.sleep(max((1.0 - bucket.tokens) / (quota.rate * PACE), MIN_WAIT))
        finally:
            queue = bucket.queue_of(own)
            if own in queue:  # cancelled while serving
                queue.remove(own)
            self._hand_on(bucket)

    @staticmethod
    def _hand_on(bucket: _Bucket) -> None:
        """The bucket to the first waiter (it goes on serving), or to nobody."""
        first = next((w for queue in (bucket.pages, bucket.others) for w in queue if not w.handed.done()), None)
        bucket.serving = first is not None
        if first is not None:
            first.handed.set_result(SERVE)

    @staticmethod
    def _next(bucket: _Bucket, now: float) -> _Waiter:
        """A listing's next page before the calls already waiting (it unlocks a page's worth of
        them: 10 DescribeServices, 100 tasks to describe), unless one of those has waited
        PATIENCE: pages never hold the rest back for long, however many listings run."""
        if bucket.others and (not bucket.pages or now - bucket.others[0].since >= PATIENCE):
            return bucket.others.popleft()
        return bucket.pages.popleft()

    def _record(self, key: tuple[Any, ...], quota: Quota, now: float) -> None:
        swept = _sweeping.get()
        if not swept:
            self._since.setdefault(key, now)
        times = (self._swept if swept else self._other).setdefault(key, deque())
        times.append(now)
        keep = WINDOW if swept else AVERAGE_OVER
        while now - times[0] >= keep:  # bounded whether or not anyone asks
            times.popleft()
        source = current_source.get()
        if source is not None and not swept:
            self._by_source[(source, key[:-1], quota.name)] += 1

    def _count(self, calls: dict[tuple[Any, ...], deque[float]], key: tuple[Any, ...], horizon: float) -> int:
        """Calls in the last `horizon` seconds (forgetting those older than any horizon)."""
        times = calls.get(key)
        if not times:
            return 0
        now = self.clock.monotonic()
        keep = AVERAGE_OVER if calls is self._other else WINDOW
        while times and now - times[0] >= keep:
            times.popleft()
        return sum(1 for at in times if now - at < horizon)

    # the steady-state share ------------------------------------------------------------
    def used(self, target: Target, quota: Quota) -> int:
        """Requests under `quota` in the last WINDOW seconds."""
        key = (*_where(target), quota.name)
        return self._count(self._swept, key, WINDOW) + self._count(self._other, key, WINDOW)

    def allowance(self, quota: Quota) -> float:
        """Requests a WINDOW of steady state may make under `quota`."""
        return quota.rate * WINDOW * self.share

    def spare(self, target: Target, service: str, operation: str) -> int:
        """How many more `operation` requests a sweep may make now: what SWEEP_CEILING of
        the share leaves after the last WINDOW's sweep calls under its quota and the
        average WINDOW of the other calls."""
        quota = quota_for(service, operation, target.region)
        if quota is None:
            return 1_000_000
        key = (*_where(target), quota.name)
        # the others' average minute since they began, over five minutes at most: in its
        # first minutes a console's start-up reads are not spread over five it has not run
        # (dividing them by five let minute 2 of make bench's soak reach 105 Lambda calls)
        span = min(AVERAGE_OVER, max(WINDOW, self.clock.monotonic() - self._since.get(key, math.inf)))
        others = self._count(self._other, key, AVERAGE_OVER) * WINDOW / span
        swept = self._count(self._swept, key, WINDOW)
        return max(0, math.floor(self.allowance(quota) * SWEEP_CEILING - others - swept))

    def source_costs(self, source: str, target: Target) -> dict[str, int]:
        """Requests per quota name `source` has made so far (for its next interval)."""
        where = _where(target)
        return {quota: n for (name, w, quota), n in self._by_source.items() if name == source and w == where}

    def forget_source(self, source: str) -> None:
        """Drop what `source` cost (it was unregistered: its name will not come back)."""
        for key in [k for k in self._by_source if k[0] == source]:
            del self._by_source[key]

    def interval_for(self, target: Target, cost: dict[str, int], floor: float) -> float:
        """The shortest interval at which a tick costing `cost` (requests per quota name)
        stays within REGULAR_SHARE of the share of every quota; never below `floor`."""
        interval = floor
        rates = {q.name: q.rate for q in quotas(target.region)}
        for name, calls in cost.items():
            rate = rates.get(name)
            if rate:
                interval = max(interval, calls / (rate * self.share * REGULAR_SHARE))
        return interval

