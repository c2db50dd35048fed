"""EventBridge actions: enable and disable rules and Scheduler schedules; send a test event.

The state plans read the rule (DescribeRule) or schedule (GetSchedule) so their one step
says where the state goes from and to; the inverse is the opposite call; verify reads it
again. A test event's plan names the bus's rules it matches; verify is PutEvents' answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from console.actions.base import Action, Plan, Step
from console.actions.registry import register
from console.aws.context import AwsContext

DEFAULT_BUS = "default"


def parse_rule_arn(arn: str) -> tuple[str, str]:
    """(bus, rule name) from `arn:aws:events:REGION:ACCOUNT:rule/[BUS/]NAME`."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "events" or not parts[5].startswith("rule/"):
        raise ValueError(f"not an EventBridge rule ARN: {arn}")
    path = parts[5].removeprefix("rule/")
    bus, _, name = path.rpartition("/")
    return (bus or DEFAULT_BUS), name


async def describe_rule(ctx: AwsContext, name: str, bus: str) -> dict:
    events = await ctx.client("events")
    return await events.describe_rule(Name=name, EventBusName=bus)


def rule_state_step(name: str, bus: str, before: str, after: str) -> Step:
    """One step moving rule `name` on `bus` from state `before` to `after`."""
    verb = {"DISABLED": "Disable", "ENABLED": "Enable"}[after]
    inverse_verb = {"DISABLED": "Disable", "ENABLED": "Enable"}[before]

    def setter(state: str):
        async def call(ctx: AwsContext) -> None:
            events = await ctx.client("events")
            if state == "DISABLED":
                await events.disable_rule(Name=name, EventBusName=bus)
            else:
                await events.enable_rule(Name=name, EventBusName=bus)
        return call

    def checker(state: str):
        async def check(ctx: AwsContext) -> tuple[bool, str]:
            found = (await describe_rule(ctx, name, bus)).get("State", "")
            return found == state, f"rule {name} on bus {bus} is {found} (expected {state})"
        return check

    return Step(
        description=f"{verb} rule {name} on bus {bus}: {before} -> {after}",
        inverse_description=f"{inverse_verb} rule {name} on bus {bus}: {after} -> {before}",
        run=setter(after), revert=setter(before), check=checker(after), revert_check=checker(before),
    )


class _SetRuleState(Action):
    desired: ClassVar[str] = ""

    def __init__(self, rule: str, bus: str = DEFAULT_BUS) -> None:
        self.rule = rule
        self.bus = bus or DEFAULT_BUS

    @classmethod
    def from_arn(cls, arn: str) -> "_SetRuleState":
        bus, name = parse_rule_arn(arn)
        return cls(name, bus)

    async def plan(self, ctx: AwsContext) -> Plan:
        raw = await describe_rule(ctx, self.rule, self.bus)
        current = raw.get("State", "")
        verb = "Disable" if self.desired == "DISABLED" else "Enable"
        summary = f"{verb} rule {self.rule} on bus {self.bus}"
        steps: tuple[Step, ...] = ()
        note = ""
        if current == self.desired:
            note = f"rule {self.rule} on bus {self.bus} is already {current}: nothing to do"
        else:
            steps = (rule_state_step(self.rule, self.bus, current, self.desired),)
        return Plan(self.name, raw["Arn"], self.rule, steps, summary=summary, note=note)


@register
class DisableRule(_SetRuleState):
    name = "events.disable-rule"
    title = "Disable EventBridge rule"
    desired = "DISABLED"

    @classmethod
    def example_arguments(cls) -> dict[str, str]:
        """A demo-estate rule this would change (the read-only proof aims it there)."""
        return {"rule": "daily-cleanup", "bus": DEFAULT_BUS}


@register
class EnableRule(_SetRuleState):
    name = "events.enable-rule"
    title = "Enable EventBridge rule"
    desired = "ENABLED"

    @classmethod
    def example_arguments(cls) -> dict[str, str]:
        """A demo-estate rule this would change: legacy-report is seeded DISABLED."""
        return {"rule": "legacy-report", "bus": DEFAULT_BUS}


def toggle_for(arn: str, state: str) -> Action:
    """The action the TUI's enable/disable key means for a rule now in `state`."""
    return (EnableRule if state == "DISABLED" else DisableRule).from_arn(arn)


