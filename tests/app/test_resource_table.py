"""ResourceTable alone: rows diffed in place, cursor kept on its key, hostile text literal."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import timedelta

from textual.app import App, ComposeResult

from screens.lambda_.panel import SPEC as LAMBDA, LambdaRow, join_aliases
from tests.app.conftest import T0, alias, function
from widgets.resource_table import LOOKS_SLACK, Column, ResourceTable


class TableApp(App):
    def __init__(self, columns: tuple[Column, ...] = LAMBDA.columns) -> None:
        super().__init__()
        self.columns = columns

    def compose(self) -> ComposeResult:
        yield ResourceTable(self.columns, sort_key=LAMBDA.sort_key, id="table")


def rows(*functions) -> list[LambdaRow]:
    return [LambdaRow(fn) for fn in functions]


async def test_cursor_follows_its_key_through_a_resort_and_cells_update_in_place():
    app = TableApp()
    async with app.run_test(size=(160, 50)) as pilot:
        table = app.query_one(ResourceTable)
        a, b, c = function("alpha", 100, 0), function("bravo", 100, 5), function("charlie", 100, 10)
        table.update_items(rows(a, b, c), T0)
        assert [k.rsplit(":", 1)[1] for k in table.visible_keys] == ["charlie", "bravo", "alpha"]
        assert table.select_key(a.key)
        assert table.cursor_row == 2
        untouched = table.get_cell(b.key, "name")

        # alpha starts failing: it sorts to the top, and the cursor goes with it
        table.update_items(rows(replace(a, metrics=replace(a.metrics, errors=50)), b, c), T0)
        await pilot.pause()
        assert [k.rsplit(":", 1)[1] for k in table.visible_keys] == ["alpha", "charlie", "bravo"]
        assert table.selected_key == a.key
        assert table.cursor_row == 0
        assert table.get_cell(a.key, "error_rate").plain == "50.0%"
        assert table.get_cell(b.key, "name") is untouched  # unchanged cells are not rebuilt

        # a row goes away and another arrives; the cursor's row is untouched
        d = function("delta", 10, 0)
        table.update_items(rows(replace(a, metrics=replace(a.metrics, errors=50)), c, d), T0)
        await pilot.pause()
        assert b.key not in table.visible_keys and d.key in table.visible_keys
        assert table.row_count == 3
        assert table.selected_key == a.key


async def test_cursor_stays_in_range_when_its_row_disappears():
    app = TableApp()
    async with app.run_test(size=(160, 50)) as pilot:
        table = app.query_one(ResourceTable)
        fns = [function(f"fn-{i}", 100, i) for i in range(5)]
        table.update_items(rows(*fns), T0)
        table.select_key(fns[0].key)  # lowest error rate: last row
        table.update_items(rows(*fns[1:]), T0)
        await pilot.pause()
        assert table.cursor_row == 3
        assert table.selected_key == fns[1].key


async def test_filter_narrows_rows_by_name_and_keeps_the_cursor_key():
    app = TableApp()
    async with app.run_test(size=(160, 50)) as pilot:
        table = app.query_one(ResourceTable)
        fns = [function(n) for n in ("orders-api", "orders-worker", "payments")]
        table.update_items(rows(*fns), T0)
        table.select_key(fns[1].key)
        table.set_filter("ORDERS")
        await pilot.pause()
        assert set(table.visible_keys) == {fns[0].key, fns[1].key}
        assert table.selected_key == fns[1].key
        table.set_filter("")
        assert table.row_count == 3 and table.selected_key == fns[1].key


async def test_a_table_refreshed_for_hours_holds_only_the_renders_of_what_is_on_screen():
    """Each refresh re-renders the rows on screen; the renders of earlier refreshes are
    never drawn again and must not pile up (make bench's soak: 2.5 MB a minute)."""
    app = TableApp()
    async with app.run_test(size=(160, 20)) as pilot:
        table = app.query_one(ResourceTable)
        fns = [function(f"fn-{i:03d}", 100, i % 7) for i in range(200)]
        for refresh in range(40):  # every refresh changes every row's error count
            table.update_items(rows(*(replace(f, metrics=replace(f.metrics, errors=refresh + i % 7))
                                      for i, f in enumerate(fns))), T0)
            await pilot.pause()
        on_screen = table.size.height * len(table.columns)
        assert len(table._cell_render_cache) <= 2 * on_screen  # what one screen renders, not 40
        assert len(table._line_cache) <= 2 * table.size.height


def counted(columns: tuple[Column, ...], drawn: Counter) -> tuple[Column, ...]:
    """The columns, counting each row drawn: ("ages" or "cells", its key)."""
    def counting(column: Column) -> Column:
        def cell(row, now):
            drawn[("ages" if column.ages else "cells", row.key)] += 1
            return column.cell(row, now)
        return replace(column, cell=cell)

    return tuple(counting(column) for column in columns)


async def test_a_table_left_open_holds_the_renders_of_its_screen_however_often_its_cells_change():
    """The cells on screen take new values (ages, counts) while the table stays where it
    is: their renders by value were kept for ever (make bench's soak: RSS still growing
    after its seventh minute, 36 renders a minute on the Step Functions panel alone)."""
    app = TableApp()
    async with app.run_test(size=(160, 20)) as pilot:
        table = app.query_one(ResourceTable)
        fns = [function(f"fn-{i:03d}", 100, i % 7) for i in range(30)]
        for refresh in range(30):  # every cell on screen a count of its own, new each refresh
            table.update_items(rows(*(replace(f, metrics=replace(f.metrics, errors=1000 * refresh + i))
                                      for i, f in enumerate(fns))), T0)
            await pilot.pause()
        assert len(table._cell_looks) <= len(table._cell_lines) + LOOKS_SLACK  # what is on screen, and a few


async def test_a_refresh_that_moves_three_aliases_of_2000_functions_draws_at_most_three_rows():
    """A sweep's publish costs the rows it changed, not the estate: the join keeps the rows
    it had, the table draws those of the changed rows that are on screen, and the ages of
    what is on screen; a changed row off screen is drawn when it scrolls into view."""
    drawn: Counter = Counter()
    app = TableApp(counted(LAMBDA.columns, drawn))
    async with app.run_test(size=(160, 50)) as pilot:
        table = app.query_one(ResourceTable)
        functions = tuple(function(f"fn-{i:04d}", 100, i % 7) for i in range(2008))
        aliases = tuple(alias(fn.name, "3") for fn in functions)
        first = join_aliases(functions, aliases)
        table.update_items(first, T0)
        await pilot.pause()
        drawn.clear()

        top, middle, last = (table.visible_keys[i] for i in (0, 1000, -1))
        moved = {key.rsplit(":", 1)[1] for key in (top, middle, last)}
        aliases = tuple(alias(a.function_name, "4") if a.function_name in moved else a for a in aliases)
        again = join_aliases(functions, aliases, previous={row.key: row for row in first})
        assert {row.name for old, row in zip(first, again) if row is not old} == moved
        table.update_items(again, T0 + timedelta(seconds=10))
        await pilot.pause()
        on_screen = table.keys_in_view()
        assert top in on_screen and middle not in on_screen and last not in on_screen
        assert {key for kind, key in drawn if kind == "cells"} == {top}
        assert len(on_screen) < 50 and {key for kind, key in drawn if kind == "ages"} <= on_screen
        assert table.rows_drawn == 1
        assert table.get_cell(top, "routing").plain == "live→4" and table.get_cell(top, "modified").plain == "10s"

        await pilot.press("end")  # scrolled into view: drawn as it is now
        await pilot.pause()
        assert last in table.keys_in_view()
        # since the update: the top row drawn again; the rows at the end, never in view
        # before, built as they are now
        assert table.rows_drawn == 1 and table.rows_built >= len(table.keys_in_view())
        assert table.get_cell(last, "routing").plain == "live→4" and table.get_cell(last, "modified").plain == "10s"
        await pilot.press("home")
        await pilot.pause()
        table.update_items(again, T0 + timedelta(seconds=70))
        assert table.get_cell(top, "modified").plain == "1m" and table.rows_drawn == 0
        assert table.visible_keys == [row.key for row in sorted(again, key=LAMBDA.sort_key)]
        table.select_key(middle)  # the cursor brings it into view
        await pilot.pause()
        assert table.get_cell(middle, "routing").plain == "live→4" and table.get_cell(middle, "modified").plain == "1m"


async def test_a_first_load_builds_the_cells_of_the_rows_in_view_only():
    """2,000 rows added at once: every row's first cell (its name, which ranks it), the
    other cells of the rows on screen only; the others' are built when they come into
    view (or are asked for), their columns widened to them then."""
    built: Counter = Counter()

    def counting(column: Column) -> Column:
        def cell(row, now):
            built[column.key] += 1
            return column.cell(row, now)
        return replace(column, cell=cell)

    app = TableApp(tuple(counting(column) for column in LAMBDA.columns))
    async with app.run_test(size=(160, 50)) as pilot:
        table = app.query_one(ResourceTable)
        functions = [function(f"fn-{i:04d}", 100, 0) for i in range(1999)]
        functions.append(function("zz-the-last-function-with-a-name-far-longer-than-the-rest", 100, 0))
        table.update_items(rows(*functions), T0)
        await pilot.pause()
        first, *others = (column.key for column in LAMBDA.columns)
        on_screen = len(table.keys_in_view())
        assert table.row_count == 2000 and 0 < on_screen < 50
        assert built[first] >= 2000
        assert all(on_screen <= built[key] <= on_screen + 1 for key in others)  # + the row a scroll rounds to
        assert table.columns[first].content_width == len(functions[-1].name)  # names: every row's

        built.clear()
        last = table.visible_keys[-1]
        assert table.get_cell(last, others[0]).plain != ""  # asked for: built then
        await pilot.press("end")
        await pilot.pause()
        assert last in table.keys_in_view()
        assert all(on_screen - 1 <= built[key] <= on_screen + 2 for key in others)
        assert [cell.plain for cell in table.get_row(last)] == [
            cell.plain for cell in (column.cell(rows(functions[-1])[0], T0) for column in LAMBDA.columns)]


async def test_rows_moving_down_the_screen_render_no_cell_again_and_a_click_finds_its_row():
    """A first load re-sorts as rows arrive: a row sorted in at the top moves every row on
    screen down one. Their cells are the same objects, so none is rendered through Rich
    again, only the new row's; each names its new row for the mouse (a click selects it)."""
    app = TableApp()
    async with app.run_test(size=(160, 30)) as pilot:
        table = app.query_one(ResourceTable)
        functions = [function(f"fn-{i:04d}", 100, 0) for i in range(1, 41)]
        table.update_items(rows(*functions), T0)
        await pilot.pause()
        before = table.cells_rendered
        assert before > 0

        table.update_items(rows(function("fn-0000", 100, 0), *functions), T0)  # sorts first
        await pilot.pause()
        assert names_of(table)[:2] == ["fn-0000", "fn-0001"]
        assert table.cells_rendered - before <= len(LAMBDA.columns)  # the new row's, at most

        await pilot.click(ResourceTable, offset=(2, table.header_height + 5))
        await pilot.pause()
        assert table.cursor_row == 5 and names_of(table)[5] == "fn-0005"
        assert table.selected_key == table.visible_keys[5]


async def test_cells_that_read_and_look_the_same_are_held_once():
    """2,000 functions repeat their runtime and memory and, idle, every figure: one Text
    each (a cell is ~300 bytes), while a cell that looks different (a tone) stays its own."""
    app = TableApp()
    async with app.run_test(size=(160, 50)) as pilot:
        table = app.query_one(ResourceTable)
        idle = [function(f"fn-{i:04d}", 0, 0) for i in range(2000)]
        failing = function("failing", 100, 7)
        table.update_items(rows(*idle, failing), T0)
        await pilot.pause()
        keys = [fn.key for fn in idle]
        for column in ("runtime", "memory", "errors", "invocations", "modified"):
            assert len({id(table.get_cell(key, column)) for key in keys}) == 1, column
        assert len({id(table.get_cell(key, "name")) for key in keys}) == 2000  # ranks its row
        assert table.get_cell(failing.key, "runtime") is table.get_cell(keys[0], "runtime")
        assert table.get_cell(failing.key, "errors").plain == "7" and table.get_cell(keys[0], "errors").plain == "0"
        toned, plain = table.get_cell(failing.key, "error_rate"), table.get_cell(keys[0], "error_rate")
        assert toned.spans and not plain.spans  # the error tone: a look of its own


HOSTILE = ["[/]", "\x1b]52;c;AAAA\x07", "[bold]x", "\x9b31m", "tab\there"]


async def test_hostile_names_render_literally():
    app = TableApp()
    async with app.run_test(size=(160, 50)) as pilot:
        table = app.query_one(ResourceTable)
        fns = [function(name) for name in HOSTILE]
        table.update_items(rows(*fns), T0)
        await pilot.pause()
        names = {table.get_cell(fn.key, "name").plain for fn in fns}
        assert names == {"[/]", "␛]52;c;AAAA␇", "[bold]x", "<9B>31m", "tab    here"}
        screen = app.export_screenshot()
        assert "\x1b" not in screen and "\x07" not in screen
        assert "[/]" in screen and "[bold]x" in screen
        # and updating hostile rows (diff path) does not crash either
        table.update_items(rows(*[replace(fn, memory_mb=512) for fn in fns]), T0)
        await pilot.pause()
        assert table.get_cell(fns[0].key, "memory").plain == "512"


async def test_columns_fit_the_widest_cell_after_a_bulk_fill_and_a_late_row():
    """Rows added many at once (and one at a time later) widen their columns to the
    widest cell, the table scrolls over all of them, and the cursor starts on row 0."""
    app = TableApp()
    async with app.run_test(size=(160, 50)) as pilot:
        table = app.query_one(ResourceTable)
        fns = [function(f"function-{i:04d}", 100, 0) for i in range(300)]
        table.update_items(rows(*fns), T0)
        await pilot.pause()
        assert table.row_count == 300 and table.cursor_row == 0
        assert table.selected_key == fns[0].key
        assert table.columns["name"].content_width == len("function-0000")
        assert table.virtual_size.height == 300 + table.header_height

        long_name = "a-function-with-a-rather-long-name-indeed"
        table.update_items(rows(*fns, function(long_name, 100, 0)), T0)
        await pilot.pause()
        assert table.columns["name"].content_width == len(long_name)
        widths = sum(column.get_render_width(table) for column in table.columns.values())
        assert table.virtual_size == (widths, 301 + table.header_height)


def names_of(table: ResourceTable) -> list[str]:
    return [key.rsplit(":", 1)[1] for key in table.visible_keys]


async def test_cursor_stays_on_the_first_row_through_resorts_until_the_user_moves_it():
    """A first load lists names before figures (all sort alike: by name), then re-sorts
    as the figures arrive: the cursor stays on row 1, the worst, not on whichever row
    it started on. Once the user moves it, it follows its resource."""
    app = TableApp()
    async with app.run_test(size=(160, 50)) as pilot:
        table = app.query_one(ResourceTable)
        await pilot.pause()
        a, b, c = function("alpha", 100, 0), function("bravo", 100, 5), function("charlie", 100, 10)
        table.update_items(rows(*(replace(fn, metrics=None) for fn in (a, b, c))), T0)
        await pilot.pause()
        assert names_of(table) == ["alpha", "bravo", "charlie"] and table.selected_key == a.key
        table.update_items(rows(a, b, c), T0)
        await pilot.pause()
        assert names_of(table) == ["charlie", "bravo", "alpha"]
        assert table.selected_key == c.key  # the worst, row 1

        table.focus()
        await pilot.press("j")  # the user picks bravo
        assert table.selected_key == b.key
        table.update_items(rows(replace(a, metrics=replace(a.metrics, errors=50)), b, c), T0)
        await pilot.pause()
        assert names_of(table) == ["alpha", "charlie", "bravo"]
        assert table.selected_key == b.key and table.cursor_row == 2


async def test_a_short_table_stays_scrolled_to_its_first_row_through_a_resort():
    """A panel a few rows high (80x24): a re-sort that moves the first-loaded row down must
    not scroll the new first row out of view."""
    app = TableApp()
    async with app.run_test(size=(80, 6)) as pilot:
        table = app.query_one(ResourceTable)
        fns = [function(f"fn-{i:02d}", 100, 0) for i in range(20)]
        table.update_items(rows(*(replace(fn, metrics=None) for fn in fns)), T0)
        await pilot.pause()
        failing = replace(fns[0], name="fn-00", metrics=replace(fns[0].metrics, errors=1))
        healthy = [replace(fn, metrics=replace(fn.metrics, errors=50 - i)) for i, fn in enumerate(fns[1:])]
        table.update_items(rows(*healthy, failing), T0)  # fn-00 (first by name) sorts last
        await pilot.pause()
        await pilot.pause()
        assert names_of(table)[0] == "fn-01" and table.selected_key == healthy[0].key
        assert table.scroll_y == 0


async def test_k9s_keys_move_the_row_cursor():
    app = TableApp()
    async with app.run_test(size=(160, 50)) as pilot:
        table = app.query_one(ResourceTable)
        table.update_items(rows(*(function(f"fn-{i}", 100, i) for i in range(5))), T0)
        table.focus()
        await pilot.pause()
        for key, row in (("j", 1), ("j", 2), ("k", 1), ("G", 4), ("g", 0), ("end", 4), ("home", 0), ("down", 1)):
            await pilot.press(key)
            assert table.cursor_row == row, key
