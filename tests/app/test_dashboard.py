"""The dashboard through the whole app: panel states, filter, drill-down, subscriptions.

Data comes from FakeEstate sources on a ManualClock, so a test moves time to make the
pollers run and asserts exactly what each panel says.
"""

from __future__ import annotations

import os
from pathlib import Path

from botocore.exceptions import EndpointConnectionError

from screens.dashboard import DashboardScreen
from screens.detail import DetailScreen
from screens.ecs.services import ServicesScreen
from tests.app.conftest import express_machine, settle
from widgets.panel import ResourcePanel
from widgets.resource_table import ResourceTable

def screenshot_dir(tmp_path: Path) -> Path:
    """OPSDECK_SCREENSHOTS keeps the SVGs for a person to look at; else a temp dir."""
    path = Path(os.environ.get("OPSDECK_SCREENSHOTS") or tmp_path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def title(app, panel_id: str) -> str:
    return str(app.screen.query_one(f"#{panel_id}-panel", ResourcePanel)._border_title.plain)


def names(app, panel_id: str) -> list[str]:
    table = app.screen.query_one(f"#{panel_id}-table", ResourceTable)
    return [table.get_cell(key, "name").plain for key in table.visible_keys]


async def test_dashboard_shows_every_panel_sorted_with_alias_routing(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert title(app, "lambda") == "Lambda · 3"
        assert names(app, "lambda") == ["orders", "payments", "reports"]  # error rate desc
        lam = app.screen.query_one("#lambda-table", ResourceTable)
        orders = lam.visible_keys[0]
        assert lam.get_cell(orders, "error_rate").plain == "12.0%"
        assert lam.get_cell(orders, "routing").plain == "live→3 (90%) 4 (10%)"
        assert lam.get_cell(lam.visible_keys[2], "error_rate").plain == "–"
        assert names(app, "ecs") == ["✗ prod", "batch"]  # a cluster with an unhealthy service first
        ecs = app.screen.query_one("#ecs-table", ResourceTable)
        assert [ecs.get_cell(k, "unhealthy").plain for k in ecs.visible_keys] == ["1", "0"]
        # most failures in the last hour first: the EXPRESS machine, whose executions AWS does not list
        assert names(app, "stepfunctions") == ["order-events", "order-processing"]
        sfn = app.screen.query_one("#stepfunctions-table", ResourceTable)
        express, standard = sfn.visible_keys
        assert [sfn.get_cell(express, c).plain for c in ("type", "started", "failed_1h", "timed_out", "last",
                                                         "running", "failed")] == [
            "EXPRESS", "2,160", "130", "65", "n/a (EXPRESS)", "n/a", "n/a"]
        assert sfn.get_cell(standard, "failed").plain == "2/10"
        ev = app.screen.query_one("#events-table", ResourceTable)
        assert sorted(ev.get_cell(k, "expression").plain for k in ev.visible_keys) == ["rate(5 minutes)", "source=x"]
        app.save_screenshot("dashboard-160x50.svg", str(screenshot_dir(tmp_path)))


async def test_dashboard_fits_100x30(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert title(app, "events") == "EventBridge · 2"
        app.save_screenshot("dashboard-100x30.svg", str(screenshot_dir(tmp_path)))


async def test_panel_states_loading_empty_error_and_stale(make_app, estate, clock):
    estate.items["ecs.clusters"] = ()
    estate.failures["stepfunctions"] = EndpointConnectionError(endpoint_url="http://127.0.0.1:1")
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        assert title(app, "ecs") == "ECS / Fargate · no clusters in us-east-1"
        assert title(app, "stepfunctions") == "Step Functions · error — Cannot reach http://127.0.0.1:1"
        panel = app.screen.query_one("#stepfunctions-panel", ResourcePanel)
        assert panel.has_class("-error")
        notice = str(panel.query_one(".panel-notice").content)
        assert "Cannot reach" in notice and "ctrl+r" in notice  # headline + remedy

        # lambda fails after it had data: data kept, marked stale with its age
        estate.failures["lambda"] = EndpointConnectionError(endpoint_url="http://127.0.0.1:1")
        await clock.advance(10)
        await settle(pilot)
        await clock.advance(32)
        app.refresh_status()
        await settle(pilot)
        assert title(app, "lambda") == "Lambda · stale 42s — Cannot reach http://127.0.0.1:1"
        assert names(app, "lambda") == ["orders", "payments", "reports"]

        # and recovers
        del estate.failures["lambda"]
        await pilot.press("ctrl+r")
        await settle(pilot, 5)
        assert title(app, "lambda") == "Lambda · 3"


async def test_loading_title_before_first_snapshot(make_app, estate):
    app = make_app()
    async with app.run_test(size=(160, 50)):
        # the app's engine exists only after identity; a fresh dashboard has no data yet
        screen = DashboardScreen()
        app.store.reset(app.store.generation + 1)
        await app.push_screen(screen)
        assert str(screen.query_one("#events-panel", ResourcePanel)._border_title.plain) == "EventBridge · loading…"


async def test_filter_narrows_the_focused_panel_and_esc_clears_it(make_app):
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        box = app.screen.query_one("#lambda-panel .panel-filter")
        assert box.display and app.focused is box
        await pilot.press(*"pay")
        assert names(app, "lambda") == ["payments"]
        assert title(app, "lambda") == "Lambda · 1/3"
        await pilot.press("q")  # typed into the filter, does not quit
        assert app.is_running and names(app, "lambda") == []
        await pilot.press("escape")
        assert not box.display
        assert names(app, "lambda") == ["orders", "payments", "reports"]
        assert isinstance(app.focused, ResourceTable)


async def test_tab_moves_between_panels_and_filter_applies_there(make_app):
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        assert app.focused.id == "lambda-table"
        await pilot.press("tab")
        assert app.focused.id == "ecs-table"
        await pilot.press("slash", *"bat", "enter")
        assert names(app, "ecs") == ["batch"] and names(app, "lambda") == ["orders", "payments", "reports"]
        assert app.focused.id == "ecs-table"


async def test_enter_opens_detail_and_hidden_dashboard_stops_polling(make_app, estate, clock):
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        # (a function opens its own detail screen, tested in tests/function_detail; a cluster
        # its services, tests/ecs_tui)
        # an EXPRESS machine has no screen of its own: the generic one
        machines = app.screen.query_one("#stepfunctions-table", ResourceTable)
        machines.focus()
        machines.select_key(express_machine("order-events").key)
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.item.name == "order-events"
        fields = app.screen.query_one("#fields")
        values = {fields.get_row_at(i)[0].plain: fields.get_row_at(i)[1].plain for i in range(fields.row_count)}
        assert values["name"] == "order-events" and values["type"] == "EXPRESS"

        calls = dict(estate.calls)
        await clock.advance(120)
        await settle(pilot)
        # the detail follows its row's source; nothing on screen needs the others: not polled
        assert {name: n for name, n in estate.calls.items() if name != "stepfunctions"} == \
            {name: n for name, n in calls.items() if name != "stepfunctions"}
        assert estate.calls["stepfunctions"] > calls["stepfunctions"]
        detail = app.screen
        await detail.query_one("#detail-title").remove()  # as the app's shutdown does, before its timer stops
        app.refresh_status()  # failed once in CI: NoMatches from the timer's last tick

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.screen.query_one("#stepfunctions-table", ResourceTable).selected_item.name == "order-events"
        assert estate.calls["events"] == calls["events"] + 1  # resubscribed: polled at once


async def test_esc_clears_an_applied_filter_first_and_goes_back_only_then(make_app):
    """A filter applied with enter stays after its box closes: the first esc clears it (the
    footer says so), the next one goes back (here: from a cluster's services to the dashboard)."""
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("tab", "slash", *"bat", "enter")
        assert names(app, "ecs") == ["batch"] and app.focused.id == "ecs-table"
        assert app.screen.active_bindings["escape"].binding.description == "Clear filter"
        await pilot.press("enter")
        assert isinstance(app.screen, ServicesScreen) and app.screen.cluster == "batch"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen) and names(app, "ecs") == ["batch"]  # back, filter kept
        await pilot.press("escape")
        assert names(app, "ecs") == ["✗ prod", "batch"] and isinstance(app.screen, DashboardScreen)
        assert title(app, "ecs") == "ECS / Fargate · 2" and app.focused.id == "ecs-table"
        assert app.screen.active_bindings["escape"].binding.description == "Back"
