"""AWS/ECS service utilisation metrics as ECS publishes them for Fargate services, written by the
embedded AWS's simulator tick (moto 5.2.5 publishes none) and read back with GetMetricData.

Sources: "Amazon ECS CloudWatch metrics",
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html, and
"Amazon ECS service utilization metrics",
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_utilization.html.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from console.demo.extensions import ecs_metrics
from console.demo.simulator import Simulator

SEED = 7


def with_service(account, name: str, desired: int, cluster: str = "prod") -> None:
    ecs = account.client("ecs")
    ecs.create_cluster(clusterName=cluster)
    ecs.register_task_definition(family="web", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
                                 cpu="256", memory="512",
                                 containerDefinitions=[{"name": "web", "image": "nginx:1.27", "essential": True}])
    ec2 = account.client("ec2")
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    group = ec2.describe_security_groups()["SecurityGroups"][0]["GroupId"]
    ecs.create_service(cluster=cluster, serviceName=name, taskDefinition="web", desiredCount=desired,
                       launchType="FARGATE",
                       networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group]}})


def query(qid: str, metric: str, stat: str, dimensions: dict[str, str]) -> dict:
    return {"Id": qid, "MetricStat": {"Metric": {
        "Namespace": "AWS/ECS", "MetricName": metric,
        "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()]}, "Period": 60, "Stat": stat}}


def test_service_utilisation_is_written_each_minute_by_cluster_and_service(fresh_account, shared_clock):
    """available-metrics.html: CPUUtilization and MemoryUtilization, "Valid Dimension" ClusterName,
    ServiceName, "Useful Statistics" Average, Minimum, Maximum, "Unit" Percent; "Amazon ECS sends
    metrics to CloudWatch at one-minute intervals". service_utilization.html: Average is "The
    average utilization across all tasks in the service", Minimum "the task with the lowest
    resource usage", Maximum the task with the highest. Each statistic of a minute reads back
    exactly what the embedded ECS measured for the service's tasks (ecs_metrics.task_figures:
    the same figures for the same seed and minute)."""
    with_service(fresh_account, "web", desired=2)
    asyncio.run(shared_clock.advance(20))  # the tasks are RUNNING
    simulator = Simulator(fresh_account.endpoint, seed=SEED, account=fresh_account.id)
    simulator.tick(shared_clock.now())  # the service is seen running from this minute on
    minute = shared_clock.now().replace(second=0, microsecond=0)
    asyncio.run(shared_clock.advance(61))
    assert simulator.tick(shared_clock.now())["ecs_metrics"] == 2

    dims = {"ClusterName": "prod", "ServiceName": "web"}
    queries = [query(f"{m[0].lower()}{s.lower()}", m, s, dims)
               for m in ecs_metrics.METRICS for s in ("Average", "Minimum", "Maximum", "SampleCount")]
    results = fresh_account.client("cloudwatch").get_metric_data(
        MetricDataQueries=queries, StartTime=minute - timedelta(minutes=5), EndTime=minute + timedelta(minutes=5))
    got = {r["Id"]: (r["Timestamps"], r["Values"]) for r in results["MetricDataResults"]}
    figures = ecs_metrics.task_figures(SEED, fresh_account.id, "us-east-1", "prod", "web", 2, minute)
    for metric, values in figures.items():
        prefix = metric[0].lower()
        assert all(got[f"{prefix}{s}"][0] == [minute] for s in ("average", "minimum", "maximum"))
        assert got[f"{prefix}average"][1] == [pytest.approx(sum(values) / 2, abs=1e-9)]
        assert (got[f"{prefix}minimum"][1], got[f"{prefix}maximum"][1]) == ([min(values)], [max(values)])
        assert got[f"{prefix}samplecount"][1] == [2.0]
        assert all(0 < v <= 100 for v in values)

    stats = fresh_account.client("cloudwatch").get_metric_statistics(
        Namespace="AWS/ECS", MetricName="CPUUtilization", Dimensions=[{"Name": k, "Value": v} for k, v in dims.items()],
        StartTime=minute, EndTime=minute + timedelta(minutes=1), Period=60, Statistics=["Average"])
    assert [d["Unit"] for d in stats["Datapoints"]] == ["Percent"]


def test_only_services_with_running_tasks_and_no_cluster_series_on_fargate(fresh_account, shared_clock):
    """available-metrics.html: "These metrics are collected for resources that have tasks in the
    RUNNING state. If a cluster, service, or other resource has no running tasks, no metrics
    will be reported for that resource during that period." The {ClusterName} series (cluster
    utilisation, against the EC2 instances registered in the cluster) "is only supported for
    tasks hosted on an Amazon EC2 instance": a Fargate-only cluster has none."""
    with_service(fresh_account, "web", desired=1)
    fresh_account.client("ecs").create_service(cluster="prod", serviceName="idle", taskDefinition="web",
                                               desiredCount=0, launchType="FARGATE")
    asyncio.run(shared_clock.advance(20))
    simulator = Simulator(fresh_account.endpoint, seed=SEED, account=fresh_account.id)
    simulator.tick(shared_clock.now())
    asyncio.run(shared_clock.advance(60))
    simulator.tick(shared_clock.now())

    cw = fresh_account.client("cloudwatch")
    listed = {(m["MetricName"], tuple(sorted((d["Name"], d["Value"]) for d in m["Dimensions"])))
              for m in cw.list_metrics(Namespace="AWS/ECS")["Metrics"]}
    service = (("ClusterName", "prod"), ("ServiceName", "web"))
    assert listed == {("CPUUtilization", service), ("MemoryUtilization", service)}

    fresh_account.client("ecs").update_service(cluster="prod", service="web", desiredCount=0)
    asyncio.run(shared_clock.advance(20))  # its task has stopped
    stopped_in = shared_clock.now().replace(second=0, microsecond=0)
    asyncio.run(shared_clock.advance(60))
    assert simulator.tick(shared_clock.now())["ecs_metrics"] == 0
    results = cw.get_metric_data(
        MetricDataQueries=[query("cpu", "CPUUtilization", "SampleCount", dict(service))],
        StartTime=stopped_in, EndTime=stopped_in + timedelta(minutes=5))["MetricDataResults"]
    assert results[0]["Values"] == []
