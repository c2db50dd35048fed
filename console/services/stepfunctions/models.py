"""Step Functions models: state machines, the outcome of their recent executions, and
their AWS/States execution metrics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from console.target import Target

FAILED_STATUSES = frozenset({"FAILED", "TIMED_OUT", "ABORTED"})

@dataclass(frozen=True)
class ExecutionSummary:
    arn: str
    name: str
    status: str  # RUNNING | SUCCEEDED | FAILED | TIMED_OUT | ABORTED | PENDING_REDRIVE
    started_at: datetime | None
    stopped_at: datetime | None


@dataclass(frozen=True)
class RecentExecutions:
    """What the panel shows of a machine's newest executions (up to a page of 100): kept
    instead of the executions themselves, which a console left open on a hundred machines
    would otherwise hold ten thousand of."""

    newest: ExecutionSummary | None
    running: int
    succeeded: int
    failed: int  # FAILED + TIMED_OUT + ABORTED
    count: int

    @classmethod
    def of(cls, executions: list[ExecutionSummary]) -> "RecentExecutions":
        return cls(
            newest=max(executions, key=lambda e: e.started_at or 0, default=None),
            running=sum(e.status == "RUNNING" for e in executions),
            succeeded=sum(e.status == "SUCCEEDED" for e in executions),
            failed=sum(e.status in FAILED_STATUSES for e in executions),
            count=len(executions),
        )


@dataclass(frozen=True)
class StateMachineMetrics:
    """AWS/States execution metrics of one machine over the last `window_minutes`.

    Counts are Sums (Step Functions emits ExecutionsStarted twice per execution, 1 then 0:
    only Sum counts executions); `execution_time_ms` is ExecutionTime's Average, None
    when no execution closed in the window. ExecutionThrottled exists only when something
    was throttled, so no datapoint means 0."""

    window_minutes: int
    started: float
    failed: float
    timed_out: float
    throttled: float
    execution_time_ms: float | None

    @property
    def failures(self) -> float:
        """Executions that did not succeed for a reason worth a look: failed or timed out."""
        return self.failed + self.timed_out


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
    recent: int | None  # how many recent executions the counts cover; None: not read (yet)
    # Why the recent executions are not shown: "EXPRESS" (AWS lists no EXPRESS executions,
    # so they are never asked for) or what AWS answered when asked (a machine whose type
    # changed since the listing). None: they are shown, or not read yet.
    executions_unavailable: str | None = None
    metrics: StateMachineMetrics | None = None  # None: not read yet

    @property
    def key(self) -> str:
        return self.arn
