"""EventBridge: rules on every event bus ("events"), and Scheduler schedules ("scheduler").

Calls per refresh of `RulesSource`:
- ListEventBuses, then ListRules of every bus side by side (pages of 100): the first page
  is published as it arrives, then every rule, with their English and next fires
  (console.services.events.fires);
- after the first paint, side by side: ListTargetsByRule (AWS has no batch form) for every
  rule on the first look, within the client's bound, the rules on screen first (507 rules
  take ten seconds at the quota's pace), published as soon as the screen's are in; after
  it, as a sweep (console.polling.sweep) within the spare of opsdeck's share, at most
  TARGETS_A_TICK a tick: those on screen never read, then the rules not read in the last
  TARGETS_EVERY, longest unread first (all of those on screen on ctrl+r); and once a minute (METRICS_EVERY) the
  rules' AWS/Events figures in one batched GetMetricData and the enabled scheduled rules'
  24-hour Invocations for "did it fire" in another (console.services.events.metrics),
  published as soon as they are read.

`SchedulesSource`: ListScheduleGroups and ListSchedules (pages of 100); ListSchedules does
not return the expression, target or retry policy, so each schedule costs one GetSchedule,
read again only when its LastModificationDate moves (or on ctrl+r); its groups' AWS/Scheduler
figures once a minute.

A figure that cannot be read (CloudWatch access denied, a rule deleted between the
listing and ListTargetsByRule) leaves its cell unknown; the rest of the panel stays.
Throttling and expired credentials still fail the refresh: the engine backs off or asks.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import replace
from datetime import datetime
from typing import Any, Awaitable, Callable, TypeVar

from console.aws.budget import sweeping
from console.aws.context import AwsContext, bounded_gather
from console.aws.errors import ErrorClass, classify
from console.aws.limits import max_page
from console.polling.in_view import read_in_view_first
from console.polling.sweep import Sweep
from console.services.events import fires
from console.services.events.metrics import (
    METRICS_EVERY, fetch_fire_invocations, fetch_group_metrics, fetch_rule_metrics,
)
from console.services.events.models import EventRule, GroupMetrics, RuleMetrics, SchedulerSchedule
from console.target import Target

RULES = "events"
SCHEDULES = "scheduler"
TARGETS_EVERY = 300.0  # seconds between reads of a rule's targets (they change with deploys)
TARGETS_A_TICK = 50  # ListTargetsByRule calls a tick at most after the first look (ticks come every 30 s)
T = TypeVar("T")


# -- models from the API ------------------------------------------------------------------------
def rule_from_api(target: Target, raw: dict, now: datetime) -> EventRule:
    expression = raw.get("ScheduleExpression")
    return EventRule(
        target=target,
        arn=raw["Arn"],
        name=raw["Name"],
        kind="rule",
        bus=raw.get("EventBusName", "default"),
        state=raw.get("State", ""),
        schedule=expression,
        timezone=None,
        pattern=raw.get("EventPattern"),
        description=raw.get("Description", ""),
        timing=fires.timing(expression, None, now),
    )


def target_kind(arn: str) -> str:
    """What a schedule's target is, from its ARN: a templated target's service, or the
    universal target's `service:operation` (arn:aws:scheduler:::aws-sdk:service:operation)."""
    parts = arn.split(":")
    if len(parts) >= 6 and parts[2] == "scheduler" and parts[5] == "aws-sdk":
        return "universal " + ":".join(parts[6:8])
    service = parts[2] if len(parts) > 2 else ""
    return {"lambda": "Lambda", "states": "Step Functions", "sqs": "SQS", "sns": "SNS", "events": "EventBridge",
            "ecs": "ECS", "kinesis": "Kinesis", "firehose": "Firehose", "sagemaker": "SageMaker",
            "codebuild": "CodeBuild", "codepipeline": "CodePipeline", "inspector": "Inspector"}.get(service, "other")


def schedule_from_api(target: Target, raw: dict, now: datetime) -> SchedulerSchedule:
    aim = raw.get("Target") or {}
    retry = aim.get("RetryPolicy") or {}
    window = raw.get("FlexibleTimeWindow") or {}
    expression = raw.get("ScheduleExpression", "")
    zone = raw.get("ScheduleExpressionTimezone") or None
    starts, ends, created = raw.get("StartDate"), raw.get("EndDate"), raw.get("CreationDate")
    return SchedulerSchedule(
        target=target,
        arn=raw["Arn"],
        name=raw["Name"],
        group=raw.get("GroupName", "default"),
        state=raw.get("State", ""),
        expression=expression,
        timezone=zone,
        description=raw.get("Description", ""),
        flexible_window=window.get("MaximumWindowInMinutes") if window.get("Mode") == "FLEXIBLE" else None,
        target_arn=aim.get("Arn", ""),
        target_kind=target_kind(aim.get("Arn", "")),
        retry_attempts=retry.get("MaximumRetryAttempts"),
        retry_age=retry.get("MaximumEventAgeInSeconds"),
        dlq=(aim.get("DeadLetterConfig") or {}).get("Arn"),
        starts=starts,
        ends=ends,
        created=created,
        timing=fires.timing(expression, zone, now, starts=starts, ends=ends, created=created),
        due_24h=len(fires.due_between(expression, zone, now - fires.LOOKBACK, now, created=created))
        if expression else None,
    )


