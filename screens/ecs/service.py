"""One ECS service: a summary, then its tasks, its deployments and its events.

Sections rather than tabs: during an incident the answer is usually across them (a
deployment started, its tasks failed their health checks, the events say the circuit
breaker rolled it back), so all three are on screen at once and the keyboard moves
between them: `1` tasks, `2` deployments, `3` events (tab and shift+tab step through
them too); the footer's keys follow the section in focus. Below 120 columns they stack.

- Tasks: running ones first (unhealthy ones first among them), then the stopped ones of
  the last hour, newest first and dimmed: that is where the stop code, the exit code and
  the reason are. Each container's status, health and exit code; revision, capacity
  provider (FARGATE or FARGATE_SPOT), AZ, CPU/memory, started, stopped.
- Deployments: DescribeServices' `deployments` (PRIMARY, ACTIVE, INACTIVE with their
  counts and rollout state), and below them the ListServiceDeployments history with its
  own statuses where the endpoint has it (else it says it is not available).
- Events: the service events as a timeline, newest first, each with its age.

Everything comes from one read of the service (console.services.ecs.detail), polled
through the engine while the screen is in view; a failed refresh keeps what is shown,
marked stale with its age. Names, reasons and event messages are shown inert.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Static

from console.services.ecs import models as M
from console.text import inert
from screens.detail import Feed, SectionsScreen
from screens.ecs import look
from screens.ecs.actions import ServiceActions, TaskActions
from screens.ecs.views import ServiceViews, TaskViews
from widgets import cells
from widgets.footer import Footer
from widgets.panel import FilterInput
from widgets.resource_table import Column, ResourceTable
from widgets.section import Section
from widgets.status_bar import StatusBar

POLL_SECONDS = 5.0  # the service, its tasks, deployments and events, read again
STOPPED_WINDOW = timedelta(hours=1)  # stopped tasks stay on screen this long
SECTIONS = (("tasks", "Tasks"), ("deployments", "Deployments"), ("events", "Events"))
FILTER_WHAT = {"tasks-table": "tasks by id", "deployments-table": "deployments by id",
               "history-table": "deployments by id", "events-table": "events by message"}


# tasks -------------------------------------------------------------------------------------------
def _task_tone(own: Callable[[M.EcsTask], str | None] | None = None) -> Callable[[M.EcsTask], str | None]:
    """A running task's cell takes the column's tone; a stopped one's none (it is dimmed)."""
    return lambda t: None if t.stopped or own is None else own(t)


def _task_column(key: str, label: str, cell: Callable[[M.EcsTask, datetime], Text],
                 tone: Callable[[M.EcsTask], str | None] | None = None, ages: bool = False) -> Column:
    """A tasks column: a stopped task's cells dimmed (still there to be read: its stop code
    and reason are why it is listed)."""
    def drawn(task: M.EcsTask, now: datetime) -> Text:
        value = cell(task, now)
        if task.stopped:
            value = value.copy()
            value.stylize(look.STOPPED_STYLE)
        return value

    return Column(key, label, drawn, tone=_task_tone(tone), ages=ages)


def _containers(task: M.EcsTask, now: datetime) -> Text:
    """`app RUNNING HEALTHY · sidecar STOPPED exit 137`: each container, its status, its
    health (when it has a check) and its exit code (once it exited)."""
    parts = []
    for container in task.containers:
        words = f"{container.name} {container.last_status}"
        if container.health and container.health != "UNKNOWN":
            words += f" {container.health}"
        if container.exit_code is not None:
            words += f" exit {container.exit_code}"
        parts.append(words)
    return cells.text(" · ".join(parts) or None)


def _clock(at: datetime | None, now: datetime) -> Text:
    """`12:03:07 (4m)`: the time (UTC) and how long ago."""
    if at is None:
        return cells.text(None)
    return cells.text(f"{at:%H:%M:%S} ({cells.since(at, now)})")


def _size(task: M.EcsTask, now: datetime) -> Text:
    if not task.cpu and not task.memory:
        return cells.text(None)
    return cells.text(f"{task.cpu or '–'}/{task.memory or '–'}")


def _stopped_reason(task: M.EcsTask, now: datetime) -> Text:
    reasons = [task.stopped_reason or ""] + [c.reason for c in task.containers if c.reason]
    return cells.text(" · ".join(r for r in reasons if r) or None)


