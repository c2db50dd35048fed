"""ListServiceDeployments, DescribeServiceDeployments and DescribeServiceRevisions (2024), which
moto 5.2.5 lacks, fed by the deployment engine in ecs_tasks.

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

_installed = False


def _index(service: Any) -> dict:
    """The backend's ARN -> record and ARN -> revision maps."""
    backend = service._backend
    index = getattr(backend, "_opsdeck_ecs_deployments", None)
    if index is None:
        index = backend._opsdeck_ecs_deployments = {"deployments": {}, "revisions": {}}
    return index


def _token(length: int = 21) -> str:
    from moto.moto_api._internal import mock_random

    alphabet = string.ascii_letters + string.digits
    return "".join(mock_random.choice(alphabet) for _ in range(length))


def _prefix(service: Any, kind: str) -> str:
    return f"arn:aws:ecs:{service.region_name}:{service._account_id}:{kind}/{service.cluster_name}/{service.name}/"


def _revision(service: Any, deployment: dict, at: datetime) -> dict:
    from console.demo.extensions.ecs_tasks import _digits

    backend = service._backend
    images = []
    try:
        task_def = backend.describe_task_definition(deployment["taskDefinition"])
        images = [{"containerName": d.get("name"), "image": d.get("image")} for d in task_def.container_definitions]
    except Exception:
        pass
    revision = {
        "serviceRevisionArn": _prefix(service, "service-revision") + _digits(),
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


def started(service: Any, run: Any, deployment: dict, at: datetime, rollback_to: dict | None = None) -> None:
    """A new ``ecs-svc/`` deployment: a new service deployment, or the rollback of the failed one."""
    from console.demo.extensions.ecs_tasks import breaker_threshold, deployment_configuration

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
    config = deployment_configuration(service)
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
            "failureCount": 0, "threshold": breaker_threshold(service),
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


def failure(service: Any, run: Any, deployment: dict, at: datetime) -> None:
    record = _record_of(run, deployment["id"])
    if record is not None and record["status"] == "IN_PROGRESS":
        record["deploymentCircuitBreaker"]["failureCount"] += 1
        record["updatedAt"] = at


def failed(service: Any, run: Any, deployment: dict, at: datetime, rolling_back_to: dict | None) -> None:
    """The circuit breaker failed ``deployment``: rolled back to ``rolling_back_to``, or stopped."""
    from console.demo.extensions.ecs_tasks import BREAKER_REASON

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


def completed(service: Any, run: Any, deployment: dict, at: datetime) -> None:
    record = _record_of(run, deployment["id"])
    if record is None or record["status"] in FINISHED:
        return
    record["status"] = "ROLLBACK_SUCCESSFUL" if record["status"] == "ROLLBACK_IN_PROGRESS" else "SUCCESSFUL"
    record["finishedAt"] = record["updatedAt"] = at
    if record["deploymentCircuitBreaker"]["status"] == "MONITORING":
        record["deploymentCircuitBreaker"]["status"] = "MONITORING_COMPLETE"


def _revision_summary(record: dict, arn: str) -> dict:
    """requested/running/pending task counts of one service revision, now."""
    run = record["run"]
    ids = {deployment_id for deployment_id, revision in run.revisions.items() if revision["serviceRevisionArn"] == arn}
    running = pending = 0
    for task in run.active.values():
        if task._opsdeck["deployment"] in ids:
            if task.last_status == "RUNNING":
                running += 1
            else:
                pending += 1
    service = run_service(record)
    requested = sum(d.get("desiredCount", 0) for d in (service.deployments if service else [])
                    if d["id"] in ids and d["status"] == "PRIMARY")
    return {"arn": arn, "requestedTaskCount": requested, "runningTaskCount": running, "pendingTaskCount": pending}


def run_service(record: dict) -> Any:
    from moto.ecs.models import ecs_backends

    arn = record["serviceArn"]
    region, account = arn.split(":")[3], arn.split(":")[4]
    cluster, name = record["run"].key
    return ecs_backends[account][region].services.get(f"{cluster}:{name}")


def _described(record: dict) -> dict:
    out = {key: record.get(key) for key in (
        "serviceDeploymentArn", "serviceArn", "clusterArn", "createdAt", "startedAt", "finishedAt", "stoppedAt",
        "updatedAt", "status", "statusReason", "deploymentConfiguration", "rollback", "deploymentCircuitBreaker",
        "alarms")}
    out["sourceServiceRevisions"] = [_revision_summary(record, arn) for arn in record["sources"]]
    out["targetServiceRevision"] = _revision_summary(record, record["target"])
    return {k: v for k, v in out.items() if v is not None}


def _brief(record: dict) -> dict:
    out = {key: record.get(key) for key in ("serviceDeploymentArn", "serviceArn", "clusterArn", "startedAt",
                                             "createdAt", "finishedAt", "status", "statusReason")}
    out["targetServiceRevisionArn"] = record["target"]
    return {k: v for k, v in out.items() if v is not None}


def _time(value: Any) -> datetime | None:
    from datetime import timezone

    if value is None:
        return None
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, timezone.utc)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    text = str(value)
    try:
        return datetime.fromtimestamp(float(text), timezone.utc)
    except ValueError:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.core.responses import ActionResult
    from moto.ecs.exceptions import InvalidParameterException
    from moto.ecs.responses import EC2ContainerServiceResponse as Response

    from console.aws.limits import page_limit
    from console.demo.extensions import ecs_tasks
    from console.demo.extensions.page_limits import refusal

    list_limit = page_limit("ecs", "ListServiceDeployments")

    def _refuse(limit: Any, value: Any) -> None:
        refused = refusal(limit, value)
        if refused is not None:
            raise InvalidParameterException(refused[1])

    def list_service_deployments(self):  # type: ignore[no-untyped-def]
        backend = self.ecs_backend
        service = backend._get_service(self._get_param("cluster", "default"), self._get_param("service").split("/")[-1])
        _refuse(list_limit, self._get_param("maxResults"))
        statuses = self._get_param("status") or []
        for status in statuses:
            if status not in STATUSES:
                raise InvalidParameterException(f"status: expected one of {', '.join(STATUSES)}, got {status}")
        created = self._get_param("createdAt") or {}
        before, after = _time(created.get("before")), _time(created.get("after"))
        run = ecs_tasks._run(backend, service)
        records = [r for r in reversed(run.records)  # newest first
                   if (not statuses or r["status"] in statuses)
                   and (before is None or r["createdAt"] < before) and (after is None or r["createdAt"] > after)]
        size = int(self._get_param("maxResults") or list_limit.default or 20)
        token = self._get_param("nextToken")
        start = int(token) if token and str(token).isdigit() else 0
        page = records[start:start + size]
        result: dict[str, Any] = {"serviceDeployments": [_brief(r) for r in page]}
        if start + size < len(records):
            result["nextToken"] = str(start + size)
        return ActionResult(result)

    def describe_service_deployments(self):  # type: ignore[no-untyped-def]
        arns = self._get_param("serviceDeploymentArns") or []
        if len(arns) > DESCRIBE_MAX:
            raise InvalidParameterException(f"serviceDeploymentArns can have at most {DESCRIBE_MAX} items.")
        known = getattr(self.ecs_backend, "_opsdeck_ecs_deployments", {"deployments": {}})["deployments"]
        found = [_described(known[arn]) for arn in arns if arn in known]
        failures = [{"arn": arn, "reason": "MISSING"} for arn in arns if arn not in known]
        return ActionResult({"serviceDeployments": found, "failures": failures})

    def describe_service_revisions(self):  # type: ignore[no-untyped-def]
        arns = self._get_param("serviceRevisionArns") or []
        if len(arns) > DESCRIBE_MAX:
            raise InvalidParameterException(f"serviceRevisionArns can have at most {DESCRIBE_MAX} items.")
        known = getattr(self.ecs_backend, "_opsdeck_ecs_deployments", {"revisions": {}})["revisions"]
        found = [{k: v for k, v in known[arn].items() if v is not None} for arn in arns if arn in known]
        failures = [{"arn": arn, "reason": "MISSING"} for arn in arns if arn not in known]
        return ActionResult({"serviceRevisions": found, "failures": failures})

    Response.list_service_deployments = list_service_deployments
    Response.describe_service_deployments = describe_service_deployments
    Response.describe_service_revisions = describe_service_revisions
    _installed = True
