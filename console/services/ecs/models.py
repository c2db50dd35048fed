"""ECS models: clusters, services with their deployments and health, tasks, events, and
the service-deployment history (ListServiceDeployments / DescribeServiceDeployments).

Built from API responses in one place (console.services.ecs.sources and the read-side
modules beside it); screens never see raw boto dicts. Every model carries its Target (or
its service's) and a `key` that identifies the resource across refreshes; services and
tasks also give the `ref` an action or a view is about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from console.target import Target


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


# -- health -------------------------------------------------------------------------------------
# ServiceHealth.state, worst first (a panel sorts by HEALTH_ORDER).
FAILED = "FAILED"  # the primary deployment's rollout FAILED (circuit breaker), or a rollback
FLAPPING = "FLAPPING"  # tasks keep being replaced (console.services.ecs.health: the window)
UNHEALTHY = "UNHEALTHY"  # a running task fails its health checks
SHORT = "SHORT"  # fewer tasks running than desired, no rollout under way
ROLLING_OUT = "ROLLING_OUT"  # more than one deployment, or the primary's rollout IN_PROGRESS
HEALTHY = "HEALTHY"  # steady: what AWS calls "has reached a steady state", and no task replaced
INACTIVE = "INACTIVE"  # the service is DRAINING or INACTIVE: nothing should run
HEALTH_ORDER = (FAILED, FLAPPING, UNHEALTHY, SHORT, ROLLING_OUT, INACTIVE, HEALTHY)


@dataclass(frozen=True)
class TaskStop:
    """Why a task stopped: what DescribeTasks says of a STOPPED (or stopping) task."""

    task_id: str
    at: datetime | None  # stoppedAt, else stoppingAt
    stop_code: str  # TaskFailedToStart | EssentialContainerExited | UserInitiated | ... ("" not given)
    reason: str  # stoppedReason
    exit_code: int | None  # the essential container's that exited (first one with a code)
    container_reason: str  # that container's `reason` (CannotPullContainerError: ...), "" none
    health_check: bool  # stopped because it (or a container) failed its health checks


@dataclass(frozen=True)
class ServiceHealth:
    """What a service's tasks do, not only what they say now.

    `window` seconds back from `at`: tasks of the service that stopped in it (`replaced`:
    the ones the scheduler stopped or saw exit, not those a person stopped; `failed_checks`:
    stopped by failed health checks) and the latest stop. `state` is one of HEALTH_ORDER,
    `steady` is True only for HEALTHY, `reason` says in words why not ("" when steady).
    Counts of running tasks are those DescribeTasks answered (RUNNING, by healthStatus).
    """

    state: str
    reason: str
    healthy_tasks: int
    unhealthy_tasks: int
    unknown_tasks: int  # running without a health check (or not yet reported)
    replaced: int
    failed_checks: int
    window: float  # seconds
    last_stop: TaskStop | None

    @property
    def steady(self) -> bool:
        return self.state in (HEALTHY, INACTIVE)


# -- services -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class EcsEvent:
    """One of DescribeServices' service events (newest first there; AWS keeps 100)."""

    id: str
    at: datetime | None
    message: str

    @property
    def key(self) -> str:
        return self.id


@dataclass(frozen=True)
class CapacityShare:
    """One item of a capacity-provider strategy: `base` tasks first, then by `weight`."""

    provider: str  # FARGATE | FARGATE_SPOT | an Auto Scaling group's provider
    weight: int
    base: int = 0

    def __str__(self) -> str:
        return f"{self.provider}:{self.weight}" + (f" base {self.base}" if self.base else "")


@dataclass(frozen=True)
class EcsDeployment:
    """One of DescribeServices' `deployments` (PRIMARY, ACTIVE or INACTIVE)."""

    id: str  # ecs-svc/...
    status: str  # PRIMARY | ACTIVE | INACTIVE
    task_definition: str  # family:revision
    desired: int
    running: int
    pending: int
    rollout_state: str | None  # IN_PROGRESS | COMPLETED | FAILED; None: not given
    updated_at: datetime | None
    task_definition_arn: str = ""
    failed: int = 0  # failedTasks: tasks that failed to start (the circuit breaker counts them)
    rollout_reason: str = ""  # rolloutStateReason
    created_at: datetime | None = None
    launch: str = ""  # launch type, or the capacity-provider strategy in words

    @property
    def key(self) -> str:
        return self.id


