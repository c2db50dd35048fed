"""ECS read-side tests: clusters and services in the test's own account on the embedded
server, read by the console over HTTP on a clock the server follows (shared_clock)."""

from __future__ import annotations

from datetime import datetime

import pytest
from click.testing import CliRunner

from console.aws.clients import ClientPool
from console.aws.context import AwsContext
from console.demo import control
from console.target import Target

HEALTH_CHECK_STOP = "Task failed container health checks"


class Estate:
    """Clusters, services and tasks in one account, changed and read back through boto3."""

    def __init__(self, account) -> None:
        self.account = account
        self.ecs = account.client("ecs")
        self.definitions: dict[str, str] = {}

    def cluster(self, name: str = "prod", **params) -> str:
        return self.ecs.create_cluster(clusterName=name, **params)["cluster"]["clusterArn"]

    def definition(self, family: str = "app", image: str = "registry/app:1.0") -> str:
        if family not in self.definitions:
            self.definitions[family] = self.ecs.register_task_definition(
                family=family, requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512",
                containerDefinitions=[{"name": family, "image": image, "essential": True, "healthCheck": {
                    "command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"], "interval": 30, "retries": 3}}],
            )["taskDefinition"]["taskDefinitionArn"]
        return self.definitions[family]

    def service(self, name: str, cluster: str = "prod", desired: int = 2, **params) -> str:
        """A service at its steady state: its tasks launched ten minutes ago, running and healthy."""
        params.setdefault("launchType", "FARGATE")
        arn = self.ecs.create_service(cluster=cluster, serviceName=name, taskDefinition=self.definition(),
                                      desiredCount=desired, **params)["service"]["serviceArn"]
        control.settle_ecs(self.account.endpoint, account=self.account.id)
        return arn

    def running(self, service: str, cluster: str = "prod") -> list[str]:
        return self.ecs.list_tasks(cluster=cluster, serviceName=service, desiredStatus="RUNNING")["taskArns"]

    def stop(self, task: str, reason: str, cluster: str = "prod") -> None:
        self.ecs.stop_task(cluster=cluster, task=task, reason=reason)

    def fail_health_check(self, service: str, cluster: str = "prod") -> str:
        """One of the service's healthy tasks fails its container health check now: the
        scheduler stops it and launches a replacement. Returns the failed task's ARN."""
        described = self.ecs.describe_tasks(cluster=cluster, tasks=self.running(service, cluster))["tasks"]
        victim = next(t["taskArn"] for t in described if t.get("healthStatus") == "HEALTHY")
        control.set_ecs_health(self.account.endpoint, cluster, victim, "UNHEALTHY", account=self.account.id)
        return victim

    def stopped_at(self, task: str, cluster: str = "prod") -> datetime:
        return self.ecs.describe_tasks(cluster=cluster, tasks=[task])["tasks"][0]["stoppedAt"]

    def put_utilisation(self, cluster: str, service: str, at: datetime, cpu: float, memory: float) -> None:
        dimensions = [{"Name": "ClusterName", "Value": cluster}, {"Name": "ServiceName", "Value": service}]
        self.account.client("cloudwatch").put_metric_data(Namespace="AWS/ECS", MetricData=[
            {"MetricName": "CPUUtilization", "Dimensions": dimensions, "Timestamp": at, "Value": cpu,
             "Unit": "Percent"},
            {"MetricName": "MemoryUtilization", "Dimensions": dimensions, "Timestamp": at, "Value": memory,
             "Unit": "Percent"},
        ])


@pytest.fixture
def estate(fresh_account, monkeypatch) -> Estate:
    fresh_account.use(monkeypatch)
    return Estate(fresh_account)


@pytest.fixture
async def aws(fresh_account, shared_clock):
    """Makes AwsContexts for the console's side, on the clock the server follows; every
    pool made is closed afterwards."""
    pools: list[ClientPool] = []

    def make(**changes) -> AwsContext:
        pool = ClientPool(shared_clock)
        pools.append(pool)
        return AwsContext(pool, Target(None, "us-east-1", fresh_account.endpoint), **changes)

    yield make
    for pool in pools:
        await pool.close()


def calls(account, operation: str, service: str = "ecs") -> int:
    return control.count_of(control.request_counts(account.endpoint), service, operation, account.id)


@pytest.fixture
def opsdeck(fresh_account, monkeypatch):
    """Run `opsdeck --endpoint-url <server> ARGS...` in-process, as the test's account."""
    from console.cli import main

    fresh_account.use(monkeypatch)

    def run(*args: str):
        return CliRunner().invoke(main, ["--endpoint-url", fresh_account.endpoint, *args])

    return run