def task_order(task: M.EcsTask) -> tuple:
    """Running first (unhealthy ones first among them), then stopped, newest first."""
    at = task.stopped_at or task.stopping_at if task.stopped else task.started_at or task.created_at
    newest = -(at.timestamp()) if at is not None else 0.0
    return (task.stopped, task.health != "UNHEALTHY", newest, task.id)


TASK_COLUMNS = (
    _task_column("id", "task", lambda t, now: cells.text(("■ " if t.stopped else "") + t.id)),
    _task_column("status", "last/desired", lambda t, now: cells.text(f"{t.last_status}/{t.desired_status}"),
                 tone=lambda t: None if t.last_status == "RUNNING" else "warning"),
    _task_column("health", "health", lambda t, now: cells.text(t.health),
                 tone=lambda t: look.TASK_HEALTH_TONE.get(t.health)),
    _task_column("started", "started", lambda t, now: _clock(t.started_at, now), ages=True),
    _task_column("stopped", "stopped", lambda t, now: _clock(t.stopped_at or t.stopping_at, now), ages=True),
    _task_column("stop_code", "stop code", lambda t, now: cells.text(t.stop_code)),
    _task_column("reason", "stopped reason", _stopped_reason),
    _task_column("containers", "containers", _containers,
                 tone=lambda t: "error" if any(c.health == "UNHEALTHY" for c in t.containers) else None),
    _task_column("revision", "rev", lambda t, now: cells.count(t.revision)),
    _task_column("capacity", "capacity", lambda t, now: cells.text(t.capacity_provider or t.launch_type)),
    _task_column("az", "AZ", lambda t, now: cells.text(t.availability_zone)),
    _task_column("size", "cpu/mem", _size),
)


# deployments -------------------------------------------------------------------------------------
DEPLOYMENT_STATUS_ORDER = {"PRIMARY": 0, "ACTIVE": 1, "INACTIVE": 2}


def _created(value: datetime | None) -> float:
    return -(value.timestamp()) if value is not None else 0.0


DEPLOYMENT_COLUMNS = (
    Column("status", "status", lambda d, now: cells.text(d.status),
           tone=lambda d: "accent" if d.status == "PRIMARY" else None),
    Column("id", "deployment", lambda d, now: cells.text(d.id)),
    Column("taskdef", "task def", lambda d, now: cells.text(d.task_definition)),
    Column("counts", "want/run/pend/fail", lambda d, now: cells.text(f"{d.desired}/{d.running}/{d.pending}/{d.failed}"),
           tone=lambda d: "error" if d.failed else None),
    Column("rollout", "rollout", lambda d, now: cells.text(d.rollout_state),
           tone=lambda d: look.ROLLOUT_TONE.get(d.rollout_state or "")),
    Column("reason", "reason", lambda d, now: cells.text(d.rollout_reason or None)),
    Column("created", "created", lambda d, now: _clock(d.created_at, now), ages=True),
    Column("updated", "updated", lambda d, now: _clock(d.updated_at, now), ages=True),
)


def _revision(history: M.EcsServiceDeployment, now: datetime) -> Text:
    target = history.target_revision
    if target is None:
        return cells.text(None)
    return cells.text(f"{target.arn.rsplit('/', 1)[-1]} {target.running}/{target.requested}")


def _history_reason(history: M.EcsServiceDeployment, now: datetime) -> Text:
    words = [w for w in (history.status_reason, history.rollback_reason) if w]
    if history.circuit_breaker_status == "TRIGGERED":
        words.append("circuit breaker triggered")
    return cells.text(" · ".join(words) or None)


HISTORY_COLUMNS = (
    Column("status", "status", lambda h, now: cells.text(h.status), tone=lambda h: look.HISTORY_TONE.get(h.status)),
    Column("id", "service deployment", lambda h, now: cells.text(h.id)),
    Column("revision", "target revision run/want", _revision),
    Column("created", "created", lambda h, now: _clock(h.created_at, now), ages=True),
    Column("finished", "finished", lambda h, now: _clock(h.finished_at or h.stopped_at, now), ages=True),
    Column("reason", "reason", _history_reason,
           tone=lambda h: "error" if h.circuit_breaker_status == "TRIGGERED" or h.rollback_reason else None),
)


