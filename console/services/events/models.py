"""EventBridge models: rules on every bus, Scheduler schedules, their figures and fires."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from console.target import Target


@dataclass(frozen=True)
class Timing:
    """What a schedule expression means, read by console.services.events.schedule when the
    item was built: its English, its next fires (aware, in the schedule's own zone), or why
    the expression is invalid. All empty for a rule that matches events."""

    english: str = ""
    next_fires: tuple[datetime, ...] = ()
    invalid: str = ""  # the reason, when schedule.py rejects the expression

    def upcoming(self, now: datetime) -> tuple[datetime, ...]:
        """The fires still ahead of `now` (the item is rebuilt every refresh)."""
        return tuple(at for at in self.next_fires if at > now)


@dataclass(frozen=True)
class RuleMetrics:
    """A rule's AWS/Events figures over the last hour, one value a minute (None: no datapoint;
    EventBridge sends FailedInvocations only when it is not zero, so none means none)."""

    start: datetime
    period: int
    invocations: tuple[float | None, ...]
    failed: tuple[float | None, ...]
    triggered: tuple[float | None, ...]
    throttled: tuple[float | None, ...]

    @staticmethod
    def total(values: tuple[float | None, ...]) -> float:
        return sum(v for v in values if v is not None)


@dataclass(frozen=True)
class FireCheck:
    """"Did it fire": the fires a scheduled rule was due over the last 24 hours against its
    Invocations. `due`: fires judged (old enough for their datapoints to have arrived);
    `missed`: those with no invocation to account for them; `pending`: fires too recent to
    judge; `unknown`: why nothing could be judged (no targets, metrics unreadable)."""

    due: int
    missed: tuple[datetime, ...] = ()
    pending: int = 0
    unknown: str = ""
    phase: timedelta | None = None  # a rate()'s offset from the epoch count, as its figures show

    @property
    def seen(self) -> int:
        return self.due - len(self.missed)


@dataclass(frozen=True)
class EventRule:
    """An EventBridge rule on one event bus."""

    target: Target
    arn: str
    name: str
    kind: str  # always "rule" (Scheduler schedules are SchedulerSchedule); see `fires_on`
    bus: str
    state: str  # ENABLED | DISABLED | ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS
    schedule: str | None  # cron(...) or rate(...)
    timezone: str | None  # always None: rules run in UTC
    pattern: str | None  # event pattern JSON for pattern rules
    description: str
    targets: int | None = None  # None: not read yet (ListTargetsByRule)
    timing: Timing = Timing()
    metrics: RuleMetrics | None = None  # None: not read yet
    fired: FireCheck | None = None  # None: not a scheduled, enabled rule, or not read yet
    metrics_unread: bool = False  # the last read of its figures failed: unknown, not pending
    read: bool = False  # its targets and figures have been asked for (until then "…", not "–")
    # ... or one of them already, the rest still being read (the rules on screen first)
    targets_read: bool = False
    figures_read: bool = False
    rate_phase: timedelta = timedelta(0)  # a rate()'s offset from the epoch count (FireCheck.phase)

    @property
    def key(self) -> str:
        return self.arn

    @property
    def targets_known(self) -> bool:
        """Its targets have been asked for: a count, or "–" if AWS would not say."""
        return self.read or self.targets_read

    @property
    def figures_known(self) -> bool:
        """Its figures have been asked for: figures, or "–" if CloudWatch would not say."""
        return self.read or self.figures_read

    @property
    def fires_on(self) -> str:
        """"schedule" or "pattern": what makes the rule run."""
        return "schedule" if self.schedule else "pattern"

    @property
    def enabled(self) -> bool:
        return self.state.startswith("ENABLED")

    @property
    def pattern_summary(self) -> str:
        return summarize_pattern(self.pattern) if self.pattern else ""

    @property
    def failing(self) -> bool:
        """Failed invocations in the last hour, or a missed fire in the last 24 hours."""
        failed = self.metrics is not None and RuleMetrics.total(self.metrics.failed) > 0
        return failed or bool(self.fired and self.fired.missed)


@dataclass(frozen=True)
class GroupMetrics:
    """A schedule group's AWS/Scheduler figures over the last hour (Scheduler publishes them
    per schedule group, never per schedule), one total per metric (None: no datapoint)."""

    attempts: float | None
    target_errors: float | None
    throttled: float | None  # InvocationThrottleCount + TargetErrorThrottledCount
    dropped: float | None
    to_dlq: float | None
    attempts_per_minute: tuple[float | None, ...] = ()
    errors_per_minute: tuple[float | None, ...] = ()


@dataclass(frozen=True)
class SchedulerSchedule:
    """An EventBridge Scheduler schedule (GetSchedule), with its group's figures."""

    target: Target
    arn: str
    name: str
    group: str
    state: str  # ENABLED | DISABLED
    expression: str
    timezone: str | None  # IANA zone; None: UTC
    description: str
    flexible_window: int | None  # minutes; None: off
    target_arn: str
    target_kind: str  # Lambda | Step Functions | SQS | universal <service>:<operation> | other
    retry_attempts: int | None  # RetryPolicy.MaximumRetryAttempts
    retry_age: int | None  # RetryPolicy.MaximumEventAgeInSeconds
    dlq: str | None  # DeadLetterConfig.Arn
    starts: datetime | None = None
    ends: datetime | None = None
    created: datetime | None = None  # CreationDate: where a rate() counts from
    timing: Timing = Timing()
    due_24h: int | None = None  # fires due over the last 24 h (what the group's figures cover)
    group_metrics: GroupMetrics | None = None
    metrics_unread: bool = False
    read: bool = False  # its group's figures have been asked for (until then "…", not "–")

    @property
    def key(self) -> str:
        return self.arn

    @property
    def enabled(self) -> bool:
        return self.state == "ENABLED"

    @property
    def group_failing(self) -> bool:
        """Its GROUP's target errors or dropped invocations in the last hour. Not this
        schedule's: Scheduler counts per group, so a row is never marked failing on them."""
        m = self.group_metrics
        return m is not None and bool((m.target_errors or 0) + (m.dropped or 0))


