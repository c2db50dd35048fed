"""EventBridge models: rules on every bus, and Scheduler schedules."""

from __future__ import annotations

from dataclasses import dataclass

from console.target import Target


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
