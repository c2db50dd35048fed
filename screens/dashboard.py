"""The home screen: Lambda, ECS/Fargate, Step Functions and EventBridge at a glance.

Each panel is the same ResourcePanel + ResourceTable configured by a PanelSpec
(screens/panels.py); this screen only routes snapshots to the panels that show them.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.widgets import DataTable, Footer

from console.models import LambdaFunction
from console.polling import Snapshot
from console.text import inert_str
from screens.base import SourceScreen
from screens.detail import DetailScreen
from screens.panels import DASHBOARD_PANELS, LAMBDA, PanelSpec
from widgets.panel import PanelState, ResourcePanel
from widgets.resource_table import ResourceTable
from widgets.status_bar import StatusBar


LAMBDA_TITLE = LAMBDA.title
LAMBDA_KEYS = {"lambda_logs", "lambda_invoke", "lambda_window", "lambda_deploy", "lambda_rollback"}


def function_of(item: object) -> LambdaFunction | None:
    """The function a row shows (the Lambda panel's rows are LambdaRow(function, routing))."""
    item = getattr(item, "function", item)
    return item if isinstance(item, LambdaFunction) else None


def detail_screen_for(item: object, window_minutes: int | None = None):
    """A function gets its own detail screen (its charts over the panel's window); other
    resources the generic one."""
    function = function_of(item)
    if function is not None:
        from screens.function_detail import FunctionDetailScreen

        return FunctionDetailScreen(function) if window_minutes is None else FunctionDetailScreen(function, window_minutes)
    return DetailScreen(item)


class DashboardScreen(SourceScreen):
    # mutating actions have ids starting with "action." (hidden in read-only mode)
    BINDINGS = [
        Binding("l", "lambda_logs", "Logs", tooltip="Follow the selected function's CloudWatch log group"),
        Binding("i", "lambda_invoke", "Invoke", id="action.lambda.invoke",
                tooltip="Invoke the selected function with a payload (templates of real event shapes)"),
        Binding("w", "lambda_window", "Window", id="lambda.window",
                tooltip="Lambda metrics over the last 5, 15 or 60 minutes (cycles)"),
        Binding("d", "lambda_deploy", "Deploy", id="action.lambda.deploy",
                tooltip="Deploy new code to the selected function: all at once, canary or linear, watched"),
        Binding("r", "lambda_rollback", "Roll back", id="action.lambda.rollback",
                tooltip="Move the alias back (or abort/promote a deploy in progress)"),
        Binding("x", "toggle_rule", "Enable/disable rule", id="action.events.toggle-rule",
                tooltip="Disable (or enable) the selected EventBridge rule: plan, confirm, apply, verify"),
    ]
    SOURCES = tuple(dict.fromkeys(name for spec in DASHBOARD_PANELS for name in spec.sources))

    def __init__(self, panels: tuple[PanelSpec, ...] = DASHBOARD_PANELS) -> None:
        super().__init__()
        self.specs = panels
        # Kept, not queried: the grid mounts its panels after this screen is mounted.
        self._panels = {
            spec.id: ResourcePanel(
                spec.title, spec.noun,
                ResourceTable(spec.columns, sort_key=spec.sort_key, name_of=spec.name_of, id=f"{spec.id}-table"),
                id=f"{spec.id}-panel",
            )
            for spec in panels
        }

    def compose(self) -> ComposeResult:
        with Grid(id="grid"):
            yield from self._panels.values()
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        self.panel(self.specs[0].id).table.focus()
        self.report_unfinished_actions()
        self.offer_open_deploys()
        self._title_lambda_window()

    # access -----------------------------------------------------------------------
    def panel(self, spec_id: str) -> ResourcePanel:
        return self._panels[spec_id]

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
        engine = self.opsdeck.engine
        if engine is not None and not engine.first_painted:  # the sources' costly phases wait for it
            self.call_after_refresh(engine.painted)

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
            self.app.push_screen(self._detail_screen(item))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        table = event.data_table
        if isinstance(table, ResourceTable) and table.selected_item is not None:
            self.app.push_screen(self._detail_screen(table.selected_item))

    def _detail_screen(self, item: object):
        window = self._lambda_window()
        return detail_screen_for(item, window.minutes if window is not None else None)

    # Lambda keys (only on the Lambda panel) ----------------------------------------------
    def _selected_function(self) -> LambdaFunction | None:
        return function_of(self.current_panel.table.selected_item)

    def action_lambda_logs(self) -> None:
        from screens.logs import LogViewScreen

        function = self._selected_function()
        if function is not None:
            self.app.push_screen(LogViewScreen.for_function(function))

    def _lambda_window(self):
        """The window holder the Lambda source reads each tick (console.lambda_.FunctionsSource);
        None when the app was given sources without one."""
        source = self.opsdeck.source_table.get("lambda")
        return getattr(source[0], "window", None) if source else None

    def _title_lambda_window(self) -> None:
        window = self._lambda_window()
        if window is not None and "lambda" in self._panels:
            panel = self.panel("lambda")
            panel.title = f"{LAMBDA_TITLE} · {window.label}"
            panel.set_state(panel.state)

    def action_lambda_window(self) -> None:
        """Cycle 5 -> 15 -> 60 minutes; the source reads it at the fetch asked for now."""
        window = self._lambda_window()
        if window is None:
            return
        window.cycle()
        self._title_lambda_window()
        if self.opsdeck.engine is not None:
            self.opsdeck.engine.refresh_now("lambda")

    def action_lambda_invoke(self) -> None:
        from screens.invoke import InvokeScreen

        function = self._selected_function()
        if function is not None:
            self.app.push_screen(InvokeScreen(function))

    def action_lambda_deploy(self) -> None:
        from screens.deploy import DeployFormScreen

        function = self._selected_function()
        if function is not None:
            self.app.push_screen(DeployFormScreen(function))

    def action_lambda_rollback(self) -> None:
        from screens.deploy import open_rollback

        function = self._selected_function()
        if function is not None:
            open_rollback(self, function)

    def offer_open_deploys(self) -> None:
        """On start: promote / abort / later for each deploy a crash left open (screens/deploy.py)."""
        from screens.deploy import offer_open_deploys

        offer_open_deploys(self)

    def palette_commands(self) -> list[tuple[str, str, object]]:
        return [
            (f"Go to {spec.title}", f"Focus the {spec.title} panel", self._focuser(spec.id))
            for spec in self.specs
        ] + [("audit", "Audit trail of applied actions (and any left unfinished)", self.open_audit)]

    # guarded actions ----------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in LAMBDA_KEYS:
            return self.current_panel.id == "lambda-panel"
        if action == "toggle_rule":  # only where it means something: the EventBridge panel
            return any(spec.id == "events" for spec in self.specs) and self.current_panel.id == "events-panel"
        return True

    def action_toggle_rule(self) -> None:
        """Capture the selected rule's ARN now, then plan and confirm in a modal."""
        from console.actions.events import toggle_for

        item = self.panel("events").table.selected_item
        if item is None:
            return
        if item.kind != "rule":
            self.notify("Only EventBridge rules can be enabled or disabled here (not Scheduler schedules).",
                        severity="warning", markup=False)
            return
        self.run_worker(self._confirm(toggle_for(item.arn, item.state)), group="action-plan")

    async def _confirm(self, action) -> None:
        from console.aws.errors import describe_problem
        from screens.confirm import ConfirmActionScreen

        target = self.opsdeck.target
        try:
            runner = self.opsdeck.action_runner()
            plan = await runner.prepare(action)
        except Exception as exc:  # read-only, bad config, rule gone: said, never a traceback
            problem = describe_problem(exc, profile=target.profile, endpoint=target.endpoint)
            message = str(exc) if problem.kind.value == "other" else f"{problem.headline}: {problem.detail}"
            self.notify(inert_str(message), title=f"{action.name} not started", severity="error", markup=False)
            return
        await self.app.push_screen(ConfirmActionScreen(runner, action, plan), callback=self._action_done)

    def _action_done(self, outcome) -> None:
        if outcome is not None and outcome.result.applied:
            engine = self.opsdeck.engine
            if engine is not None:
                engine.refresh_now()

    def open_audit(self) -> None:
        from console.audit import AuditLog
        from screens.audit import AuditScreen

        self.app.push_screen(AuditScreen(AuditLog(None, self.opsdeck.clock)))

    def report_unfinished_actions(self) -> None:
        """On start: any action a crash left half-done, as a notification (details in :audit);
        deploys left open get their own promote/abort modal instead (offer_open_deploys)."""
        from console.audit import AuditLog
        from console.deploy.resume import DEPLOY_ACTION
        from screens.audit import unfinished_text

        try:
            runs = [run for run in AuditLog(None, self.opsdeck.clock).unfinished()
                    if run.started.action != DEPLOY_ACTION]
        except OSError:
            return
        if runs:
            message = unfinished_text(runs).plain + "\n:audit for the whole trail"
            self.notify(message, title="Actions left unfinished by a crash", severity="warning", timeout=60,
                        markup=False)

    def _focuser(self, spec_id: str):
        return lambda: self.panel(spec_id).table.focus()
