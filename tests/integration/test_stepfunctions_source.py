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
from tests.sfn_tui import conftest as sfn_tui
from tests.sfn_tui.conftest import OUTCOMES as EVERY_OUTCOME, wait_for_statuses

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


# the executions of the last 24 h --------------------------------------------------------------
def start_runs(account, machine: str, outcomes: list[str], prefix: str = "run") -> list[str]:
    return sfn_tui.start_runs(account, machine, [{"outcome": o} for o in outcomes], prefix)


async def test_the_day_is_counted_by_status_with_the_latest_failure(fresh_account, monkeypatch):
    """Every status ListExecutions gives, each in its own column: failures are no longer
    lumped together, and the latest failure is the one that ended last."""
    fresh_account.use(monkeypatch)
    machine = create(fresh_account, "outcomes", definition=EVERY_OUTCOME)
    sfn = fresh_account.client("stepfunctions")
    arns = start_runs(fresh_account, machine, ["ok", "ok", "ok", "fail", "wait", "wait", "fail"])
    sfn.stop_execution(executionArn=arns[5], error="Operator", cause="stopped by the test")  # ABORTED
    wait_for_statuses(fresh_account, machine, {"SUCCEEDED": 3, "FAILED": 2, "RUNNING": 1, "ABORTED": 1})

    (loaded,) = await run(StateMachinesSource(), context_for(fresh_account.endpoint))

    assert (loaded.running, loaded.succeeded, loaded.failed, loaded.timed_out, loaded.aborted, loaded.recent) == (
        1, 3, 2, 0, 1, 7)
    latest = max((e for e in sfn.list_executions(stateMachineArn=machine)["executions"]
                  if e["status"] in ("FAILED", "ABORTED")), key=lambda e: e["stopDate"])
    assert loaded.latest_failure.arn == latest["executionArn"]
    assert loaded.window_complete and loaded.last_execution.name == "run-06"
    sfn.stop_execution(executionArn=arns[4])


async def test_later_reads_take_only_what_changed_and_see_the_running_ones_end(fresh_account, monkeypatch):
    """The second read costs one ListExecutions page, never the whole day again: an
    execution that ended comes back to the top of the list (ListExecutions sorts ended ones
    by stopDate) and moves from running to its status, with no DescribeExecution."""
    fresh_account.use(monkeypatch)
    machine = create(fresh_account, "busy", definition=EVERY_OUTCOME)
    sfn = fresh_account.client("stepfunctions")
    arns = start_runs(fresh_account, machine, ["ok", "wait", "fail"])
    wait_for_statuses(fresh_account, machine, {"SUCCEEDED": 1, "FAILED": 1, "RUNNING": 1})
    clock = ManualClock(datetime.now(timezone.utc))
    ctx, source = context_for(fresh_account.endpoint, clock), StateMachinesSource()
    try:
        (first,) = await source(ctx)
        assert (first.running, first.succeeded, first.failed, first.recent) == (1, 1, 1, 3)
        sfn.stop_execution(executionArn=arns[1])  # the running one ends (ABORTED)
        start_runs(fresh_account, machine, ["ok", "ok"], prefix="later")
        wait_for_statuses(fresh_account, machine, {"SUCCEEDED": 3, "FAILED": 1, "ABORTED": 1})
        control.reset_request_counts(fresh_account.endpoint)
        await clock.advance(60)
        (second,) = await source(ctx)
        assert calls(fresh_account.endpoint, fresh_account, "ListExecutions") == 1
        assert calls(fresh_account.endpoint, fresh_account, "DescribeExecution") == 0
        assert (second.running, second.succeeded, second.failed, second.aborted, second.recent) == (0, 3, 1, 1, 5)
        control.reset_request_counts(fresh_account.endpoint)
        await clock.advance(60)
        (third,) = await source(ctx)  # nothing new, nothing running: one page, no describe
        assert calls(fresh_account.endpoint, fresh_account, "ListExecutions") == 1
        assert calls(fresh_account.endpoint, fresh_account, "DescribeExecution") == 0
        assert third.recent == 5
    finally:
        await ctx.pool.close()


async def test_a_busy_day_is_read_page_by_page_within_the_budget(fresh_account, monkeypatch):
    """Pages of 2 (the page sizes patched down; the server pages for real): the first read
    pages back through the whole day when the budget allows; with nothing spare beyond the
    first page, the day goes on from its token at the next tick, shown meanwhile as a
    lower bound, and nothing is counted twice."""
    from console.services.stepfunctions import executions

    fresh_account.use(monkeypatch)
    monkeypatch.setattr(executions, "FIRST_PAGE", 2)
    monkeypatch.setattr(executions, "NEWER_PAGE", 2)
    machine = create(fresh_account, "many", definition=EVERY_OUTCOME)
    start_runs(fresh_account, machine, ["ok", "fail", "ok", "ok", "fail", "ok", "ok"])
    wait_for_statuses(fresh_account, machine, {"SUCCEEDED": 5, "FAILED": 2})
    clock = ManualClock(datetime.now(timezone.utc))
    ctx = context_for(fresh_account.endpoint, clock)
    try:
        control.reset_request_counts(fresh_account.endpoint)
        (whole,) = await StateMachinesSource()(ctx)
        assert calls(fresh_account.endpoint, fresh_account, "ListExecutions") == 4  # 7 executions, 2 a page
        assert (whole.succeeded, whole.failed, whole.recent, whole.window_complete) == (5, 2, 7, True)

        source = StateMachinesSource()
        monkeypatch.setattr(ctx.pool.budget, "spare", lambda target, service, operation: 1)  # one call a tick
        (partial,) = await source(ctx)
        assert (partial.recent, partial.window_complete) == (2, False)
        for _ in range(3):
            await clock.advance(60)
            (latest,) = await source(ctx)
        assert (latest.succeeded, latest.failed, latest.recent, latest.window_complete) == (5, 2, 7, True)
    finally:
        await ctx.pool.close()


