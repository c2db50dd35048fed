"""The confirmation modal when an action stops half-way, driven as the user drives it.

The real app runs on the embedded server in a fresh account; the modal is pushed with the
two-rule test action (two real DisableRule calls) through the app's own Runner. A failure
half-way (AWS refuses step 2) and a cancel between steps (escape while step 1 is held)
must both show, in words, which steps were applied and which were not, offer the inverse,
and `u` / the Undo button must put AWS back (read back through boto3) and audit it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json

from console.actions.base import Plan
from console.demo import control
from screens.confirm import ConfirmActionScreen
from screens.dashboard import DashboardScreen
from textual.widgets import Button, Static

from tests.actions.test_partial import DisableBoth
from tests.actions.test_tui import start_app
from tests.pilot import click, wait_until

STEP1 = "Disable rule first on bus default: ENABLED -> DISABLED"
STEP2 = "Disable rule second on bus default: ENABLED -> DISABLED"
UNDO1 = "Enable rule first on bus default: DISABLED -> ENABLED"


class HeldDisableBoth(DisableBoth):
    """DisableBoth with one step's call (`run` of step 1 by default) held after the real API
    call is made, until the test lets go."""

    hold_step, hold = 0, "run"

    def __init__(self, first: str, second: str) -> None:
        super().__init__(first, second)
        self.reached = asyncio.Event()  # the held call has been made
        self.gate = asyncio.Event()  # the test lets it finish

    async def plan(self, ctx) -> Plan:
        plan = await super().plan(ctx)
        step = plan.steps[self.hold_step]
        real = getattr(step, self.hold)

        async def held(step_ctx) -> None:
            await real(step_ctx)
            self.reached.set()
            await self.gate.wait()

        steps = list(plan.steps)
        steps[self.hold_step] = dataclasses.replace(step, **{self.hold: held})
        return dataclasses.replace(plan, steps=tuple(steps))


class DenySecond(DisableBoth):
    """DisableBoth where, once step 1 is applied, AWS starts refusing DisableRule for this key."""

    def __init__(self, first: str, second: str, endpoint: str, access_key: str) -> None:
        super().__init__(first, second)
        self.endpoint, self.access_key = endpoint, access_key

    async def apply(self, ctx, plan, progress=None, cancel=None):
        async def hook(event):
            if event.state == "applied" and event.index == 0:
                await asyncio.to_thread(control.deny, self.endpoint, self.access_key, "events", "DisableRule")
            if progress is not None:
                result = progress(event)
                if asyncio.iscoroutine(result):
                    await result

        return await super().apply(ctx, plan, hook, cancel)


def shown(modal: ConfirmActionScreen, selector: str) -> str:
    """The text the user sees in one of the modal's Statics."""
    return str(modal.query_one(selector, Static).render())


def audit_records(tmp_path) -> list[dict]:
    return [json.loads(line) for line in (tmp_path / "state" / "audit.jsonl").read_text().splitlines()]


async def open_modal(pilot, app, action) -> ConfirmActionScreen:
    await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
    runner = app.action_runner()
    plan = await runner.prepare(action)
    modal = ConfirmActionScreen(runner, action, plan)
    await app.push_screen(modal)
    await wait_until(pilot, lambda: app.screen is modal)
    return modal


