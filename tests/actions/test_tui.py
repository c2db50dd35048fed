"""The rule action through the whole app on the embedded server: `x` on the EventBridge
panel captures the rule, the modal shows the plan, confirming applies it, and the rule's
state is read back through boto3. Also: `:audit`, and runs a crash left unfinished."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from console.app import OpsdeckApp
from console.audit import AuditLog
from console.aws.clients import ClientPool
from console.clock import ManualClock
from console.target import Target
from screens.audit import AuditScreen
from screens.confirm import ConfirmActionScreen
from screens.dashboard import DashboardScreen
from textual.widgets import DataTable, Input, Static
from widgets.resource_table import ResourceTable
from tests.pilot import click, wait_until


def start_app(endpoint: str) -> OpsdeckApp:
    clock = ManualClock(datetime.now(timezone.utc))
    return OpsdeckApp(Target(None, "us-east-1", endpoint), ClientPool(clock), clock)


def events_table(app) -> ResourceTable | None:
    if not isinstance(app.screen, DashboardScreen):
        return None
    return app.screen.panel("events").table  # kept by the screen: no query racing the grid's mount


async def select_rule(pilot, app, name: str) -> None:
    table = await wait_until(pilot, lambda: events_table(app))
    await wait_until(pilot, lambda: any(getattr(i, "name", None) == name for i in table.items))
    table.focus()
    key = next(i.key for i in table.items if i.name == name)
    assert table.select_key(key)
    await pilot.pause()


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_x_on_the_eventbridge_panel_plans_confirms_and_disables_the_rule(rules, tmp_path):
    arn = rules.create("daily-cleanup")
    rules.create("zz-other")  # a second row: the action must hit the one selected
    app = start_app(rules.account.endpoint)
    async with app.run_test(size=(160, 50)) as pilot:
        await select_rule(pilot, app, "daily-cleanup")
        await pilot.press("x")
        modal = await wait_until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen) and app.screen)
        assert modal.plan.target_arn == arn
        plan_shown = text_of(app, "#confirm-plan")
        assert "Disable rule daily-cleanup on bus default: ENABLED -> DISABLED" in plan_shown
        assert arn in plan_shown
        assert rules.state("daily-cleanup") == "ENABLED"  # nothing before confirming
        await click(pilot, "#confirm-apply")
        await wait_until(pilot, lambda: modal.state == "done")
        assert "Done: 1/1 steps applied and verified" in text_of(app, "#confirm-result")
        assert rules.state("daily-cleanup") == "DISABLED"
        assert rules.state("zz-other") == "ENABLED"
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
    records = [json.loads(l) for l in (tmp_path / "state" / "audit.jsonl").read_text().splitlines()]
    assert [(r["kind"], r["target"]) for r in records] == [("started", arn), ("step", arn), ("finished", arn)]


async def test_a_protected_account_needs_the_name_typed_in_the_modal(rules, tmp_path):
    rules.create("daily-cleanup")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.toml").write_text(f'[accounts."{rules.account.id}"]\nprotected = true\n')
    app = start_app(rules.account.endpoint)
    async with app.run_test(size=(160, 50)) as pilot:
        await select_rule(pilot, app, "daily-cleanup")
        await pilot.press("x")
        modal = await wait_until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen) and app.screen)
        assert modal.plan.protected and "PROTECTED" in text_of(app, "#confirm-plan")
        await click(pilot, "#confirm-apply")  # nothing typed
        await wait_until(pilot, lambda: "type its name exactly" in text_of(app, "#confirm-error"))
        assert rules.state("daily-cleanup") == "ENABLED"
        box = app.screen.query_one("#confirm-name", Input)
        box.focus()
        await pilot.press(*"daily-cleanup", "enter")
        await wait_until(pilot, lambda: modal.state == "done")
        assert rules.state("daily-cleanup") == "DISABLED"


async def test_unfinished_runs_are_shown_on_start_and_audit_lists_the_trail(rules, tmp_path):
    rules.create("daily-cleanup")
    log = AuditLog(None, ManualClock())
    from console.audit import AuditRecord

    base = dict(run="r1", time="2026-11-27T12:00:00+00:00", caller="arn:aws:iam::1:user/x", profile=None,
                region="us-east-1", account="1", action="events.disable-rule", phase="apply",
                target="arn:aws:events:us-east-1:1:rule/nightly")
    log.append(AuditRecord(kind="started", steps=["Disable rule nightly on bus default: ENABLED -> DISABLED"], **base))
    log.append(AuditRecord(kind="step", step="Disable rule nightly on bus default: ENABLED -> DISABLED",
                           step_index=0, result="applied", **base))
    app = start_app(rules.account.endpoint)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        note = await wait_until(pilot, lambda: list(app._notifications))
        assert note[0].title == "Actions left unfinished by a crash"
        assert "events.disable-rule on arn:aws:events:us-east-1:1:rule/nightly" in note[0].message
        assert "applied: Disable rule nightly on bus default: ENABLED -> DISABLED" in note[0].message
        await pilot.press("colon")
        await pilot.pause()
        await pilot.press(*"audit")
        await pilot.pause(0.3)
        await pilot.press("enter")
        screen = await wait_until(pilot, lambda: isinstance(app.screen, AuditScreen) and app.screen)
        assert "UNFINISHED" in text_of(app, "#audit-unfinished")
        assert screen.query_one("#audit-table", DataTable).row_count == 2
