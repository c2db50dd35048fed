"""Step Functions models: state machines and the outcome of their recent executions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from console.target import Target


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