async def test_failure_half_way_shows_applied_and_failed_steps_and_u_undoes_step_1(rules, tmp_path):
    rules.create("first")
    rules.create("second")
    endpoint, key = rules.account.endpoint, rules.account.access_key
    app = start_app(endpoint)
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            modal = await open_modal(pilot, app, DenySecond("first", "second", endpoint, key))
            plan_shown = shown(modal, "#confirm-plan")
            assert f"1. {STEP1}" in plan_shown and f"2. {STEP2}" in plan_shown
            undo_button = modal.query_one("#confirm-undo", Button)
            assert not undo_button.display  # nothing to undo before anything ran

            await click(pilot, "#confirm-apply")
            await wait_until(pilot, lambda: modal.state == "done")
            assert (rules.state("first"), rules.state("second")) == ("DISABLED", "ENABLED")

            result = shown(modal, "#confirm-result")
            assert f"FAILED: {STEP2}" in result
            assert "AccessDenied" in result or "denied" in result.lower()
            assert f"applied: {STEP1}" in result
            assert f"not applied: {STEP2}" in result
            assert f"applied: {STEP2}" not in result.replace(f"not applied: {STEP2}", "")
            assert f"Press u to undo:\n  {UNDO1}" in result
            progress = shown(modal, "#confirm-progress")
            assert f"[1/2] applied: {STEP1}" in progress and f"[2/2] failed: {STEP2}" in progress
            assert undo_button.display and not undo_button.disabled

            control.clear_denials(endpoint)  # undo (EnableRule) was never denied; clear anyway
            await pilot.press("u")
            await wait_until(pilot, lambda: modal.state == "done" and shown(modal, "#confirm-result").startswith("Undo"))
            assert (rules.state("first"), rules.state("second")) == ("ENABLED", "ENABLED")
            undone = shown(modal, "#confirm-result")
            assert "Undo: Done: 1/1 steps applied and verified" in undone
            assert f"applied: {UNDO1}" in undone
            assert "verify ok: rule first on bus default is ENABLED (expected ENABLED)" in undone
            assert not undo_button.display  # an undo is not undone again from here
            await pilot.press("u")  # no second undo
            await pilot.pause(0.2)
            assert rules.state("first") == "ENABLED"

            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
    finally:
        control.clear_denials(endpoint)

    records = audit_records(tmp_path)
    assert [(r["kind"], r["phase"], r.get("result")) for r in records] == [
        ("started", "apply", None), ("step", "apply", "applied"), ("step", "apply", "failed"),
        ("finished", "apply", "failed"),
        ("started", "undo", None), ("step", "undo", "applied"), ("finished", "undo", "ok"),
    ]
    assert records[2]["step"] == STEP2 and records[2]["error"]["kind"] == "access-denied"
    assert records[3]["steps"] == [STEP1]
    assert records[4]["steps"] == [UNDO1] and records[5]["step"] == UNDO1
    assert records[6]["steps"] == [UNDO1]
    assert records[4]["run"] != records[0]["run"]


async def test_escape_between_steps_cancels_with_exactly_step_1_applied_and_undo_button_reverts(rules, tmp_path):
    rules.create("first")
    rules.create("second")
    app = start_app(rules.account.endpoint)
    action = HeldDisableBoth("first", "second")
    async with app.run_test(size=(160, 50)) as pilot:
        modal = await open_modal(pilot, app, action)
        await click(pilot, "#confirm-apply")
        await wait_until(pilot, action.reached.is_set)  # step 1's DisableRule has been sent
        assert modal.state == "applying"
        assert str(modal.query_one("#confirm-close", Button).label) == "Stop after this step"

        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is modal  # escape while applying does not close the modal
        assert modal.cancel_flag.is_set()
        assert str(modal.query_one("#confirm-close", Button).label) == "Stopping…"
        action.gate.set()  # step 1 finishes; the runner must stop before step 2
        await wait_until(pilot, lambda: modal.state == "done")

        assert (rules.state("first"), rules.state("second")) == ("DISABLED", "ENABLED")
        result = modal.outcome.result
        assert result.cancelled and [s.description for s in result.applied] == [STEP1]
        text = shown(modal, "#confirm-result")
        assert "Cancelled after 1/2 steps" in text
        assert f"\n  applied: {STEP1}" in text
        assert f"\n  not applied: {STEP2}" in text
        assert f"\n  applied: {STEP2}" not in text
        assert f"Press u to undo:\n  {UNDO1}" in text
        assert "verify ok: rule first on bus default is DISABLED (expected DISABLED)" in text
        progress = shown(modal, "#confirm-progress")
        assert progress == f"[1/2] applied: {STEP1}"  # step 2 never started
        assert str(modal.query_one("#confirm-close", Button).label) == "Close"
        undo_button = modal.query_one("#confirm-undo", Button)
        assert undo_button.display and not undo_button.disabled

        await click(pilot, "#confirm-undo")
        await wait_until(pilot, lambda: modal.state == "done" and shown(modal, "#confirm-result").startswith("Undo"))
        assert (rules.state("first"), rules.state("second")) == ("ENABLED", "ENABLED")
        assert "Undo: Done: 1/1 steps applied and verified" in shown(modal, "#confirm-result")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))

    records = audit_records(tmp_path)
    assert [(r["kind"], r["phase"], r.get("result")) for r in records] == [
        ("started", "apply", None), ("step", "apply", "applied"), ("finished", "apply", "cancelled"),
        ("started", "undo", None), ("step", "undo", "applied"), ("finished", "undo", "ok"),
    ]
    assert records[0]["steps"] == [STEP1, STEP2] and records[2]["steps"] == [STEP1]
    assert records[4]["step"] == UNDO1