# events -------------------------------------------------------------------------------------------
TROUBLE_WORDS = ("fail", "unhealthy", "unable", "rolling back", "error")  # in AWS's service event messages


def event_columns(service: str) -> tuple[Column, ...]:
    """The events timeline's columns: the message without `(service NAME) ` (look.message_of),
    red when it tells of trouble."""
    return (
        Column("age", "age", lambda e, now: cells.text(cells.since(e.at, now)), ages=True),
        Column("time", "time (UTC)", lambda e, now: cells.text(None if e.at is None else f"{e.at:%m-%d %H:%M:%S}")),
        Column("message", "message", lambda e, now: cells.text(look.message_of(e, service)),
               tone=lambda e: "error" if any(w in e.message.lower() for w in TROUBLE_WORDS) else None),
    )


class ServiceScreen(ServiceActions, TaskActions, ServiceViews, TaskViews, SectionsScreen):
    """A service's tasks, deployments and events; esc goes back."""

    HELP = """\
The service: desired, running and pending tasks, its health (what its tasks do: a service
whose tasks keep being replaced is flapping, not healthy), why it is not at steady state,
the primary deployment's rollout, task definition, launch, circuit breaker, CPU and memory.
Tasks: running first, then those stopped in the last hour (dimmed, with their stop code,
exit codes and reason). Deployments: DescribeServices' deployments with their counts
(want/run/pend/fail) and rollout, then the service deployment history where the endpoint
has it. Events: newest first, with their age. `1` `2` `3` (or tab) move between tasks,
deployments and events; `/` filters the one in focus."""

    DEFAULT_CSS = """
    ServiceScreen #service-title { height: 1; padding: 0 1; background: $panel; }
    ServiceScreen #service-summary { height: auto; padding: 0 1; }
    ServiceScreen #service-body { height: 1fr; }
    ServiceScreen #section-tasks { height: 1fr; }
    ServiceScreen #service-lower { height: 1fr; }
    ServiceScreen #section-deployments, ServiceScreen #section-events { width: 1fr; height: 1fr; }
    ServiceScreen Section ResourceTable { height: 1fr; }
    ServiceScreen #deployments-table { height: auto; max-height: 6; }
    ServiceScreen #history-label { height: 1; color: $text-muted; }
    ServiceScreen #history-table { height: 1fr; }
    /* below 120 columns the sections stack, each tall enough to read, and the screen scrolls
       (1, 2, 3 and tab bring the section they focus into view) */
    ServiceScreen.-narrow #service-lower { layout: vertical; height: auto; }
    ServiceScreen.-narrow #section-tasks { height: 12; }
    ServiceScreen.-narrow #section-deployments { height: 14; width: 1fr; }
    ServiceScreen.-narrow #section-events { height: 16; width: 1fr; }
    ServiceScreen #service-filter { dock: bottom; }
    """

    BINDINGS = [
        Binding("1", "section('tasks')", "Tasks", id="ecs.service.tasks", show=False),
        Binding("2", "section('deployments')", "Deployments", id="ecs.service.deployments", show=False),
        Binding("3", "section('events')", "Events", id="ecs.service.events", show=False),
        Binding("ctrl+r", "refresh", "Refresh", id="ecs.service.refresh", tooltip="Read the service again now"),
        Binding("escape", "clear_filter", "Clear filter", id="ecs.service.clear-filter", show=False),
        # a key bound twice (a task's logs, the service's logs) is the task's while the tasks
        # section has the focus and a task is selected, else it gives way to the service's
        *TaskActions.KEYS,
        *TaskViews.KEYS,
        *ServiceActions.KEYS,
        *ServiceViews.KEYS,
    ]

    def __init__(self, service: M.EcsService, *, poll: float = POLL_SECONDS) -> None:
        super().__init__()
        self.service = service
        self.detail: M.ServiceDetail | None = None
        self.poll = poll
        self.tasks = ResourceTable(TASK_COLUMNS, sort_key=task_order, name_of=lambda t: t.id, id="tasks-table")
        self.deployments = ResourceTable(DEPLOYMENT_COLUMNS, name_of=lambda d: d.id, id="deployments-table",
                                         sort_key=lambda d: (DEPLOYMENT_STATUS_ORDER.get(d.status, 3),
                                                             _created(d.created_at), d.id))
        self.history = ResourceTable(HISTORY_COLUMNS, name_of=lambda h: h.id, id="history-table",
                                     sort_key=lambda h: (_created(h.created_at), h.arn))
        self.history_label = Static("", id="history-label", markup=False)
        self.events = ResourceTable(event_columns(service.name), name_of=lambda e: e.message, id="events-table",
                                    sort_key=lambda e: (_created(e.at), e.id))
        self.summary = Static("", id="service-summary", markup=False)
        self._filtering = self.tasks  # the table `/` filters
        self.sections = {
            "tasks": Section("Tasks", self.tasks, id="section-tasks"),
            "deployments": Section("Deployments", Vertical(self.deployments, self.history_label, self.history,
                                                           id="deployments-body"), id="section-deployments"),
            "events": Section("Events", self.events, id="section-events"),
        }

    # layout -----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="service-title", markup=False)
        with VerticalScroll(id="service-body"):
            yield self.summary
            yield self.sections["tasks"]
            with Horizontal(id="service-lower"):
                yield self.sections["deployments"]
                yield self.sections["events"]
        yield FilterInput(placeholder="filter", id="service-filter")
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#service-filter", FilterInput).display = False
        self.summary.update(self._summary())
        self.tasks.focus()

    def _title(self) -> Text:
        service = self.service
        title = Text("Service ", style="bold", end="")
        title.append_text(inert(service.name, style="bold"))
        title.append("   cluster ", style="dim")
        title.append_text(inert(service.cluster, style="dim"))
        title.append("   ")
        title.append_text(look.toned(inert(look.health_words(service), style="bold"), look.health_tone(service),
                                     self._styles()))
        return title

    def _styles(self) -> dict[str, str]:
        try:
            return dict(self.app.theme_variables)
        except Exception:  # not mounted yet: no theme to ask
            return {}

    def _summary(self) -> Text:
        """What the service is and does, in four lines: tasks and configuration; health and
        why it is not at steady state; deployments, rollout and utilisation; the last stop
        and the last event."""
        s, now, styles = self.service, self._now(), self._styles()
        out = Text(end="")

        def part(value: Text | str | None, tone: str | None = None, label: str = "", end: str = " · ") -> None:
            if label:
                out.append(f"{label} ", style="dim")
            shown = value if isinstance(value, Text) else cells.text(value)
            out.append_text(look.toned(shown, tone, styles))
            out.append(end, style="dim")

        part(f"{s.running}/{s.desired}", "warning" if s.running < s.desired else None, "running")
        part(str(s.pending), None, "pending")
        part(s.task_definition, None, "task def")
        part(look.launch_words(s.launch_type, s.strategy, s.launch), None, "launch")
        part(look.breaker_words(s), None, "circuit breaker", end="\n")
        health = s.health
        if health is None:
            part(look.NOT_READ, None, "health", end="\n")
        else:
            part(look.health_words(s), look.health_tone(s), "health")
            part(f"{health.replaced} replaced, {health.failed_checks} by failed health checks",
                 "error" if health.replaced else None, f"in {cells.age(health.window)}",
                 end=" · " if not health.steady else "\n")
            if not health.steady:
                part(health.reason or None, look.not_steady_tone(s), "not steady:", end="\n")
        deployments = len(s.deployments)
        part(f"{deployments}, deploying" if deployments > 1 else str(deployments),
             "warning" if deployments > 1 else None, "deployments")
        rollout = cells.text(s.rollout_state)
        if s.rollout_reason:
            rollout.append_text(inert(f" ({s.rollout_reason})"))
        part(rollout, look.ROLLOUT_TONE.get(s.rollout_state or ""), "rollout")
        metrics = s.metrics
        part(look.metric(metrics.cpu, metrics.cpu_now) if metrics else None, None, "cpu")
        part(look.metric(metrics.memory, metrics.memory_now) if metrics else None, None, "memory", end="\n")
        if health is not None and health.last_stop is not None:
            part(look.stop_words(health.last_stop, now), "error", "last stop")
        part(look.event_words(self._last_event(), now, s.name), None, "last event", end="")
        return out

    def _last_event(self) -> M.EcsEvent | None:
        """The newest event of the timeline below (by its time), so the two agree."""
        events = [e for e in self.detail.events if e.at is not None] if self.detail is not None else []
        return max(events, key=lambda e: e.at) if events else self.service.last_event

    def _now(self) -> datetime:
        return self.opsdeck.clock.now()

    # the feed -------------------------------------------------------------------------------------
    def feeds(self) -> dict[str, Feed]:
        from console.services.ecs.sources import ServiceDetailSource

        return {"detail": Feed(tuple(self.sections), ServiceDetailSource(self.service.ref).read, self.poll, self._show)}

    def _show(self, detail: M.ServiceDetail) -> None:
        self.detail = detail
        self.service = detail.service
        now = self._now()
        self.query_one("#service-title", Static).update(self._title())
        self.summary.update(self._summary())
        recent = [t for t in detail.tasks if not t.stopped or _stopped_at(t) is None or now - _stopped_at(t) <= STOPPED_WINDOW]
        self.tasks.update_items(recent, now)
        stopped = sum(1 for t in recent if t.stopped)
        if recent:
            self.sections["tasks"].ready(f"{len(recent) - stopped} running · {stopped} stopped in the last hour")
        else:
            self.sections["tasks"].empty("no tasks: none running, none stopped in the last hour")
        self._show_deployments(detail, now)
        self.events.update_items(detail.events, now)
        if detail.events:
            self.sections["events"].ready(f"{len(detail.events)} · newest first")
        else:
            self.sections["events"].empty("no service events yet")

    def _show_deployments(self, detail: M.ServiceDetail, now: datetime) -> None:
        self.deployments.update_items(detail.service.deployments, now)
        history = detail.history
        if history is None:  # not answered yet (the rest is published first), or not available
            label = inert(f"history: {detail.history_unavailable or 'reading… (ListServiceDeployments)'}")
            self.history.update_items((), now)
        else:
            label = inert(f"history (ListServiceDeployments): {len(history)}" if history
                          else "history (ListServiceDeployments): none yet")
            self.history.update_items(history, now)
        self.history_label.update(label)
        self.history.display = bool(history)
        if detail.service.deployments or history:
            self.sections["deployments"].ready()
        else:
            self.sections["deployments"].empty("no deployments")

    def refresh_ages(self) -> None:
        super().refresh_ages()
        now = self._now()
        for table in (self.tasks, self.deployments, self.history, self.events):
            if table.items:
                table.update_items(table.items, now)
        self.summary.update(self._summary())

    # keys ---------------------------------------------------------------------------------------
    def action_section(self, name: str) -> None:
        table = {"tasks": self.tasks, "deployments": self.deployments, "events": self.events}[name]
        if table.display:
            table.focus()

    def action_refresh(self) -> None:
        self.refresh_feeds()

    def selected_service_ref(self) -> M.ServiceRef | None:
        return self.service.ref

    def selected_task_ref(self) -> M.TaskRef | None:
        """The task under the cursor while the tasks section has the focus: a task key
        pressed in the events never acts on a task the user is not looking at."""
        task = self.tasks.selected_item
        return task.ref if isinstance(task, M.EcsTask) and self.focused is self.tasks else None

    # the `/` filter: the section in focus, by task id, deployment id or event message -----------------
    def _filtered_table(self) -> ResourceTable:
        focused = self.focused
        return focused if focused in (self.tasks, self.deployments, self.history, self.events) else self.tasks

    def action_filter(self) -> None:
        box = self.query_one("#service-filter", FilterInput)
        self._filtering = self._filtered_table()
        box.value = self._filtering.filter_text
        box.placeholder = f"filter {FILTER_WHAT[self._filtering.id or '']}"
        box.display = True
        box.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            return any(t.filter_text for t in (self.tasks, self.deployments, self.history, self.events))
        return super().check_action(action, parameters)

    def action_clear_filter(self) -> None:
        for table in (self.tasks, self.deployments, self.history, self.events):
            table.set_filter("")
        self.query_one("#service-filter", FilterInput).action_close()

    @on(Input.Changed, "#service-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._filtering.set_filter(event.value)
        self.refresh_bindings()

    @on(Input.Submitted, "#service-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            event.input.display = False
        self._filtering.focus()


def _stopped_at(task: M.EcsTask) -> datetime | None:
    return task.stopped_at or task.stopping_at
