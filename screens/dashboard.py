"""The home screen: Lambda, ECS/Fargate, Step Functions and EventBridge at a glance.

Each panel is the same ResourcePanel + ResourceTable configured by a PanelSpec
(screens/panels.py); this screen only routes snapshots to the panels that show them.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import DataTable, Footer

from console.polling import Snapshot
from screens.base import SourceScreen
from screens.detail import DetailScreen
from screens.panels import DASHBOARD_PANELS, PanelSpec
from widgets.panel import PanelState, ResourcePanel
from widgets.resource_table import ResourceTable
from widgets.status_bar import StatusBar


class DashboardScreen(SourceScreen):
    SOURCES = tuple(dict.fromkeys(name for spec in DASHBOARD_PANELS for name in spec.sources))

    def __init__(self, panels: tuple[PanelSpec, ...] = DASHBOARD_PANELS) -> None:
        super().__init__()
        self.specs = panels

    def compose(self) -> ComposeResult:
        with Grid(id="grid"):
            for spec in self.specs:
                table = ResourceTable(spec.columns, sort_key=spec.sort_key, name_of=spec.name_of,
                                      id=f"{spec.id}-table")
                yield ResourcePanel(spec.title, spec.noun, table, id=f"{spec.id}-panel")
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        self.panel(self.specs[0].id).table.focus()

    # access -----------------------------------------------------------------------
    def panel(self, spec_id: str) -> ResourcePanel:
        return self.query_one(f"#{spec_id}-panel", ResourcePanel)

    @property
    def current_panel(self) -> ResourcePanel:
        """The panel holding the focus (the first one when nothing is focused)."""
        node = self.focused
        while node is not None and not isinstance(node, ResourcePanel):
            node = node.parent
        return node if isinstance(node, ResourcePanel) else self.panel(self.specs[0].id)

    # data ---------------------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        for spec in self.specs:
            if snapshot.source in spec.sources:
                self._draw(spec)

    def refresh_ages(self) -> None:
        for spec in self.specs:
            panel = self.panel(spec.id)
            if panel.state.name == "stale":
                panel.set_state(self._state(spec, panel.state.count))

    def _draw(self, spec: PanelSpec) -> None:
        store = self.opsdeck.store
        primary = store.latest(spec.source)
        items = primary.items if primary else ()
        if spec.join is not None:
            related = store.latest(spec.related) if spec.related else None
            items = spec.join(items, related.items if related else ())
        self.panel(spec.id).show(items, self._state(spec, len(items)), self.opsdeck.target.region,
                                 self.opsdeck.clock.now())

    def _state(self, spec: PanelSpec, count: int) -> PanelState:
        snapshot = self.opsdeck.store.latest(spec.source)
        if snapshot is None:
            return PanelState(loaded=False, count=0)
        return PanelState(snapshot.loaded, count, snapshot.error, snapshot.age(self.opsdeck.clock))

    # actions (forwarded by the app's `/` and `enter` bindings) --------------------------
    def action_filter(self) -> None:
        self.current_panel.open_filter()

    def action_drill_down(self) -> None:
        item = self.current_panel.table.selected_item
        if item is not None:
            self.app.push_screen(DetailScreen(item))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        table = event.data_table
        if isinstance(table, ResourceTable) and table.selected_item is not None:
            self.app.push_screen(DetailScreen(table.selected_item))

    def palette_commands(self) -> list[tuple[str, str, object]]:
        return [
            (f"Go to {spec.title}", f"Focus the {spec.title} panel", self._focuser(spec.id))
            for spec in self.specs
        ]

    def _focuser(self, spec_id: str):
        return lambda: self.panel(spec_id).table.focus()
