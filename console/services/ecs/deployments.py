"""A service's deployments: DescribeServices' `deployments` (PRIMARY, ACTIVE, INACTIVE) and
the history of ListServiceDeployments / DescribeServiceDeployments (2024), whose
ServiceDeployment has its own status set (PENDING, IN_PROGRESS, SUCCESSFUL, STOPPED,
STOP_REQUESTED, ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS, ROLLBACK_SUCCESSFUL,
ROLLBACK_FAILED: botocore's ServiceDeploymentStatus) and shape (source and target service
revisions with task counts, rollback, circuit breaker).

History costs one ListServiceDeployments page of up to 100 (the documented maximum; the
order is not documented, so they are sorted newest first here) and one
DescribeServiceDeployments call for the newest DETAILED (20, its batch maximum). An
endpoint without the APIs, or a role without the permission (AccessDenied,
UnknownOperation, InvalidAction, or moto's bare HTTP 500/404 for an action it lacks) gets
no history and a sentence saying so: the screen shows DescribeServices' deployments.
"""

from __future__ import annotations

from datetime import datetime
from console.aws.accounting import expecting
from console.aws.context import AwsContext
from console.aws.errors import error_code
from console.aws.limits import max_page
from console.services.ecs.models import CapacityShare, EcsDeployment, EcsServiceDeployment, RevisionCount, ServiceRef
from console.target import Target

LIST_PAGE = max_page("ecs", "ListServiceDeployments")
DETAILED = max_page("ecs", "DescribeServiceDeployments")

# What an endpoint answers for an API it lacks, or a role that may not call it.
UNAVAILABLE_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnknownOperationException",
                               "UnknownOperation", "InvalidAction", "NotImplemented", "NotImplementedException",
                               "UnsupportedOperation", "404", "500", "501"})


def strategy_from_api(raw: list[dict] | None) -> tuple[CapacityShare, ...]:
    return tuple(CapacityShare(item.get("capacityProvider", ""), int(item.get("weight", 0) or 0),
                               int(item.get("base", 0) or 0)) for item in raw or [])


def strategy_words(strategy: tuple[CapacityShare, ...]) -> str:
    """"FARGATE:1 FARGATE_SPOT:3" (with "base N" where one is set)."""
    return " ".join(str(share) for share in strategy)


def deployment_from_api(raw: dict) -> EcsDeployment:
    definition_arn = raw.get("taskDefinition", "")
    return EcsDeployment(
        id=raw.get("id", ""),
        status=raw.get("status", ""),
        task_definition=definition_arn.rsplit("/", 1)[-1],
        desired=int(raw.get("desiredCount", 0)),
        running=int(raw.get("runningCount", 0)),
        pending=int(raw.get("pendingCount", 0)),
        rollout_state=raw.get("rolloutState"),
        updated_at=raw.get("updatedAt"),
        task_definition_arn=definition_arn,
        failed=int(raw.get("failedTasks", 0) or 0),
        rollout_reason=raw.get("rolloutStateReason") or "",
        created_at=raw.get("createdAt"),
        launch=raw.get("launchType") or strategy_words(strategy_from_api(raw.get("capacityProviderStrategy"))),
    )


def _revision(raw: dict | None) -> RevisionCount | None:
    if not raw:
        return None
    return RevisionCount(raw.get("arn", ""), int(raw.get("requestedTaskCount", 0) or 0),
                         int(raw.get("runningTaskCount", 0) or 0), int(raw.get("pendingTaskCount", 0) or 0))


def service_deployment_from_api(target: Target, raw: dict) -> EcsServiceDeployment:
    """From a ServiceDeployment (DescribeServiceDeployments) or a ServiceDeploymentBrief
    (ListServiceDeployments: `detailed` False)."""
    detailed = "targetServiceRevision" in raw or "sourceServiceRevisions" in raw
    rollback = raw.get("rollback") or {}
    breaker = raw.get("deploymentCircuitBreaker") or {}
    target_revision = _revision(raw.get("targetServiceRevision"))
    if target_revision is None and raw.get("targetServiceRevisionArn"):
        target_revision = RevisionCount(raw["targetServiceRevisionArn"], 0, 0, 0)
    return EcsServiceDeployment(
        target=target,
        arn=raw["serviceDeploymentArn"],
        service_arn=raw.get("serviceArn", ""),
        cluster_arn=raw.get("clusterArn", ""),
        status=raw.get("status", ""),
        status_reason=raw.get("statusReason") or "",
        created_at=raw.get("createdAt"),
        started_at=raw.get("startedAt"),
        finished_at=raw.get("finishedAt"),
        stopped_at=raw.get("stoppedAt"),
        updated_at=raw.get("updatedAt"),
        target_revision=target_revision,
        source_revisions=tuple(r for r in map(_revision, raw.get("sourceServiceRevisions") or []) if r),
        rollback_reason=rollback.get("reason") or "",
        rollback_started_at=rollback.get("startedAt"),
        rollback_revision_arn=rollback.get("serviceRevisionArn") or "",
        circuit_breaker_status=breaker.get("status") or "",
        circuit_breaker_failures=breaker.get("failureCount"),
        circuit_breaker_threshold=breaker.get("threshold"),
        lifecycle_stage=raw.get("lifecycleStage") or "",
        detailed=detailed,
    )


def unavailable(exc: BaseException) -> bool:
    return (error_code(exc) or "") in UNAVAILABLE_CODES


def _newest_first(item: EcsServiceDeployment) -> datetime:
    when = item.created_at or item.started_at
    return when if isinstance(when, datetime) else datetime.min


async def fetch_history(ctx: AwsContext, ref: ServiceRef) -> tuple[tuple[EcsServiceDeployment, ...] | None, str]:
    """(the service's deployments newest first, the newest DETAILED of them described; "")
    or, where the endpoint has no such API or refuses it, (None, why in words)."""
    ecs = await ctx.client("ecs")
    try:
        with expecting(*UNAVAILABLE_CODES):
            listed = await ecs.list_service_deployments(cluster=ref.cluster, service=ref.service,
                                                        maxResults=LIST_PAGE)
    except Exception as exc:
        if unavailable(exc):
            return None, _why(exc, "ListServiceDeployments")
        raise
    briefs = sorted((service_deployment_from_api(ctx.target, raw) for raw in listed.get("serviceDeployments", [])),
                    key=_newest_first, reverse=True)
    newest = [b.arn for b in briefs[:DETAILED]]
    details: dict[str, EcsServiceDeployment] = {}
    if newest:
        try:
            with expecting(*UNAVAILABLE_CODES):
                described = await ecs.describe_service_deployments(serviceDeploymentArns=newest)
        except Exception as exc:
            if not unavailable(exc):
                raise
        else:
            details = {d.arn: d for d in (service_deployment_from_api(ctx.target, raw)
                                          for raw in described.get("serviceDeployments", []))}
    return tuple(details.get(b.arn, b) for b in briefs), ""


def _why(exc: BaseException, operation: str) -> str:
    code = error_code(exc) or ""
    if code.startswith("AccessDenied"):
        return f"deployment history not shown: access denied to {operation}"
    return f"deployment history not available from this endpoint ({operation})"

