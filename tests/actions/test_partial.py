"""Stopping half-way: a cancel or a failure reports exactly the steps applied, and undo
puts them back (state read back through boto3 each time).

DisableBoth is a test-only action whose two steps are real API calls.
"""

from __future__ import annotations

import asyncio
import json

from console.actions.base import Action, Plan
from console.services.events.actions import rule_state_step
from console.actions.runner import Confirmation
from console.aws.errors import ErrorClass
from console.demo import control


class DisableBoth(Action):
    name = "test.disable-both"

    def __init__(self, first: str, second: str) -> None:
        self.names = (first, second)

    async def plan(self, ctx) -> Plan:
        steps = tuple(rule_state_step(name, "default", "ENABLED", "DISABLED") for name in self.names)
        return Plan(self.name, f"arn:test:{'+'.join(self.names)}", self.names[0], steps)


def audit_lines(audit) -> list[dict]:
    return [json.loads(line) for line in audit.path.read_text().splitlines()]


async def test_cancel_after_the_first_step_stops_cleanly_and_says_what_was_applied(ctx, rules, runner, audit):
    rules.create("first")
    rules.create("second")
    action = DisableBoth("first", "second")
    plan = await runner.prepare(action)
    cancel = asyncio.Event()

    def progress(event):
        if event.state == "applied" and event.index == 0:
            cancel.set()  # the user pressed cancel while step 1 ran

    outcome = await runner.execute(action, plan, Confirmation(yes=True), progress, cancel)
    assert outcome.result.cancelled and not outcome.ok
    assert outcome.result.applied == [plan.steps[0]]
    assert outcome.result.not_applied == [plan.steps[1]]
    assert [s.description for s in outcome.result.inverses] == [
        "Enable rule first on bus default: DISABLED -> ENABLED"]
    assert (rules.state("first"), rules.state("second")) == ("DISABLED", "ENABLED")
    assert outcome.verify.ok  # the applied step did what it said
    finished = audit_lines(audit)[-1]
    assert (finished["kind"], finished["result"]) == ("finished", "cancelled")
    assert finished["steps"] == ["Disable rule first on bus default: ENABLED -> DISABLED"]


async def test_failure_half_way_reports_the_applied_steps_and_undo_restores_them(ctx, rules, runner, audit):
    rules.create("first")
    rules.create("second")
    action = DisableBoth("first", "second")
    plan = await runner.prepare(action)
    endpoint, key = rules.account.endpoint, rules.account.access_key

    def progress(event):
        if event.state == "applied" and event.index == 0:  # step 2 will be refused by AWS
            control.deny(endpoint, key, "events", "DisableRule")

    try:
        outcome = await runner.execute(action, plan, Confirmation(yes=True), progress)
    finally:
        control.clear_denials(endpoint)
    result = outcome.result
    assert result.applied == [plan.steps[0]] and result.failed == plan.steps[1]
    assert result.error.kind is ErrorClass.ACCESS_DENIED and not result.cancelled
    assert (rules.state("first"), rules.state("second")) == ("DISABLED", "ENABLED")

    undone = await runner.undo(action, plan, result.applied)
    assert undone.ok and [s.description for s in undone.result.applied] == [
        "Enable rule first on bus default: DISABLED -> ENABLED"]
    assert undone.verify.details == ["ok: rule first on bus default is ENABLED (expected ENABLED)"]
    assert (rules.state("first"), rules.state("second")) == ("ENABLED", "ENABLED")

    lines = audit_lines(audit)
    assert [(r["kind"], r["phase"], r.get("result")) for r in lines] == [
        ("started", "apply", None), ("step", "apply", "applied"), ("step", "apply", "failed"),
        ("finished", "apply", "failed"),
        ("started", "undo", None), ("step", "undo", "applied"), ("finished", "undo", "ok"),
    ]
    assert lines[2]["error"]["kind"] == "access-denied"


async def test_undo_runs_the_inverses_in_reverse_order(ctx, rules, runner):
    rules.create("first")
    rules.create("second")
    action = DisableBoth("first", "second")
    plan = await runner.prepare(action)
    outcome = await runner.execute(action, plan, Confirmation(yes=True))
    assert outcome.ok and (rules.state("first"), rules.state("second")) == ("DISABLED", "DISABLED")
    order = []
    undone = await runner.undo(action, plan, outcome.result.applied,
                               lambda e: order.append(e.step.description) if e.state == "running" else None)
    assert order == ["Enable rule second on bus default: DISABLED -> ENABLED",
                     "Enable rule first on bus default: DISABLED -> ENABLED"]
    assert undone.ok and (rules.state("first"), rules.state("second")) == ("ENABLED", "ENABLED")
