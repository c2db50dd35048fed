"""Frozen models the dashboard panels show, one family per service.

Each service module (lambda_, ecs, stepfunctions, events) builds these from API
responses in one place; screens and widgets never see raw boto dicts. Every model
carries its Target and a `key` that identifies the resource across refreshes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from console.target import Target


# Lambda -----------------------------------------------------------------------------
@dataclass(frozen=True)
class LambdaMinutes:
    """AWS/Lambda figures per minute, oldest first, one entry per minute from `start`.

    Counts are 0 for a minute without datapoints; averages and maxima are None there
    (no invocation has no duration, which is not a duration of 0).
    """

    start: datetime
    invocations: tuple[float, ...]
    errors: tuple[float, ...]
    throttles: tuple[float, ...]
    duration_avg_ms: tuple[float | None, ...]
    duration_max_ms: tuple[float | None, ...]
    concurrency_max: tuple[float | None, ...]

    def __len__(self) -> int:
        return len(self.invocations)

    def last(self, count: int) -> "LambdaMinutes":
        """The newest `count` minutes."""
        if count >= len(self):
            return self
        cut = len(self) - count
        return self._slice(cut, len(self))

    def before_last(self, count: int) -> "LambdaMinutes":
        """Every minute except the newest `count`."""
        return self._slice(0, max(0, len(self) - count))

    def _slice(self, begin: int, end: int) -> "LambdaMinutes":
        return LambdaMinutes(
            self.start + timedelta(minutes=begin), self.invocations[begin:end], self.errors[begin:end],
            self.throttles[begin:end], self.duration_avg_ms[begin:end], self.duration_max_ms[begin:end],
            self.concurrency_max[begin:end],
        )


@dataclass(frozen=True)
class LambdaMetrics:
    """Sums/averages over the dashboard window; `series` is invocations per period."""

    invocations: float
    errors: float
    throttles: float
    duration_avg_ms: float | None
    duration_max_ms: float | None
    concurrency_max: float | None
    series: tuple[float, ...] = ()
    window_minutes: int = 15  # the window the figures above cover
    # per-minute figures of the whole fetched span (at least 15 minutes, so the last 5
    # can be compared with the minutes before them: see console.lambda_health)
    minutes: "LambdaMinutes | None" = None

    @property
    def error_rate(self) -> float | None:
        """Errors / invocations in percent; None without invocations."""
        return 100.0 * self.errors / self.invocations if self.invocations else None


@dataclass(frozen=True)
class LambdaFunction:
    target: Target
    arn: str
    name: str
    runtime: str | None  # None for container-image functions
    architecture: str
    memory_mb: int
    timeout_s: int
    package_type: str  # Zip | Image
    last_modified: datetime | None
    code_sha256: str
    metrics: LambdaMetrics | None = None

    @property
    def key(self) -> str:
        return self.arn


@dataclass(frozen=True)
class LambdaAlias:
    target: Target
    function_name: str
    name: str
    version: str
    weights: tuple[tuple[str, float], ...] = ()  # extra versions and their traffic share

    @property
    def key(self) -> str:
        return f"{self.function_name}:{self.name}"

    @property
    def routing(self) -> str:
        """`live→3` or `live→3 (90%) 4 (10%)` while weighted routing is on."""
        if not self.weights:
            return f"{self.name}→{self.version}"
        main = 1.0 - sum(w for _, w in self.weights)
        extra = " ".join(f"{v} ({w:.0%})" for v, w in self.weights)
        return f"{self.name}→{self.version} ({main:.0%}) {extra}"


# ECS -------------------------------------------------------------------------------
@dataclass(frozen=True)
class EcsDeployment:
    id: str
    status: str  # PRIMARY | ACTIVE | INACTIVE
    task_definition: str  # family:revision
    desired: int
    running: int
    pending: int
    rollout_state: str | None
    updated_at: datetime | None


@dataclass(frozen=True)
class EcsService:
    target: Target
    arn: str
    name: str
    cluster: str  # cluster name
    status: str
    desired: int
    running: int
    pending: int
    launch: str  # FARGATE, or capacity providers with weights, e.g. "FARGATE:1 FARGATE_SPOT:3"
    task_definition: str  # family:revision
    deployments: tuple[EcsDeployment, ...]
    healthy_tasks: int | None  # None: task health not read yet (a first load's early part)
    unhealthy_tasks: int | None
    circuit_breaker: bool

    @property
    def key(self) -> str:
        return self.arn


# Step Functions ---------------------------------------------------------------------
@dataclass(frozen=True)
class ExecutionSummary:
    arn: str
    name: str
    status: str  # RUNNING | SUCCEEDED | FAILED | TIMED_OUT | ABORTED | PENDING_REDRIVE
    started_at: datetime | None
    stopped_at: datetime | None


@dataclass(frozen=True)
class StateMachine:
    target: Target
    arn: str
    name: str
    type: str  # STANDARD | EXPRESS
    created_at: datetime | None
    last_execution: ExecutionSummary | None
    running: int
    succeeded: int
    failed: int  # FAILED + TIMED_OUT + ABORTED among the recent executions
    recent: int | None  # how many recent executions the counts cover; None: not read yet

    @property
    def key(self) -> str:
        return self.arn


# EventBridge --------------------------------------------------------------------------
@dataclass(frozen=True)
class EventRule:
    """An EventBridge rule or an EventBridge Scheduler schedule."""

    target: Target
    arn: str
    name: str
    kind: str  # "rule" | "schedule"
    bus: str  # event bus for rules, schedule group for schedules
    state: str  # ENABLED | DISABLED
    schedule: str | None  # cron(...), rate(...) or at(...)
    timezone: str | None
    pattern: str | None  # event pattern JSON for pattern rules
    description: str
    targets: int | None = None

    @property
    def key(self) -> str:
        return self.arn
