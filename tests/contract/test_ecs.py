"""ECS page and batch sizes the console relies on, as AWS documents them, on the embedded AWS.

Each test states one documented behaviour and names its source; the figures are restated
here, never read from console.aws.limits, so a wrong number there fails a test. botocore
checks no ECS page size or batch (the model has no range on them), so every request below
reaches the server as written.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

def refusal(call) -> dict:
    """The error AWS answers `call` with (it must fail)."""
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response


def with_services(account, count: int, cluster: str = "c") -> list[str]:
    ecs = account.client("ecs")
    ecs.create_cluster(clusterName=cluster)
    ecs.register_task_definition(family="app", containerDefinitions=[{"name": "app", "image": "app", "memory": 64}])
    return [ecs.create_service(cluster=cluster, serviceName=f"svc-{i:03d}", taskDefinition="app",
                               desiredCount=0)["service"]["serviceArn"] for i in range(count)]


def with_tasks(account, count: int, cluster: str = "c") -> list[str]:
    """`count` RUNNING tasks: one service that wants that many."""
    ecs = account.client("ecs")
    ecs.create_cluster(clusterName=cluster)
    ecs.register_task_definition(family="app", containerDefinitions=[{"name": "app", "image": "app", "memory": 64}])
    ecs.create_service(cluster=cluster, serviceName="wide", taskDefinition="app", desiredCount=count,
                       launchType="FARGATE")
    arns: list[str] = []
    for page in ecs.get_paginator("list_tasks").paginate(cluster=cluster):
        arns.extend(page["taskArns"])
    assert len(arns) == count
    return arns


def test_list_services_returns_10_when_max_results_is_not_given(fresh_account):
    """https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListServices.html,
    maxResults: "If this parameter isn't used, then ListServices returns up to 10 results
    and a nextToken value if applicable." """
    ecs = fresh_account.client("ecs")
    arns = with_services(fresh_account, 11)

    first = ecs.list_services(cluster="c")
    assert len(first["serviceArns"]) == 10 and first.get("nextToken")
    rest = ecs.list_services(cluster="c", nextToken=first["nextToken"])
    assert sorted(first["serviceArns"] + rest["serviceArns"]) == sorted(arns) and not rest.get("nextToken")


