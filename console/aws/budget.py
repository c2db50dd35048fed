"""opsdeck's share of the account's API quotas.

AWS's request-rate quotas are per account and region (console.aws.limits): a console
left open shares them with the account's deploy pipelines and everyone else's tools.
Two rules follow, both enforced here for every request opsdeck's clients send:

- Never more than AWS allows: each quota is a token bucket (its documented rate and
  bucket size) that a request waits for, on the injected clock, before it is sent. A
  first load or a refresh the user asked for may go that fast.
- At steady state, at most SHARE (a tenth) of each quota. Polling sources are scheduled
  from what their last tick cost (`interval_for`: on average a regular source uses at
  most REGULAR_SHARE of the share), and sweeps -- per-resource calls such as one
  ListAliases per function -- spend only what the last minute's calls left of
  SWEEP_CEILING of the share (`spare`). The rest is headroom for screens and actions.

Calls are attributed to the polling source that made them (a context variable the
engine sets around each tick), so a source's cost is known even while others run;
calls made inside `sweeping()` are a sweep's and never stretch the source's interval.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Iterator

from console.aws.limits import Quota, quota_for, quotas
from console.clock import Clock
from console.target import Target

SHARE = 0.1  # of each quota, at steady state
REGULAR_SHARE = 0.4  # of that share, on average, for a source that refreshes a fixed set of calls
SWEEP_CEILING = 0.8  # of that share: a sweep tops the last minute's calls up to this, no further
WINDOW = 60.0  # seconds over which steady-state use is counted

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


@dataclass
class _Bucket:
    tokens: float
    at: float  # clock.monotonic() of the last refill


def _where(target: Target) -> tuple[Any, ...]:
    """Quotas are per account and region; before the account is known, per profile."""
    return (target.account or target.profile, target.region, target.endpoint)


class ApiBudget:
    def __init__(self, clock: Clock, share: float = SHARE) -> None:
        self.clock = clock
        self.share = share
        self._buckets: dict[tuple[Any, ...], _Bucket] = {}
        self._recent: dict[tuple[Any, ...], deque[float]] = {}  # call times in the last WINDOW
        self._by_source: Counter[tuple[str, tuple[Any, ...], str]] = Counter()  # (source, where, quota) -> calls

    # the hard limit ------------------------------------------------------------------
    async def acquire(self, target: Target, service: str, operation: str) -> None:
        """Wait until a request of `operation` fits its quota's documented rate, then count it."""
        quota = quota_for(service, operation, target.region)
        if quota is None:
            return
        key = (*_where(target), quota.name)
        while True:
            now = self.clock.monotonic()
            bucket = self._buckets.setdefault(key, _Bucket(quota.burst, now))
            bucket.tokens = min(quota.burst, bucket.tokens + (now - bucket.at) * quota.rate)
            bucket.at = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                break
            await self.clock.sleep((1.0 - bucket.tokens) / quota.rate)
        self._record(key, quota, now)

    def _record(self, key: tuple[Any, ...], quota: Quota, now: float) -> None:
        recent = self._recent.setdefault(key, deque())
        recent.append(now)
        self._trim(recent, now)
        source = current_source.get()
        if source is not None and not _sweeping.get():
            self._by_source[(source, key[:-1], quota.name)] += 1

    @staticmethod
    def _trim(recent: deque[float], now: float) -> None:
        while recent and now - recent[0] >= WINDOW:
            recent.popleft()

    # the steady-state share ------------------------------------------------------------
    def used(self, target: Target, quota: Quota) -> int:
        """Requests under `quota` in the last WINDOW seconds."""
        recent = self._recent.get((*_where(target), quota.name))
        if not recent:
            return 0
        self._trim(recent, self.clock.monotonic())
        return len(recent)

    def allowance(self, quota: Quota) -> float:
        """Requests a WINDOW of steady state may make under `quota`."""
        return quota.rate * WINDOW * self.share

    def spare(self, target: Target, service: str, operation: str) -> int:
        """How many more `operation` requests a sweep may make now: what the last WINDOW's
        requests under its quota left of SWEEP_CEILING of the share."""
        quota = quota_for(service, operation, target.region)
        if quota is None:
            return 1_000_000
        return max(0, math.floor(self.allowance(quota) * SWEEP_CEILING - self.used(target, quota)))

    def source_costs(self, source: str, target: Target) -> dict[str, int]:
        """Requests per quota name `source` has made so far (for its next interval)."""
        where = _where(target)
        return {quota: n for (name, w, quota), n in self._by_source.items() if name == source and w == where}

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

