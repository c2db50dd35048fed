"""One cluster's services, the worst first: what is not at steady state, and why, in words.

The rows are the dashboard's ECS services source (console.services.ecs.sources) narrowed
to this cluster: the screen subscribes to it while it is in view, so opening it costs no
call the dashboard was not already making, and a first load of a large cluster shows its
services as the pages of DescribeServices arrive (the source publishes them partly read:
health "…" until their tasks are read). The table is a ResourceTable: rows keyed by
service ARN, diffed in place on every refresh, the cursor staying on its service.

Health tells the truth: a service whose tasks keep being replaced is flapping, not healthy
(console.services.ecs.models.ServiceHealth). Rows not at steady state carry a glyph and
their tone in every cell, and say why in words. `/` filters by name, `enter` opens the
service (screens.ecs.service). Every state has its look: loading, empty, error, access
denied, throttled, stale. Names, reasons and event messages are shown inert.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Static

from console.aws.errors import ErrorClass, Problem
from console.polling import Snapshot
from console.services.ecs.models import EcsService, ServiceRef
from console.text import inert
from screens.base import SourceScreen
from screens.ecs import look
from screens.ecs.actions import ServiceActions
from screens.ecs.views import ServiceViews
from widgets import cells
from widgets.footer import Footer
from widgets.panel import FilterInput
from widgets.resource_table import Column, ResourceTable
from widgets.status_bar import StatusBar

REASON_WIDTH = 64  # characters of the reason a row shows
SCREEN_STATES = ("loading", "empty", "error", "denied", "throttled", "stale", "ok")


def _row_tone(own: Callable[[EcsService], str | None] | None = None) -> Callable[[EcsService], str | None]:
    """A service not at steady state takes its health's tone in every cell."""
    return lambda s: look.not_steady_tone(s) or (own(s) if own else None)


def _name(service: EcsService, now: datetime) -> Text:
    steady = service.steady
    if steady is None or steady:
        return cells.text(service.name)
    return cells.text(f"{look.HEALTH_LOOK.get(service.health.state, ('', '!', ''))[1]} {service.name}")


def _reason(service: EcsService, now: datetime) -> Text:
    """Why not at steady state, cut to REASON_WIDTH (the service screen has it whole)."""
    if service.health is None:
        return cells.text(look.NOT_READ)
    return cells.text(look.cut(service.reason, REASON_WIDTH) or None)


def _rollout(service: EcsService, now: datetime) -> Text:
    return cells.text(service.rollout_state)


def _deployments(service: EcsService, now: datetime) -> Text:
    count = len(service.deployments)
    return cells.text(f"{count} deploying" if count > 1 else str(count))


def _metric(which: str) -> Callable[[EcsService, datetime], Text]:
    def cell(service: EcsService, now: datetime) -> Text:
        metrics = service.metrics
        if metrics is None:
            return cells.count(None)
        values = metrics.cpu if which == "cpu" else metrics.memory
        return look.metric(values, metrics.cpu_now if which == "cpu" else metrics.memory_now)
    return cell


def _last_stop(service: EcsService, now: datetime) -> Text:
    if service.health is None:
        return cells.text(look.NOT_READ)
    return cells.text(look.stop_words(service.health.last_stop, now))


def _last_event(service: EcsService, now: datetime) -> Text:
    return cells.text(look.event_words(service.last_event, now, service.name))


COLUMNS = (
    Column("name", "service", _name, tone=_row_tone()),
    Column("health", "health", lambda s, now: cells.text(look.health_words(s)), tone=_row_tone(look.health_tone)),
    Column("tasks", "run/want", lambda s, now: cells.ratio(s.running, s.desired),
           tone=_row_tone(lambda s: "warning" if s.running < s.desired else None)),
    Column("pending", "pend", lambda s, now: cells.count(s.pending), tone=_row_tone()),
    Column("deployments", "deps", _deployments,
           tone=_row_tone(lambda s: "warning" if len(s.deployments) > 1 else None)),
    Column("rollout", "rollout", _rollout, tone=_row_tone(lambda s: look.ROLLOUT_TONE.get(s.rollout_state or ""))),
    Column("reason", "not steady because", _reason, tone=_row_tone()),
    Column("cpu", "cpu", _metric("cpu"), tone=_row_tone()),
    Column("memory", "memory", _metric("memory"), tone=_row_tone()),
    Column("taskdef", "task def", lambda s, now: cells.text(s.task_definition), tone=_row_tone()),
    Column("launch", "launch", lambda s, now: cells.text(look.launch_words(s.launch_type, s.strategy, s.launch)),
           tone=_row_tone()),
    Column("breaker", "breaker", lambda s, now: cells.text(look.breaker_words(s)), tone=_row_tone()),
    Column("last_stop", "last stop", _last_stop, tone=_row_tone(), ages=True),
    Column("last_event", "last event", _last_event, ages=True),
    Column("rollout_reason", "rollout reason", lambda s, now: cells.text(s.rollout_reason or None)),
)