def summarize_pattern(pattern: str) -> str:
    """An event pattern on one line: `source=aws.ec2 detail-type="EC2 Instance State-change
    Notification" detail.state=stopped|terminated`; a pattern that is not JSON, as it is."""
    try:
        parsed = json.loads(pattern)
    except ValueError:
        return pattern
    if not isinstance(parsed, dict):
        return pattern
    return " ".join(f"{path}={values}" for path, values in _fields(parsed, ""))


def _fields(pattern: dict, prefix: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, value in pattern.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out += _fields(value, f"{path}.")
        elif isinstance(value, list):
            out.append((path, "|".join(_matcher(v) for v in value)))
        else:
            out.append((path, _matcher(value)))
    return out


def _matcher(value: Any) -> str:
    """One value of a pattern's array: a literal (quoted when it has spaces) or an operator
    as `name:argument` (prefix:prod-, exists:true, numeric:>0,<=5)."""
    if isinstance(value, dict):
        return ",".join(f"{op}:{_argument(arg)}" for op, arg in value.items())
    if isinstance(value, str):
        return json.dumps(value) if (not value or " " in value) else value
    return json.dumps(value)


def _argument(arg: Any) -> str:
    """An operator's argument: numeric's comparisons pairwise (`>0,<=5`), a list as `a|b`."""
    if isinstance(arg, list):
        if arg and all(isinstance(a, str) and a in "<=>=" for a in arg[::2]):
            return ",".join(f"{op}{num}" for op, num in zip(arg[::2], arg[1::2]))
        return "|".join(_matcher(a) for a in arg)
    if isinstance(arg, dict):
        return ",".join(f"{k}:{_argument(v)}" for k, v in arg.items())
    return _matcher(arg)