async def test_executions_older_than_a_day_are_left_out_and_age_out(fresh_account, monkeypatch):
    """The console's clock a day ahead: the executions that ran now are outside the window."""
    fresh_account.use(monkeypatch)
    machine = create(fresh_account, "yesterday", definition=EVERY_OUTCOME)
    start_runs(fresh_account, machine, ["ok", "fail"])
    wait_for_statuses(fresh_account, machine, {"SUCCEEDED": 1, "FAILED": 1})
    clock = ManualClock(datetime.now(timezone.utc) + timedelta(hours=23))
    ctx, source = context_for(fresh_account.endpoint, clock), StateMachinesSource()
    try:
        (today,) = await source(ctx)
        assert (today.succeeded, today.failed, today.latest_failure is not None) == (1, 1, True)
        await clock.advance(2 * 3600)
        (tomorrow,) = await source(ctx)
        assert (tomorrow.succeeded, tomorrow.failed, tomorrow.recent, tomorrow.latest_failure) == (0, 0, 0, None)
        (fresh,) = await StateMachinesSource()(ctx)  # read from scratch: the same
        assert (fresh.recent, fresh.last_execution, fresh.window_complete) == (0, None, True)
    finally:
        await ctx.pool.close()


async def test_express_machines_offer_their_log_group(fresh_account, monkeypatch):
    """DescribeStateMachine's loggingConfiguration, read once per EXPRESS machine (never for
    a STANDARD one), and not again on the next tick."""
    fresh_account.use(monkeypatch)
    sfn = fresh_account.client("stepfunctions")
    group_arn = f"arn:aws:logs:us-east-1:{fresh_account.id}:log-group:/aws/vendedlogs/states/events:*"
    sfn.create_state_machine(name="logged", definition=PASS, roleArn=f"arn:aws:iam::{fresh_account.id}:role/sfn",
                             type="EXPRESS", loggingConfiguration={
                                 "level": "ALL", "includeExecutionData": True,
                                 "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": group_arn}}]})
    create(fresh_account, "quiet", "EXPRESS")
    create(fresh_account, "standard")
    clock = ManualClock(datetime.now(timezone.utc))
    ctx, source = context_for(fresh_account.endpoint, clock), StateMachinesSource()
    try:
        control.reset_request_counts(fresh_account.endpoint)
        machines = {m.name: m for m in await source(ctx)}
        assert machines["logged"].log_group == "/aws/vendedlogs/states/events"
        assert machines["quiet"].log_group == ""  # logging off
        assert machines["standard"].log_group is None
        assert calls(fresh_account.endpoint, fresh_account, "DescribeStateMachine") == 2
        await clock.advance(60)
        await source(ctx)
        assert calls(fresh_account.endpoint, fresh_account, "DescribeStateMachine") == 2
    finally:
        await ctx.pool.close()


async def test_a_redriven_execution_is_counted_once_under_its_new_outcome(fresh_account, monkeypatch):
    """A redrive brings a failed execution back to the top of the list (RUNNING, then its new
    end): the next read replaces what was counted for it, never counts it twice."""
    fresh_account.use(monkeypatch)
    machine = create(fresh_account, "again", definition=EVERY_OUTCOME)
    sfn = fresh_account.client("stepfunctions")
    (failed,) = start_runs(fresh_account, machine, ["fail"])
    wait_for_statuses(fresh_account, machine, {"FAILED": 1})
    clock = ManualClock(datetime.now(timezone.utc))
    ctx, source = context_for(fresh_account.endpoint, clock), StateMachinesSource()
    try:
        (before,) = await source(ctx)
        assert (before.failed, before.recent) == (1, 1)
        first_end = before.latest_failure.ended_at
        sfn.redrive_execution(executionArn=failed)  # fails again: the same input takes the same branch
        deadline = time.monotonic() + 30
        while sfn.describe_execution(executionArn=failed)["status"] != "FAILED" and time.monotonic() < deadline:
            time.sleep(0.1)
        await clock.advance(60)
        (after,) = await source(ctx)
        assert (after.failed, after.recent) == (1, 1)
        assert after.latest_failure.ended_at > first_end and after.latest_failure.redrive_count == 1
    finally:
        await ctx.pool.close()