# Scheduler schedules ------------------------------------------------------------------------
def parse_schedule_arn(arn: str) -> tuple[str, str]:
    """(group, name) from `arn:aws:scheduler:REGION:ACCOUNT:schedule/GROUP/NAME`."""
    parts = arn.split(":", 5)
    path = parts[5] if len(parts) == 6 and parts[2] == "scheduler" else ""
    kind, _, rest = path.partition("/")
    group, _, name = rest.partition("/")
    if kind != "schedule" or not group or not name:
        raise ValueError(f"not an EventBridge Scheduler schedule ARN: {arn}")
    return group, name


async def get_schedule(ctx: AwsContext, name: str, group: str) -> dict:
    scheduler = await ctx.client("scheduler")
    return await scheduler.get_schedule(Name=name, GroupName=group)


async def update_fields(ctx: AwsContext, raw: dict) -> dict:
    """What UpdateSchedule must be sent to keep the schedule `raw` (GetSchedule's answer) as it is.

    UpdateSchedule replaces the whole schedule: a field left out is reset to its default
    (AWS: "EventBridge Scheduler uses all values, including empty values, specified in the
    request and overrides the existing schedule ... we recommend that you call the
    GetSchedule API operation and make a note of all optional parameters", API reference,
    UpdateSchedule). So every member of UpdateSchedule's input that GetSchedule returned is
    sent back, read from botocore's model rather than listed here, so a field AWS adds later
    is kept too (StartDate, EndDate, KmsKeyArn, ActionAfterCompletion, the whole Target...).
    """
    scheduler = await ctx.client("scheduler")
    members = scheduler.meta.service_model.operation_model("UpdateSchedule").input_shape.members
    return {key: value for key, value in raw.items() if key in members}


def schedule_state_step(name: str, group: str, before: str, after: str) -> Step:
    """One step moving schedule `name` of `group` from `before` to `after`, every other field kept."""
    verb = {"DISABLED": "Disable", "ENABLED": "Enable"}
    sent: dict[str, dict] = {}  # state -> the fields sent with it (verify compares them)

    def setter(state: str):
        async def call(ctx: AwsContext) -> None:
            # read again now, not at plan time: a change made since is kept, not overwritten
            fields = await update_fields(ctx, await get_schedule(ctx, name, group))
            fields["State"] = state
            sent[state] = fields
            scheduler = await ctx.client("scheduler")
            await scheduler.update_schedule(**fields)
        return call

    def checker(state: str):
        async def check(ctx: AwsContext) -> tuple[bool, str]:
            found = await get_schedule(ctx, name, group)
            said = f"schedule {name} in group {group} is {found.get('State', '')} (expected {state})"
            changed = sorted(key for key, value in sent.get(state, {}).items() if found.get(key) != value)
            if changed:
                return False, f"{said}; changed besides State: {', '.join(changed)}"
            return found.get("State") == state, said
        return check

    return Step(
        description=f"{verb[after]} schedule {name} in group {group}: {before} -> {after}",
        inverse_description=f"{verb[before]} schedule {name} in group {group}: {after} -> {before}",
        run=setter(after), revert=setter(before), check=checker(after), revert_check=checker(before),
    )


@register
class SetScheduleState(Action):
    """Enable or disable an EventBridge Scheduler schedule (UpdateSchedule with every field kept).

    One action for both directions (`state` says which): the CLI's `scheduler enable` and
    `scheduler disable` and the TUI's toggle all run it."""

    name = "events.set-schedule-state"
    title = "Enable or disable EventBridge Scheduler schedule"

    def __init__(self, schedule: str, group: str = DEFAULT_BUS, state: str = "DISABLED") -> None:
        if state not in ("ENABLED", "DISABLED"):
            raise ValueError(f"state: expected ENABLED or DISABLED, not {state!r}")
        self.schedule = schedule
        self.group = group or DEFAULT_BUS
        self.state = state

    @classmethod
    def from_arn(cls, arn: str, state: str = "DISABLED") -> "SetScheduleState":
        group, name = parse_schedule_arn(arn)
        return cls(name, group, state)

    @classmethod
    def example_arguments(cls) -> dict[str, str]:
        """A demo-estate schedule this would change: weekday-digest is seeded ENABLED."""
        return {"schedule": "weekday-digest", "group": DEFAULT_BUS, "state": "DISABLED"}

    async def plan(self, ctx: AwsContext) -> Plan:
        raw = await get_schedule(ctx, self.schedule, self.group)
        current = raw.get("State", "")
        verb = "Disable" if self.state == "DISABLED" else "Enable"
        summary = f"{verb} schedule {self.schedule} in group {self.group}"
        where = f"schedule {self.schedule} in group {self.group}"
        if current == self.state:
            return Plan(self.name, raw["Arn"], self.schedule, (), summary=summary,
                        note=f"{where} is already {current}: nothing to do")
        warnings = ("UpdateSchedule replaces the whole schedule: opsdeck reads it again just before "
                    "and sends back every field unchanged but State",)
        return Plan(self.name, raw["Arn"], self.schedule,
                    (schedule_state_step(self.schedule, self.group, current, self.state),),
                    summary=summary, warnings=warnings)


