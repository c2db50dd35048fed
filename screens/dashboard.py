"""The home screen: every service's panel at a glance.

The panels come from the service registry (screens.registry); each owns its columns,
its keys and its detail screens (screens/<service>/panel.py). This screen only lays
them out, routes snapshots to the panels that draw them, and forwards `/` and `enter`
to the focused panel. It names no service.
"""

from __future__ import annotations

from typing import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.widgets import DataTable, Footer

from console.polling import Snapshot
from screens.base import SourceScreen
from screens.panel import ServicePanel
from widgets.resource_table import ResourceTable
from widgets.status_bar import StatusBar


DASHBOARD_HELP_TITLE = "Dashboard"
DASHBOARD_HELP = """\
Every service's resources in the account and region in the status bar, one panel each, the
worst first. The cursor starts on the top row; `enter` opens the selected row. A panel's
title says what it knows: its row count, "loading…", an error, or "stale" with the age of
the data it keeps showing when a refresh fails. Red is failing, yellow needs a look, green
is healthy; "…" is not read yet."""


class DashboardScreen(SourceScreen):
    # Textual's focus keys, bound here in opsdeck's words (help lists only opsdeck's bindings)
    BINDINGS = [
        Binding("tab", "app.focus_next", "Next panel", id="dashboard.next-panel", show=False),
        Binding("shift+tab", "app.focus_previous", "Previous panel", id="dashboard.previous-panel", show=False),
    ]

    def __init__(self, panels: Sequence[type[ServicePanel]] | None = None) -> None:
        super().__init__()
        if panels is None:
            from screens.registry import service_panels

            panels = service_panels()
        # Kept, not queried: the grid mounts its panels after this screen is mounted.
        self._panels = {cls.SPEC.id: cls() for cls in panels}

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(name for panel in self._panels.values() for name in panel.spec.sources))

    def compose(self) -> ComposeResult:
        with Grid(id="grid"):
            yield from self._panels.values()
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        self.panels[0].table.focus()
        self.report_unfinished_actions()
        for panel in self.panels:
            panel.on_dashboard_ready()

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
        """The panel holding the focus (the first one when nothing is focused)."""
        node = self.focused
        while node is not None and not isinstance(node, ServicePanel):
            node = node.parent
        return node if isinstance(node, ServicePanel) else self.panels[0]

    # data ---------------------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        for panel in self.panels:
            if snapshot.source in panel.spec.sources:
                self._draw(panel)
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
        self.report_rows_in_view()

    def report_rows_in_view(self) -> None:
        engine = self.opsdeck.engine
        if engine is not None:
            for panel in self.panels:
                engine.show_keys(panel.spec.source, panel.table.keys_in_view())

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

    @staticmethod
    def _focuser(panel: ServicePanel):
        return lambda: panel.table.focus()
