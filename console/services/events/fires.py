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
- EventBridge does not say when a rule was created or last enabled, so the fires before
  its first invocation recorded in the 24 hours are not judged (a rule created at noon has
  no morning fires to miss); a rule with no invocation at all in 24 hours has every fire
  due in them judged, and missed: it may be new, or broken since before the window;
- Scheduler's metrics are per schedule group, never per schedule: a schedule's fire is
  never called missed from them (the group's figures are shown instead).
"""

from __future__ import annotations

import math
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
PHASES = 288  # a rate()'s fires tried at up to this many offsets (judge)
TIMELINE_SPAN = timedelta(hours=24)
UTC = timezone.utc


def timing(expression: str | None, timezone: str | None, now: datetime, *,
           starts: datetime | None = None, ends: datetime | None = None, created: datetime | None = None,
           phase: timedelta = timedelta(0)) -> Timing:
    """The English and next fires of `expression`, or why it is invalid; nothing for none.
    `starts`/`ends`: a schedule's StartDate and EndDate, outside which it does not fire;
    `created`: when a rate() began counting, where AWS says (a schedule's CreationDate);
    `phase`: a rule's rate() offset as its figures show it (`judge`), where AWS does not."""
    if not expression:
        return Timing()
    try:
        schedule = parse(expression, timezone, created=created)
        after = (max(now, starts) if starts else now) - phase
        fires = tuple(at + phase for at in schedule.next_fires(after, NEXT_FIRES) if ends is None or at + phase <= ends)
        return Timing(schedule.describe(), fires)
    except ScheduleError as error:
        return Timing(invalid=str(error))


def due_between(expression: str, timezone: str | None, start: datetime, end: datetime, *,
                created: datetime | None = None, phase: timedelta = timedelta(0)) -> list[datetime]:
    """The fires in (start, end]; none for an invalid expression."""
    try:
        return [at + phase for at in parse(expression, timezone, created=created).fires_between(start - phase,
                                                                                              end - phase)]
    except ScheduleError:
        return []


def judge(rule: EventRule, invocations: Series | None, now: datetime, period: int = FIRE_PERIOD) -> FireCheck | None:
    """Whether `rule` fired when due over the last 24 hours; None for a rule that is not an
    enabled schedule. `invocations`: its Invocations by `period` (None: could not be read).

    A rate() counts from the rule's creation, which EventBridge does not tell (schedule.py
    counts from the epoch): its fires are tried at every phase within one interval, and the
    phase that accounts for the most, on time, is taken (AWS's, when the rule fired at all).
    Times are whole seconds since the epoch inside (up to 288 phases of 288 fires a rule:
    datetime arithmetic made this most of the events source's CPU)."""
    if not rule.schedule or not rule.enabled or rule.timing.invalid:
        return None
    cutoff, start, end = _stamp(now - NOT_JUDGED), _stamp(now - LOOKBACK), _stamp(now)
    phases = rate_phases(rule.schedule, now)
    reach = phases[-1] if phases else timedelta(0)
    base = [_stamp(at) for at in due_between(rule.schedule, None, now - LOOKBACK - reach, now)]
    recorded = [_stamp(at) for at, value in invocations or () if value and value > 0]
    # before its first record it may not have existed: not judged (module docstring)
    since = _bucket(min(recorded), period) - int(reach.total_seconds()) - period if recorded else start
    best: tuple[tuple[int, int], FireCheck] | None = None
    for phase in phases:
        shift = int(phase.total_seconds())
        due = [at + shift for at in base if start < at + shift <= end]
        judged = [at for at in due if at <= cutoff]
        pending = len(due) - len(judged)
        if rule.targets == 0:
            return FireCheck(len(judged), pending=pending, unknown="no targets: nothing to count")
        if invocations is None:
            return FireCheck(len(judged), pending=pending, unknown="metrics unreadable")
        judged = [at for at in judged if at >= since]
        missing, late = unaccounted(judged, invocations, period)
        score = (len(missing), late)  # the phase that accounts for most, on time
        if best is None or score < best[0]:
            best = (score, FireCheck(len(judged), tuple(_datetime(at) for at in missing), pending,
                                     phase=phase if recorded else None))
    return best[1] if best else None


def rate_phases(expression: str, now: datetime) -> list[timedelta]:
    """The offsets a rate()'s fires may have from schedule.py's (one minute apart, at most
    PHASES of them); just 0 for cron(), whose fires are at their minute."""
    if not expression.startswith("rate("):
        return [timedelta(0)]
    first, second = parse(expression).next_fires(now, 2)
    minutes = int((second - first).total_seconds() // 60)
    step = max(1, -(-minutes // PHASES))
    return [timedelta(minutes=m) for m in range(0, minutes, step)]


def unaccounted(fires: Sequence[int], invocations: Series, period: int) -> tuple[list[int], int]:
    """The fires (seconds since the epoch) no invocation accounts for, and how many were
    accounted for late. Each fire takes one invocation from the period it falls in; those
    left without take one left over in the next period (delivery runs a little after its
    minute). Own periods first, so a fire that went missing is not hidden by every later
    fire sliding one period on."""
    left = {_stamp(at): value for at, value in invocations if value and value > 0}
    unmatched = []
    for fire in sorted(fires):
        bucket = _bucket(fire, period)
        if left.get(bucket, 0) >= 1:
            left[bucket] -= 1
        else:
            unmatched.append(fire)
    missing = []
    for fire in unmatched:
        late = _bucket(fire, period) + period
        if left.get(late, 0) >= 1:
            left[late] -= 1
        else:
            missing.append(fire)
    return missing, len(unmatched) - len(missing)


def _stamp(at: datetime) -> int:
    """Whole seconds since the epoch (an aware datetime)."""
    return math.floor(at.timestamp())


def _datetime(stamp: int) -> datetime:
    return datetime.fromtimestamp(stamp, UTC)


def _bucket(stamp: int, period: int) -> int:
    """The start of the `period` (seconds, from midnight UTC) `stamp` falls in, as CloudWatch
    stamps its datapoints."""
    since_midnight = stamp % 86400
    return stamp - since_midnight + since_midnight // period * period


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
            fires = due_between(item.schedule, None, now, end, phase=item.rate_phase)
            entries += [Upcoming(at, item.name, "rule", item.bus, None) for at in fires]
        else:
            fires = due_between(item.expression, item.timezone, now, end, created=item.created)
            entries += [Upcoming(at, item.name, "schedule", item.group, item.timezone) for at in fires
                        if (item.starts is None or at >= item.starts) and (item.ends is None or at <= item.ends)]
    entries.sort(key=lambda e: (e.at, e.name, e.place))
    return entries
