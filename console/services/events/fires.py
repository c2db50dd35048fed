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
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Collection, Hashable, Iterable, Sequence

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


def judgeable(rule: EventRule) -> bool:
    """A rule whose fires are judged: an enabled schedule with a valid expression."""
    return bool(rule.schedule) and rule.enabled and not rule.timing.invalid


def judge(rule: EventRule, invocations: Series | None, now: datetime, period: int = FIRE_PERIOD) -> FireCheck | None:
    """Whether `rule` fired when due over the last 24 hours; None for a rule that is not an
    enabled schedule. `invocations`: its Invocations by `period` (None: could not be read).

    A rate() counts from the rule's creation, which EventBridge does not tell (schedule.py
    counts from the epoch): its fires are tried at every phase within one interval, and the
    phase that accounts for the most, on time, is taken (AWS's, when the rule fired at all).
    Times are whole seconds since the epoch inside (up to 288 phases of 288 fires a rule:
    datetime arithmetic made this most of the events source's CPU). FireJudge gives the
    same verdicts, judging again only what moved."""
    if not judgeable(rule):
        return None
    bounds = _Bounds.at(now)
    phases = rate_phases(rule.schedule, now)
    stamps = _fire_stamps(rule.schedule, now, phases[-1])
    if rule.targets == 0 or invocations is None:
        return _unknowable(rule, invocations, stamps, bounds)
    series = _Series.of(invocations, period, phases[-1])
    verdicts = [_judge_phase(stamps, phase, bounds, series, period)[0] for phase in phases]
    return _chosen(verdicts, phases, stamps, bounds, series, period)


class FireJudge:
    """`judge`, kept between calls: a rule is judged again only where its inputs moved.

    Its inputs are its expression and state, whether it has targets, its Invocations
    series (as far as it reaches the fires being judged) and, as the clock moves, which
    fires are due, judged (older than NOT_JUDGED) or gone (older than LOOKBACK). Each
    phase's verdict says until when it holds (the next of its fires to come due, to be
    judged or to leave the 24 hours); only the phases past that are judged again (a rate()
    has up to 288 phases; one of them changes about every minute, the others keep). A
    series that changed where it counts judges every phase again. The events source asks
    for every enabled scheduled rule each time it publishes (several times a tick, ticks
    every 30 s), and reads the series once a minute: judged afresh, this was the largest
    cost of the steady console's own code (issue 8's bench)."""

    def __init__(self) -> None:
        self._kept: dict[Hashable, _Kept] = {}
        self.judged_phases = 0  # phases judged since created (what the cache saved shows in tests)

    def __call__(self, key: Hashable, rule: EventRule, invocations: Series | None, now: datetime,
                 period: int = FIRE_PERIOD) -> FireCheck | None:
        if not judgeable(rule) or rule.targets == 0 or invocations is None:
            self._kept.pop(key, None)  # nothing to keep: none, or one phase told unknowable
            return judge(rule, invocations, now, period)
        bounds = _Bounds.at(now)
        kept = self._kept.get(key)
        if kept is not None and invocations is kept.raw and bounds == kept.bounds:
            return kept.check  # asked again before anything moved (each publish of a tick)
        if kept is None or kept.basis != (rule.schedule, period) or bounds.end < kept.bounds.end:
            kept = self._kept[key] = self._afresh(rule, invocations, now, bounds, period)
            return kept.check
        if invocations != kept.raw:
            series = _Series.of(invocations, period, kept.reach)
            if series.key(bounds, period) != kept.series.key(kept.bounds, period):
                kept = self._kept[key] = self._afresh(rule, invocations, now, bounds, period)
                return kept.check
            kept.series = series  # changed only where no fire looks
        kept.raw = invocations  # the same figures, read again
        if not kept.holds(bounds):
            stale = [i for i, verdict in enumerate(kept.verdicts) if not verdict.holds(bounds)]
            stamps = _fire_stamps(rule.schedule, now, kept.reach)
            for i in stale:
                kept.verdicts[i] = _judge_phase(stamps, kept.phases[i], bounds, kept.series, period)[0]
            self.judged_phases += len(stale)
            kept.judged(kept.verdicts, stamps, bounds, period)
        kept.bounds = bounds
        return kept.check

    def _afresh(self, rule: EventRule, invocations: Series, now: datetime, bounds: _Bounds, period: int) -> _Kept:
        phases = rate_phases(rule.schedule, now)
        series = _Series.of(invocations, period, phases[-1])
        stamps = _fire_stamps(rule.schedule, now, phases[-1])
        verdicts = [_judge_phase(stamps, phase, bounds, series, period)[0] for phase in phases]
        self.judged_phases += len(verdicts)
        kept = _Kept((rule.schedule, period), phases, bounds, invocations, series)
        kept.judged(verdicts, stamps, bounds, period)
        return kept

    def keep_only(self, keys: Collection[Hashable]) -> None:
        """Forget the rules that are gone."""
        self._kept = {key: kept for key, kept in self._kept.items() if key in keys}

    def reset(self) -> None:
        self._kept.clear()


