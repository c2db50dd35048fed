"""ListServiceDeployments, DescribeServiceDeployments and DescribeServiceRevisions on the
embedded AWS: the records ecs_deployments keeps, as the API reference shapes them, with each
service first brought up to the embedded clock by the engine (ecs_tasks)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from console.demo.extensions.ecs_deployments import DESCRIBE_MAX, STATUSES

_installed = False


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
