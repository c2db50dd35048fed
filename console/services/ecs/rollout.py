"""Following an ECS rollout: one deployment, from UpdateService until it ends.

`follow_rollout` reads DescribeServices every FOLLOW_EVERY seconds of the injected clock
and tells a listener what changed: each deployment's counts (desired, running, pending,
failed) and rollout state, and every service event that is new since the rollout began,
oldest first. It ends when the deployment's rolloutState is COMPLETED (returns), or FAILED,
or the deployment is no longer the PRIMARY one (the circuit breaker, or someone, rolled the
service back): RolloutFailed says which. An endpoint that reports no rolloutState counts a
rollout complete when it is the only deployment with every desired task running.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Sequence

from console.actions.base import CancelFlag, report_progress
from console.aws.context import AwsContext

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)  # sorts what has no time first (botocore's times are aware)
FOLLOW_EVERY = 5.0  # seconds between DescribeServices while following (ECS events are no faster)
FOLLOW_TIMEOUT = 3600.0  # a rollout still in progress after this is no longer followed
CANCEL_POLL = 1.0  # a cancel is noticed within this many seconds

OUTCOMES = ("completed", "failed", "rolled-back", "timed-out", "stopped")


@dataclass(frozen=True)
class DeploymentCounts:
    """One entry of DescribeServices' `deployments`, as a rollout shows it."""

    id: str
    status: str  # PRIMARY | ACTIVE | INACTIVE
    task_definition: str  # family:revision
    desired: int
    running: int
    pending: int
    failed: int
    rollout_state: str | None
    rollout_reason: str | None

    @classmethod
    def from_api(cls, raw: dict) -> "DeploymentCounts":
        return cls(raw.get("id", ""), raw.get("status", ""), revision_name(raw.get("taskDefinition", "")),
                   int(raw.get("desiredCount", 0)), int(raw.get("runningCount", 0)),
                   int(raw.get("pendingCount", 0)), int(raw.get("failedTasks", 0)),
                   raw.get("rolloutState"), raw.get("rolloutStateReason"))

    def describe(self) -> str:
        state = f", {self.rollout_state}" if self.rollout_state else ""
        failed = f", {self.failed} failed" if self.failed else ""
        return (f"{self.status} {self.id} {self.task_definition}: {self.running}/{self.desired} running, "
                f"{self.pending} pending{failed}{state}")


@dataclass(frozen=True)
class RolloutEvent:
    """One moment of a rollout, for a live display. `kind`: deployments (the counts
    changed) | event (a new service event: `message` is its text, `at` its time) | done
    (`outcome` one of OUTCOMES, `message` why)."""

    kind: str
    message: str
    deployments: tuple[DeploymentCounts, ...] = ()
    at: datetime | None = None
    outcome: str | None = None


RolloutListener = Callable[[RolloutEvent], Any]  # may return an awaitable


class RolloutFailed(Exception):
    """The rollout did not complete: `outcome` is failed | rolled-back | timed-out."""

    def __init__(self, outcome: str, message: str) -> None:
        super().__init__(message)
        self.outcome = outcome


class RolloutStopped(Exception):
    """The cancel flag was set while following: the rollout goes on in ECS, unwatched."""


def revision_name(arn: str) -> str:
    """`family:revision` from a task definition ARN (or the name itself)."""
    return arn.rsplit("/", 1)[-1]


def primary_of(service: dict) -> dict | None:
    return next((d for d in service.get("deployments", []) if d.get("status") == "PRIMARY"), None)


def seen_events(service: dict) -> set[str]:
    """The ids of the events a service has now: what a rollout does not report again."""
    return {e.get("id", "") for e in service.get("events", [])}