async def unless_denied(call: Awaitable[T], default: T) -> T:
    """`call`'s result, or `default` when AWS refuses it (access denied) or the resource went
    away meanwhile: one unreadable figure must not fail the whole panel."""
    try:
        return await call
    except Exception as exc:
        if classify(exc) in (ErrorClass.ACCESS_DENIED, ErrorClass.NOT_FOUND):
            return default
        raise


# -- rules ---------------------------------------------------------------------------------------
async def list_buses(ctx: AwsContext) -> list[str]:
    """ListEventBuses has no botocore paginator: follow NextToken by hand."""
    events = await ctx.client("events")
    names: list[str] = []
    params: dict = {"Limit": max_page("events", "ListEventBuses")}
    while True:
        page = await events.list_event_buses(**params)
        names.extend(bus["Name"] for bus in page.get("EventBuses", []))
        if not page.get("NextToken"):
            return names
        params["NextToken"] = page["NextToken"]


async def list_rules(ctx: AwsContext, first_page: Callable[[list[dict]], None] | None = None) -> list[dict]:
    """Every rule of every bus, the buses side by side; `first_page` sees the first page
    to arrive while more are to come (a large account's rules take several round trips:
    something is on screen meanwhile)."""
    buses = await list_buses(ctx)
    outstanding = len(buses)
    tell = first_page

    async def of_bus(bus: str) -> list[dict]:
        nonlocal outstanding, tell
        raws: list[dict] = []
        async for page in ctx.pages("events", "list_rules", EventBusName=bus,
                                    PaginationConfig={"PageSize": max_page("events", "ListRules")}):
            raws.extend(page.get("Rules", []))
            if tell is not None and raws and (page.get("NextToken") or outstanding > 1):
                tell(list(raws))  # more to come
                tell = None
        outstanding -= 1
        return raws

    per_bus = await bounded_gather(of_bus(bus) for bus in buses)
    return [raw for raws in per_bus for raw in raws]


async def count_targets(ctx: AwsContext, name: str, bus: str) -> int | None:
    """How many targets the rule sends to (None: AWS would not say)."""
    targets = await unless_denied(
        ctx.collect("events", "list_targets_by_rule", "Targets", Rule=name, EventBusName=bus,
                    PaginationConfig={"PageSize": max_page("events", "ListTargetsByRule")}), None)
    return None if targets is None else len(targets)


