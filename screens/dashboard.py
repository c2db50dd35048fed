"""The home screen: every service's panel at a glance.

The panels come from the service registry (screens.registry); each owns its columns,
its keys and its detail screens (screens/<service>/panel.py). This screen only lays
them out, routes snapshots to the panels that draw them, and forwards `/` and `enter`
to the focused panel. It names no service.

Below the size where every panel shows PANEL_MIN_ROWS rows (worked out from the grid the
theme lays out and each panel's chrome, again on every resize), it shows one panel at a
time under a tab strip instead of shrinking them all: the number keys choose a panel,
tab and shift+tab step through them, in either layout.
"""

from __future__ import annotations

from typing import Sequence

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.css.scalar import Unit
from textual.widget import Widget
from textual.widgets import DataTable

from console.polling import Snapshot
from screens.base import SourceScreen
from screens.panel import ServicePanel
from widgets.footer import Footer
from widgets.panel_tabs import PanelTabs, Tab
from widgets.resource_table import ResourceTable
from widgets.status_bar import StatusBar

PANEL_MIN_ROWS = 5  # fewer and a panel no longer shows what is failing: one panel at a time instead
PANEL_MIN_WIDTH = 60  # the name column and the figures that rank the rows
MAX_PANEL_KEYS = 9  # number keys 1-9


