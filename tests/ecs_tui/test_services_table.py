"""The services screen's table on a first load of a large cluster: pages of services
arrive below the screen while the rows on it stay as they are, then their health comes.
What each step costs is counted: rows drawn (widgets/resource_table.py `rows_drawn`) and
cells rendered through Rich."""

from __future__ import annotations

from dataclasses import replace

from textual.app import App, ComposeResult

from screens.ecs.services import COLUMNS, service_order
from tests.app.conftest import T0
from tests.ecs_tui import known
from widgets.resource_table import ResourceTable

PAGE = 100
HEALTHY = next(s for s in known.services() if s.health is not None and s.health.state == "HEALTHY")


class TableApp(App):
    def compose(self) -> ComposeResult:
        yield ResourceTable(COLUMNS, sort_key=service_order, id="table")


def page(number: int) -> list:
    """The services of one ListServices page, named in the order they sort (by name while
    their health is unknown), their health not read yet."""
    return [replace(HEALTHY, name=f"svc-{i:04d}", arn=f"{HEALTHY.arn}-{i:04d}", health=None)
            for i in range(number * PAGE, (number + 1) * PAGE)]


async def test_pages_arriving_below_the_screen_render_no_cell_again(monkeypatch):
    app = TableApp()
    async with app.run_test(size=(160, 20)) as pilot:
        rendered: list[int] = []
        render_lines = app.console.render_lines

        def counting(*args, **kwargs):  # every cell DataTable draws goes through Rich here
            rendered.append(1)
            return render_lines(*args, **kwargs)

        monkeypatch.setattr(app.console, "render_lines", counting)
        table = app.query_one(ResourceTable)
        shown = page(0)
        table.update_items(shown, T0)
        await pilot.pause()
        first = len(rendered)
        on_screen = table.keys_in_view()
        # the screen's cells (and the header), each rendered once at most: those that read
        # and look the same (a shared cell, widgets/resource_table.py) once for them all
        assert 0 < first <= (len(on_screen) + 1) * len(COLUMNS)

        for number in range(1, 5):  # four more pages, every row of them below the screen
            shown += page(number)
            table.update_items(shown, T0)
            await pilot.pause()
            assert table.row_count == len(shown) and table.keys_in_view() == on_screen
            assert table.rows_drawn == 0
        assert len(rendered) == first  # not the screen's cells again four times

        table.update_items([replace(s, health=HEALTHY.health) for s in shown], T0)
        await pilot.pause()
        assert table.rows_drawn == len(on_screen)  # their health: the rows on screen drawn again
        assert first < len(rendered) <= 2 * first
        assert table.get_cell(min(on_screen), "health").plain not in ("…", "")


async def test_the_renders_kept_stay_within_two_screens_however_far_the_table_is_scrolled():
    """Renders are kept by place (row, column, look): scrolling through 200 rows renders
    200 rows' places, of which two screens' worth at most are kept."""
    app = TableApp()
    async with app.run_test(size=(160, 20)) as pilot:
        table = app.query_one(ResourceTable)
        table.update_items([s for number in range(5) for s in page(number)], T0)
        await pilot.pause()
        for screen in range(12):  # 12 screens down: 200-odd rows rendered
            table.scroll_to(y=screen * table.size.height, animate=False)
            await pilot.pause()
        assert table.scroll_y > 200
        assert len(table._cell_lines) <= 2 * (table.size.height + 2) * len(COLUMNS)
