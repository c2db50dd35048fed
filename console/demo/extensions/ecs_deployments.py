"""The service deployments and revisions behind ListServiceDeployments,
DescribeServiceDeployments and DescribeServiceRevisions (2024; moto 5.2.5 lacks them),
recorded by the deployment engine in ecs_tasks and served by ecs_deployments_api.

A service deployment is what CreateService or an UpdateService that starts a new deployment
asks for: it moves the service from its source service revisions to a target revision, with
its own status set (API_ServiceDeployment): PENDING, IN_PROGRESS, SUCCESSFUL, STOPPED,
STOP_REQUESTED, ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS, ROLLBACK_SUCCESSFUL, ROLLBACK_FAILED.
A circuit-breaker rollback belongs to the failed service deployment (its ``rollback`` field);
the rollback's own ``ecs-svc/`` deployment in DescribeServices deploys the revision rolled
back to. Here a deployment is IN_PROGRESS from its start (PENDING is never observed: the
scheduler starts at once), STOPPED when a newer deployment replaces it unfinished or the
circuit breaker fails it without rollback.
"""

from __future__ import annotations

import string
from datetime import datetime
from typing import Any

DESCRIBE_MAX = 20  # API_DescribeServiceDeployments, API_DescribeServiceRevisions: "a maximum of 20 ARNs"
STATUSES = ("PENDING", "SUCCESSFUL", "STOPPED", "STOP_REQUESTED", "IN_PROGRESS", "ROLLBACK_REQUESTED",
            "ROLLBACK_IN_PROGRESS", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED")
FINISHED = {"SUCCESSFUL", "STOPPED", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED"}
KEEP_PER_SERVICE = 100  # AWS documents no retention; the newest 100 of a service are kept
BREAKER_REASON = "ECS deployment circuit breaker: tasks failed to start."


def _index(service: Any) -> dict:
    """The backend's ARN -> record and ARN -> revision maps."""
    backend = service._backend
    index = getattr(backend, "_opsdeck_ecs_deployments", None)
    if index is None:
        index = backend._opsdeck_ecs_deployments = {"deployments": {}, "revisions": {}}
    return index


def digits(count: int = 19) -> str:
    """``count`` random digits (deployment ids and revision ARNs end in 19 of them)."""
    from moto.moto_api._internal import mock_random

    return str(mock_random.randint(10 ** (count - 1), 10**count - 1))


def _token(length: int = 21) -> str:
    from moto.moto_api._internal import mock_random

    alphabet = string.ascii_letters + string.digits
    return "".join(mock_random.choice(alphabet) for _ in range(length))


def _prefix(service: Any, kind: str) -> str:
    return f"arn:aws:ecs:{service.region_name}:{service._account_id}:{kind}/{service.cluster_name}/{service.name}/"


def _revision(service: Any, deployment: dict, at: datetime) -> dict:
    backend = service._backend
    images = []
    try:
        task_def = backend.describe_task_definition(deployment["taskDefinition"])
        images = [{"containerName": d.get("name"), "image": d.get("image")} for d in task_def.container_definitions]
    except Exception:
        pass
    revision = {
        "serviceRevisionArn": _prefix(service, "service-revision") + digits(),
        "serviceArn": service.arn, "clusterArn": service.cluster_arn,
        "taskDefinition": deployment["taskDefinition"],
        "capacityProviderStrategy": deployment.get("capacityProviderStrategy"),
        "launchType": deployment.get("launchType"),
        "platformVersion": deployment.get("platformVersion"),
        "platformFamily": deployment.get("platformFamily"),
        "loadBalancers": service.load_balancers or [],
        "serviceRegistries": service.service_registries or [],
        "networkConfiguration": deployment.get("networkConfiguration"),
        "containerImages": images,
        "guardDutyEnabled": False,
        "createdAt": at,
    }
    _index(service)["revisions"][revision["serviceRevisionArn"]] = revision
    return revision


def _record_of(run: Any, deployment_id: str) -> dict | None:
    return next((r for r in reversed(run.records) if deployment_id in r["deployments"]), None)


def started(service: Any, run: Any, deployment: dict, at: datetime, config: dict, threshold: int,
            rollback_to: dict | None = None) -> None:
    """A new ``ecs-svc/`` deployment: a new service deployment, or the rollback of the failed one.
    ``config``: the service's deploymentConfiguration with AWS's defaults; ``threshold``: its
    circuit breaker's failure threshold."""
    if rollback_to is not None:
        run.revisions[deployment["id"]] = run.revisions.get(rollback_to["id"]) or _revision(service, rollback_to, at)
        record = run.records[-1] if run.records else None
        if record is not None:
            record["deployments"].add(deployment["id"])
            record["updatedAt"] = at
        return
    run.revisions[deployment["id"]] = _revision(service, deployment, at)
    for earlier in run.records:
        if earlier["status"] not in FINISHED:
            earlier.update(status="STOPPED", stoppedAt=at, updatedAt=at)
            earlier["deploymentCircuitBreaker"]["status"] = "MONITORING_COMPLETE" \
                if earlier["deploymentCircuitBreaker"]["status"] == "MONITORING" else \
                earlier["deploymentCircuitBreaker"]["status"]
    breaker = config["deploymentCircuitBreaker"]
    sources = []
    for other in service.deployments:
        revision = run.revisions.get(other["id"])
        if other is not deployment and revision and revision["serviceRevisionArn"] not in sources:
            sources.append(revision["serviceRevisionArn"])
    record = {
        "serviceDeploymentArn": _prefix(service, "service-deployment") + _token(),
        "serviceArn": service.arn, "clusterArn": service.cluster_arn,
        "createdAt": at, "startedAt": at, "updatedAt": at,
        "sources": sources,
        "target": run.revisions[deployment["id"]]["serviceRevisionArn"],
        "status": "IN_PROGRESS",
        "deploymentConfiguration": config,
        "deploymentCircuitBreaker": {
            "status": "MONITORING" if breaker.get("enable") else "DISABLED",
            "failureCount": 0, "threshold": threshold,
        },
        "alarms": {"status": "DISABLED"},
        "deployments": {deployment["id"]},
        "run": run,
    }
    run.records.append(record)
    index = _index(service)
    index["deployments"][record["serviceDeploymentArn"]] = record
    while len(run.records) > KEEP_PER_SERVICE:  # memory stays bounded however often it deploys
        gone = run.records.pop(0)
        index["deployments"].pop(gone["serviceDeploymentArn"], None)
        kept = {r["target"] for r in run.records} | {a for r in run.records for a in r["sources"]}
        if gone["target"] not in kept:
            index["revisions"].pop(gone["target"], None)


def failure(run: Any, deployment: dict, at: datetime) -> None:
    record = _record_of(run, deployment["id"])
    if record is not None and record["status"] == "IN_PROGRESS":
        record["deploymentCircuitBreaker"]["failureCount"] += 1
        record["updatedAt"] = at


def failed(run: Any, deployment: dict, at: datetime, rolling_back_to: dict | None) -> None:
    """The circuit breaker failed ``deployment``: rolled back to ``rolling_back_to``, or stopped."""
    record = _record_of(run, deployment["id"])
    if record is None:
        return
    record["deploymentCircuitBreaker"]["status"] = "TRIGGERED"
    record["statusReason"] = BREAKER_REASON
    record["updatedAt"] = at
    if rolling_back_to is None:
        record.update(status="STOPPED", stoppedAt=at)
        return
    revision = run.revisions.get(rolling_back_to["id"])
    record["status"] = "ROLLBACK_IN_PROGRESS"
    record["rollback"] = {"reason": BREAKER_REASON, "startedAt": at,
                          "serviceRevisionArn": revision["serviceRevisionArn"] if revision else None}


def completed(run: Any, deployment: dict, at: datetime) -> None:
    record = _record_of(run, deployment["id"])
    if record is None or record["status"] in FINISHED:
        return
    record["status"] = "ROLLBACK_SUCCESSFUL" if record["status"] == "ROLLBACK_IN_PROGRESS" else "SUCCESSFUL"
    record["finishedAt"] = record["updatedAt"] = at
    if record["deploymentCircuitBreaker"]["status"] == "MONITORING":
        record["deploymentCircuitBreaker"]["status"] = "MONITORING_COMPLETE"
