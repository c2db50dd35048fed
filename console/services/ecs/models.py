"""ECS models: services with their deployments and task health."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from console.target import Target


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


@dataclass(frozen=True)
class ServiceRef:
    """Which service an action or view is about: enough to read it afresh from AWS."""

    target: Target
    cluster: str  # cluster name or ARN
    service: str  # service name


@dataclass(frozen=True)
class TaskRef:
    """Which task an action or view is about: enough to read it afresh from AWS."""

    target: Target
    cluster: str  # cluster name or ARN
    task_arn: str
