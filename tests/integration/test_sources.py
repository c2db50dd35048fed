"""The dashboard's data sources against the embedded server, over HTTP."""

from __future__ import annotations

from dataclasses import replace

import io
import json
import math
import zipfile
from datetime import datetime, timedelta, timezone

import pytest

from console.aws.clients import ClientPool
from console.aws.context import AwsContext
from console.clock import ManualClock
from console.demo import control
from console.services import dashboard_sources
from console.target import Target


def context_for(endpoint: str, clock=None) -> AwsContext:
    return AwsContext(ClientPool(clock or ManualClock(datetime.now(timezone.utc))), Target(None, "us-east-1", endpoint))


async def fetch(source: str, ctx: AwsContext):
    fetch_fn = dashboard_sources()[source].fetch
    try:
        return await fetch_fn(ctx)
    finally:
        await ctx.pool.close()


SEEDED = {
    "lambda": {"validate-order", "check-inventory", "process-payment", "send-confirmation",
               "update-inventory", "process-upload", "cleanup", "items-api"},
    "ecs": {"api-service", "worker-service"},
    "stepfunctions": {"order-processing", "batch-fulfilment", "order-events"},
    "events": {"s3-upload-rule", "daily-cleanup", "legacy-report", "order-placed"},
    "scheduler": {"black-friday-warmup", "weekday-digest"},
}


@pytest.mark.parametrize("source", sorted(SEEDED))
async def test_every_source_finds_the_seeded_estate(endpoint, source):
    items = await fetch(source, context_for(endpoint))
    assert SEEDED[source] <= {item.name for item in items}
    assert len({item.key for item in items}) == len(items)


async def test_seeded_details_come_through(endpoint):
    services = {s.name: s for s in await fetch("ecs", context_for(endpoint))}
    assert services["api-service"].desired == 3
    assert services["api-service"].circuit_breaker
    assert "FARGATE_SPOT:3" in services["api-service"].launch
    aliases = {a.function_name: a for a in await fetch("lambda.aliases", context_for(endpoint)) if a.name == "live"}
    assert aliases["process-payment"].weights, "process-payment's live alias is mid-canary"
    rules = {r.name: r for r in await fetch("events", context_for(endpoint))}
    assert rules["legacy-report"].state == "DISABLED"
    assert rules["daily-cleanup"].schedule == "cron(0 3 * * ? *)"
    assert rules["daily-cleanup"].targets == 1 and rules["order-placed"].bus == "orders-bus"
    schedules = {s.name: s for s in await fetch("scheduler", context_for(endpoint))}
    assert schedules["weekday-digest"].timezone == "Europe/Berlin"
    assert schedules["weekday-digest"].target_kind == "Lambda"