def test_list_services_max_results_is_between_1_and_100(fresh_account):
    """https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListServices.html,
    maxResults: "This value can be between 1 and 100." AWS documents no answer outside the
    range: the embedded AWS refuses it with InvalidParameterException (the operation's
    modelled error for a bad parameter; the message is ours), so a console that asks for
    more fails here instead of on an account."""
    ecs = fresh_account.client("ecs")
    with_services(fresh_account, 101)

    page = ecs.list_services(cluster="c", maxResults=100)
    assert len(page["serviceArns"]) == 100 and page.get("nextToken")
    for wrong in (101, 0):
        error = refusal(lambda: ecs.list_services(cluster="c", maxResults=wrong))
        assert error["Error"]["Code"] == "InvalidParameterException"
        assert error["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_list_clusters_returns_100_when_max_results_is_not_given(fresh_account):
    """https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListClusters.html,
    maxResults: "If this parameter isn't used, then ListClusters returns up to 100 results
    and a nextToken value if applicable." """
    ecs = fresh_account.client("ecs")
    for i in range(101):
        ecs.create_cluster(clusterName=f"c-{i:03d}")

    first = ecs.list_clusters()
    assert len(first["clusterArns"]) == 100 and first.get("nextToken")
    assert len(ecs.list_clusters(nextToken=first["nextToken"])["clusterArns"]) == 1


def test_list_clusters_max_results_is_between_1_and_100(fresh_account):
    """https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListClusters.html,
    maxResults: "This value can be between 1 and 100." Outside the range: refused with
    InvalidParameterException (AWS documents no answer; the code is the operation's
    modelled one, the message ours)."""
    ecs = fresh_account.client("ecs")
    for i in range(101):
        ecs.create_cluster(clusterName=f"c-{i:03d}")

    assert len(ecs.list_clusters(maxResults=100)["clusterArns"]) == 100
    for wrong in (101, 0):
        error = refusal(lambda: ecs.list_clusters(maxResults=wrong))
        assert error["Error"]["Code"] == "InvalidParameterException"


def test_list_tasks_returns_100_when_max_results_is_not_given(fresh_account):
    """https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html,
    maxResults: "If this parameter isn't used, then ListTasks returns up to 100 results and
    a nextToken value if applicable." """
    ecs = fresh_account.client("ecs")
    with_tasks(fresh_account, 101)

    first = ecs.list_tasks(cluster="c")
    assert len(first["taskArns"]) == 100 and first.get("nextToken")
    assert len(ecs.list_tasks(cluster="c", nextToken=first["nextToken"])["taskArns"]) == 1


def test_list_tasks_max_results_is_between_1_and_100(fresh_account):
    """https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html,
    maxResults: "This value can be between 1 and 100." Outside the range: refused with
    InvalidParameterException (AWS documents no answer; the code is the operation's
    modelled one, the message ours)."""
    ecs = fresh_account.client("ecs")
    with_tasks(fresh_account, 101)

    assert len(ecs.list_tasks(cluster="c", desiredStatus="RUNNING", maxResults=100)["taskArns"]) == 100
    for wrong in (101, 0):
        error = refusal(lambda: ecs.list_tasks(cluster="c", desiredStatus="RUNNING", maxResults=wrong))
        assert error["Error"]["Code"] == "InvalidParameterException"


def test_describe_services_takes_at_most_10_services(fresh_account):
    """https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html,
    services: "You may specify up to 10 services to describe in a single operation." More
    is refused; AWS documents no text, the one here is observed on AWS
    (InvalidParameterException "service names can have at most 10 items.",
    github.com/structurely/ecs-autoscale/issues/32, aws/aws-toolkit-vscode#2362)."""
    ecs = fresh_account.client("ecs")
    arns = with_services(fresh_account, 11)

    described = ecs.describe_services(cluster="c", services=arns[:10])
    assert len(described["services"]) == 10 and not described["failures"]
    error = refusal(lambda: ecs.describe_services(cluster="c", services=arns))
    assert error["Error"]["Code"] == "InvalidParameterException"
    assert error["Error"]["Message"] == "service names can have at most 10 items."
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_describe_tasks_takes_at_most_100_tasks(fresh_account):
    """https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTasks.html,
    tasks: "A list of up to 100 task IDs or full ARN entries." More is refused; AWS
    documents no text, the one here is observed on AWS (InvalidParameterException "taskIds
    can have at most 100 items.", gchq/sleeper#555, remind101/empire#647)."""
    ecs = fresh_account.client("ecs")
    arns = with_tasks(fresh_account, 101)

    described = ecs.describe_tasks(cluster="c", tasks=arns[:100])
    assert len(described["tasks"]) == 100 and not described["failures"]
    error = refusal(lambda: ecs.describe_tasks(cluster="c", tasks=arns))
    assert error["Error"]["Code"] == "InvalidParameterException"
    assert error["Error"]["Message"] == "taskIds can have at most 100 items."


def test_describe_clusters_takes_at_most_100_clusters(fresh_account):
    """https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeClusters.html,
    clusters: "A list of up to 100 cluster names or full cluster Amazon Resource Name (ARN)
    entries." More is refused with InvalidParameterException: no answer was observed for
    clusters, so this follows what AWS answers for services and tasks (the message,
    "clusters can have at most 100 items.", is ours by that analogy)."""
    ecs = fresh_account.client("ecs")
    arns = [ecs.create_cluster(clusterName=f"c-{i:03d}")["cluster"]["clusterArn"] for i in range(101)]

    described = ecs.describe_clusters(clusters=arns[:100])
    assert len(described["clusters"]) == 100 and not described["failures"]
    error = refusal(lambda: ecs.describe_clusters(clusters=arns))
    assert error["Error"]["Code"] == "InvalidParameterException"


def test_a_services_arn_keeps_its_format_when_the_account_setting_changes(fresh_account):
    """A service's ARN is fixed when it is created: a service with the short format keeps it
    until it is migrated ("You can't undo the migration operation"), whatever the account's
    serviceLongArnFormat setting says later.
    https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-arn-migration.html"""
    (arn,) = with_services(fresh_account, 1)
    assert arn.endswith(":service/c/svc-000")  # the long format: the default since 2021
    ecs = fresh_account.client("ecs")
    ecs.put_account_setting(name="serviceLongArnFormat", value="disabled")
    try:
        assert ecs.list_services(cluster="c")["serviceArns"] == [arn]
        assert ecs.describe_services(cluster="c", services=["svc-000"])["services"][0]["serviceArn"] == arn
    finally:
        ecs.put_account_setting(name="serviceLongArnFormat", value="enabled")
