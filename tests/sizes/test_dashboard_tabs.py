"""The dashboard on small terminals: every panel on screen shows at least PANEL_MIN_ROWS
rows, or the dashboard shows one panel at a time under a tab strip.

The threshold is computed (screens.dashboard.grid_fits) from the theme's grid and each
panel's chrome; these tests hold it against Textual's real layout at the sizes around it.
"""

from __future__ import annotations

from botocore.exceptions import EndpointConnectionError

from screens.dashboard import PANEL_MIN_ROWS, PANEL_MIN_WIDTH, DashboardScreen, grid_panel_sizes
from tests.app.conftest import clock, estate, make_app, settle  # noqa: F401 - fixtures
from widgets.panel_tabs import PanelTabs


def rows_shown(panel) -> int:
    table = panel.table
    return table.size.height - (table.header_height if table.show_header else 0)


def shown(app) -> list[str]:
    return [panel.spec.id for panel in app.screen.panels if panel.display]


def smallest_height_for_the_grid(screen: DashboardScreen, width: int) -> int:
    return next(h for h in range(10, 200) if screen.grid_fits(width, h))


async def test_every_panel_on_screen_shows_five_rows_at_any_size(make_app):
    """80x24 and 100x30 used to squeeze four panels (Step Functions: 4 rows at 100x30; at 60x20
    ECS showed none); now, whatever the size, each panel drawn shows PANEL_MIN_ROWS rows."""
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, 6)
        for size in ((160, 50), (120, 32), (100, 30), (80, 24), (60, 20), (200, 60)):
            await pilot.resize_terminal(*size)
            await settle(pilot)
            assert shown(app), size
            for panel in app.screen.panels:
                if panel.display:
                    assert rows_shown(panel) >= PANEL_MIN_ROWS, (size, panel.spec.id, rows_shown(panel))


async def test_the_threshold_is_where_the_real_layout_stops_showing_five_rows(make_app):
    """At the smallest size the computation allows the grid, Textual's layout gives every panel
    five rows and PANEL_MIN_WIDTH columns; one row or one column less and it is tabs.
    Re-evaluated on each resize, both ways."""
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, 6)
        screen = app.screen
        assert not screen.tabbed and len(shown(app)) == len(screen.panels) == 5
        width = 2 * PANEL_MIN_WIDTH  # the theme puts two panels side by side on the last row
        height = smallest_height_for_the_grid(screen, width)
        assert 30 <= height <= 36  # "about 120x32" (issue 9), from the grid rather than written down
        await pilot.resize_terminal(width, height)
        await settle(pilot)
        assert not screen.tabbed and len(shown(app)) == 5
        assert min(rows_shown(panel) for panel in screen.panels) == PANEL_MIN_ROWS
        assert min(panel.outer_size.width for panel in screen.panels) == PANEL_MIN_WIDTH
        for smaller in ((width, height - 1), (width - 1, height)):
            await pilot.resize_terminal(*smaller)
            await settle(pilot)
            assert screen.tabbed and len(shown(app)) == 1, smaller
            assert screen.query_one(PanelTabs).display
        await pilot.resize_terminal(160, 50)
        await settle(pilot)
        assert not screen.tabbed and len(shown(app)) == 5 and not screen.query_one(PanelTabs).display


def test_grid_sizes_fill_rows_and_share_height_by_fraction():
    # the theme's grid: 2 columns, rows 2fr 1fr 1fr, Lambda spanning both columns
    sizes = grid_panel_sizes(120, 32, 2, [(2, True), (1, True), (1, True)], [2, 1, 1, 1, 1])
    assert sizes == [(120, 16), (60, 8), (60, 8), (60, 8), (60, 8)]
    # a fixed row keeps its cells; fractions share the rest
    assert grid_panel_sizes(80, 30, 1, [(10, False), (1, True)], [1, 1]) == [(80, 10), (80, 20)]