async def test_escape_during_the_last_step_cannot_cancel_what_is_already_sent(rules, tmp_path):
    """Cancel stops only at a step boundary: pressed during the only remaining step, the run
    completes, and the modal says Done, not Cancelled (the user sees the truth)."""
    rules.create("first")
    rules.create("second")
    app = start_app(rules.account.endpoint)
    action = HeldDisableBoth("first", "second")
    async with app.run_test(size=(160, 50)) as pilot:
        modal = await open_modal(pilot, app, action)
        # hold step 2 instead: swap the plan so the held step is the last one
        steps = modal.plan.steps
        modal.plan = dataclasses.replace(modal.plan, steps=(steps[1], steps[0]))
        await click(pilot, "#confirm-apply")
        await wait_until(pilot, action.reached.is_set)
        await pilot.press("escape")
        action.gate.set()
        await wait_until(pilot, lambda: modal.state == "done")
        text = shown(modal, "#confirm-result")
        assert "Done: 2/2 steps applied and verified" in text and "Cancelled" not in text
        assert not modal.query_one("#confirm-undo", Button).display
        assert (rules.state("first"), rules.state("second")) == ("DISABLED", "DISABLED")
        assert app.screen is modal  # the escape during apply did not close it
    assert audit_records(tmp_path)[-1]["result"] == "ok"


class HeldUndo(HeldDisableBoth):
    """DisableBoth whose undo of step 2 (the first inverse to run) waits for the test."""

    hold_step, hold = 1, "revert"


async def test_escape_during_undo_stops_before_the_next_inverse_and_says_so(rules, tmp_path):
    """Both steps applied but verify fails (rule 2 re-enabled behind opsdeck's back), so Undo
    is offered for both; escape while the first inverse runs must stop before the second,
    as the "Stop after this step" button promises, and the modal and audit say cancelled."""
    rules.create("first")
    rules.create("second")
    app = start_app(rules.account.endpoint)
    action = HeldUndo("first", "second")
    async with app.run_test(size=(160, 50)) as pilot:
        modal = await open_modal(pilot, app, action)
        # step 2 re-enables itself right after being applied: verify fails, both steps applied
        real_check = modal.plan.steps[1].check

        async def sabotaged(ctx):
            rules.events.enable_rule(Name="second")
            return await real_check(ctx)

        steps = modal.plan.steps
        modal.plan = dataclasses.replace(modal.plan, steps=(steps[0], dataclasses.replace(steps[1], check=sabotaged)))
        await click(pilot, "#confirm-apply")
        await wait_until(pilot, lambda: modal.state == "done")
        text = shown(modal, "#confirm-result")
        assert "Verify FAILED" in text and "MISMATCH: rule second on bus default is ENABLED" in text
        assert (rules.state("first"), rules.state("second")) == ("DISABLED", "ENABLED")

        await pilot.press("u")
        await wait_until(pilot, action.reached.is_set)  # inverse of step 2 sent, held
        assert str(modal.query_one("#confirm-close", Button).label) == "Stop after this step"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is modal
        assert str(modal.query_one("#confirm-close", Button).label) == "Stopping…"
        action.gate.set()
        await wait_until(pilot, lambda: modal.state == "done")
        text = shown(modal, "#confirm-result")
        assert "Undo: Cancelled after 1/2 steps" in text
        assert "applied: Enable rule second on bus default: DISABLED -> ENABLED" in text
        assert f"not applied: {UNDO1}" in text
        assert rules.state("first") == "DISABLED"  # the second inverse never ran
    records = audit_records(tmp_path)
    assert (records[-1]["kind"], records[-1]["phase"], records[-1]["result"]) == ("finished", "undo", "cancelled")


async def test_a_run_that_cannot_start_returns_the_modal_to_asking_cleanly(rules, tmp_path):
    """The audit cannot be written (started is written before any AWS call): nothing is
    changed, the error is shown, the buttons are back to Apply/Cancel, and a retry works."""
    rules.create("first")
    rules.create("second")
    blocker = tmp_path / "state" / "audit.jsonl"
    blocker.mkdir(parents=True)  # appending to a directory fails
    app = start_app(rules.account.endpoint)
    async with app.run_test(size=(160, 50)) as pilot:
        modal = await open_modal(pilot, app, DisableBoth("first", "second"))
        await click(pilot, "#confirm-apply")
        await wait_until(pilot, lambda: shown(modal, "#confirm-error"))
        assert modal.state == "asking"
        assert (rules.state("first"), rules.state("second")) == ("ENABLED", "ENABLED")
        assert str(modal.query_one("#confirm-close", Button).label) == "Cancel"
        apply_button = modal.query_one("#confirm-apply", Button)
        assert not apply_button.disabled
        blocker.rmdir()
        # a Button ignores clicks during its 0.2 s press animation: wait it out, as a user would
        await wait_until(pilot, lambda: not apply_button.has_class("-active"))
        await click(pilot, "#confirm-apply")
        await wait_until(pilot, lambda: modal.state == "done")
        assert "Done: 2/2 steps applied and verified" in shown(modal, "#confirm-result")
        assert (rules.state("first"), rules.state("second")) == ("DISABLED", "DISABLED")