@dataclass(frozen=True)
class ServiceMetrics:
    """AWS/ECS CPUUtilization and MemoryUtilization (Average, percent) of a service, one
    value per period oldest first from `start`; None where CloudWatch has no datapoint."""

    start: datetime
    period_s: int
    cpu: tuple[float | None, ...]
    memory: tuple[float | None, ...]

    @property
    def cpu_now(self) -> float | None:
        return next((v for v in reversed(self.cpu) if v is not None), None)

    @property
    def memory_now(self) -> float | None:
        return next((v for v in reversed(self.memory) if v is not None), None)


@dataclass(frozen=True)
class EcsService:
    target: Target
    arn: str
    name: str
    cluster: str  # cluster name
    status: str  # ACTIVE | DRAINING | INACTIVE
    desired: int
    running: int
    pending: int
    launch: str  # FARGATE, or capacity providers with weights, e.g. "FARGATE:1 FARGATE_SPOT:3"
    task_definition: str  # family:revision
    deployments: tuple[EcsDeployment, ...]
    healthy_tasks: int | None  # None: task health not read yet (a first load's early part)
    unhealthy_tasks: int | None
    circuit_breaker: bool
    task_definition_arn: str = ""
    rollback: bool = False  # the circuit breaker rolls back a failed deployment
    launch_type: str | None = None  # FARGATE | EC2 | EXTERNAL; None: a capacity-provider strategy
    strategy: tuple[CapacityShare, ...] = ()  # the service's own, else its cluster's default
    created_at: datetime | None = None
    last_event: EcsEvent | None = None  # the newest service event
    health: ServiceHealth | None = None  # None: its tasks not read yet
    metrics: ServiceMetrics | None = None  # None: not read yet, or none written

    @property
    def key(self) -> str:
        return self.arn

    @property
    def ref(self) -> ServiceRef:
        return ServiceRef(self.target, self.cluster, self.name)

    @property
    def primary(self) -> EcsDeployment | None:
        return next((d for d in self.deployments if d.status == "PRIMARY"), None)

    @property
    def rollout_state(self) -> str | None:
        primary = self.primary
        return primary.rollout_state if primary is not None else None

    @property
    def rollout_reason(self) -> str:
        primary = self.primary
        return primary.rollout_reason if primary is not None else ""

    @property
    def deploying(self) -> bool:
        """More than one deployment, or the primary's rollout still going."""
        return len(self.deployments) > 1 or self.rollout_state == "IN_PROGRESS"

    @property
    def steady(self) -> bool | None:
        """None until its tasks were read: never claim steady before."""
        return None if self.health is None else self.health.steady

    @property
    def reason(self) -> str:
        """Why it is not at steady state, in words ("" when steady or not known yet)."""
        return "" if self.health is None else self.health.reason


# -- clusters -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class EcsCluster:
    target: Target
    arn: str
    name: str
    status: str  # ACTIVE | PROVISIONING | DEPROVISIONING | FAILED | INACTIVE
    capacity_providers: tuple[str, ...]
    default_strategy: tuple[CapacityShare, ...]
    running_tasks: int
    pending_tasks: int
    active_services: int
    # Its services' health, rolled up; None until their tasks were read.
    not_steady: int | None = None
    flapping: int | None = None
    unhealthy: int | None = None  # FAILED or UNHEALTHY

    @property
    def key(self) -> str:
        return self.arn


# -- tasks --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EcsContainer:
    name: str
    image: str
    last_status: str  # PENDING | RUNNING | STOPPED ...
    health: str  # HEALTHY | UNHEALTHY | UNKNOWN
    exit_code: int | None
    reason: str  # e.g. "CannotPullContainerError: ..." ("" none)