def tiny_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def make_function(account, name: str) -> None:
    iam = account.client("iam")
    try:
        role = iam.get_role(RoleName="fn-role")["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        role = iam.create_role(RoleName="fn-role", AssumeRolePolicyDocument=json.dumps({}))["Role"]["Arn"]
    account.client("lambda").create_function(
        FunctionName=name, Runtime="python3.12", Role=role, Handler="handler.handler", Code={"ZipFile": tiny_zip()}
    )


async def test_lambda_metrics_are_exact_for_known_datapoints(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    make_function(fresh_account, "pay")
    now = datetime.now(timezone.utc).replace(second=30, microsecond=0)
    cloudwatch = fresh_account.client("cloudwatch")
    dims = [{"Name": "FunctionName", "Value": "pay"}]
    data = []
    for minutes_ago, invocations, errors, duration in ((1, 60, 6, 100.0), (3, 40, 6, 300.0), (30, 1000, 1000, 9.0)):
        at = now - timedelta(minutes=minutes_ago)
        data += [
            {"MetricName": "Invocations", "Dimensions": dims, "Timestamp": at, "Value": invocations},
            {"MetricName": "Errors", "Dimensions": dims, "Timestamp": at, "Value": errors},
            {"MetricName": "Duration", "Dimensions": dims, "Timestamp": at, "Value": duration},
        ]
    cloudwatch.put_metric_data(Namespace="AWS/Lambda", MetricData=data)

    (function,) = await fetch("lambda", context_for(fresh_account.endpoint, ManualClock(now)))
    metrics = function.metrics
    # The datapoint 30 minutes ago lies outside the 15-minute window.
    assert (metrics.invocations, metrics.errors) == (100, 12)
    assert f"{metrics.error_rate:.1f}%" == "12.0%"
    # per-minute averages weighted by each minute's invocations: (100*60 + 300*40) / 100
    assert metrics.duration_avg_ms == 180.0
    assert metrics.duration_max_ms == 300.0
    # One sparkline value per minute of the window, the newest minute last.
    assert len(metrics.series) == 15
    assert metrics.series[11:] == (40.0, 0.0, 60.0, 0.0)


async def test_every_source_paginates_and_calls_scale_with_pages(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    for i in range(5):
        make_function(fresh_account, f"fn-{i}")
    events = fresh_account.client("events")
    for i in range(5):
        events.put_rule(Name=f"rule-{i}", ScheduleExpression="rate(1 hour)")
    ecs = fresh_account.client("ecs")
    ecs.create_cluster(clusterName="c")
    ecs.register_task_definition(family="app", containerDefinitions=[{"name": "app", "image": "app", "memory": 128}])
    for i in range(5):
        ecs.create_service(cluster="c", serviceName=f"svc-{i}", taskDefinition="app", desiredCount=0)
    sfn = fresh_account.client("stepfunctions")
    for i in range(5):
        sfn.create_state_machine(
            name=f"sm-{i}", roleArn=f"arn:aws:iam::{fresh_account.id}:role/r",
            definition=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}),
        )

    control.set_page_size(fresh_account.endpoint, 2)
    control.reset_request_counts(fresh_account.endpoint)
    try:
        functions = await fetch("lambda", context_for(fresh_account.endpoint))
        rules = await fetch("events", context_for(fresh_account.endpoint))
        services = await fetch("ecs", context_for(fresh_account.endpoint))
        machines = await fetch("stepfunctions", context_for(fresh_account.endpoint))
        counts = control.request_counts(fresh_account.endpoint)
    finally:
        control.set_page_size(fresh_account.endpoint, None)

    assert {f.name for f in functions} == {f"fn-{i}" for i in range(5)}
    assert {r.name for r in rules} == {f"rule-{i}" for i in range(5)}
    assert {s.name for s in services} == {f"svc-{i}" for i in range(5)}
    assert {m.name for m in machines} == {f"sm-{i}" for i in range(5)}
    pages = math.ceil(5 / 2)

    def calls(service, operation):
        return control.count_of(counts, service, operation, account=fresh_account.id)

    assert calls("lambda", "ListFunctions") == pages
    assert calls("events", "ListRules") == pages
    assert calls("ecs", "ListServices") == pages
    assert calls("ecs", "DescribeServices") == 1  # 5 services fit in one batch of 10
    assert calls("stepfunctions", "ListStateMachines") == pages
    # one batch each: 5 functions x 6 queries, 5 services x 2 queries, 5 state machines x 5 queries,
    # 5 rules x 4 queries over the hour, and their Invocations over 24 hours (another window)
    assert calls("cloudwatch", "GetMetricData") == 5
    assert calls("events", "ListTargetsByRule") == 5  # one a rule (then kept for 5 minutes)
    assert calls("stepfunctions", "ListExecutions") == 5  # all 5 machines are STANDARD


def functions_with_a_live_alias(account, count: int):
    """fn-0 .. fn-<count-1>, each with version 1 behind alias `live`; the Lambda client."""
    lam = account.client("lambda")
    for i in range(count):
        make_function(account, f"fn-{i}")
        lam.publish_version(FunctionName=f"fn-{i}")
        lam.create_alias(FunctionName=f"fn-{i}", Name="live", FunctionVersion="1")
    return lam


async def test_alias_sweep_refreshes_a_batch_per_tick_oldest_first(fresh_account, monkeypatch):
    from console.services.lambda_.sources import AliasSweep

    fresh_account.use(monkeypatch)
    functions_with_a_live_alias(fresh_account, 5)
    clock = ManualClock(datetime.now(timezone.utc))
    ctx = context_for(fresh_account.endpoint, clock)
    sweep = AliasSweep(batch=2)
    control.reset_request_counts(fresh_account.endpoint)
    seen = []
    for _ in range(3):
        seen.append(sorted(a.function_name for a in await sweep(ctx)))
        await clock.advance(1)
    counts = control.request_counts(fresh_account.endpoint)
    await ctx.pool.close()
    assert seen == [["fn-0", "fn-1"], ["fn-0", "fn-1", "fn-2", "fn-3"], [f"fn-{i}" for i in range(5)]]
    assert control.count_of(counts, "lambda", "ListAliases", fresh_account.id) == 6  # 2 per tick


async def test_alias_sweep_shows_the_rows_on_screen_before_reading_the_rest(fresh_account, monkeypatch):
    """The functions on screen are read first and published at once (a progress
    snapshot), before the tick goes on with the functions off screen."""
    from console.services.lambda_.sources import AliasSweep

    fresh_account.use(monkeypatch)
    lam = functions_with_a_live_alias(fresh_account, 4)
    shown = lam.get_function(FunctionName="fn-2")["Configuration"]["FunctionArn"]  # a row's key
    published = []
    ctx = replace(context_for(fresh_account.endpoint), visible=lambda source: frozenset({shown}),
                  partial=lambda items, whole: published.append((whole, sorted(a.function_name for a in items))))
    try:
        everything = await AliasSweep(batch=10)(ctx)
    finally:
        await ctx.pool.close()
    assert published == [(True, ["fn-2"])]  # a whole snapshot (it replaces the last one), on-screen only
    assert sorted(a.function_name for a in everything) == [f"fn-{i}" for i in range(4)]


async def test_alias_sweep_follows_the_lambda_sources_list_instead_of_listing_again(fresh_account, monkeypatch):
    from console.polling import PollingEngine, Store

    fresh_account.use(monkeypatch)
    lam = fresh_account.client("lambda")
    for name in ("a-fn", "b-fn", "c-fn"):
        make_function(fresh_account, name)
        lam.publish_version(FunctionName=name)
        lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    clock = ManualClock(datetime.now(timezone.utc))
    ctx = context_for(fresh_account.endpoint, clock)
    store = Store(clock)
    engine = PollingEngine(ctx.pool, store, ctx.target)
    sources = dashboard_sources()
    for name in ("lambda", "lambda.aliases"):
        engine.register(name, *sources[name])
    try:
        await engine.tick("lambda", ctx, store.generation)
        control.reset_request_counts(fresh_account.endpoint)
        aliases = (await engine.tick("lambda.aliases", ctx, store.generation)).items
    finally:
        await ctx.pool.close()
    counts = control.request_counts(fresh_account.endpoint)
    assert sorted(a.function_name for a in aliases) == ["a-fn", "b-fn", "c-fn"]
    assert control.count_of(counts, "lambda", "ListFunctions", fresh_account.id) == 0
    assert control.count_of(counts, "lambda", "ListAliases", fresh_account.id) == 3


@pytest.mark.parametrize("source", ["lambda", "ecs", "stepfunctions"])
async def test_a_first_load_shows_resources_before_the_costly_part(endpoint, source):
    from dataclasses import replace

    partials = []
    ctx = replace(context_for(endpoint), partial=lambda items, whole: partials.append(items))
    complete = await fetch(source, ctx)
    early = partials[0]
    # ECS publishes again as each cluster's health is read (before the utilisation figures)
    assert len(partials) == 1 or source == "ecs"
    assert {item.key for item in early} == {item.key for item in complete}
    if source == "lambda":  # metrics come after the list
        assert all(f.metrics is None for f in early) and all(f.metrics is not None for f in complete)
    elif source == "ecs":  # task health after DescribeTasks; unknown is None, never "healthy"
        assert all(s.unhealthy_tasks is None for s in early)
        assert all(s.unhealthy_tasks is not None for s in complete)
    else:  # executions and metrics after the machines; unknown is None, never "0 failed"
        assert all(m.recent is None and m.metrics is None for m in early)
        assert all(m.metrics is not None for m in complete)
        assert all(m.recent is not None for m in complete if m.type == "STANDARD")
        # an EXPRESS machine's executions are never read, and it says so from the start
        express = [m for m in early + complete if m.type == "EXPRESS"]
        assert express and all(m.recent is None and m.executions_unavailable == "EXPRESS" for m in express)


async def test_a_long_function_list_shows_its_first_page_before_the_rest(fresh_account, monkeypatch):
    """41 pages take seconds at Lambda's quota: the first page is on screen meanwhile."""
    from dataclasses import replace

    fresh_account.use(monkeypatch)
    for i in range(3):
        make_function(fresh_account, f"fn-{i}")
    control.set_page_size(fresh_account.endpoint, 2)
    partials = []
    try:
        ctx = replace(context_for(fresh_account.endpoint), partial=lambda items, whole: partials.append(items))
        complete = await fetch("lambda", ctx)
    finally:
        control.set_page_size(fresh_account.endpoint, None)
    assert [len(p) for p in partials] == [2, 3]  # the first page, then every function before metrics
    assert len(complete) == 3 and all(f.metrics is not None for f in complete)
