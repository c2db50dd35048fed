"""EventBridge rule actions: silence a misfiring schedule, and turn it back on.

The plan reads the rule (DescribeRule) so its one step says where the state goes from
and to; the inverse is the opposite call; verify reads the rule again.
"""

from __future__ import annotations

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