def schedule_toggle_for(arn: str, state: str) -> SetScheduleState:
    """The action the TUI's enable/disable key means for a schedule now in `state`."""
    return SetScheduleState.from_arn(arn, "ENABLED" if state == "DISABLED" else "DISABLED")


# a test event to a bus ------------------------------------------------------------------------
SAMPLE_EVENT = Path(__file__).with_name("sample_event.json")


class EventRejected(Exception):
    """PutEvents answered 200 but refused the entry (FailedEntryCount 1): its code and message."""


@register
class PutTestEvent(Action):
    """Send one event to a bus (PutEvents). The plan names the rules on the bus it matches,
    whose targets it will reach; verify: the entry was accepted (FailedEntryCount 0) and
    AWS gave it an EventId. An event cannot be taken back: the step has no inverse."""

    name = "events.put-event"
    title = "Send a test event to an EventBridge bus"

    def __init__(self, bus: str = DEFAULT_BUS, entry: dict | None = None, event_file: str | None = None) -> None:
        from console.services.events.put_event import entry_from, read_entry

        self.bus = bus or DEFAULT_BUS
        if entry is None:
            if event_file is None:
                raise ValueError("an entry or an event_file is needed")
            entry = read_entry(Path(event_file).read_text(encoding="utf-8"))
        self.entry = entry_from(entry)  # checked and normalised (Detail as compact JSON)
        self.event_id: str | None = None
        self.matches = None  # put_event.Matches, once planned

    @classmethod
    def example_arguments(cls) -> dict[str, str]:
        """The demo estate's orders bus and an OrderPlaced event (order-placed matches it)."""
        return {"bus": "orders-bus", "event_file": str(SAMPLE_EVENT)}

    async def plan(self, ctx: AwsContext) -> Plan:
        from console.services.events.put_event import describe_entry, envelope, match_rules, read_bus

        bus = await read_bus(ctx, self.bus)
        event = envelope(self.entry, bus.account, ctx.target.region, ctx.clock.now())
        self.matches = matches = match_rules(bus.rules, event)
        if matches.enabled:
            warning = (f"Matches {len(matches.enabled)} enabled rule(s) on bus {self.bus}: "
                       f"{', '.join(matches.enabled)}: their targets receive it")
        else:
            warning = f"Matches no enabled rule on bus {self.bus}: no target receives it"
        warnings = [warning]
        if matches.disabled:
            warnings.append(f"Disabled rules that would match: {', '.join(matches.disabled)}")
        if matches.unreadable:
            warnings.append(f"Rules whose pattern opsdeck could not evaluate: {', '.join(matches.unreadable)}")
        step = Step(description=f"Put an event on bus {self.bus}: {describe_entry(self.entry)}",
                    inverse_description=None, run=self._put, check=self._check)
        return Plan(self.name, bus.arn, self.bus, (step,), summary=f"Send a test event to bus {self.bus}",
                    warnings=tuple(warnings),
                    details={"source": self.entry["Source"], "detail-type": self.entry["DetailType"]})

    async def _put(self, ctx: AwsContext) -> None:
        events = await ctx.client("events")
        answer = await events.put_events(Entries=[{**self.entry, "EventBusName": self.bus}])
        [result] = answer.get("Entries") or [{}]
        if answer.get("FailedEntryCount", 0) or not result.get("EventId"):
            code = result.get("ErrorCode") or "no EventId"
            raise EventRejected(f"bus {self.bus} refused the event: {code}: {result.get('ErrorMessage', '')}".rstrip(": "))
        self.event_id = result["EventId"]

    async def _check(self, ctx: AwsContext) -> tuple[bool, str]:
        """An event cannot be read back from a bus: what PutEvents answered is the evidence."""
        if self.event_id:
            return True, f"bus {self.bus} accepted the event: FailedEntryCount 0, EventId {self.event_id}"
        return False, f"bus {self.bus} gave no EventId"


def state_toggle(kind: str, arn: str, state: str) -> Action:
    """The TUI's enable/disable key on a rule (kind "rule") or a schedule, now in `state`."""
    return schedule_toggle_for(arn, state) if kind == "schedule" else toggle_for(arn, state)
