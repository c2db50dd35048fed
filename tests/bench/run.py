"""`make bench`: the console against the large embedded estate.

Starts the large estate in its own process, waits until it is seeded, then measures the
console (this process): seconds from launch to all four panels filled in the real app,
API calls per full refresh against the minimum the estate size allows, CPU seconds per
refresh, and peak RSS. Prints a table and writes bench-results/bench.json.
Benchmarks are not tests: nothing here asserts a time.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path

import boto3

from console.aws.clients import ClientPool
from console.aws.context import AwsContext
from console.clock import SystemClock
from console.demo.process import EmbeddedAws
from console.services.lambda_.sources import AliasSweep
from console.services.lambda_.metrics import QUERIES_PER_FUNCTION
from console.services.stepfunctions.metrics import QUERIES_PER_MACHINE
from console.polling import PollingEngine, Store
from console.services import dashboard_sources
from console.target import Target

ALIAS_BATCH = AliasSweep().batch
DASHBOARD_PANELS = ("lambda", "ecs", "stepfunctions", "events")
OUT = Path("bench-results")


def estate_size(endpoint: str) -> dict:
    """Counts the minimum is computed from, read with boto3 (not the console)."""
    kw = {"endpoint_url": endpoint, "region_name": "us-east-1"}
    lam, ecs, sfn, events, sched = (boto3.client(s, **kw) for s in ("lambda", "ecs", "stepfunctions", "events", "scheduler"))
    functions = [f for p in lam.get_paginator("list_functions").paginate() for f in p["Functions"]]
    clusters = [c for p in ecs.get_paginator("list_clusters").paginate() for c in p["clusterArns"]]
    per_cluster = []
    for cluster in clusters:
        services = [s for p in ecs.get_paginator("list_services").paginate(cluster=cluster) for s in p["serviceArns"]]
        tasks = [t for p in ecs.get_paginator("list_tasks").paginate(cluster=cluster, desiredStatus="RUNNING")
                 for t in p["taskArns"]]
        per_cluster.append((len(services), len(tasks)))
    machines = [m for p in sfn.get_paginator("list_state_machines").paginate() for m in p["stateMachines"]]
    buses = [b["Name"] for b in events.list_event_buses()["EventBuses"]]
    rules = [len([r for p in events.get_paginator("list_rules").paginate(EventBusName=b) for r in p["Rules"]]) for b in buses]
    schedules = [s for p in sched.get_paginator("list_schedules").paginate() for s in p["Schedules"]]
    return {"functions": len(functions), "clusters": len(clusters), "per_cluster": per_cluster,
            "machines": len(machines), "standard_machines": sum(m.get("type") != "EXPRESS" for m in machines),
            "rules_per_bus": rules, "schedules": len(schedules)}


def minimum_calls(size: dict) -> dict[str, int]:
    """Fewest requests one refresh of each source can make at the APIs' page/batch sizes."""
    pages = lambda n, per: max(1, math.ceil(n / per))  # noqa: E731 - a list call costs one page even when empty
    f = size["functions"]
    return {
        "lambda": pages(f, 50) + math.ceil(f * QUERIES_PER_FUNCTION / 500),
        # the alias sweep refreshes one batch of functions per tick, on the Lambda source's
        # list (see lambda_.AliasSweep)
        "lambda.aliases": min(f, ALIAS_BATCH),
        "ecs": pages(size["clusters"], 100) + math.ceil(size["clusters"] / 100)
        + sum(pages(s, 100) + math.ceil(s / 10) + pages(t, 100) + math.ceil(t / 100) for s, t in size["per_cluster"]),
        # ListExecutions for STANDARD machines only (EXPRESS: StateMachineTypeNotSupported);
        # AWS/States metrics for all, batched
        "stepfunctions": pages(size["machines"], 1000) + size["standard_machines"]
        + math.ceil(size["machines"] * QUERIES_PER_MACHINE / 500),
        "events": 1 + sum(pages(r, 100) for r in size["rules_per_bus"]) + pages(size["schedules"], 100) + size["schedules"],
    }


def rows_expected(size: dict) -> dict[str, int]:
    """How many rows each panel shows once filled: every resource of the estate."""
    return {"lambda": size["functions"], "ecs": sum(s for s, _ in size["per_cluster"]),
            "stepfunctions": size["machines"], "events": sum(size["rules_per_bus"]) + size["schedules"]}


