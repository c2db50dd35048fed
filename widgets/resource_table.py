"""A DataTable keyed by resource, configured by column specs.

Why not just `clear()` and re-add: a refresh every few seconds must not move the
cursor, lose the scroll position or flicker. Rows are keyed by the resource's key
(its ARN); each update diffs cells in place, adds new rows, removes gone ones and
re-sorts only when the order changed, and the cursor stays on its resource KEY. An update
draws only what is on screen: the rows there whose item changed (an equal item's row is
left as it is) and their ages; a changed row off screen is drawn when it scrolls into
view. A sweep that changes three rows of 2,000 costs at most three rows. A row added off
screen holds only its first cell (the name: it ranks the row) until it first scrolls into
view: a first load of 1,500 rows builds a screenful of rows' cells, not 1,500 rows' (their
columns widen to them then, as for a cell that grows).

Until the user moves the cursor it stays on the first row instead: a panel's sort puts
what is worst first, and a first load re-sorts as figures arrive (names first, metrics
later), so following the row the cursor happened to start on would leave it on the
alphabetically first resource. Keys are k9s's: j/k, g/G and Home/End move the cursor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from typing import Any, Callable, Iterable, Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.geometry import Size
from textual.render import measure
from textual.widgets import DataTable
from textual.widgets._data_table import Row
from textual.widgets.data_table import ColumnKey, DuplicateKey, RowKey

Cell = Callable[[Any, datetime], Text]

POOL_PER_ROW = 2  # distinct shared cells kept per row at most (ResourceTable._shared)
LOOKS_SLACK = 64  # renders by value kept beyond those placed, before the rest are dropped
NOT_BUILT = Text("")  # the cells of a row not in view yet, after its first (ResourceTable._fill)

Tone = Callable[[Any], "str | None"]


@dataclass(frozen=True)
class Column:
    """One column: its key, its label, how to render an item's cell and, optionally,
    a semantic tone for it ("error", "warning", "success") that the theme colours.
    `ages`: the cell depends on `now` (an age), not only on the item, so it is drawn
    again on every update even when its item has not changed."""

    key: str
    label: str
    cell: Cell
    tone: Tone | None = None
    ages: bool = False


class ResourceTable(DataTable, inherit_bindings=False):
    """Rows of resources; `update_items` diffs, `filter_text` narrows by name."""

    help_title = "Rows"  # how `?` help heads these keys
    # Its own keys, not DataTable's: k9s's, and in words `?` help can show.
    BINDINGS = [
        Binding("enter", "select_cursor", "Open", id="table.open", show=False),
        Binding("down,j", "cursor_down", "Next row", id="table.down", show=False),
        Binding("up,k", "cursor_up", "Previous row", id="table.up", show=False),
        Binding("home,g,ctrl+home", "scroll_top", "First row", id="table.first", show=False),
        Binding("end,G,ctrl+end", "scroll_bottom", "Last row", id="table.last", show=False),
        Binding("pagedown", "page_down", "Page down", id="table.page-down", show=False),
        Binding("pageup", "page_up", "Page up", id="table.page-up", show=False),
        Binding("right", "cursor_right", "Scroll right", id="table.right", show=False),
        Binding("left", "cursor_left", "Scroll left", id="table.left", show=False),
    ]

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        sort_key: Callable[[Any], Any],
        name_of: Callable[[Any], str] = attrgetter("name"),
        key_of: Callable[[Any], str] = attrgetter("key"),
        **kwargs: Any,
    ) -> None:
        super().__init__(cursor_type="row", **kwargs)
        self.specs = tuple(columns)
        self.sort_key = sort_key
        self.name_of = name_of
        self.key_of = key_of
        self.filter_text = ""
        self._items: dict[str, Any] = {}
        self._shown: dict[str, tuple[Text, ...]] = {}  # the cells each visible row holds
        self._drawn: dict[str, Any] = {}  # the item each visible row's cells were drawn from
        self._aged: dict[str, datetime] = {}  # the `now` each visible row's ages were drawn at
        self._stale: set[str] = set()  # rows off screen whose item changed since they were drawn
        self._unbuilt: set[str] = set()  # rows added off screen: their first cell only, so far (_fill)
        self._pool: dict[tuple, Text] = {}  # shared cells, by how they read and look (_shared)
        self._cell_lines: dict[tuple, tuple[Any, Any]] = {}  # rendered cells by place and look, two screens' worth
        self._cell_looks: dict[tuple, tuple[Any, Any]] = {}  # the same by cell and look, wherever they are
        self._order: list[str] = []  # the visible rows' keys in display order, as last drawn
        self._ranks: dict[str, tuple[Any, Any]] = {}  # key -> (item, its sort key)
        self._aging = tuple(i for i, spec in enumerate(self.specs) if spec.ages)
        self._now: datetime | None = None
        self.rows_drawn = 0  # rows drawn again since the last update began (their item changed)
        self.rows_built = 0  # rows whose cells were built on coming into view, since then
        self.cells_rendered = 0  # cells rendered through Rich (_render_cell), ever
        self.cells_placed = 0  # cells drawn from a render kept at another place, ever
        self.ages_drawn = 0  # rows whose ages alone were drawn again since then
        self.user_moved = False  # until True, the cursor stays on the first row (module docstring)
        self._syncing = False
        for spec in self.specs:
            self.add_column(spec.label, key=spec.key)

    # reading ------------------------------------------------------------------
    @property
    def items(self) -> list[Any]:
        """Every item, including those the filter hides."""
        return list(self._items.values())

    @property
    def visible_keys(self) -> list[str]:
        """Row keys in display order."""
        return [row.key.value for row in self.ordered_rows]

    def keys_in_view(self) -> frozenset[str]:
        """Keys of the rows the table shows on screen now (what sweeps refresh first);
        none while the table is hidden."""
        if not self.display or not self.row_count:
            return frozenset()
        return frozenset(self._keys_on_screen())

    @property
    def selected_key(self) -> str | None:
        if not 0 <= self.cursor_row < self.row_count:
            return None
        return self.ordered_rows[self.cursor_row].key.value

    @property
    def selected_item(self) -> Any | None:
        key = self.selected_key
        return None if key is None else self._items.get(key)

    def get_cell(self, row_key: RowKey | str, column_key: ColumnKey | str) -> Any:
        """DataTable's, with the row's cells built if it has not been in view yet."""
        self._build_if_unbuilt(row_key)
        return super().get_cell(row_key, column_key)

    def get_row(self, row_key: RowKey | str) -> list[Any]:
        self._build_if_unbuilt(row_key)
        return super().get_row(row_key)

    def _build_if_unbuilt(self, row_key: RowKey | str) -> None:
        key = row_key.value if isinstance(row_key, RowKey) else row_key
        if key in self._unbuilt:
            self._fill([key])

    def select_key(self, key: str) -> bool:
        """Move the cursor to the row of `key`; False if it is not shown."""
        if key not in self._shown:
            return False
        if not self._syncing:
            self.user_moved = True
        self.move_cursor(row=self.get_row_index(key), animate=False)
        return True

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        super().watch_cursor_coordinate(old, new)
        if old != new and not self._syncing:  # a key, a click or select_key: the user's choice
            self.user_moved = True

    # writing ------------------------------------------------------------------
    def update_items(self, items: Iterable[Any], now: datetime) -> None:
        """Show exactly `items` (minus the filtered-out ones), keeping the cursor's row."""
        self._items = {self.key_of(item): item for item in items}
        for gone in self._ranks.keys() - self._items.keys():
            del self._ranks[gone]
        self._now = now
        self._sync()

    def set_filter(self, text: str) -> None:
        """Show only rows whose name contains `text` (case-insensitive)."""
        self.filter_text = text
        if self._now is not None:
            self._sync()

    def _visible(self) -> list[Any]:
        needle = self.filter_text.casefold()
        rows: Iterable[Any] = self._items.values()
        if needle:
            rows = [item for item in rows if needle in self.name_of(item).casefold()]
        return sorted(rows, key=self._rank)

    def _rank(self, item: Any) -> Any:
        """The item's sort key, computed again only when its item is another object."""
        key = self.key_of(item)
        known = self._ranks.get(key)
        if known is not None and known[0] is item:
            return known[1]
        rank = self.sort_key(item)
        self._ranks[key] = (item, rank)
        return rank

    def _sync(self) -> None:
        self._syncing = True
        try:
            self._sync_rows()
        finally:
            self._syncing = False

    def _sync_rows(self) -> None:
        """Draw only what is on screen: the rows there whose item changed, and their ages
        (`Column.ages`). A row off screen whose item changed is drawn when it scrolls into
        view: a refresh of 2,000 rows costs a screenful of rows, not 2,000 rows' cells
        (a source may bring every item anew, as figures read once a minute do)."""
        now = self._now
        assert now is not None
        updates = self._update_count
        self.rows_drawn = self.ages_drawn = self.rows_built = 0
        keep, index = self.selected_key, self.cursor_row
        visible = self._visible()
        order = [self.key_of(item) for item in visible]
        wanted = set(order)
        for key in [key for key in self._shown if key not in wanted]:
            self.remove_row(key)
            del self._shown[key]
            self._drawn.pop(key, None)
            self._aged.pop(key, None)
            self._stale.discard(key)
            self._unbuilt.discard(key)
        added: list[tuple[str, tuple[Text, ...]]] = []
        unbuilt = (NOT_BUILT,) * (len(self.specs) - 1)
        for key, item in zip(order, visible):
            if key not in self._shown:
                cells = (self._cell(0, item), *unbuilt)  # the rest when it comes into view (_fill)
                added.append((key, cells))
                self._shown[key], self._drawn[key], self._aged[key] = cells, item, now
                self._unbuilt.add(key)
            elif key not in self._stale and key not in self._unbuilt:
                drawn = self._drawn[key]
                if drawn is item or drawn == item:
                    self._drawn[key] = item  # the same object next time: compared by identity
                else:
                    self._stale.add(key)
        self._add_rows(added)
        moved = order != self._order
        if moved:
            self._reorder(order)
        self._order = order
        if not self.user_moved:
            if self.row_count and (moved or added or self.cursor_row != 0):
                self.move_cursor(row=0, animate=False)  # and scrolled back to it
        elif keep is not None and keep in wanted:
            self.select_key(keep)
        elif self.row_count:
            self.move_cursor(row=min(max(index, 0), self.row_count - 1), animate=False)
        self._draw_in_view()
        if self._update_count != updates:
            self._forget_renders()

    def _draw_in_view(self) -> None:
        """The rows on screen as their items are now, and their ages as of the last update."""
        now = self._now
        if now is None:
            return
        on_screen = self._keys_on_screen()
        # one row more: DataTable scrolls by whole rows, rounding a scroll this takes down
        self._fill([key for key in self._order[self._first_on_screen():][:len(on_screen) + 1] if key in self._unbuilt])
        for key in on_screen:
            if key in self._stale:
                self._stale.discard(key)
                self._draw(key, self._items[key], range(len(self.specs)))
                self.rows_drawn += 1
            elif self._aging and self._aged.get(key, now) != now:
                self._draw(key, self._drawn[key], self._aging)
                self.ages_drawn += 1

    def _draw(self, key: str, item: Any, columns: Iterable[int]) -> None:
        """Draw the row's cells at `columns` again; hand DataTable those that differ."""
        cells = list(self._shown[key])
        for i in columns:
            spec, was = self.specs[i], cells[i]
            new = self._cell(i, item)
            if not _same(new, was):
                # Widen a column when a cell outgrows it, but never ask DataTable to
                # re-fit: for a narrower cell it re-measures the whole column, which
                # made a 2,000-row refresh quadratic (measured: most of the UI's time).
                wider = new.cell_len > self.columns[spec.key].content_width
                self.update_cell(key, spec.key, new, update_width=wider)
                cells[i] = new
        self._shown[key] = tuple(cells)
        self._drawn[key] = item
        self._aged[key] = self._now

    def _fill(self, keys: list[str]) -> None:
        """Build the cells of rows added while off screen (`_unbuilt`), as their items are
        now, widening the columns they outgrow; one update of the table for them all."""
        if not keys:
            return
        widened = False
        columns = [self.columns[spec.key] for spec in self.specs]
        for key in keys:
            self._unbuilt.discard(key)
            self._stale.discard(key)
            item = self._items[key]
            cells = tuple(self._cell(i, item) for i in range(len(self.specs)))
            self._data[RowKey(key)] = {column.key: cell for column, cell in zip(columns, cells)}
            for column, cell in zip(columns, cells):
                if cell.cell_len > column.content_width:
                    column.content_width = cell.cell_len
                    widened = True
            self._shown[key], self._drawn[key], self._aged[key] = cells, item, self._now
        self.rows_built += len(keys)
        self._update_count += 1
        if widened:
            self._require_update_dimensions = True  # the virtual width (_update_dimensions)
        self.refresh()

    def _first_on_screen(self) -> int:
        return int(self.scroll_y)

    def _keys_on_screen(self) -> list[str]:
        header = self.header_height if self.show_header else 0
        first = self._first_on_screen()
        height = max(1, self.size.height - header) if self.size.height else 20
        return self._order[first:first + height]

    def _reveal(self) -> None:
        """Rows that came on screen (a scroll, a taller table): drawn as they are now."""
        if self._syncing:
            return  # the update draws what is on screen when it is done
        updates = self._update_count
        self._draw_in_view()
        if self._update_count != updates:
            self._forget_renders()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._reveal()

    def on_resize(self) -> None:
        self._reveal()

    def _forget_renders(self) -> None:
        """DataTable keys its render caches by its update count, so every update leaves the
        rendered cells before it unreachable, yet held until 10,000 of them (per table)
        push them out: a console left open grew by 2.5 MB a minute (make bench's soak)
        until they filled. Dropping them when the count moves keeps a table's memory at
        what is on screen (textual 8.2.8's DataTable._clear_caches). The cells rendered
        (`_render_cell`) stay: held by identity, they are as good as ever."""
        super()._clear_caches()

    def _clear_caches(self) -> None:
        """DataTable's (a style, a padding, the cursor shown or not): the cells' renders too."""
        super()._clear_caches()
        self._cell_lines.clear()
        self._cell_looks.clear()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cell_lines.clear()
        self._cell_looks.clear()

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False) -> Any:
        """DataTable's render of a cell, kept across updates while the cell is the same
        object in the same look and width, wherever it is. DataTable keys its own by its
        update count, which every row added moves: a page of rows arriving below the
        screen made every cell on screen render again through Rich (most of a first
        load's CPU); and by place, so rows moving down the screen as a first load re-sorts
        rendered again too. The one thing a place changes is the row and column every
        segment names for the mouse (Style meta): put right on a render kept from another
        place. Cells are never changed in place (widgets.cells), so identity is sameness;
        a cell shared by many rows (ResourceTable._shared) is rendered once."""
        if column_index < 0:  # row labels (none here): DataTable's own
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        if row_index < 0:  # the header
            value = self.columns[self._column_locations.get_key(column_index)].label
        else:
            value = self._data.get(self._row_locations.get_key(row_index), {}).get(
                self._column_locations.get_key(column_index))
        look = (base_style, width, cursor, hover, self._show_hover_cursor, self.show_cursor, self._pseudo_class_state)
        at = (row_index, column_index, *look)
        known = self._cell_lines.get(at)
        if known is not None and known[0] is value:
            return known[1]
        if len(self._cell_lines) >= 2 * (max(self.size.height, 20) + 2) * len(self.columns):
            self._cell_lines.clear()  # two screens of cells at most: scrolled through, 2,000 rows' worth
            self._cell_looks.clear()
        elif len(self._cell_looks) > len(self._cell_lines) + LOOKS_SLACK:
            self._keep_placed_looks()
        same = self._cell_looks.get((id(value), *look))
        if same is not None and same[0] is value:
            lines = _placed(same[1], row_index, column_index)
            self.cells_placed += 1
        else:
            lines = super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
            self._cell_looks[(id(value), *look)] = (value, lines)
            self.cells_rendered += 1
        self._cell_lines[at] = (value, lines)
        return lines

    def _keep_placed_looks(self) -> None:
        """Keep the renders by value of the cells placed now only. A table left where it is
        never fills its renders by place, while every value its cells take (an age, a
        count) adds a render by value, held for ever (the Step Functions panel: 36 a
        minute, make bench's soak still growing after its seventh minute)."""
        self._cell_looks = {(id(value), *at[2:]): (value, lines) for at, (value, lines) in self._cell_lines.items()}

    def _reorder(self, order: list[str]) -> None:
        # DataTable.sort hands the key function cell values, not row keys: rank rows by
        # the identity of their first cell, which is unique per row (and built for every row).
        first = self.specs[0].key
        rank = {id(self._shown[key][0]): position for position, key in enumerate(order)}
        self.sort(first, key=lambda cell: rank[id(cell)])

    def _add_rows(self, rows: list[tuple[str, tuple[Text, ...]]]) -> None:
        """DataTable.add_row, once for many rows: add_row re-sets the cursor (running its
        watchers) and re-checks idleness per row, a third of a 2,000-row first fill."""
        if len(rows) < 2:
            for key, cells in rows:
                self.add_row(*cells, key=key)
            return
        columns = self.ordered_columns
        was_empty = self.row_count == 0
        for key, cells in rows:
            row_key = RowKey(key)
            if row_key in self._row_locations:
                raise DuplicateKey(f"The row key {row_key!r} already exists.")
            self._row_locations[row_key] = self.row_count
            self._data[row_key] = dict(zip((column.key for column in columns), cells))
            self.rows[row_key] = Row(row_key, 1)
            self._new_rows.add(row_key)
        self._require_update_dimensions = True
        self.cursor_coordinate = self.cursor_coordinate
        if was_empty and self.columns and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()
        self._update_count += 1
        self.check_idle()

    def _update_dimensions(self, new_rows: Iterable[Any]) -> None:
        """Widen columns for new rows: DataTable measures every new cell through Rich's
        console (a terminal-size syscall per cell: 0.7 s for 2,000 rows); every cell here
        is one line of Text, whose width is its cell_len. Rows are one line high."""
        columns = self.ordered_columns
        for row_key in new_rows:
            row = self._data.get(row_key)
            if row is None:  # removed before the table went idle
                continue
            for column in columns:
                cell = row.get(column.key)
                width = cell.cell_len if isinstance(cell, Text) else measure(self.app.console, cell, 1)
                if width > column.content_width:
                    column.content_width = width
        header_height = self.header_height if self.show_header else 0
        width = sum(column.get_render_width(self) for column in self.columns.values())
        self.virtual_size = Size(width + self._row_label_column_width, self._total_row_height + header_height)

    def _cell(self, index: int, item: Any) -> Text:
        spec = self.specs[index]
        cell = spec.cell(item, self._now)
        tone = spec.tone(item) if spec.tone else None
        if tone:
            cell = cell.copy()
            cell.stylize(self._tone_style(tone))
        return cell if index == 0 else self._shared(cell)

    def _shared(self, cell: Text) -> Text:
        """One Text for every cell that reads and looks the same: 2,000 resources repeat
        their configuration and, idle, every figure; a cell is ~300 bytes and a row may
        hold 16. Cells are never changed in place (widgets.cells). Not the first
        column's, whose identity ranks its row (`_reorder`); the pool is emptied when it
        holds more than the table could share."""
        look = (cell.plain, cell.style, cell.justify, cell.overflow, cell.no_wrap, cell.end, tuple(cell.spans))
        shared = self._pool.get(look)
        if shared is None:
            if len(self._pool) >= POOL_PER_ROW * max(64, len(self._shown)):
                self._pool.clear()
            shared = self._pool[look] = cell
        return shared

    def _tone_style(self, tone: str) -> str:
        """The theme's colour for a semantic tone ($error, $warning, $success...)."""
        try:
            return self.app.theme_variables.get(tone, "")
        except Exception:  # not mounted yet: no theme to ask
            return ""


def _placed(lines: list[list[Segment]], row_index: int, column_index: int) -> list[list[Segment]]:
    """A cell's render at another place: each segment names its row and column (DataTable
    reads them back from a click or the mouse), nothing else in it depends on the place."""
    meta = Style.from_meta({"row": row_index, "column": column_index})
    return [[Segment(text, meta if style is None else style + meta, control) for text, style, control in line]
            for line in lines]


def _same(a: Text, b: Text) -> bool:
    return a.plain == b.plain and a.style == b.style and a.spans == b.spans and a.justify == b.justify
