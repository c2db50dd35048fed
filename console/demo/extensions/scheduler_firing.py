"""EventBridge Scheduler's schedules fire on the embedded clock, with AWS/Scheduler metrics.

Driven by events_firing.catch_up (the same lazy minute-by-minute pass as scheduled rules).
When (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html):
- cron() on the wall clock of ScheduleExpressionTimezone (console.demo.cron_minutes: a time a
  spring-forward change skips does not fire, a repeated fall-back time fires once);
- rate() every period from when the schedule got its expression, or from its StartDate;
- at() once, at that wall time in the zone; ActionAfterCompletion DELETE then deletes it;
- only between StartDate and EndDate when they are set, and only while ENABLED;
- FlexibleTimeWindow FLEXIBLE: "invokes the target within the time window" after the scheduled
  time; here at a deterministic minute inside it (a hash of the schedule ARN and the scheduled
  time), so a test can compute it; OFF: at the scheduled minute.

What: Target.Input with the context attributes <aws.scheduler.schedule-arn>,
<aws.scheduler.scheduled-time>, <aws.scheduler.execution-id> and <aws.scheduler.attempt-number>
replaced (managing-schedule-context-attributes); without Input, "{}" (our choice: AWS documents
no default payload for templated targets).

Failures: the embedded targets refuse only with a 4xx (the function, queue or state machine does
not exist), which is not worth retrying, so the RetryPolicy's retries are not spent (our reading;
the EventBridge user guide says so for rules): the event goes to the target's DeadLetterConfig
queue, with message attributes ERROR_CODE, ERROR_MESSAGE, EXECUTION_ID, SCHEDULE_ARN and
TARGET_ARN (configuring-schedule-dlq), or is dropped.

Metrics (https://docs.aws.amazon.com/scheduler/latest/UserGuide/monitoring-cloudwatch.html: the
dimension sets are none, the account's, and ScheduleGroup; the CDK's Schedule.metricAll* and
Group.metric* read the same names), stamped at the minute of the attempt: InvocationAttemptCount
for each attempt; TargetErrorCount when the target refused; then InvocationsSentToDeadLetterCount
or InvocationDroppedCount. No per-schedule dimension exists: a schedule's own fires are visible
only through its target.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import threading
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from console.demo.extensions.events_timing import MINUTE, FiredMinutes, floor_minute, minutes, rate_fires, rate_seconds

NAMESPACE = "AWS/Scheduler"

_lock = threading.RLock()
_fired = FiredMinutes()  # schedule ARN -> the scheduled minutes it fired for
_pending: list[tuple[datetime, int, str, str, str, datetime]] = []  # (due, seq, account, region, arn, scheduled)
_seq = itertools.count()


def _backends() -> Iterable[Any]:
    from moto.scheduler.models import scheduler_backends

    for account in list(scheduler_backends.keys()):
        regions = scheduler_backends[account]
        for region in list(regions.keys()):
            yield regions[region]


def _moment(value: Any) -> datetime | None:
    """StartDate/EndDate as moto keeps them (epoch seconds or ISO text)."""
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(float(value), timezone.utc)
    try:
        return datetime.fromtimestamp(float(value), timezone.utc)
    except ValueError:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def flexible_offset(arn: str, scheduled: datetime, window_minutes: int) -> timedelta:
    """Where in its flexible window a fire lands: deterministic, 0 to window - 1 minutes."""
    digest = hashlib.sha256(f"{arn}|{scheduled.isoformat()}".encode()).digest()
    return timedelta(minutes=int.from_bytes(digest[:4], "big") % max(1, window_minutes))


def scheduled_minutes(schedule: Any, first: datetime, last: datetime) -> list[datetime]:
    """The minutes in [first, last] (UTC) this schedule is scheduled for."""
    from console.demo import cron_minutes
    from console.demo.extensions import scheduler_schedules

    expression = schedule.schedule_expression
    zone = schedule.schedule_expression_timezone or "UTC"
    if expression.startswith("at("):
        wall = datetime.strptime(expression[3:-1], "%Y-%m-%dT%H:%M:%S")
        moment = wall.replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)
        return [floor_minute(moment)] if first <= moment < last + MINUTE else []
    start, end = _moment(schedule.start_date), _moment(schedule.end_date)
    if start is not None:
        first = max(first, floor_minute(start) if start.second == 0 else floor_minute(start) + MINUTE)
    if end is not None:
        last = min(last, floor_minute(end - timedelta(microseconds=1)))
    if first > last:
        return []
    if expression.startswith("rate("):
        origin = scheduler_schedules.started(schedule, default=first - MINUTE)
        if start is not None and start > origin:
            origin = start - timedelta(seconds=rate_seconds(expression))  # the first fire at StartDate
        return rate_fires(origin, rate_seconds(expression), first, last)
    return [m for m in minutes(first, last) if cron_minutes.fires_at(expression, m, zone)]


def fire(first: datetime, last: datetime, now: datetime) -> int:
    """Schedule every fire of [first, last] (delivering those due by `now`); returns deliveries."""
    from console.demo.extensions import scheduler_schedules

    with _lock:
        for backend in _backends():
            for group in list(backend.schedule_groups.values()):
                for schedule in list(group.schedules.values()):
                    if schedule.state != "ENABLED" or not schedule.schedule_expression:
                        continue
                    started = scheduler_schedules.started(schedule, default=first - MINUTE)
                    begin = max(first, floor_minute(started) + MINUTE)
                    if begin > last:
                        continue
                    due = _fired.unfired(schedule.arn, scheduled_minutes(schedule, begin, last))
                    if not due:
                        continue
                    _fired.record(schedule.arn, due)
                    window = schedule.flexible_time_window or {}
                    size = int(window.get("MaximumWindowInMinutes") or 1) if window.get("Mode") == "FLEXIBLE" else 0
                    for scheduled in due:
                        at = scheduled + (flexible_offset(schedule.arn, scheduled, size) if size else timedelta(0))
                        heapq.heappush(_pending, (at, next(_seq), backend.account_id, backend.region_name,
                                                  schedule.arn, scheduled))
        _fired.forget_old()
        return deliver_pending(now)


def deliver_pending(now: datetime) -> int:
    delivered = 0
    with _lock:
        while _pending and _pending[0][0] <= now:
            at, _, account, region, arn, scheduled = heapq.heappop(_pending)
            schedule = _find(account, region, arn)
            if schedule is None or schedule.state != "ENABLED":
                continue
            invoke(schedule, account, region, scheduled, at)
            delivered += 1
    return delivered


def _find(account: str, region: str, arn: str) -> Any | None:
    from moto.scheduler.models import scheduler_backends

    group_name, name = arn.split(":schedule/", 1)[1].split("/", 1)
    backend = scheduler_backends[account][region]
    group = backend.schedule_groups.get(group_name)
    return group.schedules.get(name) if group else None


def payload(schedule: Any, scheduled: datetime, execution_id: str, attempt: int = 1) -> str:
    text = schedule.target.get("Input")
    if text is None:
        return "{}"
    for name, value in (("schedule-arn", schedule.arn),
                        ("scheduled-time", scheduled.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")),
                        ("execution-id", execution_id), ("attempt-number", str(attempt))):
        text = text.replace(f"<aws.scheduler.{name}>", value)
    return text


def invoke(schedule: Any, account: str, region: str, scheduled: datetime, at: datetime) -> bool:
    """One invocation of the schedule's target; True when it was delivered."""
    from console.demo.extensions import events_delivery

    target = schedule.target
    execution_id = str(uuid.uuid4())
    body = payload(schedule, scheduled, execution_id)
    counts = {"InvocationAttemptCount": 1}
    try:
        group = (target.get("SqsParameters") or {}).get("MessageGroupId")
        events_delivery.deliver(target["Arn"], body, at, group)
        ok = True
    except events_delivery.DeliveryError as exc:
        ok = False
        counts["TargetErrorCount"] = 1
        dlq = (target.get("DeadLetterConfig") or {}).get("Arn")
        if dlq and events_delivery.send_to_dead_letter_queue(dlq, body, {
                "ERROR_CODE": exc.code, "ERROR_MESSAGE": exc.message, "EXECUTION_ID": execution_id,
                "SCHEDULE_ARN": schedule.arn, "TARGET_ARN": target["Arn"]}):
            counts["InvocationsSentToDeadLetterCount"] = 1
        else:
            counts["InvocationDroppedCount"] = 1
    events_delivery.put_metrics(account, region, NAMESPACE, schedule_datums(schedule.group_name, at, counts))
    if schedule.schedule_expression.startswith("at(") and schedule.action_after_completion == "DELETE":
        _delete(account, region, schedule)
    return ok


def schedule_datums(group: str, at: datetime, counts: dict[str, int]) -> list[dict[str, Any]]:
    """Each count in the two dimension sets AWS writes: none and ScheduleGroup."""
    minute = at.replace(second=0, microsecond=0)
    return [{"MetricName": name, "Dimensions": dims, "Timestamp": minute, "Value": float(value), "Unit": "Count"}
            for name, value in counts.items()
            for dims in ([], [{"Name": "ScheduleGroup", "Value": group}])]


def _delete(account: str, region: str, schedule: Any) -> None:
    from moto.scheduler.models import scheduler_backends

    from console.demo.extensions import scheduler_schedules

    try:
        scheduler_backends[account][region].delete_schedule(schedule.group_name, schedule.name)
    except Exception:  # already gone
        pass
    scheduler_schedules.forget(schedule.arn)