async def test_number_keys_tab_and_the_palette_choose_the_panel(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 6)
        screen = app.screen
        assert screen.tabbed and shown(app) == ["lambda"] and app.focused is screen.panel("lambda").table
        await pilot.press("2")
        assert shown(app) == ["ecs"] and app.focused is screen.panel("ecs").table
        await pilot.press("tab")
        assert shown(app) == ["stepfunctions"] and screen.current_panel is screen.panel("stepfunctions")
        await pilot.press("shift+tab", "shift+tab", "shift+tab")
        assert shown(app) == ["scheduler"]  # wraps round
        await pilot.press("9")  # no ninth panel: nothing happens
        assert shown(app) == ["scheduler"]
        assert screen.query_one(PanelTabs).current == 4
        go_to_ecs = next(call for name, _, call in screen.palette_commands() if name == "Go to ECS / Fargate")
        go_to_ecs()
        await settle(pilot)
        assert shown(app) == ["ecs"] and app.focused is screen.panel("ecs").table
        await pilot.press("slash", "3")  # a digit typed in the filter is text, not a panel key
        assert shown(app) == ["ecs"] and screen.panel("ecs").query_one(".panel-filter").value == "3"
        await pilot.press("backspace", *"bat", "enter")  # `/` filters the panel shown
        assert screen.panel("ecs").table.row_count == 1
        await pilot.resize_terminal(160, 50)
        await settle(pilot)
        await pilot.press("3")  # the same keys move the focus when every panel shows
        assert len(shown(app)) == 5 and app.focused is screen.panel("stepfunctions").table


async def test_panels_behind_another_tab_have_no_rows_on_screen(make_app):
    """What is on screen is read first (console.aws.budget): a hidden panel's rows are not."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 6)
        app.screen.refresh_ages()
        engine = app.engine
        clusters = app.screen.panel("ecs").spec.source
        assert engine.on_screen("lambda") and not engine.on_screen(clusters)
        await pilot.press("2")
        await settle(pilot)
        assert engine.on_screen(clusters) and not engine.on_screen("lambda")


async def test_a_failing_panel_behind_another_tab_says_so_on_its_tab(make_app, estate):
    estate.failures["stepfunctions"] = EndpointConnectionError(endpoint_url="http://127.0.0.1:1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 6)
        tabs = app.screen.query_one(PanelTabs)
        labels = [tab.label(number) for number, tab in enumerate(tabs.tabs, 1)]
        assert labels == [" 1 Lambda · 3 ", " 2 ECS / Fargate · 2 ", " 3 Step Functions · error ",
                          " 4 EventBridge · 2 ", " 5 EventBridge Scheduler · 1 "]
        assert tabs.tabs[2].state == "error"


async def test_a_click_on_a_tab_shows_its_panel(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 6)
        tabs = app.screen.query_one(PanelTabs)
        line, start, _, index = next(span for span in tabs._spans if span[3] == 3)
        await pilot.click(PanelTabs, offset=(start + 2, line))
        await settle(pilot)
        assert shown(app) == ["events"]


async def test_the_invoke_pickers_show_the_chosen_alias_whole_at_80x24(make_app, monkeypatch):
    """They collapsed to two columns at 80x24: which alias was about to be invoked was hidden."""
    from textual.widgets import Select

    from screens.lambda_.invoke import InvokeScreen
    from tests.app.conftest import function
    from tests.lambda_tui.test_snapshots import answer_invokes

    answer_invokes(monkeypatch)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 6)
        screen = InvokeScreen(function("orders"))
        await app.push_screen(screen)
        await settle(pilot, 4)
        for picker, value in (("#invoke-qualifier", "alias live→3 (90%) 4 (10%)"),
                              ("#invoke-payload-choice", "template · apigw-http-v2")):
            label = screen.query_one(picker, Select).query_one("#label")
            assert str(label.render()) == value
            assert label.content_region.width >= len(value), (picker, label.content_region.width)