@dataclass(frozen=True)
class _Bounds:
    """What `now` decides, in whole seconds: fires in (start, end] are due, those up to
    `cutoff` judged."""

    start: int
    end: int
    cutoff: int

    @classmethod
    def at(cls, now: datetime) -> _Bounds:
        return cls(_stamp(now - LOOKBACK), _stamp(now), _stamp(now - NOT_JUDGED))


@dataclass(frozen=True)
class _Series:
    """An Invocations series as judging reads it: the periods with invocations, and from
    when fires are judged (before its first record the rule may not have existed)."""

    points: dict[int, float]  # period start (seconds) -> invocations, those with any
    since: int | None  # fires before it are not judged (None: no record, all are)

    @classmethod
    def of(cls, invocations: Series, period: int, reach: timedelta) -> _Series:
        points = {_stamp(at): value for at, value in invocations if value and value > 0}
        since = _bucket(min(points), period) - int(reach.total_seconds()) - period if points else None
        return cls(points, since)

    def key(self, bounds: _Bounds, period: int) -> tuple:
        """What judging fires in `bounds` reads of it: the periods from the first one a due
        fire can fall in, and `since` where it still excludes one."""
        first = _bucket(bounds.start + 1, period)
        since = self.since if self.since is not None and self.since > bounds.start + 1 else None
        return bool(self.points), since, tuple(sorted((at, n) for at, n in self.points.items() if at >= first))


@dataclass(frozen=True, slots=True)
class _PhaseVerdict:
    """One phase's verdict in counts (its missed fires are listed for the chosen phase
    only: 250 rules' phases kept every missed fire of a rule never invoked, 13 MB), and the
    first fires of it to come due, to be judged and to leave the 24 hours after the bounds
    it was judged at: it holds until one of them does."""

    missed: int
    late: int
    due: int
    pending: int
    next_due: float
    next_judged: float
    next_gone: float

    @property
    def score(self) -> tuple[int, int]:
        """(missed, late): the phase that accounts for most, on time, scores lowest."""
        return self.missed, self.late

    def holds(self, bounds: _Bounds) -> bool:
        return bounds.end < self.next_due and bounds.cutoff < self.next_judged and bounds.start < self.next_gone


def _judge_phase(stamps: list[int], phase: timedelta, bounds: _Bounds, series: _Series,
                 period: int) -> tuple[_PhaseVerdict, list[int]]:
    """A phase's verdict and its missed fires, on `stamps` (_fire_stamps) shifted by `phase`."""
    shift = int(phase.total_seconds())
    first = bisect_right(stamps, bounds.start - shift)  # the first fire due
    judged_end = bisect_right(stamps, bounds.cutoff - shift)
    due_end = bisect_right(stamps, bounds.end - shift)
    judged = [at + shift for at in stamps[first:judged_end]]
    if series.since is not None:
        judged = [at for at in judged if at >= series.since]
    missing, late = unaccounted(judged, series.points, period)

    def after(index: int) -> float:
        return stamps[index] + shift if index < len(stamps) else math.inf

    verdict = _PhaseVerdict(len(missing), late, len(judged), due_end - max(first, judged_end),
                            after(due_end), after(judged_end), after(first))
    return verdict, missing


