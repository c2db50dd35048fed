"""The Step Functions source against the embedded AWS: EXPRESS machines, AWS/States metrics,
and what it costs, counted on the server."""

from __future__ import annotations

import json
import math
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from console.clock import ManualClock
from console.demo import control
from console.services.stepfunctions.metrics import QUERIES_PER_MACHINE
from console.services.stepfunctions.sources import TYPE_NOT_SUPPORTED, StateMachinesSource
from tests.integration.test_sources import context_for

PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
OUTCOMES = json.dumps({
    "StartAt": "Route",
    "States": {
        "Route": {"Type": "Choice", "Choices": [{"Variable": "$.fail", "BooleanEquals": True, "Next": "Reject"}],
                  "Default": "Done"},
        "Done": {"Type": "Succeed"},
        "Reject": {"Type": "Fail", "Error": "Rejected"},
    },
})


def create(account, name: str, machine_type: str = "STANDARD", definition: str = PASS) -> str:
    return account.client("stepfunctions").create_state_machine(
        name=name, definition=definition, roleArn=f"arn:aws:iam::{account.id}:role/sfn", type=machine_type,
    )["stateMachineArn"]


def calls(endpoint: str, account, operation: str, service: str = "stepfunctions") -> int:
    return control.count_of(control.request_counts(endpoint), service, operation, account.id)


async def run(source, ctx):
    try:
        return await source(ctx)
    finally:
        await ctx.pool.close()