class RulesSource:
    """The "events" source: every rule of every bus with its targets, figures and fires.

    Keeps, between ticks, each rule's target count (read again after TARGETS_EVERY), the
    last figures (read again once a minute) and each rule's verdict on them (fires.FireJudge:
    judged again only where the series, the rule or the fires due moved; a rate() is tried
    at up to 288 phases). The targets of the rules on screen are read first and published as soon
    as the screen's are in (console.polling.in_view)."""

    def __init__(self, metrics_every: float = METRICS_EVERY, targets_every: float = TARGETS_EVERY,
                 targets_batch: int = TARGETS_A_TICK) -> None:
        self.metrics_every = metrics_every
        self.targets_every = targets_every
        self._targets: dict[str, int | None] = {}  # arn -> how many targets (None: AWS would not say)
        self.sweep = Sweep(batch=targets_batch)  # rule ARNs: when their targets were read
        self._metrics: dict[tuple[str, str], RuleMetrics] = {}
        self._unread: frozenset[tuple[str, str]] = frozenset()
        self._fires: dict[tuple[str, str], Any] = {}
        self._fires_at: datetime | None = None  # when the 24-hour series were read
        self.judge = fires.FireJudge()  # each rule's verdict, judged again where its inputs move
        self._published: dict[str, EventRule] = {}  # arn -> the rule as last published whole
        self._target: Target | None = None
        self._metrics_at: float | None = None  # clock.monotonic() of the last read (a clock may start at 0)

    async def __call__(self, ctx: AwsContext) -> tuple[EventRule, ...]:
        if ctx.target != self._target:  # another account or region: nothing kept applies
            self._targets, self._metrics, self._fires, self._fires_at, self._published = {}, {}, {}, None, {}
            self.judge.reset()
            self.sweep.reset()
            self._target, self._metrics_at = ctx.target, None
        now = ctx.clock.now()

        def show(raws: list[dict]) -> None:
            ctx.publish_partial([self._known(rule_from_api(ctx.target, raw, now), now) for raw in raws])

        rules = [rule_from_api(ctx.target, raw, now) for raw in await list_rules(ctx, first_page=show)]
        ctx.publish_partial([self._known(rule, now) for rule in rules])
        await ctx.after_first_paint()

        def progress() -> None:  # what is read so far, the screen's rows first
            ctx.publish_progress([self._known(rule, ctx.clock.now()) for rule in rules])

        async def read_figures() -> None:
            if await self._read_metrics(ctx, rules):
                progress()

        await asyncio.gather(self._read_targets(ctx, rules, progress), read_figures())
        self._keep_only(rules)
        return self._unchanged_kept(tuple(self._known(rule, ctx.clock.now(), judged=True) for rule in rules))

    def _unchanged_kept(self, rules: tuple[EventRule, ...]) -> tuple[EventRule, ...]:
        """`rules`, each the very object published last time when it is equal to it: a
        tick builds every rule anew, and publishing the new ones replaced 507 long-lived
        objects every 30 s with equal ones, allocated amid the tick's garbage (what
        fragments the heap in a soak); the screen tells an unchanged row by identity at once."""
        published = self._published
        kept = tuple(old if (old := published.get(rule.arn)) is not None and old == rule else rule for rule in rules)
        self._published = {rule.arn: rule for rule in kept}
        return kept

    def _keep_only(self, rules: list[EventRule]) -> None:
        """Forget what was kept of rules that are gone."""
        arns, keys = {r.arn for r in rules}, {(r.bus, r.name) for r in rules}
        self._targets = {arn: kept for arn, kept in self._targets.items() if arn in arns}
        self.sweep.keep_only(arns)
        self.judge.keep_only(keys)

    def _known(self, rule: EventRule, now: datetime, judged: bool = False) -> EventRule:
        """The rule with what is known of it: targets and figures once read (in any tick; all
        asked for when `judged`), and its fires once both are."""
        key = (rule.bus, rule.name)
        targets = self._targets.get(rule.arn)
        rule = replace(rule, targets=targets, metrics=self._metrics.get(key),
                       metrics_unread=key in self._unread, read=judged, targets_read=rule.arn in self._targets,
                       figures_read=key in self._metrics or key in self._unread)
        if rule.figures_known and rule.targets_known and self._fires_at is not None and rule.schedule and rule.enabled:
            check = self.judge(key, rule, self._fires.get(key), self._fires_at)
            rule = replace(rule, fired=check)
            if check is not None and check.phase:  # a rate(): its fires where its figures put them
                rule = replace(rule, rate_phase=check.phase,
                               timing=fires.timing(rule.schedule, None, now, phase=check.phase))
        return rule

    async def _read_targets(self, ctx: AwsContext, rules: list[EventRule], shown: Callable[[], None]) -> None:
        """The rules' targets: on a first look all of them, at the quota's pace, those on
        screen first (`shown` once the screen's are in; console.polling.in_view); after it
        a sweep (console.polling.sweep) of those not read in TARGETS_EVERY (all on screen
        on ctrl+r) within the spare of opsdeck's share: the 507 rules of the large estate,
        read together, all came due again in the same minute (455 calls; a tenth of the
        events quota is 300 a minute)."""
        at = ctx.clock.monotonic()
        by_arn = {r.arn: r for r in rules}

        async def count(arn: str) -> None:
            rule = by_arn[arn]
            self._targets[arn] = await count_targets(ctx, rule.name, rule.bus)

        if not self.sweep.read_at:
            with sweeping():
                await read_in_view_first(by_arn, count, on_screen=lambda: ctx.on_screen(RULES), shown=shown)
            self.sweep.read(by_arn, at)
            return
        stale = [arn for arn in by_arn if ctx.fresh or at - self.sweep.read_at.get(arn, -math.inf) >= self.targets_every]
        due = self.sweep.due(stale, spare=ctx.spare("events", "ListTargetsByRule"), fresh=ctx.fresh,
                             on_screen=ctx.on_screen(RULES))
        for group in (due.now, due.then):
            if group is due.then and due.now and due.then:  # what the user looks at, before the rest
                shown()
            with sweeping():
                await bounded_gather(count(arn) for arn in group)
            self.sweep.read(group, at)

    async def _read_metrics(self, ctx: AwsContext, rules: list[EventRule]) -> bool:
        """The figures and 24-hour series, when due (True: read)."""
        keys = [(r.bus, r.name) for r in rules]
        fresh = (ctx.fresh or self._metrics_at is None
                 or ctx.clock.monotonic() - self._metrics_at >= self.metrics_every)
        if not fresh:
            keys = [k for k in keys if k not in self._metrics]
            if not keys:
                return False
        scheduled = [(r.bus, r.name) for r in rules if r.schedule and r.enabled and not r.timing.invalid]
        read_at = ctx.clock.now()
        figures, fire_series = await asyncio.gather(
            unless_denied(fetch_rule_metrics(ctx, keys), None),
            unless_denied(fetch_fire_invocations(ctx, scheduled), None))
        if figures is None:
            self._unread = frozenset(keys)
        else:
            self._metrics.update(figures[0])
            self._unread = figures[1]
        self._fires = fire_series if fire_series is not None else {k: None for k in scheduled}
        self._fires_at = read_at
        if fresh:
            self._metrics_at = ctx.clock.monotonic()
        return True


