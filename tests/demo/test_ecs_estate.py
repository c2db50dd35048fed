"""The demo estate's ECS stories, read back through the API a new user's console reads."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from console.demo import estate as E
from console.demo.seed import seed_estate
from console.demo.simulator import Simulator

ACCOUNT = "444444444444"  # moto state is per process: keep clear of other modules


@pytest.fixture(scope="module")
def aws(aws):
    """Clients for the estate seeded into ACCOUNT of this module's embedded server."""
    seed_estate(aws.endpoint, "small", account=ACCOUNT)
    return E.Clients(aws.endpoint, ACCOUNT)


def revision(aws, number: int) -> dict:
    return aws("ecs").describe_task_definition(taskDefinition=f"{E.TASK_FAMILY}:{number}")["taskDefinition"]


def test_revisions_differ_in_what_the_revision_diff_shows(aws):
    """Revision 2 -> 3 changes the image, CPU/memory, an environment name, the health check;
    1 -> 2 adds a port and a secret; revision 4 carries the image the embedded AWS fails."""
    one, two, three, four = (revision(aws, n) for n in (1, 2, 3, 4))

    def container(td: dict) -> dict:
        (only,) = td["containerDefinitions"]
        return only

    assert container(two)["image"].endswith("/my-app:1.2.0") and container(three)["image"].endswith("/my-app:1.3.0")
    assert (two["cpu"], two["memory"]) == ("512", "1024") and (three["cpu"], three["memory"]) == ("1024", "2048")
    names = {n: {e["name"] for e in container(td)["environment"]} for n, td in ((2, two), (3, three))}
    assert names[3] - names[2] == {"LOG_FORMAT"}
    assert container(two)["healthCheck"]["command"] != container(three)["healthCheck"]["command"]
    assert [p["containerPort"] for p in container(one)["portMappings"]] == [8080]
    assert [p["containerPort"] for p in container(two)["portMappings"]] == [8080, 9100]
    assert [s["name"] for s in container(one)["secrets"]] == ["DB_PASSWORD"]
    assert [s["name"] for s in container(two)["secrets"]] == ["DB_PASSWORD", "PAYMENTS_API_KEY"]
    assert ":secret:my-app/payments" in container(two)["secrets"][1]["valueFrom"]
    assert container(four)["image"].endswith("-broken")

    services = aws("ecs").describe_services(cluster=E.CLUSTER, services=[E.SERVICE, E.WORKER_SERVICE])["services"]
    assert {s["serviceName"]: s["taskDefinition"].rsplit("/", 1)[1] for s in services} == {
        E.SERVICE: "my-app:3", E.WORKER_SERVICE: "my-app:3"}


def test_backfill_gives_each_service_an_hour_of_utilisation(aws):
    """The demo's ECS services have CPU and memory history from the first look (sparklines)."""
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(hours=3)
    Simulator(aws.endpoint, seed=3, account=ACCOUNT).backfill(now, minutes=10)
    cw = aws("cloudwatch")
    queries = [{"Id": f"q{i}", "MetricStat": {"Metric": {
        "Namespace": "AWS/ECS", "MetricName": metric,
        "Dimensions": [{"Name": "ClusterName", "Value": E.CLUSTER}, {"Name": "ServiceName", "Value": service}]},
        "Period": 60, "Stat": "Average"}}
        for i, (metric, service) in enumerate((m, s) for m in ("CPUUtilization", "MemoryUtilization")
                                              for s in (E.SERVICE, E.WORKER_SERVICE))]
    results = cw.get_metric_data(MetricDataQueries=queries, StartTime=now - timedelta(minutes=10),
                                 EndTime=now)["MetricDataResults"]
    assert [len(r["Values"]) for r in results] == [10, 10, 10, 10]


def test_running_tasks_keep_writing_their_log_streams(aws):
    """Every RUNNING task's awslogs stream (app/app/<task id>) keeps getting request lines."""
    simulator = Simulator(aws.endpoint, seed=5, account=ACCOUNT)
    now = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=2)
    summaries = [simulator.tick(now + timedelta(seconds=5 * i)) for i in range(3)]
    assert summaries[2]["ecs_log_lines"] > 0
    logs = aws("logs")
    ecs = aws("ecs")
    arns = ecs.list_tasks(cluster=E.CLUSTER, desiredStatus="RUNNING")["taskArns"]
    for task in ecs.describe_tasks(cluster=E.CLUSTER, tasks=arns)["tasks"]:
        if task["lastStatus"] != "RUNNING":
            continue
        stream = E.ecs_stream_name(task["taskArn"].rsplit("/", 1)[1])
        events = logs.get_log_events(logGroupName=E.ECS_LOG_GROUP, logStreamName=stream,
                                     startTime=E.ms(now - timedelta(seconds=10)))["events"]
        assert any("HTTP/1.1" in e["message"] for e in events), stream
