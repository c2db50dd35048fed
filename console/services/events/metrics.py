"""AWS/Events figures of every rule and AWS/Scheduler figures of every schedule group.

Rules (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html): by
RuleName; "Metrics that specify only the RuleName dimension refer to the default event bus.
Metrics that specify both the EventBusName and RuleName dimensions refer to a custom event
bus." Four queries a rule over the last hour by the minute (Invocations, FailedInvocations,
TriggeredRules, ThrottledRules, Sum), all rules in one batched GetMetricData
(console.cloudwatch.metrics: 500 queries a call); and, for "did it fire", Invocations over
the last 24 hours by 5 minutes for each enabled scheduled rule (console.services.events.fires).

Schedules (https://docs.aws.amazon.com/scheduler/latest/UserGuide/monitoring-cloudwatch.html):
the AWS/Scheduler namespace has one dimension, ScheduleGroup ("The group of schedules for
which you want to view metrics"): Scheduler publishes nothing per schedule. Per group over
the last hour: InvocationAttemptCount, TargetErrorCount, InvocationThrottleCount,
TargetErrorThrottledCount, InvocationDroppedCount and InvocationsSentToDeadLetterCount.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Sequence

from console.aws.context import AwsContext
from console.cloudwatch.metrics import MetricQuery, MetricResults, Series, fetch_metrics
from console.services.events.fires import FIRE_PERIOD, LOOKBACK
from console.services.events.models import GroupMetrics, RuleMetrics

EVENTS = "AWS/Events"
SCHEDULER = "AWS/Scheduler"
DEFAULT_BUS = "default"
WINDOW_MINUTES = 60
PERIOD = 60
METRICS_EVERY = 60.0  # seconds: the figures' resolution
RULE_METRICS = (("inv", "Invocations"), ("fail", "FailedInvocations"), ("trig", "TriggeredRules"),
                ("thr", "ThrottledRules"))
GROUP_METRICS = (("att", "InvocationAttemptCount"), ("err", "TargetErrorCount"),
                 ("thr", "InvocationThrottleCount"), ("terr", "TargetErrorThrottledCount"),
                 ("drop", "InvocationDroppedCount"), ("dlq", "InvocationsSentToDeadLetterCount"))


def window_bounds(now: datetime) -> tuple[datetime, datetime]:
    """[start, end) of the last WINDOW_MINUTES in whole minutes, ending after the current one."""
    end = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return end - timedelta(minutes=WINDOW_MINUTES), end


def fire_window(now: datetime) -> tuple[datetime, datetime]:
    """The last 24 hours and a period, in whole FIRE_PERIODs from midnight: CloudWatch starts
    its periods at StartTime (rounded to the minute only: GetMetricData's StartTime), so an
    aligned start puts a fire at 03:00 in the period stamped 03:00."""
    step = timedelta(seconds=FIRE_PERIOD)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    end = midnight + step * (int((now - midnight) / step) + 1)
    return end - LOOKBACK - step, end


def rule_dimensions(bus: str, rule: str) -> tuple[tuple[str, str], ...]:
    """RuleName alone on the default bus; EventBusName and RuleName on a custom one."""
    if bus == DEFAULT_BUS:
        return (("RuleName", rule),)
    return (("EventBusName", bus), ("RuleName", rule))


def rule_queries(rules: Sequence[tuple[str, str]]) -> list[MetricQuery]:
    """Four queries per (bus, rule), ids `r<index>_<metric>`."""
    return [MetricQuery(f"r{i}_{suffix}", EVENTS, metric, rule_dimensions(bus, name), "Sum", PERIOD)
            for i, (bus, name) in enumerate(rules) for suffix, metric in RULE_METRICS]


def fire_queries(rules: Sequence[tuple[str, str]]) -> list[MetricQuery]:
    """Invocations by FIRE_PERIOD per (bus, rule), ids `f<index>`."""
    return [MetricQuery(f"f{i}", EVENTS, "Invocations", rule_dimensions(bus, name), "Sum", FIRE_PERIOD)
            for i, (bus, name) in enumerate(rules)]


def group_queries(groups: Sequence[str]) -> list[MetricQuery]:
    return [MetricQuery(f"g{i}_{suffix}", SCHEDULER, metric, (("ScheduleGroup", group),), "Sum", PERIOD)
            for i, group in enumerate(groups) for suffix, metric in GROUP_METRICS]


def per_minute(series: Series, start: datetime) -> tuple[float | None, ...]:
    values: list[float | None] = [None] * WINDOW_MINUTES
    for at, value in series:
        index = int((at - start).total_seconds() // PERIOD)
        if 0 <= index < WINDOW_MINUTES:
            values[index] = (values[index] or 0.0) + value
    return tuple(values)


def _sum(series: Series) -> float | None:
    return sum(v for _, v in series) if series else None


async def fetch_rule_metrics(ctx: AwsContext, rules: Sequence[tuple[str, str]]
                             ) -> tuple[dict[tuple[str, str], RuleMetrics], frozenset[tuple[str, str]]]:
    """Each (bus, rule)'s last hour, and the rules CloudWatch did not answer in full."""
    if not rules:
        return {}, frozenset()
    start, end = window_bounds(ctx.clock.now())
    results = await fetch_metrics(ctx, rule_queries(rules), start, end)
    figures = {
        key: RuleMetrics(start, PERIOD, *(per_minute(results.get(f"r{i}_{suffix}", []), start)
                                          for suffix, _ in RULE_METRICS))
        for i, key in enumerate(rules)
    }
    return figures, _unknown(results, rules, "r{}_")


async def fetch_fire_invocations(ctx: AwsContext, rules: Sequence[tuple[str, str]]
                                 ) -> dict[tuple[str, str], Series | None]:
    """Each (bus, rule)'s Invocations over the last 24 hours by FIRE_PERIOD (None: not
    answered in full, so nothing can be judged)."""
    if not rules:
        return {}
    start, end = fire_window(ctx.clock.now())
    results = await fetch_metrics(ctx, fire_queries(rules), start, end)
    return {key: (None if f"f{i}" in results.unknown else results.get(f"f{i}", []))
            for i, key in enumerate(rules)}


async def fetch_group_metrics(ctx: AwsContext, groups: Sequence[str]
                              ) -> tuple[dict[str, GroupMetrics], frozenset[str]]:
    """Each schedule group's last hour, and the groups CloudWatch did not answer in full."""
    if not groups:
        return {}, frozenset()
    start, end = window_bounds(ctx.clock.now())
    results = await fetch_metrics(ctx, group_queries(groups), start, end)
    figures = {}
    for i, group in enumerate(groups):
        def get(suffix: str) -> Series:
            return results.get(f"g{i}_{suffix}", [])

        throttled = get("thr") + get("terr")
        figures[group] = GroupMetrics(
            attempts=_sum(get("att")), target_errors=_sum(get("err")), throttled=_sum(throttled),
            dropped=_sum(get("drop")), to_dlq=_sum(get("dlq")),
            attempts_per_minute=per_minute(get("att"), start), errors_per_minute=per_minute(get("err"), start))
    return figures, _unknown(results, groups, "g{}_")


def _unknown(results: MetricResults, keys: Sequence, prefix: str) -> frozenset:
    return frozenset(key for i, key in enumerate(keys)
                     if any(q.startswith(prefix.format(i)) for q in results.unknown))


SPARK_BARS = 12  # five minutes a bar over the hour


def bars(per_minute_values: Sequence[float | None], count: int = SPARK_BARS) -> tuple[float, ...]:
    """Per-minute counts folded into `count` bars, oldest first; a minute without a
    datapoint counted none (EventBridge and Scheduler send no zero datapoints)."""
    size = max(1, len(per_minute_values) // count)
    return tuple(sum(v or 0.0 for v in per_minute_values[i:i + size])
                 for i in range(0, size * count, size) if i < len(per_minute_values))
