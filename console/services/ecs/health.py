"""A service's health from what its tasks do, not only what they say now.

DescribeTasks' healthStatus is a moment: a task that fails its container health check
every 30 s is stopped and replaced by a new one that reports HEALTHY until its own checks
fail, so a service in a crash loop looks "2/2 healthy" on every look. What tells the
truth is the stopped tasks: AWS lists them (ListTasks desiredStatus=STOPPED) "for at
least 1 hour" after they stop, with their stop code, reason and containers' exit codes.

- WINDOW (10 minutes) back from now, the service's tasks that stopped without anyone
  meaning to stop them are `replaced`: every stop but a person's (stop code UserInitiated,
  "Task stopped by user") and the scheduler's own scaling ("Scaling activity initiated
  by ...": a scale-in or an old deployment's tasks drained). A reason that names failed
  health checks always counts, whoever stopped the task. Only tasks of a task definition
  one of the service's deployments still runs count: once a failed deployment is rolled
  back and gone, its crashed tasks are history (the last stop, the deployment history),
  not a service flapping now.
- The last stop told is the newest failure AWS still lists (a replaced task), else the
  newest stop a person made, else the newest of the scheduler's own: a task drained after
  a rollback must not hide why the rollout failed.
- FLAP_THRESHOLD (2) replacements in the window make a service FLAPPING. One is an
  incident of its own (a Spot interruption, one crash) and shows as the last stop; two
  within ten minutes is a loop: a task failing its health check with the defaults
  (interval 30 s, 3 retries, start period 0) lives about 90 s to 2 minutes, so a loop
  is seen within two of its cycles, and a task replaced once an hour never is.
- The state (models.HEALTH_ORDER, worst first) and its reason in words:
  FAILED "deployment ecs-svc/… failed (circuit breaker: tasks failed to start)", and while
  the circuit breaker rolls back (the PRIMARY's rolloutStateReason "ECS deployment circuit
  breaker: rolling back to deploymentId …") "…; rolling back to app:7: 1/4 tasks";
  FLAPPING "tasks replaced 4× in 10 min (failed container health checks)";
  UNHEALTHY "1 task failing health checks"; SHORT "1 task short: <last stop>";
  ROLLING_OUT "rolling out ecs-svc/… 2/4 new tasks"; HEALTHY "".
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta
from typing import Iterable

from console.services.ecs.models import (
    FAILED, FLAPPING, HEALTHY, INACTIVE, ROLLING_OUT, SHORT, UNHEALTHY, EcsCluster, EcsService, EcsTask,
    ServiceHealth, TaskStop,
)

WINDOW = 600.0  # seconds
FLAP_THRESHOLD = 2  # replacements within WINDOW

USER_INITIATED = "UserInitiated"
SCALING = "Scaling activity initiated by"
_HEALTH_CHECKS = re.compile(r"failed (?:(container|ELB|elb|load balancer)\s+)?health checks?", re.IGNORECASE)
_CIRCUIT_BREAKER = "ECS deployment circuit breaker:"
# A rollback deployment's rolloutStateReason: "ECS deployment circuit breaker: rolling back to
# deploymentId ecs-svc/1234."
_ROLLING_BACK = re.compile(r"rolling back to deploymentId (\S+?)\.?$")


def failed_health_checks(task: EcsTask) -> bool:
    """Stopped because it failed its health checks: the reason says so ("Task failed
    container health checks", "Task failed ELB health checks in (target-group …)"), or
    it was UNHEALTHY when it stopped."""
    return bool(_HEALTH_CHECKS.search(task.stopped_reason or "")) or (
        task.stopped and task.health == "UNHEALTHY")


def stop_of(task: EcsTask) -> TaskStop:
    exited = next((c for c in task.containers if c.exit_code is not None and c.exit_code != 0), None)
    exited = exited or next((c for c in task.containers if c.exit_code is not None), None)
    with_reason = next((c for c in task.containers if c.reason), None)
    return TaskStop(
        task_id=task.id,
        at=task.stopped_at or task.stopping_at,
        stop_code=task.stop_code or "",
        reason=task.stopped_reason or "",
        exit_code=exited.exit_code if exited is not None else None,
        container_reason=with_reason.reason if with_reason is not None else "",
        health_check=failed_health_checks(task),
    )


def replaced(task: EcsTask) -> bool:
    """A stop nobody meant: not a person's, not the scheduler's own scaling."""
    if failed_health_checks(task):
        return True
    reason = task.stopped_reason or ""
    return task.stop_code != USER_INITIATED and not reason.startswith(SCALING)


def stop_words(stop: TaskStop) -> str:
    """A stop in a few words: "failed container health checks", "exit 137",
    "CannotPullContainerError", "Spot interruption", "stopped by user"."""
    match = _HEALTH_CHECKS.search(stop.reason)
    if match:
        kind = match.group(1)
        return f"failed {kind.upper() if kind.lower() == 'elb' else kind} health checks" if kind else "failed health checks"
    if stop.health_check:
        return "failed health checks"
    if stop.container_reason:
        return stop.container_reason.split(":", 1)[0].strip()
    if stop.stop_code == "EssentialContainerExited" or stop.exit_code not in (None, 0):
        return f"essential container exited{'' if stop.exit_code is None else f' (exit {stop.exit_code})'}"
    if stop.stop_code == "SpotInterruption":
        return "Spot interruption"
    if stop.stop_code == USER_INITIATED:
        return "stopped by user"
    return stop.reason.rstrip(".") or stop.stop_code or "stopped"


def _tasks(count: int) -> str:
    return f"{count} task" if count == 1 else f"{count} tasks"


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:g} min"


def deployment_failure(reason: str) -> str:
    """rolloutStateReason in a few words: "circuit breaker: tasks failed to start"."""
    reason = reason.strip().rstrip(".")
    if reason.startswith(_CIRCUIT_BREAKER):
        return "circuit breaker:" + reason[len(_CIRCUIT_BREAKER):]
    return reason or "rollout failed"


def service_health(service: EcsService, running: Iterable[EcsTask], stopped: Iterable[EcsTask], now: datetime,
                   window: float = WINDOW, threshold: int = FLAP_THRESHOLD) -> ServiceHealth:
    """`service`'s health from its running tasks and the stopped ones AWS still lists."""
    running = [t for t in running if not t.stopped]
    health = Counter(t.health for t in running)
    since = now - timedelta(seconds=window)
    recent = sorted((t for t in stopped if (t.stopped_at or t.stopping_at) and (t.stopped_at or t.stopping_at) >= since),
                    key=lambda t: t.stopped_at or t.stopping_at, reverse=True)
    newest = max(stopped, default=None, key=lambda t: (
        replaced(t), not (t.stopped_reason or "").startswith(SCALING),
        t.stopped_at or t.stopping_at or datetime.min.replace(tzinfo=now.tzinfo)))
    current = {d.task_definition_arn for d in service.deployments if d.task_definition_arn}
    unplanned = [t for t in recent if replaced(t) and (not current or t.task_definition_arn in current)]
    checks = sum(1 for t in unplanned if failed_health_checks(t))
    last_stop = stop_of(newest) if newest is not None else None
    state, reason = _state(service, health["UNHEALTHY"], unplanned, window, threshold, last_stop)
    return ServiceHealth(
        state=state, reason=reason, healthy_tasks=health["HEALTHY"], unhealthy_tasks=health["UNHEALTHY"],
        unknown_tasks=len(running) - health["HEALTHY"] - health["UNHEALTHY"], replaced=len(unplanned),
        failed_checks=checks, window=window, last_stop=last_stop,
    )


def _state(service: EcsService, unhealthy: int, unplanned: list[EcsTask], window: float, threshold: int,
           last_stop: TaskStop | None) -> tuple[str, str]:
    if service.status != "ACTIVE":
        return INACTIVE, f"service {service.status.lower()}"
    primary = service.primary
    failed = next((d for d in service.deployments if d.rollout_state == "FAILED"), None)
    rolling_back = primary is not None and primary.rollout_state == "IN_PROGRESS" and bool(
        _ROLLING_BACK.search(primary.rollout_reason))
    if failed is not None or rolling_back:
        words = (f"deployment {failed.id} failed ({deployment_failure(failed.rollout_reason)})" if failed is not None
                 else "deployment failed (circuit breaker)")
        if primary is not None and (rolling_back or failed is not primary):
            words += f"; rolling back to {primary.task_definition}: {primary.running}/{primary.desired} tasks"
        return FAILED, words
    if len(unplanned) >= threshold:
        causes = Counter(stop_words(stop_of(t)) for t in unplanned)
        cause, _ = causes.most_common(1)[0]
        return FLAPPING, f"tasks replaced {len(unplanned)}× in {_minutes(window)} ({cause})"
    if unhealthy:
        return UNHEALTHY, f"{_tasks(unhealthy)} failing health checks"
    if service.deploying and primary is not None:
        return ROLLING_OUT, f"rolling out {primary.id} {primary.running}/{primary.desired} new tasks"
    if service.running < service.desired:
        short = f"{_tasks(service.desired - service.running)} short"
        if service.pending:
            return SHORT, f"{short} ({service.pending} pending)"
        return SHORT, f"{short}: {stop_words(last_stop)}" if last_stop is not None else short
    return HEALTHY, ""


def cluster_rollup(cluster: EcsCluster, services: Iterable[EcsService]) -> EcsCluster:
    """`cluster` with its services' health counted; None while any has not been read."""
    from dataclasses import replace

    mine = [s for s in services if s.cluster == cluster.name]
    if any(s.health is None for s in mine):
        return replace(cluster, not_steady=None, flapping=None, unhealthy=None)
    states = Counter(s.health.state for s in mine if s.health is not None)
    return replace(cluster, not_steady=sum(1 for s in mine if s.health is not None and not s.health.steady),
                   flapping=states[FLAPPING], unhealthy=states[FAILED] + states[UNHEALTHY])
