"""The simulator's EXPRESS traffic: it runs in the server's interpreter, and its metrics add up.

moto's interpreter invokes Lambda Tasks in the server's default account whatever the
execution's account, so this module seeds its own server's default account (the Task
of order-events would fail in any other).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from console.demo import estate as E
from console.demo.seed import seed_estate
from console.demo.simulator import Simulator

ACCOUNT = E.DEFAULT_ACCOUNT


@pytest.fixture(scope="module")
def endpoint(aws):
    """This module's own embedded server (tests/demo/conftest.py), seeded."""
    seed_estate(aws.endpoint, "small")
    return aws.endpoint


def _states_sums(cw, machine: str, metrics: tuple[str, ...], start: datetime, end: datetime,
                 period: int = 3600) -> dict[str, float]:
    queries = [{"Id": f"m{i}", "MetricStat": {"Metric": {
        "Namespace": "AWS/States", "MetricName": metric,
        "Dimensions": [{"Name": "StateMachineArn", "Value": machine}]}, "Period": period, "Stat": "Sum"}}
        for i, metric in enumerate(metrics)]
    results = cw.get_metric_data(MetricDataQueries=queries, StartTime=start, EndTime=end)["MetricDataResults"]
    by_id = {r["Id"]: sum(r["Values"]) for r in results}
    return {metric: by_id[f"m{i}"] for i, metric in enumerate(metrics)}


OUTCOMES = ("ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsAborted", "ExecutionsTimedOut")


def test_ticks_run_express_executions_whose_ends_write_their_metrics(endpoint):
    """The EXPRESS machine's traffic runs in the server's interpreter: the metrics its
    executions write add up to what the ticks started, by kind."""
    aws = E.Clients(endpoint, ACCOUNT)
    cw = aws("cloudwatch")
    machine = f"arn:aws:states:{E.REGION}:{ACCOUNT}:stateMachine:{E.EVENTS_MACHINE}"
    window = (datetime.now(timezone.utc) - timedelta(hours=2), datetime.now(timezone.utc) + timedelta(hours=1))

    def settled() -> dict[str, float]:  # every execution started so far has ended
        deadline = time.monotonic() + 30
        while True:
            sums = _states_sums(cw, machine, OUTCOMES, *window)
            if sums["ExecutionsStarted"] == sum(sums[m] for m in OUTCOMES[1:]) or time.monotonic() > deadline:
                return sums

    before = settled()
    sim = Simulator(endpoint, seed=21, account=ACCOUNT)
    kinds: dict[str, int] = {}
    for i in range(4):
        for kind, n in (sim.tick(datetime.now(timezone.utc) + timedelta(seconds=i))["events"] or {}).items():
            kinds[kind] = kinds.get(kind, 0) + n
    after = settled()
    delta = {m: after[m] - before[m] for m in OUTCOMES}
    assert sum(kinds.values()) > 0
    assert delta == {"ExecutionsStarted": sum(kinds.values()), "ExecutionsSucceeded": kinds.get("status", 0),
                     "ExecutionsFailed": kinds.get("malformed", 0), "ExecutionsAborted": 0,
                     "ExecutionsTimedOut": kinds.get("partner", 0)}


def test_backfill_gives_the_express_machine_an_hour_of_metrics(endpoint):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    Simulator(endpoint, seed=12, account=ACCOUNT).backfill(now, minutes=60)
    cw = E.Clients(endpoint, ACCOUNT)("cloudwatch")
    machine = f"arn:aws:states:{E.REGION}:{ACCOUNT}:stateMachine:{E.EVENTS_MACHINE}"
    first = now.replace(second=0) - timedelta(minutes=60)
    query = {"Id": "started", "MetricStat": {"Metric": {
        "Namespace": "AWS/States", "MetricName": "ExecutionsStarted",
        "Dimensions": [{"Name": "StateMachineArn", "Value": machine}]}, "Period": 60, "Stat": "Sum"}}
    (result,) = cw.get_metric_data(MetricDataQueries=[query], StartTime=first, EndTime=first + timedelta(minutes=59),
                                   ScanBy="TimestampAscending")["MetricDataResults"]
    assert len(result["Values"]) == 59 and all(v > 0 for v in result["Values"])
    assert sum(result["Values"]) == pytest.approx(59 * 36, rel=0.2)  # 3 a tick, 12 ticks a minute
