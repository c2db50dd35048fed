"""ECS action tests: a cluster and a Fargate service in the test's own account on the
embedded server (whose ECS extension runs the service's tasks and its rollouts), read
back through boto3; the console acts through a context on the shared clock."""

from __future__ import annotations

import asyncio
import json

import pytest
from click.testing import CliRunner

from console.audit import AuditLog
from console.aws.clients import ClientPool
from console.aws.context import AwsContext
from console.config import Settings
from console.target import Target
from tests.clock import InstantClock, SharedClock

CLUSTER = "shop"
SERVICE = "web"
FAMILY = "web"
# the embedded AWS: healthy one interval after RUNNING; a `-broken` image fails it `retries` times
HEALTH_CHECK = {"command": ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"], "interval": 10,
                "retries": 3}


class Estate:
    """One cluster, one service of family `web` (revisions 1 and 2, on 2), read back through boto3."""

    def __init__(self, account) -> None:
        self.account = account
        self.ecs = account.client("ecs")
        self.ecs.create_cluster(clusterName=CLUSTER)
        ec2 = account.client("ec2")  # the account's default VPC: one subnet, its default security group
        vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
        subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"][0]["SubnetId"]
        group = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                      {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]
        for tag in ("0.9", "1.0"):
            self.register(f"registry.example/web:{tag}")
        self.ecs.create_service(
            cluster=CLUSTER, serviceName=SERVICE, taskDefinition=f"{FAMILY}:2", desiredCount=2, launchType="FARGATE",
            deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True},
                                     "maximumPercent": 200, "minimumHealthyPercent": 100},
            networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group["GroupId"]], "assignPublicIp": "DISABLED"}})

    def register(self, image: str, sidecar: bool = False) -> str:
        containers = [{"name": "app", "image": image, "essential": True, "portMappings": [{"containerPort": 8080}],
                       "environment": [{"name": "MODE", "value": "prod"}], "healthCheck": HEALTH_CHECK}]
        if sidecar:
            containers.append({"name": "proxy", "image": "registry.example/envoy:1.30", "essential": False})
        return self.ecs.register_task_definition(
            family=FAMILY, requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512",
            containerDefinitions=containers, tags=[{"key": "team", "value": "shop"}],
        )["taskDefinition"]["taskDefinitionArn"]

    def service(self) -> dict:
        return self.ecs.describe_services(cluster=CLUSTER, services=[SERVICE])["services"][0]

    def on(self) -> str:
        """family:revision the service is on."""
        return self.service()["taskDefinition"].rsplit("/", 1)[-1]

    def task_definition(self, name: str) -> dict:
        return self.ecs.describe_task_definition(taskDefinition=name)["taskDefinition"]

    def revisions(self) -> list[str]:
        arns = self.ecs.list_task_definitions(familyPrefix=FAMILY, sort="ASC")["taskDefinitionArns"]
        return [arn.rsplit("/", 1)[-1] for arn in arns]

    def running_tasks(self) -> list[dict]:
        arns = self.ecs.list_tasks(cluster=CLUSTER, serviceName=SERVICE, desiredStatus="RUNNING")["taskArns"]
        return self.ecs.describe_tasks(cluster=CLUSTER, tasks=arns)["tasks"] if arns else []


SETTLED_AFTER = 30  # the embedded AWS: RUNNING 15 s after launch, HEALTHY 10 s later: the first rollout COMPLETED


@pytest.fixture
def estate(fresh_account, monkeypatch, shared_clock) -> Estate:
    """The estate at its steady state: the service's first rollout COMPLETED."""
    fresh_account.use(monkeypatch)
    made = Estate(fresh_account)
    asyncio.run(shared_clock.advance(SETTLED_AFTER))
    assert [d["rolloutState"] for d in made.service()["deployments"]] == ["COMPLETED"]
    return made


@pytest.fixture
async def ctx(estate, shared_clock):
    pool = ClientPool(shared_clock)
    try:
        yield AwsContext(pool, Target(None, "us-east-1", estate.account.endpoint))
    finally:
        await pool.close()


@pytest.fixture
def audit(tmp_path, shared_clock) -> AuditLog:
    return AuditLog(tmp_path / "state" / "audit.jsonl", shared_clock)


@pytest.fixture
def runner(ctx, audit):
    from console.actions.runner import Runner

    return Runner(ctx, audit, Settings())


class InstantSharedClock(InstantClock, SharedClock):
    """Every sleep moves time at once, the embedded AWS's with it."""


@pytest.fixture
def opsdeck(endpoint, shared_clock):
    """Run `opsdeck --endpoint-url <server> ARGS...` in-process on a clock whose every sleep
    moves the shared clock by what it sleeps (a followed rollout progresses without waiting)."""
    from console.cli import main

    def run(*args: str, input: str | None = None, global_args: tuple[str, ...] = ()):
        clock = InstantSharedClock(endpoint, shared_clock.now())
        try:
            return CliRunner().invoke(main, [*global_args, "--endpoint-url", endpoint, "--region", "us-east-1", *args],
                                      input=input, obj={"clock": clock})
        finally:
            asyncio.run(shared_clock.advance(clock.monotonic()))  # the test's clock goes on from there

    return run


def audit_records(tmp_path) -> list[dict]:
    path = tmp_path / "state" / "audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
