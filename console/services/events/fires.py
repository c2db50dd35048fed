"""When rules and schedules fire: what an expression means now, whether a rule fired when
it was due, and the fires of the next 24 hours across every rule and schedule.

"Did it fire" (`judge`) sets the fires a scheduled rule was due over the last 24 hours
(schedule.py's `fires_between`) against its AWS/Events Invocations by RuleName. EventBridge
invokes each target once a fire ("The number of times a target is invoked by a rule in
response to an event", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html),
so a fire is accounted for by one invocation in the period it fell in or the next (delivery
runs a little after the scheduled minute); each invocation accounts for one fire only, the
nearest first. Fires in the last NOT_JUDGED are not judged: their datapoints may not have
arrived (CloudWatch's ingestion delay, and EventBridge's metrics are best-effort).

What cannot be known from these figures, said rather than guessed:
- a rule with no targets invokes nothing: its fires cannot be told from its metrics;
- EventBridge does not say when a rule was created or last enabled, so a rule younger
  than 24 hours shows the fires due before it existed as missed;
- Scheduler's metrics are per schedule group, never per schedule: a schedule's fire is
  never called missed from them (the group's figures are shown instead).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable, Sequence

from console.cloudwatch.metrics import INGESTION_DELAY, Series
from console.services.events.models import EventRule, FireCheck, SchedulerSchedule, Timing
from console.services.events.schedule import ScheduleError, parse

NEXT_FIRES = 3
LOOKBACK = timedelta(hours=24)
FIRE_PERIOD = 300  # seconds: Invocations over 24 h by 5 minutes (288 datapoints a rule)
# Not judged yet: a fire whose period has not closed, plus CloudWatch's delay, twice over.
NOT_JUDGED = timedelta(seconds=FIRE_PERIOD + 2 * INGESTION_DELAY)
TIMELINE_SPAN = timedelta(hours=24)
UTC = timezone.utc


def timing(expression: str | None, timezone: str | None, now: datetime, *,
           starts: datetime | None = None, ends: datetime | None = None) -> Timing:
    """The English and next fires of `expression`, or why it is invalid; nothing for none.
    `starts`/`ends`: a schedule's StartDate and EndDate, outside which it does not fire."""
    if not expression:
        return Timing()
    try:
        schedule = parse(expression, timezone)
        after = max(now, starts) if starts else now
        fires = tuple(at for at in schedule.next_fires(after, NEXT_FIRES) if ends is None or at <= ends)
        return Timing(schedule.describe(), fires)
    except ScheduleError as error:
        return Timing(invalid=str(error))


def due_between(expression: str, timezone: str | None, start: datetime, end: datetime) -> list[datetime]:
    """The fires in (start, end]; none for an invalid expression."""
    try:
        return parse(expression, timezone).fires_between(start, end)
    except ScheduleError:
        return []


def judge(rule: EventRule, invocations: Series | None, now: datetime, period: int = FIRE_PERIOD) -> FireCheck | None:
    """Whether `rule` fired when due over the last 24 hours; None for a rule that is not an
    enabled schedule. `invocations`: its Invocations by `period` (None: could not be read)."""
    if not rule.schedule or not rule.enabled or rule.timing.invalid:
        return None
    cutoff = now - NOT_JUDGED
    due = due_between(rule.schedule, None, now - LOOKBACK, now)
    judged = [at for at in due if at <= cutoff]
    pending = len(due) - len(judged)
    if rule.targets == 0:
        return FireCheck(len(judged), pending=pending, unknown="no targets: nothing to count")
    if invocations is None:
        return FireCheck(len(judged), pending=pending, unknown="metrics unreadable")
    return FireCheck(len(judged), tuple(unaccounted(judged, invocations, period, rate_slack(rule.schedule, now))),
                     pending)


def rate_slack(expression: str, now: datetime) -> timedelta:
    """How far a rate() fire may be from where schedule.py puts it: AWS counts a rate from
    the rule's creation, which EventBridge does not tell, and schedule.py from the epoch; so
    anywhere within one interval. None for cron(): its fires are at their minute."""
    if not expression.startswith("rate("):
        return timedelta(0)
    first, second = parse(expression).next_fires(now, 2)
    return second - first


def unaccounted(fires: Sequence[datetime], invocations: Series, period: int,
                slack: timedelta = timedelta(0)) -> list[datetime]:
    """The fires no invocation accounts for. Each fire takes one invocation from the
    earliest period with one left, among the periods it may have landed in: its own and
    the next (delivery runs a little after its minute), widened by `slack` either way.
    Fires in time order, earliest period first: with windows of equal length that
    accounts for as many fires as any assignment could."""
    left = {at: value for at, value in invocations if value and value > 0}
    step = timedelta(seconds=period)
    missing = []
    for fire in sorted(fires):
        first = _bucket_of(fire - slack, period) if slack else _bucket_of(fire, period)
        last = _bucket_of(fire + slack, period) + step
        candidate = first
        while candidate <= last:
            if left.get(candidate, 0) >= 1:
                left[candidate] -= 1
                break
            candidate += step
        else:
            missing.append(fire)
    return missing


def _bucket_of(at: datetime, period: int) -> datetime:
    """The start of the `period` (seconds, from midnight UTC) `at` falls in, as CloudWatch
    stamps its datapoints."""
    at = at.astimezone(UTC)
    midnight = at.replace(hour=0, minute=0, second=0, microsecond=0)
    offset = int((at - midnight).total_seconds()) // period * period
    return midnight + timedelta(seconds=offset)


@dataclass(frozen=True)
class Upcoming:
    """One fire on the timeline."""

    at: datetime  # aware, in the item's own zone
    name: str
    kind: str  # "rule" | "schedule"
    place: str  # the rule's bus or the schedule's group
    zone: str | None  # the schedule's zone (None: UTC)


def upcoming(items: Iterable[EventRule | SchedulerSchedule], now: datetime,
             span: timedelta = TIMELINE_SPAN) -> list[Upcoming]:
    """Every fire of the enabled scheduled rules and schedules in (now, now + span], in time
    order (then by name)."""
    entries: list[Upcoming] = []
    end = now + span
    for item in items:
        if not item.enabled:
            continue
        if isinstance(item, EventRule):
            if not item.schedule:
                continue
            fires = due_between(item.schedule, None, now, end)
            entries += [Upcoming(at, item.name, "rule", item.bus, None) for at in fires]
        else:
            fires = due_between(item.expression, item.timezone, now, end)
            entries += [Upcoming(at, item.name, "schedule", item.group, item.timezone) for at in fires
                        if (item.starts is None or at >= item.starts) and (item.ends is None or at <= item.ends)]
    entries.sort(key=lambda e: (e.at, e.name, e.place))
    return entries
