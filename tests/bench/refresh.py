"""API calls per full refresh of every source the service registry declares.

Each source runs in this process on opsdeck's own polling engine and client pool (the
calls a refresh makes do not depend on the terminal), with `fresh` set as ctrl+r does.
A full refresh is one complete pass over what the source reads: one tick for most, as
many ticks as a sweep needs to come round (Lambda aliases: a batch of functions a tick).
The pass ends at the first tick that asks for nothing the pass has not asked already
(requests compared by operation and their identifying string parameters, paging tokens
aside, and by the items of documented batches); that tick is not counted. Calls are counted server-side by the embedded AWS, per
operation (console.demo.control.request_counts), so retries count too.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from console.aws.limits import PAGE_LIMITS
from console.demo import control

MAX_TICKS = 500  # a sweep over 2,000 functions at 50 a tick takes 41


def unmetered(clock):
    """The console's budget without its waits and its steady-state share: a full refresh
    counts what one complete pass asks for, sweeps included (at the share, a pass over
    2,008 functions' aliases is spread over half an hour by design: console.aws.budget)."""
    from console.aws.budget import ApiBudget

    class Unmetered(ApiBudget):
        async def acquire(self, target, service, operation) -> None:
            return None

        def spare(self, target, service, operation) -> int:
            return 1_000_000

    return Unmetered(clock)


def server_counts(endpoint: str) -> Counter[str]:
    """Requests served so far, by "service:Operation" (all accounts)."""
    counts: Counter[str] = Counter()
    for row in control.request_counts(endpoint)["requests"]:
        counts[f"{row['service']}:{row['operation']}"] += row["count"]
    return counts


def throttled_counts(endpoint: str) -> Counter[str] | None:
    """Requests the server throttled, by operation; None when this server does not say
    (it enforces no quota: the realistic mode's throttling is not there)."""
    answer = control.request_counts(endpoint)
    if "throttled" not in answer:
        return None
    counts: Counter[str] = Counter()
    for row in answer["requests"]:
        counts[f"{row['service']}:{row['operation']}"] += row.get("throttled", 0)
    return counts


def _paging(name: str) -> bool:
    lowered = name.lower()
    return "token" in lowered or "marker" in lowered


@dataclass
class RequestLog:
    """What this process asked for, seen on botocore's `provide-client-params` event:
    each request's identity, and for documented batches the distinct items asked."""

    requests: set[tuple[str, ...]] = field(default_factory=set)
    batch_items: dict[str, set[str]] = field(default_factory=dict)
    _batches: dict[tuple[str, str], str] = field(default_factory=lambda: {
        (limit.service, limit.operation): limit.parameter for limit in PAGE_LIMITS if limit.batch})

    def attach(self, session: Any) -> None:
        session.register("provide-client-params", self.on_params)

    def clear(self) -> None:
        self.requests = set()

    def on_params(self, params: dict, model: Any, event_name: str = "", **_: Any) -> None:
        service = event_name.split(".")[1] if event_name.count(".") >= 2 else model.service_model.service_name
        operation = f"{service}:{model.name}"
        identity = tuple(sorted(f"{k}={v}" for k, v in params.items() if isinstance(v, str) and not _paging(k)))
        self.requests.add((operation, *identity))
        parameter = self._batches.get((service, model.name))
        if parameter and isinstance(params.get(parameter), list):
            seen = self.batch_items.setdefault(operation, set())
            for item in params[parameter]:
                if isinstance(item, dict):  # a metric query: what it asks, not its per-call Id
                    item = json.dumps({k: v for k, v in item.items() if k != "Id"}, sort_keys=True, default=str)
                seen.add(str(item))


async def full_refresh(endpoint: str, region: str = "us-east-1") -> dict[str, dict]:
    """{source: {"ticks", "items", "calls": {operation: n}, "asked": {operation: n}, "wall_s", "cpu_s"}}."""
    from console.aws.clients import ClientPool
    from console.aws.context import AwsContext
    from console.clock import SystemClock
    from console.polling import PollingEngine, Store
    from console.services import dashboard_sources
    from console.target import Target

    clock = SystemClock()
    pool = ClientPool(clock)
    pool.budget = unmetered(clock)
    store = Store(clock)
    target = Target(None, region, endpoint)
    engine = PollingEngine(pool, store, target)
    log = RequestLog()
    log.attach(pool.session(target.profile))  # before any client exists: each inherits it
    sources = dashboard_sources()
    for name, source in sources.items():
        engine.register(name, *source)
    ctx = replace(AwsContext(pool, target), fresh=True)
    results: dict[str, dict] = {}
    try:
        for name in sources:
            seen: set[tuple[str, ...]] = set()
            calls: Counter[str] = Counter()
            log.batch_items = {}
            ticks, wall, cpu = 0, 0.0, 0.0
            snapshot = None
            while ticks < MAX_TICKS:
                log.clear()
                asked_before = {op: len(items) for op, items in log.batch_items.items()}
                before = server_counts(endpoint)
                started, cpu_started = time.perf_counter(), time.process_time()
                snapshot = await engine.tick(name, ctx, store.generation)
                elapsed, cpu_used = time.perf_counter() - started, time.process_time() - cpu_started
                if snapshot.error:
                    raise RuntimeError(f"{name}: {snapshot.error.headline}: {snapshot.error.detail}")
                asked_more = any(len(items) > asked_before.get(op, 0) for op, items in log.batch_items.items())
                if ticks and log.requests <= seen and not asked_more:
                    break  # came round: this tick repeated the pass
                seen |= log.requests
                calls += server_counts(endpoint) - before
                ticks, wall, cpu = ticks + 1, wall + elapsed, cpu + cpu_used
            results[name] = {
                "ticks": ticks, "items": len(snapshot.items) if snapshot else 0, "calls": dict(sorted(calls.items())),
                "asked": {op: len(items) for op, items in sorted(log.batch_items.items())},
                "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
            }
    finally:
        await pool.close()
    return results
