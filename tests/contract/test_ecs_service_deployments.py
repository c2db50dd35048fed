"""ListServiceDeployments, DescribeServiceDeployments and DescribeServiceRevisions (ECS, 2024)
as AWS documents them, on the embedded AWS (moto 5.2.5 has none of them).

Sources: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListServiceDeployments.html,
API_DescribeServiceDeployments.html, API_ServiceDeployment.html, API_ServiceDeploymentBrief.html,
API_DescribeServiceRevisions.html and the developer guide's "Properties included in an Amazon
ECS service deployment" (service-deployment-property.html); shapes from botocore's ecs model.
"""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError

CHECK = {"command": ["CMD-SHELL", "true"], "interval": 10, "retries": 3}
STATUSES = {"PENDING", "SUCCESSFUL", "STOPPED", "STOP_REQUESTED", "IN_PROGRESS", "ROLLBACK_REQUESTED",
            "ROLLBACK_IN_PROGRESS", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED"}


def move(clock, seconds: float) -> None:
    asyncio.run(clock.advance(seconds))


def with_service(account, clock, breaker: dict | None = None, images=("app:1", "app:2")):
    ecs = account.client("ecs")
    ecs.create_cluster(clusterName="c")
    for image in images:
        ecs.register_task_definition(family="app", containerDefinitions=[
            {"name": "app", "image": image, "memory": 64, "healthCheck": CHECK}])
    ecs.create_service(cluster="c", serviceName="web", taskDefinition="app:1", desiredCount=2, launchType="FARGATE",
                       deploymentConfiguration={"deploymentCircuitBreaker": breaker or {"enable": False, "rollback": False}})
    move(clock, 25)
    return ecs


def listed(ecs, **kwargs) -> list[dict]:
    return ecs.list_service_deployments(cluster="c", service="web", **kwargs)["serviceDeployments"]


def described(ecs, brief: dict) -> dict:
    (found,) = ecs.describe_service_deployments(serviceDeploymentArns=[brief["serviceDeploymentArn"]])["serviceDeployments"]
    return found


def by_status(ecs) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for brief in listed(ecs, maxResults=100):
        out.setdefault(brief["status"], []).append(brief)
    return out


def test_each_deployment_is_listed_with_its_status(fresh_account, shared_clock):
    """API_ServiceDeploymentBrief.html: serviceDeploymentArn, serviceArn, clusterArn, startedAt,
    createdAt, finishedAt, targetServiceRevisionArn, status, statusReason. A completed deployment
    is SUCCESSFUL with finishedAt; the one under way IN_PROGRESS (API_ServiceDeployment.html
    status). ARNs as the API reference's examples:
    arn:aws:ecs:REGION:ACCOUNT:service-deployment/CLUSTER/SERVICE/ID."""
    ecs = with_service(fresh_account, shared_clock)
    (first,) = listed(ecs)
    assert first["status"] == "SUCCESSFUL" and first["finishedAt"] >= first["startedAt"]
    assert re.fullmatch(rf"arn:aws:ecs:us-east-1:{fresh_account.id}:service-deployment/c/web/[A-Za-z0-9]+",
                        first["serviceDeploymentArn"])
    assert re.fullmatch(rf"arn:aws:ecs:us-east-1:{fresh_account.id}:service-revision/c/web/\d+",
                        first["targetServiceRevisionArn"])
    assert first["serviceArn"].endswith(":service/c/web") and first["clusterArn"].endswith(":cluster/c")

    ecs.update_service(cluster="c", service="web", taskDefinition="app:2")
    statuses = by_status(ecs)
    assert [b["serviceDeploymentArn"] for b in statuses["SUCCESSFUL"]] == [first["serviceDeploymentArn"]]
    (under_way,) = statuses["IN_PROGRESS"]
    assert "finishedAt" not in under_way

    move(shared_clock, 25)
    assert {b["status"] for b in listed(ecs)} == {"SUCCESSFUL"}
    assert len(listed(ecs)) == 2


def test_a_service_deployment_describes_its_revisions_and_configuration(fresh_account, shared_clock):
    """API_ServiceDeployment.html: sourceServiceRevisions ("The currently running service
    revisions") and targetServiceRevision with requested/running/pending task counts
    (API_ServiceRevisionSummary.html), deploymentConfiguration, deploymentCircuitBreaker
    {status, failureCount, threshold}; API_DescribeServiceRevisions.html: the revision's task
    definition and container images."""
    ecs = with_service(fresh_account, shared_clock, breaker={"enable": True, "rollback": True})
    (first,) = listed(ecs)
    ecs.update_service(cluster="c", service="web", taskDefinition="app:2")
    move(shared_clock, 15)  # the new tasks run, the old ones still do
    (brief,) = by_status(ecs)["IN_PROGRESS"]
    deployment = described(ecs, brief)
    (source,) = deployment["sourceServiceRevisions"]
    assert source["arn"] == first["targetServiceRevisionArn"]
    assert (source["runningTaskCount"], source["pendingTaskCount"]) == (2, 0)
    target = deployment["targetServiceRevision"]
    assert target["arn"] == brief["targetServiceRevisionArn"]
    assert (target["requestedTaskCount"], target["runningTaskCount"], target["pendingTaskCount"]) == (2, 2, 0)
    assert deployment["deploymentConfiguration"]["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert deployment["deploymentCircuitBreaker"] == {"status": "MONITORING", "failureCount": 0, "threshold": 3}
    assert deployment["status"] == "IN_PROGRESS" and deployment["updatedAt"] >= deployment["createdAt"]

    revisions = ecs.describe_service_revisions(serviceRevisionArns=[source["arn"], target["arn"]])["serviceRevisions"]
    assert [r["taskDefinition"].rsplit("/", 1)[1] for r in revisions] == ["app:1", "app:2"]
    assert [r["containerImages"] for r in revisions] == [[{"containerName": "app", "image": "app:1"}],
                                                         [{"containerName": "app", "image": "app:2"}]]
    assert all(r["launchType"] == "FARGATE" and r["serviceArn"].endswith(":service/c/web") for r in revisions)

    move(shared_clock, 10)
    done = described(ecs, brief)
    assert done["status"] == "SUCCESSFUL" and done["deploymentCircuitBreaker"]["status"] == "MONITORING_COMPLETE"
    assert done["finishedAt"] == shared_clock.now()


def test_a_circuit_breaker_rollback_is_recorded_on_the_failed_deployment(fresh_account, shared_clock):
    """API_ServiceDeployment.html: status ROLLBACK_IN_PROGRESS / ROLLBACK_SUCCESSFUL, statusReason
    ("the circuit breaker detected a deployment failure"), rollback {reason, startedAt,
    serviceRevisionArn: "The ARN of the service revision deployed as part of the rollback"};
    deploymentCircuitBreaker.status TRIGGERED."""
    ecs = with_service(fresh_account, shared_clock, breaker={"enable": True, "rollback": True},
                       images=("app:1", "app:2-broken"))
    (good,) = listed(ecs)
    ecs.update_service(cluster="c", service="web", taskDefinition="app:2")
    move(shared_clock, 45 * 2)  # two rounds of failed health checks: 4 failures, threshold 3
    (brief,) = by_status(ecs)["ROLLBACK_IN_PROGRESS"]
    deployment = described(ecs, brief)
    assert deployment["statusReason"] == "ECS deployment circuit breaker: tasks failed to start."
    assert deployment["deploymentCircuitBreaker"]["status"] == "TRIGGERED"
    assert deployment["deploymentCircuitBreaker"]["failureCount"] >= 3
    assert deployment["rollback"]["serviceRevisionArn"] == good["targetServiceRevisionArn"]
    assert deployment["rollback"]["startedAt"] <= shared_clock.now()
    move(shared_clock, 25)
    assert described(ecs, brief)["status"] == "ROLLBACK_SUCCESSFUL"


def test_a_failed_deployment_without_rollback_is_stopped(fresh_account, shared_clock):
    """API_ServiceDeployment.html stoppedAt: "The service deployment stops when ... The rollback
    option is not in use for the failure detection mechanism (the circuit breaker or
    alarm-based) and the service fails." """
    ecs = with_service(fresh_account, shared_clock, breaker={"enable": True, "rollback": False},
                       images=("app:1", "app:2-broken"))
    ecs.update_service(cluster="c", service="web", taskDefinition="app:2")
    move(shared_clock, 45 * 2)
    (brief,) = by_status(ecs)["STOPPED"]
    deployment = described(ecs, brief)
    assert deployment["stoppedAt"] <= shared_clock.now() and "finishedAt" not in deployment
    assert deployment["statusReason"] == "ECS deployment circuit breaker: tasks failed to start."


def test_filters_by_status_and_creation_time(fresh_account, shared_clock):
    """API_ListServiceDeployments.html: status ("If you do not specify a status, then all status
    values are included"), createdAt {before, after}."""
    ecs = with_service(fresh_account, shared_clock)
    move(shared_clock, 60)
    middle = shared_clock.now()
    move(shared_clock, 60)
    ecs.update_service(cluster="c", service="web", taskDefinition="app:2")
    assert [b["status"] for b in listed(ecs, status=["IN_PROGRESS"])] == ["IN_PROGRESS"]
    assert [b["status"] for b in listed(ecs, status=["SUCCESSFUL"])] == ["SUCCESSFUL"]
    assert len(listed(ecs, status=["SUCCESSFUL", "IN_PROGRESS"])) == 2
    assert listed(ecs, status=["ROLLBACK_FAILED"]) == []
    assert [b["status"] for b in listed(ecs, createdAt={"after": middle})] == ["IN_PROGRESS"]
    assert [b["status"] for b in listed(ecs, createdAt={"before": middle})] == ["SUCCESSFUL"]
    assert listed(ecs, createdAt={"before": middle - timedelta(hours=1)}) == []


def test_pages_hold_20_by_default_and_1_to_100(fresh_account, shared_clock):
    """API_ListServiceDeployments.html maxResults: "The maximum number of service deployment
    results that ListServiceDeployments returned in paginated output ... between 1 and 100 ...
    If this parameter isn't used, then ListServiceDeployments returns up to 20 results";
    outside the range: InvalidParameterException (the operation's modelled error). A newer
    deployment that replaces an unfinished one leaves it STOPPED."""
    ecs = with_service(fresh_account, shared_clock)
    for _ in range(24):
        ecs.update_service(cluster="c", service="web", forceNewDeployment=True)
    first = ecs.list_service_deployments(cluster="c", service="web")
    assert len(first["serviceDeployments"]) == 20 and first.get("nextToken")
    rest = ecs.list_service_deployments(cluster="c", service="web", nextToken=first["nextToken"])
    assert len(rest["serviceDeployments"]) == 5 and not rest.get("nextToken")
    arns = [b["serviceDeploymentArn"] for b in first["serviceDeployments"] + rest["serviceDeployments"]]
    assert len(set(arns)) == 25
    assert {b["status"] for b in first["serviceDeployments"] + rest["serviceDeployments"]} <= STATUSES
    assert len(by_status(ecs)["STOPPED"]) == 23
    one = ecs.list_service_deployments(cluster="c", service="web", maxResults=1)
    assert len(one["serviceDeployments"]) == 1
    for wrong in (0, 101):
        with pytest.raises(ClientError) as refused:
            ecs.list_service_deployments(cluster="c", service="web", maxResults=wrong)
        assert refused.value.response["Error"]["Code"] == "InvalidParameterException"


def test_describe_takes_at_most_20_arns_and_reports_unknown_ones_missing(fresh_account, shared_clock):
    """API_DescribeServiceDeployments.html serviceDeploymentArns: "You can specify a maximum of
    20 ARNs."; failures: "the reason set to MISSING" (as API_DescribeServiceRevisions.html)."""
    ecs = with_service(fresh_account, shared_clock)
    (brief,) = listed(ecs)
    unknown = brief["serviceDeploymentArn"][:-3] + "zzz"
    answer = ecs.describe_service_deployments(serviceDeploymentArns=[brief["serviceDeploymentArn"], unknown])
    assert [d["serviceDeploymentArn"] for d in answer["serviceDeployments"]] == [brief["serviceDeploymentArn"]]
    assert answer["failures"] == [{"arn": unknown, "reason": "MISSING"}]
    with pytest.raises(ClientError) as refused:
        ecs.describe_service_deployments(serviceDeploymentArns=[brief["serviceDeploymentArn"]] * 21)
    assert refused.value.response["Error"]["Code"] == "InvalidParameterException"


def test_an_unknown_service_or_cluster_is_refused(fresh_account, shared_clock):
    """API_ListServiceDeployments.html errors: ServiceNotFoundException, ClusterNotFoundException."""
    ecs = with_service(fresh_account, shared_clock)
    for kwargs, code in (({"cluster": "c", "service": "nope"}, "ServiceNotFoundException"),
                         ({"cluster": "nope", "service": "web"}, "ClusterNotFoundException")):
        with pytest.raises(ClientError) as refused:
            ecs.list_service_deployments(**kwargs)
        assert refused.value.response["Error"]["Code"] == code
