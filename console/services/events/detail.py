"""One EventBridge rule or Scheduler schedule in full: its targets and how each is called.

A rule's detail is DescribeRule plus ListTargetsByRule (the panel's listing has neither
the role nor the targets); a schedule's is GetSchedule (its one target is in it). Each
target says what it is (a Lambda function, a state machine, an ECS task, a queue...), what
input it gets (constant Input, InputPath, or an InputTransformer's paths map and
template), its role, dead-letter queue and retry policy. The schedule's English and next
fires come from console.services.events.schedule; the pattern is pretty-printed here.
No textual.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from console.aws.context import AwsContext
from console.aws.limits import max_page
from console.services.events import fires
from console.services.events.models import Timing
from console.services.events.sources import target_kind
from console.services.events.actions import DEFAULT_BUS, parse_rule_arn, parse_schedule_arn
from console.target import Target

def arn_service(arn: str) -> str:
    """The service part of an ARN (`lambda`, `states`, `ecs`...); "" when not an ARN."""
    parts = arn.split(":", 5)
    return parts[2] if len(parts) == 6 and parts[0] == "arn" else ""


def kind_of(arn: str) -> str:
    """What a target ARN names, as the panels say it (Lambda, SQS, universal sqs:SendMessage),
    or the ARN's service for the others."""
    kind = target_kind(arn)
    if kind != "other":
        return kind
    return f"{arn_service(arn)} resource" if arn_service(arn) else "not an ARN"


@dataclass(frozen=True)
class RuleTarget:
    """One target of a rule (or a schedule's one target), as AWS configured it."""

    id: str  # the rule's target Id ("" for a schedule's target)
    arn: str
    kind: str
    input: str | None = None  # constant JSON sent instead of the event
    input_path: str | None = None  # JSONPath of the part of the event sent
    input_paths_map: tuple[tuple[str, str], ...] = ()  # InputTransformer: variable -> JSONPath
    input_template: str | None = None  # InputTransformer: the text sent, with <variables>
    role_arn: str | None = None
    dead_letter_arn: str | None = None
    max_retry_attempts: int | None = None
    max_event_age_seconds: int | None = None
    task_definition_arn: str | None = None  # EcsParameters: the task an ECS target runs

    @property
    def key(self) -> str:
        return self.id or self.arn

    @property
    def service(self) -> str:
        return arn_service(self.arn)


@dataclass(frozen=True)
class RuleDetail:
    """A rule (kind "rule") or a schedule (kind "schedule") with every target."""

    target: Target
    arn: str
    name: str
    kind: str  # "rule" | "schedule"
    bus: str  # the event bus (rules) or schedule group (schedules)
    state: str
    description: str
    schedule: str | None  # cron(...), rate(...), at(...)
    timezone: str | None  # schedules only; None: UTC
    pattern: str | None  # the rule's event pattern, as AWS stores it
    role_arn: str | None  # the rule's own role (a rule on another bus, say)
    managed_by: str | None  # a rule another service created for itself
    targets: tuple[RuleTarget, ...]
    flexible_window: str | None = None  # schedules: "OFF" or "FLEXIBLE, up to 15 minutes"
    created: datetime | None = None
    starts: datetime | None = None  # a schedule's StartDate and EndDate: it fires only between
    ends: datetime | None = None

    @property
    def key(self) -> str:
        return self.arn

    def timing(self, now: datetime) -> Timing:
        """Its English and next fires in its own zone (a rule's in UTC), or why invalid."""
        return fires.timing(self.schedule, self.timezone, now, starts=self.starts, ends=self.ends)


def _retry(raw: dict) -> tuple[int | None, int | None]:
    policy = raw.get("RetryPolicy") or {}
    return policy.get("MaximumRetryAttempts"), policy.get("MaximumEventAgeInSeconds")


def target_from_api(raw: dict) -> RuleTarget:
    """A target from ListTargetsByRule's `Targets` or GetSchedule's `Target`."""
    transformer = raw.get("InputTransformer") or {}
    attempts, age = _retry(raw)
    arn = raw.get("Arn", "")
    return RuleTarget(
        id=raw.get("Id", ""),
        arn=arn,
        kind=kind_of(arn),
        input=raw.get("Input"),
        input_path=raw.get("InputPath"),
        input_paths_map=tuple(sorted((transformer.get("InputPathsMap") or {}).items())),
        input_template=transformer.get("InputTemplate"),
        role_arn=raw.get("RoleArn"),
        dead_letter_arn=(raw.get("DeadLetterConfig") or {}).get("Arn"),
        max_retry_attempts=attempts,
        max_event_age_seconds=age,
        task_definition_arn=(raw.get("EcsParameters") or {}).get("TaskDefinitionArn"),
    )