async def test_express_machines_are_listed_and_their_executions_never_asked_for(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    standard = [create(fresh_account, f"std-{i}") for i in range(2)]
    express = [create(fresh_account, f"exp-{i}", "EXPRESS") for i in range(3)]
    sfn = fresh_account.client("stepfunctions")
    sfn.start_execution(stateMachineArn=standard[0], name="run-1", input="{}")
    sfn.start_execution(stateMachineArn=express[0], name="run-1", input="{}")
    control.reset_request_counts(fresh_account.endpoint)

    machines = {m.arn: m for m in await run(StateMachinesSource(), context_for(fresh_account.endpoint))}

    assert set(machines) == set(standard) | set(express)
    assert calls(fresh_account.endpoint, fresh_account, "ListExecutions") == len(standard)
    assert calls(fresh_account.endpoint, fresh_account, "GetMetricData", "cloudwatch") == 1  # 25 queries
    assert all(machines[arn].executions_unavailable == "EXPRESS" and machines[arn].recent is None for arn in express)
    assert [machines[arn].recent for arn in standard] == [1, 0]
    assert all(m.metrics is not None for m in machines.values())


async def test_a_machine_whose_executions_aws_refuses_says_so_and_the_rest_loads(fresh_account, monkeypatch):
    """Listed as STANDARD, deleted and re-created as EXPRESS before its executions are read:
    ListExecutions answers StateMachineTypeNotSupported. A machine deleted meanwhile is left out."""
    fresh_account.use(monkeypatch)
    flipped = create(fresh_account, "flipped")
    create(fresh_account, "steady")
    gone = create(fresh_account, "gone")
    sfn = fresh_account.client("stepfunctions")

    def between_listing_and_executions(items, whole):  # the source publishes the listing first
        sfn.delete_state_machine(stateMachineArn=flipped)
        assert create(fresh_account, "flipped", "EXPRESS") == flipped
        sfn.delete_state_machine(stateMachineArn=gone)

    ctx = replace(context_for(fresh_account.endpoint), partial=between_listing_and_executions)
    machines = {m.name: m for m in await run(StateMachinesSource(), ctx)}

    assert set(machines) == {"flipped", "steady"}
    assert machines["flipped"].type == "STANDARD"  # what the listing said
    assert machines["flipped"].executions_unavailable == TYPE_NOT_SUPPORTED
    assert machines["steady"].executions_unavailable is None and machines["steady"].recent == 0


async def test_metrics_are_exact_for_the_last_hour(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    machine = create(fresh_account, "events", "EXPRESS")
    now = datetime.now(timezone.utc).replace(second=30, microsecond=0)
    dims = [{"Name": "StateMachineArn", "Value": machine}]

    def datum(metric: str, minutes_ago: int, **value) -> dict:
        return {"MetricName": metric, "Dimensions": dims, "Timestamp": now - timedelta(minutes=minutes_ago), **value}

    fresh_account.client("cloudwatch").put_metric_data(Namespace="AWS/States", MetricData=[
        datum("ExecutionsStarted", 2, Values=[1, 0], Counts=[40, 40]),  # emitted twice: only Sum counts
        datum("ExecutionsStarted", 50, Value=10),
        datum("ExecutionsStarted", 90, Value=1000),  # before the last hour
        datum("ExecutionsFailed", 2, Value=3),
        datum("ExecutionsTimedOut", 50, Value=2),
        datum("ExecutionThrottled", 5, Value=7),
        datum("ExecutionTime", 2, Values=[100, 300], Unit="Milliseconds"),
        datum("ExecutionTime", 50, Value=800, Unit="Milliseconds"),
        datum("ExecutionTime", 90, Value=90_000, Unit="Milliseconds"),
    ])
    (loaded,) = await run(StateMachinesSource(), context_for(fresh_account.endpoint, ManualClock(now)))
    metrics = loaded.metrics
    assert (metrics.started, metrics.failed, metrics.timed_out, metrics.throttled) == (50, 3, 2, 7)
    assert metrics.execution_time_ms == 400.0  # (100 + 300 + 800) / 3
    assert metrics.window_minutes == 60


async def test_metrics_are_fetched_once_a_minute_and_at_once_for_new_machines(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    create(fresh_account, "first", "EXPRESS")
    clock = ManualClock(datetime.now(timezone.utc))
    source = StateMachinesSource()
    ctx = context_for(fresh_account.endpoint, clock)
    gmd = lambda: calls(fresh_account.endpoint, fresh_account, "GetMetricData", "cloudwatch")  # noqa: E731
    try:
        await source(ctx)
        assert gmd() == 1
        await clock.advance(10)
        await source(ctx)
        assert gmd() == 1  # the same minute: the last figures stay
        create(fresh_account, "second", "EXPRESS")
        machines = await source(ctx)
        assert gmd() == 2 and all(m.metrics is not None for m in machines)  # only the new one asked
        await clock.advance(50)
        await source(ctx)
        assert gmd() == 3
        await source(replace(ctx, fresh=True))  # ctrl+r
        assert gmd() == 4
    finally:
        await ctx.pool.close()


async def test_one_get_metric_data_call_per_500_queries(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    count = 101  # 505 queries: two calls
    for i in range(count):
        create(fresh_account, f"m-{i:03d}", "EXPRESS" if i % 2 else "STANDARD")
    control.reset_request_counts(fresh_account.endpoint)
    clock = ManualClock(datetime.now(timezone.utc))
    ctx, source = context_for(fresh_account.endpoint, clock), StateMachinesSource()
    try:
        machines = await source(ctx)
        assert len(machines) == count and all(m.metrics is not None for m in machines)
        assert calls(fresh_account.endpoint, fresh_account, "GetMetricData", "cloudwatch") == math.ceil(
            count * QUERIES_PER_MACHINE / 500) == 2
        # ListExecutions is a sweep within opsdeck's share of its quota (5 a second in
        # us-east-1: a tenth is 30 a minute, a sweep tops a minute up to 90% of that)
        assert calls(fresh_account.endpoint, fresh_account, "ListExecutions") == 27
        for _ in range(2):
            await clock.advance(60)
            machines = await source(ctx)
    finally:
        await ctx.pool.close()
    # three minutes, 27 a minute: every STANDARD machine read (and the oldest again), no EXPRESS one
    assert calls(fresh_account.endpoint, fresh_account, "ListExecutions") == 3 * 27
    assert {m.name for m in machines if m.recent is not None} == {m.name for m in machines if m.type == "STANDARD"}
    assert sum(m.type == "STANDARD" for m in machines) == 51


async def test_executions_that_ran_show_in_both_columns(fresh_account, monkeypatch):
    """A STANDARD machine's figures from its executions (ListExecutions) and from the
    metrics they wrote agree; an EXPRESS machine has only the metrics."""
    fresh_account.use(monkeypatch)
    sfn = fresh_account.client("stepfunctions")
    arns = {kind: create(fresh_account, kind, kind.upper(), OUTCOMES) for kind in ("standard", "express")}
    for arn in arns.values():
        for i, fail in enumerate((False, False, True)):
            sfn.start_execution(stateMachineArn=arn, name=f"run-{i}", input=json.dumps({"fail": fail}))
    source = StateMachinesSource()
    deadline = time.monotonic() + 30
    while True:  # metrics arrive when the executions end, best effort: wait for them
        machines = {m.name: m for m in await run(source, context_for(fresh_account.endpoint))}
        if all(m.metrics.started == 3 and m.metrics.failed == 1 for m in machines.values()) \
                or time.monotonic() > deadline:
            break
        source = StateMachinesSource()
        time.sleep(0.2)
    standard, express = machines["standard"], machines["express"]
    assert (standard.metrics.started, standard.metrics.failed, standard.metrics.timed_out) == (3, 1, 0)
    assert (standard.recent, standard.failed, standard.succeeded) == (3, 1, 2)
    assert (express.metrics.started, express.metrics.failed, express.metrics.timed_out) == (3, 1, 0)
    assert express.recent is None and express.executions_unavailable == "EXPRESS"
    assert express.metrics.throttled == 0 and express.metrics.execution_time_ms is not None
