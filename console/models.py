"""Frozen models the dashboard panels show, one family per service.

Each service module (lambda_, ecs, stepfunctions, events) builds these from API
responses in one place; screens and widgets never see raw boto dicts. Every model
carries its Target and a `key` that identifies the resource across refreshes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from console.target import Target


# Lambda -----------------------------------------------------------------------------
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