@dataclass(frozen=True)
class EcsTask:
    target: Target
    arn: str
    id: str
    cluster: str  # cluster name
    service: str | None  # the service that started it (group "service:NAME"); None: a standalone task
    last_status: str  # PROVISIONING | PENDING | ACTIVATING | RUNNING | DEACTIVATING | STOPPING | ... | STOPPED
    desired_status: str  # RUNNING | STOPPED
    health: str  # HEALTHY | UNHEALTHY | UNKNOWN (the task's, else its worst container's)
    containers: tuple[EcsContainer, ...]
    task_definition_arn: str
    task_definition: str  # family:revision
    capacity_provider: str | None  # FARGATE | FARGATE_SPOT | ...; None: a launch type without one
    launch_type: str | None
    availability_zone: str | None
    cpu: str | None  # task-level units as AWS gives them ("256")
    memory: str | None  # MiB ("512")
    created_at: datetime | None
    started_at: datetime | None
    stopping_at: datetime | None
    stopped_at: datetime | None
    stop_code: str | None
    stopped_reason: str | None
    group: str = ""

    @property
    def key(self) -> str:
        return self.arn

    @property
    def ref(self) -> TaskRef:
        return TaskRef(self.target, self.cluster, self.arn)

    @property
    def stopped(self) -> bool:
        return self.last_status == "STOPPED"

    @property
    def revision(self) -> int | None:
        _, _, number = self.task_definition.rpartition(":")
        return int(number) if number.isdigit() else None


# -- service deployments (the 2024 history APIs) ----------------------------------------------------
# ServiceDeployment.status (botocore: ServiceDeploymentStatus): its own set, not a Deployment's.
DEPLOYMENT_ACTIVE_STATUSES = frozenset({"PENDING", "IN_PROGRESS", "STOP_REQUESTED", "ROLLBACK_REQUESTED",
                                        "ROLLBACK_IN_PROGRESS"})


@dataclass(frozen=True)
class RevisionCount:
    """A service revision a deployment moves from or to, with its task counts."""

    arn: str
    requested: int
    running: int
    pending: int


@dataclass(frozen=True)
class EcsServiceDeployment:
    """One service deployment of ListServiceDeployments / DescribeServiceDeployments.

    `detailed` False: only what ListServiceDeployments gives (ServiceDeploymentBrief):
    no source revisions, rollback or circuit-breaker figures."""

    target: Target
    arn: str
    service_arn: str
    cluster_arn: str
    status: str  # PENDING | IN_PROGRESS | SUCCESSFUL | STOPPED | STOP_REQUESTED | ROLLBACK_*
    status_reason: str
    created_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    stopped_at: datetime | None
    updated_at: datetime | None
    target_revision: RevisionCount | None
    source_revisions: tuple[RevisionCount, ...] = ()
    rollback_reason: str = ""
    rollback_started_at: datetime | None = None
    rollback_revision_arn: str = ""
    circuit_breaker_status: str = ""  # TRIGGERED | MONITORING | MONITORING_COMPLETE | DISABLED
    circuit_breaker_failures: int | None = None
    circuit_breaker_threshold: int | None = None
    lifecycle_stage: str = ""
    detailed: bool = False

    @property
    def key(self) -> str:
        return self.arn

    @property
    def id(self) -> str:
        return self.arn.rsplit("/", 1)[-1]

    @property
    def active(self) -> bool:
        return self.status in DEPLOYMENT_ACTIVE_STATUSES


# -- one service, for its own screen ----------------------------------------------------------------
@dataclass(frozen=True)
class ServiceDetail:
    """Everything the service screen shows, read together (console.services.ecs.detail).

    `history` None: not read yet (`history_unavailable` ""), or the endpoint has no
    ListServiceDeployments or refused it (`history_unavailable` says so in words); either
    way `service.deployments` (DescribeServices') is what there is."""

    service: EcsService
    tasks: tuple[EcsTask, ...]  # running first, then stopped ones AWS still lists, newest first
    events: tuple[EcsEvent, ...]  # newest first
    history: tuple[EcsServiceDeployment, ...] | None
    history_unavailable: str = ""

    @property
    def key(self) -> str:
        return self.service.arn