async def first_paint_seconds(endpoint: str, expected: dict[str, int]) -> dict[str, float]:
    """Launch the real app headless; seconds until all four dashboard panels are filled,
    every resource a row ("paint"; functions may still await their metrics, services
    their task health), and until every source's first load is complete ("complete"),
    plus when each source first arrived."""
    from console.app import OpsdeckApp
    from screens.dashboard import DashboardScreen

    clock = SystemClock()
    started = time.perf_counter()
    cpu_started = time.thread_time()
    arrivals: dict[str, float] = {}
    app = OpsdeckApp(Target(None, "us-east-1", endpoint, demo=True), ClientPool(clock), clock)
    app.store.listen(lambda snap: arrivals.setdefault(
        f"{snap.source}{'' if snap.complete else ' (partial)'}", round(time.perf_counter() - started, 3)))
    result: dict[str, float] = {}
    async with app.run_test(size=(160, 50)) as pilot:
        while time.perf_counter() - started < 300:
            await pilot.pause(0.02)
            if "paint" not in result and isinstance(app.screen, DashboardScreen) and all(
                app.screen.panel(panel).table.row_count >= expected[panel] for panel in DASHBOARD_PANELS
            ):
                result["paint"] = time.perf_counter() - started
                result["paint_cpu"] = time.thread_time() - cpu_started  # the UI thread's own share
            if all((s := app.store.latest(n)) and s.loaded and s.complete for n in DASHBOARD_PANELS):
                result["complete"] = time.perf_counter() - started
                if "paint" in result:
                    return result | {"arrivals": arrivals}
    raise TimeoutError(f"panels never filled: {result} {arrivals}")


async def refresh_costs(endpoint: str) -> dict:
    clock = SystemClock()
    pool = ClientPool(clock)
    store = Store(clock)
    engine = PollingEngine(pool, store, Target(None, "us-east-1", endpoint))
    sources = dashboard_sources()
    for name, source in sources.items():
        engine.register(name, *source)
    ctx = AwsContext(pool, engine.target)
    await asyncio.gather(*(engine.tick(n, ctx, store.generation) for n in sources))  # warm clients
    calls: dict[str, int] = {}
    cpu: dict[str, float] = {}
    wall: dict[str, float] = {}
    for name in sources:
        before_calls = pool.stats.total
        before_cpu = time.process_time()
        before_wall = time.perf_counter()
        # fresh: the whole refresh, metrics included (the Lambda source reuses them for a minute)
        snapshot = await engine.tick(name, replace(ctx, fresh=True), store.generation)
        if snapshot.error:
            raise RuntimeError(f"{name}: {snapshot.error.headline}: {snapshot.error.detail}")
        wall[name] = time.perf_counter() - before_wall
        cpu[name] = time.process_time() - before_cpu
        calls[name] = pool.stats.total - before_calls
    items = {n: len(store.latest(n).items) for n in sources}
    await pool.close()
    return {"calls": calls, "cpu": cpu, "wall": wall, "items": items}


def main() -> int:
    OUT.mkdir(exist_ok=True)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    seed_started = time.perf_counter()
    with EmbeddedAws.start(size="large", simulate=False, timeout=600) as server:
        seed_seconds = time.perf_counter() - seed_started
        size = estate_size(server.endpoint)
        minimum = minimum_calls(size)
        paint = asyncio.run(first_paint_seconds(server.endpoint, rows_expected(size)))
        costs = asyncio.run(refresh_costs(server.endpoint))
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = []
    for name in dashboard_sources():
        over = costs["calls"][name] / minimum[name] - 1
        rows.append({"source": name, "items": costs["items"][name], "calls": costs["calls"][name],
                     "minimum": minimum[name], "over_minimum": round(over, 4),
                     "cpu_s": round(costs["cpu"][name], 3), "wall_s": round(costs["wall"][name], 3)})
    result = {
        "estate": {k: v for k, v in size.items() if k != "per_cluster"}
        | {"services": sum(s for s, _ in size["per_cluster"]), "tasks": sum(t for _, t in size["per_cluster"])},
        "seed_and_start_s": round(seed_seconds, 2),
        "first_full_paint_s": round(paint["paint"], 3),
        "first_complete_load_s": round(paint["complete"], 3),
        "first_arrivals_s": paint["arrivals"],
        "refresh": rows,
        "cpu_s_per_full_refresh": round(sum(costs["cpu"].values()), 3),
        "calls_per_full_refresh": sum(costs["calls"].values()),
        "minimum_calls_per_full_refresh": sum(minimum.values()),
        "peak_rss_mb": round(peak_rss_mb, 1),
        "targets": {"first_full_paint_s": 2.0, "over_minimum": 0.10, "peak_rss_mb": 300},
    }
    (OUT / "bench.json").write_text(json.dumps(result, indent=2))
    print(f"estate: {result['estate']}  (seeded and serving in {result['seed_and_start_s']} s)")
    print(f"first arrivals (s from launch): {result['first_arrivals_s']}")
    print(f"first full paint: {result['first_full_paint_s']} s   all data complete: {result['first_complete_load_s']} s   peak RSS: {result['peak_rss_mb']} MB   "
          f"CPU per full refresh: {result['cpu_s_per_full_refresh']} s")
    print(f"{'source':16} {'items':>6} {'calls':>6} {'minimum':>8} {'over':>7} {'cpu s':>7} {'wall s':>7}")
    for row in rows:
        print(f"{row['source']:16} {row['items']:>6} {row['calls']:>6} {row['minimum']:>8} "
              f"{row['over_minimum']:>7.1%} {row['cpu_s']:>7} {row['wall_s']:>7}")
    print(f"written to {OUT / 'bench.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
