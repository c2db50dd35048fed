"""ECS views on the embedded server: a cluster, a family of revisions and Fargate services in
the test's own account (its ECS extension starts the services' tasks), read back through boto3."""

from __future__ import annotations

import copy

import pytest

CLUSTER = "views"
FAMILY = "web"
GROUP = "/ecs/web"
PREFIX = "svc"


def container(revision: int, **changes) -> dict:
    """The `app` container of revision N: its image and RELEASE follow the revision; a
    change to None leaves the field out."""
    base = {
        "name": "app",
        "image": f"registry.example/web:1.{revision}.0",
        "essential": True,
        "cpu": 256,
        "memory": 512,
        "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
        "environment": [{"name": "APP_ENV", "value": "prod"}, {"name": "RELEASE", "value": f"1.{revision}.0"}],
        "secrets": [{"name": "DB_PASSWORD", "valueFrom": "arn:aws:secretsmanager:us-east-1:000000000000:secret:db"}],
        "healthCheck": {"command": ["CMD-SHELL", "curl -fs localhost:8080/health || exit 1"], "interval": 30,
                        "timeout": 5, "retries": 3, "startPeriod": 10},
        "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": GROUP, "awslogs-region": "us-east-1", "awslogs-stream-prefix": PREFIX}},
    }
    base.update(copy.deepcopy(changes))
    return {key: value for key, value in base.items() if value is not None}


class Estate:
    """ECS and CloudWatch Logs of one fresh account."""

    def __init__(self, account) -> None:
        self.account = account
        self.ecs = account.client("ecs")
        self.logs = account.client("logs")
        self.ecs.create_cluster(clusterName=CLUSTER)

    def register(self, containers: list[dict], family: str = FAMILY, cpu: str = "512", memory: str = "1024",
                 **extra) -> dict:
        return self.ecs.register_task_definition(
            family=family, requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu=cpu, memory=memory,
            executionRoleArn=f"arn:aws:iam::{self.account.id}:role/ecsTaskExecutionRole",
            containerDefinitions=containers, **extra)["taskDefinition"]

    def service(self, name: str, task_definition: str, desired: int = 2) -> list[str]:
        """A Fargate service; the ARNs of the tasks the embedded AWS started for it."""
        self.ecs.create_service(cluster=CLUSTER, serviceName=name, taskDefinition=task_definition,
                                desiredCount=desired, launchType="FARGATE")
        return self.tasks(name)

    def tasks(self, service: str, status: str = "RUNNING") -> list[str]:
        return self.ecs.list_tasks(cluster=CLUSTER, serviceName=service, desiredStatus=status)["taskArns"]

    def describe_task(self, arn: str) -> dict:
        return self.ecs.describe_tasks(cluster=CLUSTER, tasks=[arn])["tasks"][0]

    def write(self, stream: str, lines: list[tuple[int, str]], group: str = GROUP) -> None:
        """PutLogEvents of (timestamp ms, message) into `group`/`stream`, creating both."""
        try:
            self.logs.create_log_group(logGroupName=group)
        except self.logs.exceptions.ResourceAlreadyExistsException:
            pass
        try:
            self.logs.create_log_stream(logGroupName=group, logStreamName=stream)
        except self.logs.exceptions.ResourceAlreadyExistsException:
            pass
        self.logs.put_log_events(logGroupName=group, logStreamName=stream,
                                 logEvents=[{"timestamp": t, "message": m} for t, m in lines])


def task_id(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


@pytest.fixture
def estate(fresh_account, monkeypatch) -> Estate:
    fresh_account.use(monkeypatch)
    return Estate(fresh_account)


@pytest.fixture
def opsdeck(endpoint):
    """Run `opsdeck --endpoint-url <server> ARGS...` in-process; returns click's Result."""
    from click.testing import CliRunner

    from console.cli import main

    def run(*args: str):
        return CliRunner().invoke(main, ["--endpoint-url", endpoint, *args])

    return run