def service_order(service: EcsService) -> tuple[float, str]:
    """The worst first (failed, flapping, unhealthy, short, deploying), then by name."""
    return (look.health_rank(service), service.name)


class ServicesScreen(ServiceActions, ServiceViews, SourceScreen):
    """A cluster's services, worst first; `enter` opens one, esc goes back."""

    HELP = """\
The cluster's services, the ones not at steady state first (failed, flapping, unhealthy,
short of tasks, deploying), each with why in words. health: what the tasks do, not only
what they say now: a service whose tasks keep being replaced is flapping (how many in the
window), not healthy; "…": its tasks are not read yet. run/want: running against desired
tasks; pend: pending; deps: deployments (more than one: deploying); rollout: the primary
deployment's rollout state (its reason in the last column); task def: family:revision;
launch: the launch type or the capacity-provider strategy; breaker: the deployment circuit
breaker; cpu and memory: AWS/ECS utilisation, the last hour as a sparkline before the
latest figure; last stop: the latest task stop with its code, exit code and reason; last
event: the newest service event and its age. `/` filters by name; `enter` opens the service."""

    DEFAULT_CSS = """
    ServicesScreen #services-title, ServicesScreen #services-status {
        height: 1;
        padding: 0 1;
    }
    ServicesScreen #services-title {
        background: $panel;
    }
    ServicesScreen #services-status {
        color: $text-muted;
    }
    ServicesScreen #services-notice {
        padding: 1 2;
        height: auto;
    }
    ServicesScreen.-error #services-notice, ServicesScreen.-denied #services-notice {
        color: $error;
    }
    ServicesScreen.-throttled #services-status, ServicesScreen.-stale #services-status {
        color: $warning;
    }
    ServicesScreen #services-table {
        height: 1fr;
    }
    ServicesScreen #services-filter {
        dock: bottom;
    }
    """

    BINDINGS = [
        Binding("escape", "clear_filter", "Clear filter", id="ecs.services.clear-filter", show=False),
        *ServiceActions.KEYS,
        *ServiceViews.KEYS,
    ]

    def __init__(self, cluster: str, sources: tuple[str, ...] = ("ecs",), where: str = "") -> None:
        super().__init__()
        self.cluster = cluster
        self.followed = sources
        self.where = where
        self.problem: Problem | None = None
        self.snapshot: Snapshot | None = None
        self.state = "loading"
        self.table = ResourceTable(COLUMNS, sort_key=service_order, id="services-table")

    @property
    def sources(self) -> tuple[str, ...]:
        return self.followed

    # layout -----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="services-title", markup=False)
        yield Static("", id="services-status", markup=False)
        yield Static("", id="services-notice", markup=False)
        yield self.table
        yield FilterInput(placeholder="filter by name", id="services-filter")
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#services-filter", Input).display = False
        self.table.focus()
        self._draw_state()

    def _title(self) -> Text:
        title = Text("Services · ", style="bold", end="")
        title.append_text(inert(self.cluster, style="bold"))
        if self.where:
            title.append("   ")
            title.append_text(inert(self.where, style="dim"))
        return title

    # data ---------------------------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        if snapshot.source != self.followed[0]:
            return
        self.snapshot = snapshot
        self.problem = snapshot.error
        if snapshot.loaded and self.table.is_mounted:
            rows = [s for s in snapshot.items if isinstance(s, EcsService) and s.cluster == self.cluster]
            self.table.update_items(rows, self.opsdeck.clock.now())
            self._report_rows_in_view()
        self._draw_state()

    def refresh_ages(self) -> None:
        snapshot = self.snapshot
        if snapshot is not None and snapshot.loaded and self.table.is_mounted:
            self.table.update_items(self.table.items, self.opsdeck.clock.now())  # ages move on
            self._report_rows_in_view()
        self._draw_state()

    def _report_rows_in_view(self, keys: frozenset[str] | None = None) -> None:
        """Tell the engine which services are on screen: while a first load is under way,
        the services source describes their cluster's before the other clusters'."""
        engine = self.opsdeck.engine
        if engine is not None and self.followed[0] in engine.sources:
            engine.show_keys(self.followed[0], self.table.keys_in_view() if keys is None else keys)

    def on_unmount(self) -> None:  # textual calls SourceScreen's too
        self._report_rows_in_view(frozenset())

    # states --------------------------------------------------------------------------------
    def _state_name(self) -> str:
        snapshot, problem = self.snapshot, self.problem
        loaded = snapshot is not None and snapshot.loaded
        if problem is not None:
            if problem.kind is ErrorClass.THROTTLED:
                return "throttled"
            if loaded:
                return "stale"
            return "denied" if problem.kind is ErrorClass.ACCESS_DENIED else "error"
        if not loaded:
            return "loading"
        return "ok" if self.table.items else ("loading" if not snapshot.complete else "empty")

    def _status_text(self) -> Text:
        snapshot, state = self.snapshot, self.state
        items = self.table.items
        words = Text(end="")
        if items:
            steady = sum(1 for s in items if s.steady)
            unknown = sum(1 for s in items if s.steady is None)
            shown = self.table.row_count
            words.append(f"{shown}/{len(items)} services match" if self.table.filter_text else f"{len(items)} services")
            words.append(f" · {len(items) - steady - unknown} not at steady state")
            if unknown:
                words.append(f" · {unknown} not read yet")
            words.append(" · worst first")
        if snapshot is not None and snapshot.loaded and not snapshot.complete and not self._cluster_read():
            words.append(" · reading… more as pages arrive")
        if self.table.filter_text:
            words.append(" · filter ")
            words.append_text(inert(self.table.filter_text))
        if state in ("throttled", "stale") and self.problem is not None:
            age = cells.age(snapshot.age(self.opsdeck.clock)) if snapshot is not None else cells.DASH
            lead = "throttled by AWS, backing off" if state == "throttled" else "stale"
            words.append(f" · {lead}" + (f", rows {age} old" if items else "") + " — ")
            words.append_text(inert(self.problem.headline))
        return words

    def _cluster_read(self) -> bool:
        """Every row of this cluster read, though other clusters' may still be coming: the
        source gives a cluster's services their health only once it has listed and
        described them all (console.services.ecs.sources), so rows that all have it are
        the whole cluster."""
        items = self.table.items
        return bool(items) and all(s.health is not None for s in items)

    def _notice(self) -> Text | None:
        state, problem = self.state, self.problem
        if state == "loading":
            notice = Text("loading the services of ", end="")
            notice.append_text(inert(self.cluster))
            notice.append("… (ListServices, DescribeServices)")
            return notice
        if state in ("error", "denied") and problem is not None:
            notice = Text(end="")
            if state == "denied":
                notice.append("Access denied: this identity may not read this cluster's services "
                              "(ecs:ListServices, ecs:DescribeServices).\n", style="bold")
            notice.append_text(inert(problem.headline, style="bold"))
            notice.append("\n")
            notice.append_text(inert(problem.remedy))
            return notice
        if state == "throttled" and not self.table.items:
            return Text("throttled by AWS before anything was read: retrying, slower each time", end="")
        if state == "empty":
            notice = Text("no services in cluster ", end="")
            notice.append_text(inert(self.cluster))
            return notice
        if self.table.filter_text and not self.table.row_count:
            notice = Text("no service matches ", end="")
            notice.append_text(inert(self.table.filter_text))
            return notice
        return None

    def _draw_state(self) -> None:
        if not self.is_mounted or not self.query("#services-status"):  # closing: nothing to draw on
            return
        self.state = self._state_name()
        for name in SCREEN_STATES:
            self.set_class(self.state == name, f"-{name}")
        self.query_one("#services-status", Static).update(self._status_text())
        notice = self._notice()
        box = self.query_one("#services-notice", Static)
        box.update(notice or "")
        box.display = notice is not None
        self.show_table(self.table, bool(self.table.items))

    # the `/` filter --------------------------------------------------------------------------
    def action_filter(self) -> None:
        box = self.query_one("#services-filter", Input)
        box.display = True
        box.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            return bool(self.table.filter_text)  # else esc means back
        return super().check_action(action, parameters)

    def action_clear_filter(self) -> None:
        self.query_one("#services-filter", FilterInput).action_close()

    @on(Input.Changed, "#services-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.table.set_filter(event.value)
        self._draw_state()
        self.refresh_bindings()

    @on(Input.Submitted, "#services-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            event.input.display = False
        self.table.focus()

    # rows ---------------------------------------------------------------------------------------
    def selected_service(self) -> EcsService | None:
        item = self.table.selected_item
        return item if isinstance(item, EcsService) else None

    def selected_service_ref(self) -> ServiceRef | None:
        service = self.selected_service()
        return None if service is None else service.ref

    @on(DataTable.RowSelected, "#services-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_drill_down()

    def action_drill_down(self) -> None:
        """`enter`: the service's tasks, deployments and events (screens.ecs.service)."""
        from screens.ecs.service import ServiceScreen

        service = self.selected_service()
        if service is not None:
            self.app.push_screen(ServiceScreen(service))
