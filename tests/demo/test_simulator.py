"""The simulator: reproducible traffic, and metrics that read back exactly."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from console.demo import estate as E
from console.demo.seed import seed_estate
from console.demo.simulator import Simulator


@pytest.fixture(scope="module")
def endpoint(aws):
    """The embedded server (tests/demo/conftest.py) with the estate seeded in ACCOUNT."""
    from console.demo import control

    seed_estate(aws.endpoint, "small", account=ACCOUNT)
    control.settle_ecs(aws.endpoint)  # the ECS tasks RUNNING now, as the demo's are (this server is the module's)
    return aws.endpoint


ACCOUNT = "333333333333"  # moto state is per process: keep clear of other modules
# In the past: CloudWatch Logs (and moto) reject events more than 2 h ahead.
NOON = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0) - timedelta(hours=4)


def test_same_seed_same_figures(endpoint):
    a = Simulator(endpoint, seed=7, account=ACCOUNT).tick(NOON - timedelta(hours=2))
    b = Simulator(endpoint, seed=7, account=ACCOUNT).tick(NOON - timedelta(hours=2))
    c = Simulator(endpoint, seed=8, account=ACCOUNT).tick(NOON - timedelta(hours=2))
    assert a["functions"] == b["functions"]
    assert a["functions"] != c["functions"]
    assert set(a["functions"]) == set(E.FUNCTION_NAMES)


def _query(fn: str, metric: str, stat: str, extra: dict[str, str] | None = None) -> dict:
    dims = [{"Name": "FunctionName", "Value": fn}] + [{"Name": k, "Value": v} for k, v in (extra or {}).items()]
    qid = f"q{abs(hash((fn, metric, stat, str(extra)))) % 10**8}"
    return {
        "Id": qid,
        "MetricStat": {"Metric": {"Namespace": "AWS/Lambda", "MetricName": metric, "Dimensions": dims}, "Period": 60, "Stat": stat},
    }


def test_metrics_read_back_exactly(endpoint):
    now = NOON
    summary = Simulator(endpoint, seed=3, account=ACCOUNT).tick(now)
    cw = E.Clients(endpoint, ACCOUNT)("cloudwatch")
    queries, expect = [], {}
    for fn, fig in summary["functions"].items():
        for metric, stat, extra, value in [
            ("Invocations", "Sum", None, fig["Invocations"]),
            ("Errors", "Sum", None, fig["Errors"]),
            ("Throttles", "Sum", None, fig["Throttles"]),
            ("Invocations", "Sum", {"Resource": f"{fn}:live"}, fig["Invocations"]),
            ("Duration", "Maximum", None, fig["DurationMax"]),
        ] + [("Invocations", "Sum", {"Resource": f"{fn}:live", "ExecutedVersion": v}, n)
             for v, n in fig["ByVersion"].items()]:
            q = _query(fn, metric, stat, extra)
            queries.append(q)
            expect[q["Id"]] = value
    got = {}
    for i in range(0, len(queries), 100):
        resp = cw.get_metric_data(MetricDataQueries=queries[i : i + 100], StartTime=now - timedelta(minutes=1), EndTime=now + timedelta(minutes=1))
        got |= {r["Id"]: sum(r["Values"]) for r in resp["MetricDataResults"]}
    assert got == pytest.approx(expect)
    payment = summary["functions"]["process-payment"]["ByVersion"]
    assert set(payment) <= {"2", "3"} and payment.get("2", 0) > payment.get("3", 0)


def test_logs_executions_and_ecs_churn(endpoint):
    sim = Simulator(endpoint, seed=5, account=ACCOUNT)
    aws = E.Clients(endpoint, ACCOUNT)
    running_before = aws("ecs").list_tasks(cluster=E.CLUSTER, desiredStatus="RUNNING")["taskArns"]
    summaries = [sim.tick(NOON + timedelta(hours=1, seconds=5 * i)) for i in range(6)]
    logs = aws("logs")
    window = {"startTime": E.ms(NOON + timedelta(minutes=59)), "endTime": E.ms(NOON + timedelta(hours=1, minutes=1))}
    written = sum(
        len(e)
        for fn in E.FUNCTION_NAMES
        for e in [[x for p in logs.get_paginator("filter_log_events").paginate(logGroupName=f"/aws/lambda/{fn}", **window) for x in p["events"]]]
    )
    assert written == sum(s["log_lines"] for s in summaries) > 0
    started = [s["execution"]["name"] for s in summaries if s["execution"]]
    assert [s["tick"] for s in summaries if s["execution"]] == [3, 6]
    machine = f"arn:aws:states:{E.REGION}:{ACCOUNT}:stateMachine:{E.ORDER_MACHINE}"
    names = {e["name"] for e in aws("stepfunctions").list_executions(stateMachineArn=machine)["executions"]}
    assert set(started) <= names
    replaced = summaries[5]["ecs_replaced"]
    assert replaced and any(arn.endswith(replaced) for arn in running_before)
    (task,) = aws("ecs").describe_tasks(cluster=E.CLUSTER, tasks=[replaced])["tasks"]
    assert task["desiredStatus"] == "STOPPED"
    lines = [e["message"] for e in logs.get_log_events(logGroupName=E.ECS_LOG_GROUP, logStreamName=f"app/app/{replaced}")["events"]]
    assert "Received SIGTERM, shutting down" in lines


def test_backfill_writes_an_hour_of_per_minute_history(endpoint):
    """The demo starts with a history: every minute of the last hour has invocations."""
    now = NOON + timedelta(hours=1, seconds=30)
    written = Simulator(endpoint, seed=11, account=ACCOUNT).backfill(now, minutes=60)
    assert written > 0
    cw = E.Clients(endpoint, ACCOUNT)("cloudwatch")
    query = _query("validate-order", "Invocations", "Sum")
    first = now.replace(second=0) - timedelta(minutes=60)
    resp = cw.get_metric_data(MetricDataQueries=[query], StartTime=first,  # a mid-minute start is rounded down
                              EndTime=now.replace(second=0), ScanBy="TimestampAscending")
    (result,) = resp["MetricDataResults"]
    minutes = [ts.replace(tzinfo=timezone.utc) for ts in result["Timestamps"]]
    assert minutes == [first + timedelta(minutes=i) for i in range(60)]
    assert all(value > 0 for value in result["Values"])


def test_an_invocation_is_stamped_with_its_start_and_written_once_it_has_ended(endpoint):
    """Lambda: "The timestamp on a metric reflects when the function was invoked. Depending
    on the duration of the invocation, this can be several minutes before the metric is
    emitted" (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-view.html).
    A tick at 13:00:00 writes what ended by then; what started at 12:59:5x and still runs
    is written by the next tick, still stamped 12:59."""
    sim = Simulator(endpoint, seed=21, account=ACCOUNT)
    boundary = NOON + timedelta(hours=3)
    first = sim.tick(boundary)
    running = {fn: fig["Running"] for fn, fig in first["functions"].items() if fig["Running"]}
    assert running, "this seed leaves some invocations running at the tick"
    cw = E.Clients(endpoint, ACCOUNT)("cloudwatch")

    def minute_before(fn: str) -> float:
        (result,) = cw.get_metric_data(MetricDataQueries=[_query(fn, "Invocations", "Sum")],
                                       StartTime=boundary - timedelta(minutes=1), EndTime=boundary)["MetricDataResults"]
        return sum(result["Values"])

    for fn in running:
        assert minute_before(fn) == first["functions"][fn]["Invocations"]
    second = sim.tick(boundary + timedelta(seconds=5))
    for fn, still in running.items():
        assert minute_before(fn) == first["functions"][fn]["Invocations"] + still
        assert second["functions"][fn]["Invocations"] >= still  # written now, counted in the old minute


def test_the_demo_servers_own_simulator_writes_to_its_backend_and_arrives_a_minute_late():
    """In the demo the simulator runs inside the server and writes straight to its CloudWatch
    backend (local=True); what it writes still goes through PutMetricData's extensions: the
    demo's 60 s ingestion delay and the four dimension sets."""
    from console.demo import control
    from console.demo.process import EmbeddedAws

    with EmbeddedAws.start(size="small", simulate=False, realism="demo") as server:
        t0 = control.set_clock(server.endpoint, datetime.now(timezone.utc).replace(microsecond=0))
        written = control.tick(server.endpoint, t0)["functions"]["validate-order"]["Invocations"]
        cw = E.Clients(server.endpoint)("cloudwatch")

        def seen() -> float:
            (result,) = cw.get_metric_data(MetricDataQueries=[_query("validate-order", "Invocations", "Sum")],
                                           StartTime=t0 - timedelta(minutes=1),
                                           EndTime=t0 + timedelta(minutes=1))["MetricDataResults"]
            return sum(result["Values"])

        assert written > 0 and seen() == 0
        control.set_clock(server.endpoint, t0 + timedelta(seconds=60))
        assert seen() == written
        sets = {tuple(sorted(d["Name"] for d in m["Dimensions"]))
                for page in cw.get_paginator("list_metrics").paginate(Namespace="AWS/Lambda") for m in page["Metrics"]}
        assert sets == {(), ("FunctionName",), ("FunctionName", "Resource"), ("ExecutedVersion", "FunctionName", "Resource")}
