"""Step Functions models: state machines, the outcome of their executions over the last
day, their AWS/States execution metrics, and one machine's executions page by page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from console.target import Target

# Executions that ended without succeeding (ListExecutions' closed statuses but SUCCEEDED).
FAILED_STATUSES = frozenset({"FAILED", "TIMED_OUT", "ABORTED"})
# Executions still going: RUNNING, or PENDING_REDRIVE (a redrive accepted, not started yet).
OPEN_STATUSES = frozenset({"RUNNING", "PENDING_REDRIVE"})
# ListExecutions' statusFilter values, in the order the executions screen cycles them.
STATUSES = ("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE")


@dataclass(frozen=True)
class ExecutionSummary:
    arn: str
    name: str
    status: str  # RUNNING | SUCCEEDED | FAILED | TIMED_OUT | ABORTED | PENDING_REDRIVE
    started_at: datetime | None
    stopped_at: datetime | None
    redrive_count: int = 0  # ListExecutions' redriveCount: times it was redriven
    redrive_date: datetime | None = None  # its last redrive

    @property
    def key(self) -> str:
        return self.arn

    @property
    def ended_at(self) -> datetime | None:
        """When it failed or succeeded: its stop date (moto omits TIMED_OUT's), else its start."""
        return self.stopped_at or self.started_at

    @property
    def listed_at(self) -> datetime | None:
        """Where ListExecutions places it, most recent first: "Running executions are sorted
        by their startDate or redriveDate, and other executions are sorted by their
        stopDate" (API reference, ListExecutions). So an execution comes back to the top of
        the list when it ends and when it is redriven."""
        if self.status in OPEN_STATUSES:
            moments = [m for m in (self.started_at, self.redrive_date) if m is not None]
            return max(moments) if moments else None
        return self.stopped_at or self.redrive_date or self.started_at


@dataclass(frozen=True)
class ExecutionDetails:
    """What DescribeExecution adds to a listed execution (read for the rows on screen only)."""

    arn: str
    status: str
    stopped_at: datetime | None
    input: str | None  # None: not returned (over 256 KiB, or not allowed: inputDetails.included)
    redrive_count: int
    redrive_status: str | None  # REDRIVABLE | NOT_REDRIVABLE | REDRIVABLE_BY_MAP_RUN; None: not given
    redrive_status_reason: str | None
    error: str | None
    cause: str | None


@dataclass(frozen=True)
class DayExecutions:
    """A STANDARD machine's executions started in the last `window_hours`, by status:
    counts (never the executions themselves: a busy machine runs thousands a day), its
    newest execution and its latest failure. `complete` False: the day is still being
    read, page by page within the API budget; the counts are then a lower bound."""

    window_hours: int
    running: int
    succeeded: int
    failed: int
    timed_out: int
    aborted: int
    pending_redrive: int
    newest: ExecutionSummary | None
    latest_failure: ExecutionSummary | None
    complete: bool

    @property
    def total(self) -> int:
        return (self.running + self.succeeded + self.failed + self.timed_out + self.aborted
                + self.pending_redrive)


@dataclass(frozen=True)
class StateMachineMetrics:
    """AWS/States execution metrics of one machine over the last `window_minutes`, with
    the same figures per bar (`*_bars`, oldest first) for sparklines.

    Counts are Sums (Step Functions emits ExecutionsStarted twice per execution, 1 then 0:
    only Sum counts executions); `execution_time_ms` is ExecutionTime's average (its Sum
    over its SampleCount), None when no execution closed in the window. ExecutionThrottled
    exists only when something was throttled, so no datapoint means 0."""

    window_minutes: int
    started: float
    failed: float
    timed_out: float
    throttled: float
    execution_time_ms: float | None
    started_bars: tuple[float, ...] = ()
    failed_bars: tuple[float, ...] = ()
    timed_out_bars: tuple[float, ...] = ()
    throttled_bars: tuple[float, ...] = ()
    time_bars: tuple[float | None, ...] = ()  # None: no execution closed in that bar

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
    failed: int  # FAILED, over the executions read (the last 24 h)
    recent: int | None  # how many executions the counts cover; None: not read (yet)
    # Why the executions are not shown: "EXPRESS" (AWS lists no EXPRESS executions, so
    # they are never asked for) or what AWS answered when asked (a machine whose type
    # changed since the listing). None: they are shown, or not read yet.
    executions_unavailable: str | None = None
    metrics: StateMachineMetrics | None = None  # None: not read yet
    timed_out: int = 0
    aborted: int = 0
    latest_failure: ExecutionSummary | None = None  # FAILED, TIMED_OUT or ABORTED, the latest to end
    window_complete: bool = True  # False: the day is still being read (counts are a lower bound)
    # An EXPRESS machine's CloudWatch Logs group (DescribeStateMachine's loggingConfiguration);
    # "" when logging is off; None when not read (yet), or for a STANDARD machine.
    log_group: str | None = None

    @property
    def key(self) -> str:
        return self.arn

    @property
    def failures(self) -> int:
        """Executions of the window that ended without succeeding."""
        return self.failed + self.timed_out + self.aborted
