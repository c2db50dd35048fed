"""Hostile text from AWS through every widget that shows it, rendered by Textual for a
terminal: the bytes Textual writes contain no escape sequence it did not emit itself.

The app runs under Pilot with a driver that is not headless for rendering (Textual then
renders every frame to the terminal sequence it would write) and records what it writes.
Names AWS would refuse reach the panels through the in-process sources
(tests/app/conftest.py's FakeEstate); the problem screen gets a real ClientError.
"""

from __future__ import annotations

import dataclasses

import pytest
import textual.drivers.headless_driver as headless
from botocore.exceptions import ClientError

from console.app import OpsdeckApp
from console.aws.clients import ClientPool
from console.aws.errors import ErrorClass, Problem
from console.clock import ManualClock
from screens.dashboard import DashboardScreen
from screens.detail import DetailScreen
from screens.help import HelpScreen
from screens.problem import ProblemScreen
from tests.app.conftest import (
    T0, TARGET, FakeEstate, alias, cluster, function, identify_ok, machine, rule, schedule, service,
)
from tests.text.hostile import HOSTILE, ONE, OSC52, foreign_sequences
from widgets.resource_table import ResourceTable


class RecordingDriver(headless.HeadlessDriver):
    """The headless driver, except that Textual renders frames for it; it keeps them."""

    written: list[str] = []

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        RecordingDriver.written.append(data)

    def flush(self) -> None:
        pass


@pytest.fixture
def recorded(monkeypatch) -> list[str]:
    RecordingDriver.written = []
    monkeypatch.setattr(headless, "HeadlessDriver", RecordingDriver)
    return RecordingDriver.written


def hostile_estate() -> FakeEstate:
    estate = FakeEstate()
    estate.items["lambda"] = tuple(function(f"fn{i}-{h}") for i, h in enumerate(HOSTILE))
    estate.items["lambda.aliases"] = tuple(
        dataclasses.replace(alias(f"fn{i}-{h}"), name=h) for i, h in enumerate(HOSTILE))
    estate.items["ecs"] = tuple(
        dataclasses.replace(service(f"svc{i}-{h}"), cluster=h, launch=h, task_definition=h, status=h)
        for i, h in enumerate(HOSTILE))
    estate.items["ecs.clusters"] = tuple(
        dataclasses.replace(cluster(h), capacity_providers=(h,), status=h) for h in HOSTILE)
    estate.items["stepfunctions"] = tuple(  # every other one: executions unavailable, for a hostile reason
        dataclasses.replace(machine(f"sm{i}-{h}", 1, "FAILED"), type=h, executions_unavailable=h if i % 2 else None)
        for i, h in enumerate(HOSTILE))
    estate.items["events"] = tuple(
        dataclasses.replace(rule(f"r{i}-{h}"), bus=h, state=h, schedule=h, description=h, pattern=h)
        for i, h in enumerate(HOSTILE))
    estate.items["scheduler"] = tuple(
        dataclasses.replace(schedule(f"s{i}-{h}"), group=h, state=h, expression=h, timezone=h, target_arn=h,
                            target_kind=h, dlq=h)
        for i, h in enumerate(HOSTILE))
    return estate


def hostile_error() -> ClientError:
    return ClientError({"Error": {"Code": "ValidationException", "Message": ONE},
                        "ResponseMetadata": {"HTTPStatusCode": 400}}, "ListRules")


async def paint(pilot, rounds: int = 4) -> None:
    for _ in range(rounds):
        await pilot.pause()


def assert_clean(recorded: list[str], where: str) -> str:
    stream = "".join(recorded)
    assert stream, f"{where}: Textual wrote nothing"
    assert not foreign_sequences(stream), f"{where}: {foreign_sequences(stream)[:5]}"
    return stream