def rollout_verdict(service: dict, deployment_id: str, last_seen: dict | None = None,
                    messages: Sequence[str] = ()) -> tuple[str, str] | None:
    """(outcome, why) once the rollout of `deployment_id` has ended, None while it runs.
    `last_seen`: the deployment as an earlier read found it; `messages`: the service events
    since the rollout began (what said why, when the deployment has left the list)."""
    deployments = service.get("deployments", [])
    ours = next((d for d in deployments if d.get("id") == deployment_id), None)
    primary = primary_of(service)
    now_on = revision_name(service.get("taskDefinition", ""))
    if ours is None:
        said = [m for m in messages if f"(deployment {deployment_id})" in m]
        why = (last_seen or {}).get("rolloutStateReason") if (last_seen or {}).get("rolloutState") == "FAILED" else None
        why = why or (said[-1].split(f"(deployment {deployment_id})", 1)[1].strip() if said else "")
        into = f" in deployment {primary.get('id', '')}" if primary else ""
        return "rolled-back", (f"deployment {deployment_id} " + (f"failed ({why}) and " if why else "") +
                               f"is no longer one of the service's deployments; the service is on {now_on}{into}")
    state, reason = ours.get("rolloutState"), ours.get("rolloutStateReason") or ""
    replaced = primary is not None and primary.get("id") != deployment_id
    if state == "FAILED":
        if replaced:
            return "rolled-back", (f"deployment {deployment_id} FAILED ({reason or 'no reason given'}); "
                                   f"rolling back to {revision_name(primary.get('taskDefinition', ''))} "
                                   f"in deployment {primary.get('id', '')}")
        return "failed", f"deployment {deployment_id} FAILED: {reason or 'no reason given'}"
    if replaced:
        return "rolled-back", (f"deployment {deployment_id} is no longer PRIMARY: deployment {primary.get('id', '')} "
                               f"of {revision_name(primary.get('taskDefinition', ''))} replaced it")
    if state == "COMPLETED":
        return "completed", reason or f"deployment {deployment_id} completed"
    if state is None and len(deployments) == 1 and int(ours.get("runningCount", 0)) >= \
            int(ours.get("desiredCount", 0)) and not int(ours.get("pendingCount", 0)):
        return "completed", f"deployment {deployment_id} runs every desired task (the endpoint reports no rollout state)"
    return None


async def describe_service(ctx: AwsContext, cluster: str, service: str) -> dict:
    ecs = await ctx.client("ecs")
    found = (await ecs.describe_services(cluster=cluster, services=[service])).get("services") or []
    if not found:
        raise RolloutFailed("failed", f"service {service} of cluster {cluster} is gone")
    return found[0]


async def follow_rollout(ctx: AwsContext, cluster: str, service: str, deployment_id: str, *,
                         known_events: set[str], listener: RolloutListener | None = None,
                         cancel: CancelFlag | None = None, every: float = FOLLOW_EVERY,
                         timeout: float = FOLLOW_TIMEOUT) -> str:
    """Read the service until the rollout of `deployment_id` ends; its reason when it
    COMPLETED. RolloutFailed when it failed or was rolled back (or outlasted `timeout`),
    RolloutStopped within CANCEL_POLL of `cancel` being set. `known_events`: the ids of the
    service events from before the rollout (they are not reported)."""
    clock = ctx.clock
    deadline = clock.monotonic() + timeout
    known = set(known_events)
    last_counts: tuple[DeploymentCounts, ...] | None = None
    last_seen: dict | None = None
    messages: list[str] = []
    while True:
        raw = await describe_service(ctx, cluster, service)
        new = [e for e in raw.get("events", []) if e.get("id", "") not in known]
        for event in sorted(new, key=lambda e: e.get("createdAt") or EPOCH):
            known.add(event.get("id", ""))
            messages.append(event.get("message", ""))
            await report_progress(listener, RolloutEvent("event", event.get("message", ""), at=event.get("createdAt")))
        counts = tuple(DeploymentCounts.from_api(d) for d in raw.get("deployments", []))
        if counts != last_counts:
            last_counts = counts
            await report_progress(listener, RolloutEvent("deployments", "; ".join(c.describe() for c in counts),
                                                         counts))
        verdict = rollout_verdict(raw, deployment_id, last_seen, messages)
        last_seen = next((d for d in raw.get("deployments", []) if d.get("id") == deployment_id), last_seen)
        if verdict is not None:
            outcome, why = verdict
            await report_progress(listener, RolloutEvent("done", why, counts, outcome=outcome))
            if outcome == "completed":
                return why
            raise RolloutFailed(outcome, why)
        if clock.monotonic() >= deadline:
            why = f"deployment {deployment_id} was still in progress after {int(timeout)} s: no longer followed"
            await report_progress(listener, RolloutEvent("done", why, counts, outcome="timed-out"))
            raise RolloutFailed("timed-out", why)
        next_read = clock.monotonic() + every
        while clock.monotonic() < next_read:
            if cancel is not None and cancel.is_set():
                why = f"stopped following deployment {deployment_id}: the rollout goes on in ECS"
                await report_progress(listener, RolloutEvent("done", why, counts, outcome="stopped"))
                raise RolloutStopped(why)
            await clock.sleep(min(CANCEL_POLL, next_read - clock.monotonic()))