# -- schedules -----------------------------------------------------------------------------------
async def list_groups(ctx: AwsContext) -> list[str]:
    groups = await ctx.collect("scheduler", "list_schedule_groups", "ScheduleGroups",
                               PaginationConfig={"PageSize": max_page("scheduler", "ListScheduleGroups")})
    return [g["Name"] for g in groups]


class SchedulesSource:
    """The "scheduler" source: every schedule of every group, with its group's figures.

    Keeps each schedule's GetSchedule answer until ListSchedules shows it modified."""

    def __init__(self, metrics_every: float = METRICS_EVERY) -> None:
        self.metrics_every = metrics_every
        self._details: dict[str, tuple[Any, dict]] = {}  # arn -> (LastModificationDate, GetSchedule)
        self._groups: dict[str, GroupMetrics] = {}
        self._unread: frozenset[str] = frozenset()
        self._target: Target | None = None
        self._metrics_at: float | None = None  # clock.monotonic() of the last read (a clock may start at 0)

    async def __call__(self, ctx: AwsContext) -> tuple[SchedulerSchedule, ...]:
        if ctx.target != self._target:
            self._details, self._groups = {}, {}
            self._target, self._metrics_at = ctx.target, None
        summaries, groups = await asyncio.gather(
            ctx.collect("scheduler", "list_schedules", "Schedules",
                        PaginationConfig={"PageSize": max_page("scheduler", "ListSchedules")}),
            list_groups(ctx))
        await self._read_details(ctx, summaries)
        now = ctx.clock.now()
        schedules = [schedule_from_api(ctx.target, self._details[s["Arn"]][1], now)
                     for s in summaries if s["Arn"] in self._details]
        ctx.publish_partial([self._known(s) for s in schedules])
        await ctx.after_first_paint()
        await self._read_metrics(ctx, sorted(set(groups) | {s.group for s in schedules}))
        return tuple(self._known(s, read=True) for s in schedules)

    def _known(self, schedule: SchedulerSchedule, read: bool = False) -> SchedulerSchedule:
        return replace(schedule, group_metrics=self._groups.get(schedule.group),
                       metrics_unread=schedule.group in self._unread, read=read)

    async def _read_details(self, ctx: AwsContext, summaries: list[dict]) -> None:
        scheduler = await ctx.client("scheduler")
        due = [s for s in summaries if ctx.fresh or s["Arn"] not in self._details
               or self._details[s["Arn"]][0] != s.get("LastModificationDate")]
        details = await bounded_gather(
            unless_denied(scheduler.get_schedule(Name=s["Name"], GroupName=s.get("GroupName", "default")), None)
            for s in due)
        listed = {s["Arn"] for s in summaries}
        for arn in [arn for arn in self._details if arn not in listed]:
            del self._details[arn]
        for summary, raw in zip(due, details):
            if raw is not None:
                self._details[summary["Arn"]] = (summary.get("LastModificationDate"), raw)

    async def _read_metrics(self, ctx: AwsContext, groups: list[str]) -> None:
        if not (ctx.fresh or self._metrics_at is None or ctx.clock.monotonic() - self._metrics_at >= self.metrics_every
                or any(g not in self._groups for g in groups)):
            return
        read = await unless_denied(fetch_group_metrics(ctx, groups), None)
        if read is None:
            self._unread = frozenset(groups)
        else:
            self._groups, self._unread = read
        self._metrics_at = ctx.clock.monotonic()

