"""events.disable-rule / events.enable-rule against the embedded server: plan, apply, verify,
with the rule's state read back through boto3 after every step."""

from __future__ import annotations

import pytest

from console.services import registered_actions
from console.services.events.actions import DisableRule, EnableRule, parse_rule_arn, toggle_for


async def test_plan_reads_the_rule_and_names_the_change_without_changing_it(ctx, rules):
    arn = rules.create("daily-cleanup")
    plan = await DisableRule("daily-cleanup").plan(ctx)
    assert plan.action == "events.disable-rule"
    assert plan.target_arn == arn and plan.target_name == "daily-cleanup"
    assert [s.description for s in plan.steps] == ["Disable rule daily-cleanup on bus default: ENABLED -> DISABLED"]
    assert [s.inverse_description for s in plan.steps] == ["Enable rule daily-cleanup on bus default: DISABLED -> ENABLED"]
    assert rules.state("daily-cleanup") == "ENABLED"  # planning reads, never writes


async def test_apply_disables_verify_reads_it_back_and_enable_undoes_it(ctx, rules):
    rules.create("daily-cleanup")
    action = DisableRule("daily-cleanup")
    plan = await action.plan(ctx)
    seen = []
    result = await action.apply(ctx, plan, seen.append, None)
    assert result.ok and result.applied == list(plan.steps)
    assert [(e.index, e.state) for e in seen] == [(0, "running"), (0, "applied")]
    assert rules.state("daily-cleanup") == "DISABLED"
    verify = await action.verify(ctx, plan)
    assert verify.ok and verify.details == ["ok: rule daily-cleanup on bus default is DISABLED (expected DISABLED)"]

    back = EnableRule("daily-cleanup")
    plan = await back.plan(ctx)
    assert [s.description for s in plan.steps] == ["Enable rule daily-cleanup on bus default: DISABLED -> ENABLED"]
    assert (await back.apply(ctx, plan, None, None)).ok
    assert rules.state("daily-cleanup") == "ENABLED"


async def test_verify_catches_a_state_that_is_not_what_the_plan_promised(ctx, rules):
    rules.create("nightly")
    action = DisableRule("nightly")
    plan = await action.plan(ctx)
    await action.apply(ctx, plan, None, None)
    rules.events.enable_rule(Name="nightly")  # someone else turned it back on
    verify = await action.verify(ctx, plan)
    assert not verify.ok
    assert verify.details == ["MISMATCH: rule nightly on bus default is ENABLED (expected DISABLED)"]


async def test_nothing_to_do_when_the_rule_is_already_in_that_state(ctx, rules):
    rules.create("legacy", state="DISABLED")
    plan = await DisableRule("legacy").plan(ctx)
    assert plan.empty and "already DISABLED" in plan.note


async def test_built_from_the_captured_arn_it_acts_on_that_rule_of_a_custom_bus(ctx, rules):
    rules.create("order-placed")  # same name on the default bus: must stay untouched
    arn = rules.create("order-placed", bus="orders")
    assert parse_rule_arn(arn) == ("orders", "order-placed")
    action = toggle_for(arn, "ENABLED")
    assert isinstance(action, DisableRule)
    plan = await action.plan(ctx)
    assert plan.target_arn == arn
    assert plan.steps[0].description == "Disable rule order-placed on bus orders: ENABLED -> DISABLED"
    assert (await action.apply(ctx, plan, None, None)).ok
    assert rules.state("order-placed", "orders") == "DISABLED"
    assert rules.state("order-placed") == "ENABLED"


def test_registry_lists_the_rule_actions_and_refuses_other_arns():
    REGISTRY = registered_actions()
    assert REGISTRY["events.disable-rule"] is DisableRule and REGISTRY["events.enable-rule"] is EnableRule
    assert all(cls.mutating for cls in REGISTRY.values())
    with pytest.raises(ValueError):
        DisableRule.from_arn("arn:aws:scheduler:us-east-1:123456789012:schedule/default/x")
