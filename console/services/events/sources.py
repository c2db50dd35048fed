"""EventBridge: rules on every event bus, and EventBridge Scheduler schedules.

ListSchedules does not return the expression, so each schedule costs one GetSchedule.
"""

from __future__ import annotations

from console.aws.context import AwsContext, bounded_gather
from console.aws.limits import max_page
from console.services.events.models import EventRule
from console.target import Target


def rule_from_api(target: Target, raw: dict) -> EventRule:
    return EventRule(
        target=target,
        arn=raw["Arn"],
        name=raw["Name"],
        kind="rule",
        bus=raw.get("EventBusName", "default"),
        state=raw.get("State", ""),
        schedule=raw.get("ScheduleExpression"),
        timezone=None,
        pattern=raw.get("EventPattern"),
        description=raw.get("Description", ""),
    )


def schedule_from_api(target: Target, raw: dict) -> EventRule:
    return EventRule(
        target=target,
        arn=raw["Arn"],
        name=raw["Name"],
        kind="schedule",
        bus=raw.get("GroupName", "default"),
        state=raw.get("State", ""),
        schedule=raw.get("ScheduleExpression"),
        timezone=raw.get("ScheduleExpressionTimezone"),
        pattern=None,
        description=raw.get("Description", ""),
        targets=1 if raw.get("Target") else 0,
    )


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


async def fetch_rules(ctx: AwsContext) -> tuple[EventRule, ...]:
    buses = await list_buses(ctx)
    per_bus = await bounded_gather(
        ctx.collect("events", "list_rules", "Rules", EventBusName=bus,
                    PaginationConfig={"PageSize": max_page("events", "ListRules")})
        for bus in buses
    )
    rules = [rule_from_api(ctx.target, raw) for raws in per_bus for raw in raws]
    ctx.publish_partial(rules)  # the rules, while each schedule costs a GetSchedule
    return tuple(rules) + await fetch_schedules(ctx)


async def fetch_schedules(ctx: AwsContext) -> tuple[EventRule, ...]:
    summaries = await ctx.collect("scheduler", "list_schedules", "Schedules",
                                  PaginationConfig={"PageSize": max_page("scheduler", "ListSchedules")})
    scheduler = await ctx.client("scheduler")
    details = await bounded_gather(
        scheduler.get_schedule(Name=s["Name"], GroupName=s.get("GroupName", "default")) for s in summaries
    )
    return tuple(schedule_from_api(ctx.target, raw) for raw in details)