@pytest.mark.long
async def test_every_dashboard_panel_detail_status_and_help_render_hostile_text_inert(recorded):
    clock = ManualClock(T0)
    estate = hostile_estate()
    endpoint = "http://127.0.0.1:1/" + ONE  # the status bar and loading screen show it
    target = dataclasses.replace(TARGET, endpoint=endpoint)
    app = OpsdeckApp(target, ClientPool(clock), clock, sources=estate.sources(), identify=identify_ok)
    async with app.run_test(size=(200, 60)) as pilot:
        for _ in range(100):
            if isinstance(app.screen, DashboardScreen) and all(
                    t.row_count == len(HOSTILE) for t in app.screen.query(ResourceTable)):
                break
            await pilot.pause(0.02)
        tables = list(app.screen.query(ResourceTable))
        assert len(tables) == 5 and all(t.row_count == len(HOSTILE) for t in tables)
        app.refresh_status()
        await paint(pilot)
        stream = assert_clean(recorded, "dashboard")
        assert "\u241b]52;c;ZXZpbA==\u2407" in stream, "the hostile names are on screen, as glyphs"
        assert "[link=file:///etc/passwd]" in stream and "[bold]x[/bold]" in stream

        # The detail screen (one renderer for every service's fields) of every hostile row of
        # the first panel, and of an escape sequence, OSC 52 and a markup link on the others.
        for table in tables:
            for index in range(len(HOSTILE)) if table is tables[0] else (0, 1, next(i for i, h in enumerate(HOSTILE) if h.startswith("[link="))):
                recorded.clear()
                table.move_cursor(row=index)
                app.push_screen(DetailScreen(table.selected_item))
                await paint(pilot)
                assert_clean(recorded, f"detail of {table.id} row {index}")
                app.pop_screen()
                await paint(pilot, 2)

        recorded.clear()
        estate.failures["ecs.clusters"] = hostile_error()  # a failing panel shows its problem in the title
        app.action_refresh()
        await paint(pilot, 8)
        assert app.screen.query_one("#ecs-panel").state.name == "stale"
        assert_clean(recorded, "stale panel")

        recorded.clear()
        app.push_screen(HelpScreen([("Global", [("q", ONE)]), (ONE, [(ONE, "x")])]))
        await paint(pilot)
        assert_clean(recorded, "help screen")
        app.pop_screen()
        await pilot.press("question_mark")
        await paint(pilot)
        assert_clean(recorded, "generated help screen")


async def test_problem_screen_renders_a_hostile_error_inert(recorded):
    clock = ManualClock(T0)

    async def refuse(ctx) -> str:
        raise hostile_error()

    app = OpsdeckApp(TARGET, ClientPool(clock), clock, sources=FakeEstate().sources(), identify=refuse)
    async with app.run_test(size=(160, 50)) as pilot:
        for _ in range(100):
            if isinstance(app.screen, ProblemScreen):
                break
            await pilot.pause(0.02)
        assert isinstance(app.screen, ProblemScreen)
        for line in HOSTILE[:-1]:  # each trick as the whole message, and all of them at once
            app.screen.show(Problem(ErrorClass.OTHER, line, OSC52 + line, line))
            await paint(pilot)
        stream = assert_clean(recorded, "problem screen")
        assert "\u241b]52;c;ZXZpbA==\u2407" in stream


async def test_confirm_modal_and_audit_screen_render_hostile_text_inert(recorded):
    """Rule names, ARNs and step descriptions come from AWS too: the plan a user confirms and
    the audit trail they read must not carry escape sequences either."""
    from console.actions.base import Plan, Step
    from console.audit import AuditLog, AuditRecord
    from screens.audit import AuditScreen
    from screens.confirm import ConfirmActionScreen

    clock = ManualClock(T0)

    async def never(ctx) -> None:
        raise AssertionError("nothing is applied in this test")

    steps = tuple(Step(f"Disable rule {h}: ENABLED -> DISABLED", f"Enable rule {h}", never) for h in HOSTILE[:-1])
    plan = Plan("events.disable-rule", "arn:aws:events:us-east-1:123456789012:rule/" + ONE, ONE, steps,
                protected=True, summary="Disable rule " + ONE, note=ONE)
    app = OpsdeckApp(TARGET, ClientPool(clock), clock, sources=FakeEstate().sources(), identify=identify_ok)
    async with app.run_test(size=(160, 50)) as pilot:
        for _ in range(100):
            if isinstance(app.screen, DashboardScreen):
                break
            await pilot.pause(0.02)
        recorded.clear()
        app.push_screen(ConfirmActionScreen(app.action_runner(), None, plan))
        await paint(pilot)
        stream = assert_clean(recorded, "confirm modal")
        assert "\u241b]52;c;ZXZpbA==\u2407" in stream
        app.pop_screen()
        await paint(pilot, 2)

        log = AuditLog(None, clock)
        for kind in ("started", "step"):  # a run left unfinished, with hostile names everywhere
            log.append(AuditRecord(kind, "run-1", T0.isoformat(), ONE, ONE, "us-east-1", "123456789012",
                                   "events.disable-rule", "apply", plan.target_arn, step=ONE,
                                   steps=[s.description for s in steps], result="applied"))
        recorded.clear()
        app.push_screen(AuditScreen(log))
        await paint(pilot)
        stream = assert_clean(recorded, "audit screen")
        assert "\u241b]52;c;ZXZpbA==\u2407" in stream