async def fetch_rule_detail(ctx: AwsContext, rule_arn: str) -> RuleDetail:
    """DescribeRule and every page of ListTargetsByRule (it has no botocore paginator)."""
    bus, name = parse_rule_arn(rule_arn)
    events = await ctx.client("events")
    raw = await events.describe_rule(Name=name, EventBusName=bus)
    targets: list[RuleTarget] = []
    params: dict = {"Rule": name, "EventBusName": bus, "Limit": max_page("events", "ListTargetsByRule")}
    while True:
        page = await events.list_targets_by_rule(**params)
        targets.extend(target_from_api(t) for t in page.get("Targets", []))
        if not page.get("NextToken"):
            break
        params["NextToken"] = page["NextToken"]
    return RuleDetail(
        target=ctx.target, arn=raw.get("Arn", rule_arn), name=raw.get("Name", name), kind="rule",
        bus=raw.get("EventBusName") or bus or DEFAULT_BUS, state=raw.get("State", ""),
        description=raw.get("Description", ""), schedule=raw.get("ScheduleExpression"), timezone=None,
        pattern=raw.get("EventPattern"), role_arn=raw.get("RoleArn"), managed_by=raw.get("ManagedBy"),
        targets=tuple(targets), created=raw.get("CreatedTime"),
    )


def _window(raw: dict) -> str | None:
    window = raw.get("FlexibleTimeWindow") or {}
    mode = window.get("Mode")
    if mode == "FLEXIBLE" and window.get("MaximumWindowInMinutes"):
        return f"FLEXIBLE, up to {window['MaximumWindowInMinutes']} minutes"
    return mode


async def fetch_schedule_detail(ctx: AwsContext, schedule_arn: str) -> RuleDetail:
    group, name = parse_schedule_arn(schedule_arn)
    scheduler = await ctx.client("scheduler")
    raw = await scheduler.get_schedule(Name=name, GroupName=group)
    target = raw.get("Target")
    return RuleDetail(
        target=ctx.target, arn=raw.get("Arn", schedule_arn), name=raw.get("Name", name), kind="schedule",
        bus=raw.get("GroupName", group), state=raw.get("State", ""), description=raw.get("Description", ""),
        schedule=raw.get("ScheduleExpression"), timezone=raw.get("ScheduleExpressionTimezone"), pattern=None,
        role_arn=None, managed_by=None, targets=(target_from_api(target),) if target else (),
        flexible_window=_window(raw), created=raw.get("CreationDate"), starts=raw.get("StartDate"),
        ends=raw.get("EndDate"),
    )


async def fetch_detail(ctx: AwsContext, arn: str) -> RuleDetail:
    """A rule's or a schedule's detail, by its ARN."""
    if arn_service(arn) == "scheduler":
        return await fetch_schedule_detail(ctx, arn)
    return await fetch_rule_detail(ctx, arn)


# what the detail screen shows of a pattern or an input --------------------------------------
INLINE = 60  # a JSON value whose compact form is this short stays on one line


def _pretty(value: object, depth: int) -> str:
    compact = json.dumps(value, ensure_ascii=False)
    if len(compact) + 2 * depth <= INLINE or not isinstance(value, (dict, list)) or not value:
        return compact
    pad = "  " * (depth + 1)
    if isinstance(value, dict):
        items = [f"{pad}{json.dumps(key, ensure_ascii=False)}: {_pretty(item, depth + 1)}" for key, item in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"
    items = [f"{pad}{_pretty(item, depth + 1)}" for item in value]
    return "[\n" + ",\n".join(items) + "\n" + "  " * depth + "]"


def pretty_json(text: str | None) -> str:
    """`text` indented two spaces a level when it is JSON, short values kept on one line
    (an event pattern's `["shop.orders"]`); anything else as it is."""
    if text is None:
        return ""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return _pretty(value, 0)