def grid_panel_sizes(width: int, height: int, columns: int, rows: Sequence[tuple[float, bool]],
                     spans: Sequence[int]) -> list[tuple[int, int]]:
    """Each panel's (width, height) in a grid of `columns`: panels fill rows left to right (a
    panel spanning more columns than are left starts a new row); `rows` are the grid's row
    sizes, repeated, each (value, is_fraction): fixed rows take their cells, fractions share
    the rest. Rounded down, so a panel is never credited with a row it may not get."""
    columns = max(1, columns)
    row_of: list[int] = []
    row, used = 0, 0
    for span in spans:
        span = min(max(1, span), columns)
        if used and used + span > columns:
            row, used = row + 1, 0
        row_of.append(row)
        used += span
    sizes = [rows[i % len(rows)] if rows else (1.0, True) for i in range(row + 1)]
    fixed = sum(value for value, fraction in sizes if not fraction)
    fractions = sum(value for value, fraction in sizes if fraction) or 1.0
    heights = [int(value * max(0, height - fixed) / fractions) if fraction else int(value) for value, fraction in sizes]
    return [(width * min(max(1, span), columns) // columns, heights[r]) for span, r in zip(spans, row_of)]


DASHBOARD_HELP_TITLE = "Dashboard"
DASHBOARD_HELP = """\
Every service's resources in the account and region in the status bar, one panel each, the
worst first. The cursor starts on the top row; `enter` opens the selected row. A panel's
title says what it knows: its row count, "loading…", an error, or "stale" with the age of
the data it keeps showing when a refresh fails. Red is failing, yellow needs a look, green
is healthy; "…" is not read yet."""


class DashboardScreen(SourceScreen):
    BINDINGS = [
        Binding("tab", "next_panel(1)", "Next panel", id="dashboard.next-panel", show=False),
        Binding("shift+tab", "next_panel(-1)", "Previous panel", id="dashboard.previous-panel", show=False),
        # one line in help for all the number keys: the first carries the description
        *(Binding(str(number), f"show_panel({number})", "Show the panel of that number (tabs: the tab)"
                  if number == 1 else "", id=f"dashboard.panel-{number}", show=False,
                  key_display=f"1-{MAX_PANEL_KEYS}" if number == 1 else None)
          for number in range(1, MAX_PANEL_KEYS + 1)),
    ]

    def __init__(self, panels: Sequence[type[ServicePanel]] | None = None) -> None:
        super().__init__()
        if panels is None:
            from screens.registry import service_panels

            panels = service_panels()
        # Kept, not queried: the grid mounts its panels after this screen is mounted.
        self._panels = {cls.SPEC.id: cls() for cls in panels}
        self._tab = next(iter(self._panels))  # the panel shown while tabbed
        self._grid_geometry: tuple[int, list[tuple[float, bool]], list[int]] | None = None

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(name for panel in self._panels.values() for name in panel.spec.sources))

    def compose(self) -> ComposeResult:
        yield PanelTabs(id="panel-tabs")
        with Grid(id="grid"):
            yield from self._panels.values()
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        self.panels[0].table.focus()
        self.report_unfinished_actions()
        for panel in self.panels:
            panel.on_dashboard_ready()
        self.call_after_refresh(self.fit_layout)

    # layout: every panel at once, or one at a time -------------------------------------
    @property
    def tabbed(self) -> bool:
        return self.has_class("-tabbed")

    def on_resize(self, event: events.Resize) -> None:
        self.fit_layout()

    def grid_fits(self, width: int, height: int) -> bool:
        """Whether every panel would show PANEL_MIN_ROWS rows and PANEL_MIN_WIDTH columns in the
        theme's grid, with the rest of the screen (status bar, footer) taking its share."""
        columns, rows, spans = self._grid_geometry or self._read_grid_geometry()
        chrome = sum(_fixed_height(widget) for widget in self.children if widget.id not in ("grid", "panel-tabs"))
        for panel, (w, h) in zip(self.panels, grid_panel_sizes(width, height - chrome, columns, rows, spans)):
            table = panel.table
            header = table.header_height if table.show_header else 0
            if h - panel.styles.gutter.height - header < PANEL_MIN_ROWS or w < PANEL_MIN_WIDTH:
                return False
        return True

    def _read_grid_geometry(self) -> tuple[int, list[tuple[float, bool]], list[int]]:
        """The grid as the theme lays it out; read once, before the tabbed layout restyles it."""
        styles = self.query_one("#grid").styles
        rows = [(scalar.value, scalar.unit is Unit.FRACTION) for scalar in styles.grid_rows or ()]
        geometry = (styles.grid_size_columns or 1, rows, [panel.styles.column_span or 1 for panel in self.panels])
        if not self.tabbed:
            self._grid_geometry = geometry
        return geometry

    def fit_layout(self) -> None:
        if not self.is_mounted or not all(panel.is_mounted for panel in self.panels):
            return
        tabbed = not self.grid_fits(self.size.width, self.size.height)
        if tabbed != self.tabbed:
            self.set_class(tabbed, "-tabbed")
        self._show_tabs()
        self.call_after_refresh(self.report_rows_in_view)

    def _show_tabs(self) -> None:
        if not self.is_mounted:
            return
        tabbed = self.tabbed
        for panel in self.panels:
            shown = not tabbed or panel.spec.id == self._tab
            if panel.display != shown:
                panel.display = shown
        strip = self.query(PanelTabs)
        if tabbed and strip:  # the strip may not be mounted yet: a status tick can come first
            tabs = tuple(Tab(panel.spec.title, panel.state.name, panel.state.count) for panel in self.panels)
            strip.first().show(tabs, list(self._panels).index(self._tab))

    def show_panel(self, panel: ServicePanel) -> None:
        """Bring `panel` forward (its tab, while tabbed) and give its table the focus."""
        self._tab = panel.spec.id
        self._show_tabs()
        panel.table.focus()
        self.call_after_refresh(self.report_rows_in_view)

    def action_show_panel(self, number: int) -> None:
        if 1 <= number <= len(self.panels):
            self.show_panel(self.panels[number - 1])

    def action_next_panel(self, step: int) -> None:
        panels = self.panels
        self.show_panel(panels[(panels.index(self.current_panel) + step) % len(panels)])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_panel":  # keys past the last panel do nothing and are not offered
            return bool(parameters) and int(parameters[0]) <= len(self.panels)  # type: ignore[call-overload]
        return True

    @on(PanelTabs.Chosen)
    def _tab_clicked(self, event: PanelTabs.Chosen) -> None:
        self.show_panel(self.panels[event.index])

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """A panel focused any other way (a click, the palette) becomes the current tab."""
        panel = _panel_of(event.widget)
        if panel is not None and panel.spec.id != self._tab:
            self._tab = panel.spec.id
            self._show_tabs()

    # access -----------------------------------------------------------------------
    @property
    def panels(self) -> list[ServicePanel]:
        return list(self._panels.values())

    def panel(self, panel_id: str) -> ServicePanel:
        return self._panels[panel_id]

    def help_sections(self) -> list[tuple[str, str]]:
        """`?` help: what each panel shows (PanelSpec.help), the focused one first."""
        first = self.current_panel
        ordered = [first] + [panel for panel in self.panels if panel is not first]
        return [(DASHBOARD_HELP_TITLE, DASHBOARD_HELP)] + [(panel.spec.title, panel.spec.help) for panel in ordered]

    @property
    def current_panel(self) -> ServicePanel:
        """The panel holding the focus (else the one shown, while tabbed; else the first)."""
        panel = _panel_of(self.focused)
        if panel is not None:
            return panel
        return self._panels[self._tab] if self.tabbed else self.panels[0]

    # data ---------------------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        for panel in self.panels:
            if snapshot.source in panel.spec.sources:
                self._draw(panel)
        self._show_tabs()  # a hidden panel's count and state show on its tab
        engine = self.opsdeck.engine
        if engine is not None and not engine.first_painted:  # the sources' costly phases wait for it
            self.call_after_refresh(engine.painted)
        self.call_after_refresh(self.report_rows_in_view)

    def refresh_ages(self) -> None:
        """Every second: ages of stale panels, and which rows are on screen (sweeps go there
        first: console.aws.budget)."""
        store = self.opsdeck.store
        for panel in self.panels:
            if panel.state.name == "stale":
                panel.set_state(panel.state_from(store, panel.state.count))
        self._show_tabs()
        self.report_rows_in_view()

    def report_rows_in_view(self) -> None:
        for panel in self.panels:  # a panel behind another tab reports no rows on screen
            panel.report_in_view()

    def _draw(self, panel: ServicePanel) -> None:
        store = self.opsdeck.store
        items = panel.rows(store)
        panel.show(items, panel.state_from(store, len(items)), self.opsdeck.target.region, self.opsdeck.clock.now())

    # actions (forwarded by the app's `/` and `enter` bindings) --------------------------
    def action_filter(self) -> None:
        self.current_panel.open_filter()

    def action_drill_down(self) -> None:
        self._open(self.current_panel)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        table = event.data_table
        for panel in self.panels:
            if panel.table is table and isinstance(table, ResourceTable):
                self._open(panel)

    def _open(self, panel: ServicePanel) -> None:
        item = panel.table.selected_item
        if item is not None:
            self.app.push_screen(panel.detail_screen(item))

    def palette_commands(self) -> list[tuple[str, str, object]]:
        entries: list[tuple[str, str, object]] = [
            (f"Go to {panel.spec.title}", f"Focus the {panel.spec.title} panel", self._focuser(panel))
            for panel in self.panels
        ]
        for panel in self.panels:
            entries += panel.palette_commands()
        return entries

    def report_unfinished_actions(self) -> None:
        """On start: any action a crash left half-done, as a notification (details in :audit);
        actions a service resumes itself (a deploy: promote or abort) are left to it."""
        from console.audit import AuditLog
        from console.services import resumed_elsewhere
        from screens.audit import unfinished_text

        own = resumed_elsewhere()
        try:
            runs = [run for run in AuditLog(None, self.opsdeck.clock).unfinished() if run.started.action not in own]
        except OSError:
            return
        if runs:
            message = unfinished_text(runs).plain + "\n:audit for the whole trail"
            self.notify(message, title="Actions left unfinished by a crash", severity="warning", timeout=60,
                        markup=False)

    def _focuser(self, panel: ServicePanel):
        return lambda: self.show_panel(panel)


def _panel_of(node: Widget | None) -> ServicePanel | None:
    while node is not None and not isinstance(node, ServicePanel):
        node = node.parent  # type: ignore[assignment]
    return node


def _fixed_height(widget: Widget) -> int:
    """Rows a widget beside the grid (status bar, footer) takes: its fixed CSS height."""
    height = widget.styles.height
    if not widget.display or height is None or height.unit is not Unit.CELLS:
        return 0
    return int(height.value) + widget.styles.gutter.height