def _chosen(verdicts: list[_PhaseVerdict], phases: list[timedelta], stamps: list[int], bounds: _Bounds,
            series: _Series, period: int) -> FireCheck:
    """The first phase with the fewest missed, then late, fires, as a FireCheck (its missed
    fires judged again: the same, as its verdict holds at `bounds`)."""
    best = min(range(len(verdicts)), key=lambda i: verdicts[i].score)
    verdict, missing = _judge_phase(stamps, phases[best], bounds, series, period)
    return FireCheck(verdict.due, tuple(_datetime(at) for at in missing), verdict.pending,
                     phase=phases[best] if series.points else None)


@dataclass
class _Kept:
    """A rule's phases' verdicts, the chosen one, and until when they all hold."""

    basis: tuple
    phases: list[timedelta]
    bounds: _Bounds
    raw: Series
    series: _Series
    verdicts: list[_PhaseVerdict] = field(default_factory=list)
    check: FireCheck | None = None
    next_due: float = math.inf
    next_judged: float = math.inf
    next_gone: float = math.inf

    @property
    def reach(self) -> timedelta:
        return self.phases[-1]

    def judged(self, verdicts: list[_PhaseVerdict], stamps: list[int], bounds: _Bounds, period: int) -> None:
        self.verdicts, self.check = verdicts, _chosen(verdicts, self.phases, stamps, bounds, self.series, period)
        self.next_due = min(v.next_due for v in verdicts)
        self.next_judged = min(v.next_judged for v in verdicts)
        self.next_gone = min(v.next_gone for v in verdicts)

    def holds(self, bounds: _Bounds) -> bool:
        return bounds.end < self.next_due and bounds.cutoff < self.next_judged and bounds.start < self.next_gone


def _fire_stamps(expression: str, now: datetime, reach: timedelta) -> list[int]:
    """The fires (seconds since the epoch, unshifted) a phase up to `reach` may have due in
    the 24 hours before `now`, and the next one after `now` (when the next comes due)."""
    fires = due_between(expression, None, now - LOOKBACK - reach, now)
    try:
        fires += parse(expression).next_fires(now, 1)
    except ScheduleError:
        pass
    return [_stamp(at) for at in fires]


def _unknowable(rule: EventRule, invocations: Series | None, stamps: list[int], bounds: _Bounds) -> FireCheck:
    """The fires due and pending, and why none can be judged (no targets, metrics unreadable)."""
    first, judged_end = bisect_right(stamps, bounds.start), bisect_right(stamps, bounds.cutoff)
    pending = bisect_right(stamps, bounds.end) - max(first, judged_end)
    why = "no targets: nothing to count" if rule.targets == 0 else "metrics unreadable"
    return FireCheck(max(0, judged_end - first), pending=pending, unknown=why)


def rate_phases(expression: str, now: datetime) -> list[timedelta]:
    """The offsets a rate()'s fires may have from schedule.py's (one minute apart, at most
    PHASES of them); just 0 for cron(), whose fires are at their minute."""
    if not expression.startswith("rate("):
        return [timedelta(0)]
    first, second = parse(expression).next_fires(now, 2)
    minutes = int((second - first).total_seconds() // 60)
    step = max(1, -(-minutes // PHASES))
    return [timedelta(minutes=m) for m in range(0, minutes, step)]


def unaccounted(fires: Sequence[int], points: dict[int, float], period: int) -> tuple[list[int], int]:
    """The fires (seconds since the epoch) no invocation accounts for, and how many were
    accounted for late. `points`: invocations by period start (_Series.points). Each fire
    takes one invocation from the period it falls in; those left without take one left
    over in the next period (delivery runs a little after its minute). Own periods first,
    so a fire that went missing is not hidden by every later fire sliding one period on."""
    left = dict(points)
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
