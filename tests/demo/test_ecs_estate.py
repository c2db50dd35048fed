"""The demo estate's ECS stories, read back through the API a new user's console reads."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from console.demo import estate as E
from console.demo.process import EmbeddedAws
from console.demo.simulator import Simulator

ACCOUNT = None  # the server's own estate, seeded at its start as in `opsdeck demo`


@pytest.fixture(scope="module")
def aws():
    """Clients for the estate an embedded server of this module seeded at its start."""
    with EmbeddedAws.start(size="small", simulate=False) as server:
        yield E.Clients(server.endpoint, ACCOUNT)


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


def test_backfill_gives_each_service_a_utilisation_history(aws):
    """The demo's ECS services have CPU and memory history from the first look (sparklines)."""
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(hours=3)
    Simulator(aws.endpoint, seed=3, account=ACCOUNT).backfill(now, minutes=3)
    cw = aws("cloudwatch")
    queries = [{"Id": f"q{i}", "MetricStat": {"Metric": {
        "Namespace": "AWS/ECS", "MetricName": metric,
        "Dimensions": [{"Name": "ClusterName", "Value": E.CLUSTER}, {"Name": "ServiceName", "Value": service}]},
        "Period": 60, "Stat": "Average"}}
        for i, (metric, service) in enumerate((m, s) for m in ("CPUUtilization", "MemoryUtilization")
                                              for s in (E.SERVICE, E.WORKER_SERVICE))]
    results = cw.get_metric_data(MetricDataQueries=queries, StartTime=now - timedelta(minutes=10),
                                 EndTime=now)["MetricDataResults"]
    assert [len(r["Values"]) for r in results] == [3, 3, 3, 3]


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


def stopped(aws, service: str) -> list[dict]:
    ecs = aws("ecs")
    arns = ecs.list_tasks(cluster=E.CLUSTER, serviceName=service, desiredStatus="STOPPED")["taskArns"]
    return ecs.describe_tasks(cluster=E.CLUSTER, tasks=arns)["tasks"] if arns else []


def test_api_service_rolled_out_revision_3_after_a_completed_deployment_of_2(aws):
    """Rollback has a target: the deployment of revision 2 completed before revision 3's."""
    ecs = aws("ecs")
    (service,) = ecs.describe_services(cluster=E.CLUSTER, services=[E.SERVICE])["services"]
    (primary,) = service["deployments"]
    assert primary["taskDefinition"].endswith("/my-app:3") and primary["rolloutState"] == "COMPLETED"
    history = ecs.list_service_deployments(cluster=E.CLUSTER, service=E.SERVICE)["serviceDeployments"]
    described = ecs.describe_service_deployments(
        serviceDeploymentArns=[d["serviceDeploymentArn"] for d in history])["serviceDeployments"]
    revisions = {d["serviceDeploymentArn"]: d["targetServiceRevision"]["arn"] for d in described}
    task_defs = {r["serviceRevisionArn"]: r["taskDefinition"].rsplit(":", 1)[1] for r in
                 ecs.describe_service_revisions(serviceRevisionArns=list(revisions.values()))["serviceRevisions"]}
    assert [(d["status"], task_defs[revisions[d["serviceDeploymentArn"]]]) for d in history] == [
        ("SUCCESSFUL", "3"), ("SUCCESSFUL", "2")]


def test_a_task_of_the_last_hour_could_not_pull_its_image(aws):
    """The seeded rollout lost one task to an image pull: TaskFailedToStart, CannotPullContainerError."""
    (failed,) = [t for t in stopped(aws, E.SERVICE) if t.get("stopCode") == "TaskFailedToStart"]
    assert failed["stoppedReason"].startswith("CannotPullContainerError: ")
    assert failed["stoppedAt"] > datetime.now(timezone.utc) - timedelta(hours=1)
    assert failed["taskDefinitionArn"].endswith("/my-app:3")


def test_worker_service_fails_a_container_health_check_every_30_seconds(aws):
    """Every ECS_CHURN_EVERY ticks one worker task fails its container health check and the
    scheduler replaces it: AWS's stop reason and event, not a user's StopTask."""
    from console.demo.simulator import ECS_CHURN_EVERY, TICK

    ecs = aws("ecs")
    simulator = Simulator(aws.endpoint, seed=9, account=ACCOUNT)
    now = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=1)
    summaries = [simulator.tick(now + TICK * i) for i in range(ECS_CHURN_EVERY)]
    failed = summaries[-1]["ecs_replaced"]
    assert failed and [s["ecs_replaced"] for s in summaries[:-1]] == [None] * (ECS_CHURN_EVERY - 1)
    (task,) = ecs.describe_tasks(cluster=E.CLUSTER, tasks=[failed])["tasks"]
    assert task["group"] == f"service:{E.WORKER_SERVICE}"
    assert task["desiredStatus"] == "STOPPED" and task["stopCode"] != "UserInitiated"
    assert task["stoppedReason"] == "Task failed container health checks"
    (service,) = ecs.describe_services(cluster=E.CLUSTER, services=[E.WORKER_SERVICE])["services"]
    messages = [e["message"] for e in service["events"]]
    assert f"(service {E.WORKER_SERVICE}) (task {failed}) failed container health checks." in messages
    assert len(ecs.list_tasks(cluster=E.CLUSTER, serviceName=E.WORKER_SERVICE)["taskArns"]) == 2
    lines = [e["message"] for e in aws("logs").get_log_events(
        logGroupName=E.ECS_LOG_GROUP, logStreamName=E.ecs_stream_name(failed))["events"]]
    assert "Received SIGTERM, shutting down" in lines


def test_a_spot_task_of_api_service_is_interrupted_now_and_then(aws):
    from console.demo.simulator import ECS_SPOT_EVERY

    simulator = Simulator(aws.endpoint, seed=9, account=ACCOUNT)
    simulator.ticks = ECS_SPOT_EVERY - 1
    interrupted = simulator.tick(datetime.now(timezone.utc) - timedelta(minutes=30))["ecs_spot_interrupted"]
    assert interrupted
    (task,) = aws("ecs").describe_tasks(cluster=E.CLUSTER, tasks=[interrupted])["tasks"]
    assert task["capacityProviderName"] == "FARGATE_SPOT"
    assert (task["stopCode"], task["stoppedReason"]) == ("SpotInterruption", "Your Spot Task was interrupted.")


def test_seeding_another_account_later_leaves_this_estate_as_it_was(aws):
    """Only the server's own seeding settles ECS (which moves every account's services): a test
    seeding its account on a shared server does not age the estate other tests look at."""
    from console.demo.seed import seed_estate

    ecs = aws("ecs")

    def started() -> dict[str, datetime]:
        arns = ecs.list_tasks(cluster=E.CLUSTER)["taskArns"]
        return {t["taskArn"]: t["createdAt"] for t in ecs.describe_tasks(cluster=E.CLUSTER, tasks=arns)["tasks"]}

    before = started()
    seed_estate(aws.endpoint, "small", account="555555555555")
    assert started() == before
    other = E.Clients(aws.endpoint, "555555555555")("ecs")
    (service,) = other.describe_services(cluster=E.CLUSTER, services=[E.SERVICE])["services"]
    assert service["taskDefinition"].endswith("/my-app:3")
