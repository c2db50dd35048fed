"""What each dashboard panel shows: its sources, columns, default sort and tones.

The four panels are one ResourceTable class configured here, so adding a column or a
panel is a few lines of data and never a new widget.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter
from typing import Any, Callable

from rich.text import Text

from console import lambda_metrics
from console.lambda_health import Jump, jump_of
from console.models import EcsService, EventRule, LambdaAlias, LambdaFunction, StateMachine
from widgets import cells
from widgets.resource_table import Column

FAILED_STATUSES = frozenset({"FAILED", "TIMED_OUT", "ABORTED"})


@dataclass(frozen=True)
class PanelSpec:
    id: str
    title: str
    noun: str  # "no <noun> in us-east-1"
    source: str
    columns: tuple[Column, ...]
    sort_key: Callable[[Any], Any]
    name_of: Callable[[Any], str] = attrgetter("name")
    # a second source merged into the rows, and how: join(primary items, its items)
    related: str | None = None
    join: Callable[[tuple[Any, ...], tuple[Any, ...]], tuple[Any, ...]] | None = None

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source,) + ((self.related,) if self.related else ())


# Lambda -------------------------------------------------------------------------------
@dataclass(frozen=True)
class LambdaRow:
    """A function with the routing of its aliases (from the slower aliases source)."""

    function: LambdaFunction
    routing: str = ""

    @property
    def key(self) -> str:
        return self.function.key

    @property
    def name(self) -> str:
        return self.function.name

    @cached_property
    def jump(self) -> Jump | None:
        """Errors or throttles jumped in the last 5 minutes (console.lambda_health)."""
        return jump_of(self.function.metrics)


def join_aliases(functions: tuple[LambdaFunction, ...], aliases: tuple[LambdaAlias, ...]) -> tuple[LambdaRow, ...]:
    by_function: dict[str, list[str]] = {}
    for alias in sorted(aliases, key=attrgetter("name")):
        by_function.setdefault(alias.function_name, []).append(alias.routing)
    return tuple(LambdaRow(fn, " ".join(by_function.get(fn.name, ()))) for fn in functions)


def _metric(name: str) -> Callable[[LambdaRow], float | None]:
    return lambda row: getattr(row.function.metrics, name) if row.function.metrics else None


def _error_rate(row: LambdaRow) -> float | None:
    return row.function.metrics.error_rate if row.function.metrics else None


def _bars(row: LambdaRow, pick) -> tuple[float | None, ...]:
    return lambda_metrics.bars(row.function.metrics, pick) if row.function.metrics else ()


def _lambda_sort(row: LambdaRow) -> tuple[float, str]:
    rate = _error_rate(row)
    return (-(rate if rate is not None else -1.0), row.name)


def _positive(metric: Callable[[Any], float | None], tone: str) -> Callable[[Any], str | None]:
    return lambda item: tone if (metric(item) or 0) > 0 else None


JUMP_MARKER = "▲ "  # before the name of a jumping row: seen without telling colours apart


def _jump_tone(row: LambdaRow) -> str | None:
    jump = row.jump
    if not jump:
        return None
    return "error" if jump.errors else "warning"


def _row_tone(own: Callable[[LambdaRow], str | None] | None = None) -> Callable[[LambdaRow], str | None]:
    """A jumping row takes the jump's tone in every cell; other rows keep the column's."""
    return lambda row: _jump_tone(row) or (own(row) if own else None)


def _loud(cell: Callable[[LambdaRow, Any], Text]) -> Callable[[LambdaRow, Any], Text]:
    """Bold cells on a jumping row."""
    def render(row: LambdaRow, now: Any) -> Text:
        result = cell(row, now)
        if row.jump:
            result = result.copy()
            result.stylize("bold")
        return result

    return render


def _name(row: LambdaRow, now: Any) -> Text:
    return cells.text(JUMP_MARKER + row.name) if row.jump else cells.text(row.name)


def _lambda_column(key: str, label: str, cell, tone=None) -> Column:
    return Column(key, label, _loud(cell), tone=_row_tone(tone))


# Sparklines (5 bars over the window: 1, 3 or 12 minutes a bar) on what moves in an
# incident: error rate, invocations, throttles and max duration. Errors, average duration
# and concurrency stay bare numbers (their shape is in the error-rate and max-duration
# sparklines), which keeps every metric and the alias visible at 160 columns; the
# configuration columns after the alias may scroll off on narrower terminals.
LAMBDA = PanelSpec(
    id="lambda",
    title="Lambda",
    noun="functions",
    source="lambda",
    related="lambda.aliases",
    join=join_aliases,
    sort_key=_lambda_sort,
    columns=(
        _lambda_column("name", "function", _name),
        _lambda_column("error_rate", "err %", lambda r, now: cells.with_spark(
            cells.percent(_error_rate(r)), _bars(r, lambda_metrics.error_rate_in), floor=10.0),
            tone=_positive(_error_rate, "error")),
        _lambda_column("errors", "errors", lambda r, now: cells.count(_metric("errors")(r)),
                       tone=_positive(_metric("errors"), "error")),
        _lambda_column("invocations", "invocations", lambda r, now: cells.with_spark(
            cells.count(_metric("invocations")(r)), _bars(r, lambda_metrics.invocations_in))),
        _lambda_column("throttles", "throttles", lambda r, now: cells.with_spark(
            cells.count(_metric("throttles")(r)), _bars(r, lambda_metrics.throttles_in)),
            tone=_positive(_metric("throttles"), "warning")),
        _lambda_column("duration_avg", "avg", lambda r, now: cells.millis(_metric("duration_avg_ms")(r))),
        _lambda_column("duration_max", "max", lambda r, now: cells.with_spark(
            cells.millis(_metric("duration_max_ms")(r)), _bars(r, lambda_metrics.duration_max_in))),
        _lambda_column("concurrency", "conc", lambda r, now: cells.count(_metric("concurrency_max")(r))),
        _lambda_column("routing", "alias routing", lambda r, now: cells.text(r.routing)),
        _lambda_column("runtime", "runtime", lambda r, now: cells.text(r.function.runtime or "image")),
        _lambda_column("architecture", "arch", lambda r, now: cells.text(r.function.architecture)),
        _lambda_column("memory", "mem", lambda r, now: cells.count(r.function.memory_mb)),
        _lambda_column("timeout", "timeout", lambda r, now: cells.text(f"{r.function.timeout_s}s")),
        _lambda_column("package", "pkg", lambda r, now: cells.text(r.function.package_type)),
        _lambda_column("modified", "modified", lambda r, now: cells.text(cells.since(r.function.last_modified, now))),
    ),
)


# ECS ------------------------------------------------------------------------------------
def _ecs_healthy(service: EcsService) -> bool:
    return service.unhealthy_tasks == 0 and service.running >= service.desired


def _health(service: EcsService, now: Any) -> Any:
    if service.unhealthy_tasks is None:  # never claim healthy before the tasks were read
        return cells.text("…")
    if _ecs_healthy(service):
        return cells.text("healthy")
    return cells.text(f"unhealthy ({service.unhealthy_tasks})" if service.unhealthy_tasks else "unhealthy")


def _health_tone(service: EcsService) -> str | None:
    if service.unhealthy_tasks is None:
        return None
    return "success" if _ecs_healthy(service) else "error"


ECS = PanelSpec(
    id="ecs",
    title="ECS / Fargate",
    noun="services",
    source="ecs",
    sort_key=lambda s: (_ecs_healthy(s), s.cluster, s.name),
    columns=(
        Column("name", "service", lambda s, now: cells.text(s.name)),
        Column("cluster", "cluster", lambda s, now: cells.text(s.cluster)),
        Column("status", "status", lambda s, now: cells.text(s.status),
               tone=lambda s: None if s.status == "ACTIVE" else "warning"),
        Column("tasks", "run/want", lambda s, now: cells.ratio(s.running, s.desired),
               tone=lambda s: "warning" if s.running < s.desired else None),
        Column("pending", "pend", lambda s, now: cells.count(s.pending)),
        Column("launch", "launch", lambda s, now: cells.text(s.launch)),
        Column("taskdef", "task def", lambda s, now: cells.text(s.task_definition)),
        Column("deployments", "deps", lambda s, now: cells.count(len(s.deployments)),
               tone=lambda s: "warning" if len(s.deployments) > 1 else None),
        Column("health", "health", _health, tone=_health_tone),
    ),
)


# Step Functions ---------------------------------------------------------------------------
def _unread(machine: StateMachine) -> bool:
    """Executions not read yet (a first load's early part): show '…', never zero."""
    return machine.recent is None


def _last_execution(machine: StateMachine, now: Any) -> Any:
    if _unread(machine):
        return cells.text("…")
    last = machine.last_execution
    if last is None:
        return cells.text(None)
    return cells.text(f"{last.status} {cells.since(last.started_at, now)}")


def _last_tone(machine: StateMachine) -> str | None:
    status = machine.last_execution.status if machine.last_execution else None
    if status in FAILED_STATUSES:
        return "error"
    return {"SUCCEEDED": "success", "RUNNING": "accent"}.get(status or "")


STEP_FUNCTIONS = PanelSpec(
    id="stepfunctions",
    title="Step Functions",
    noun="state machines",
    source="stepfunctions",
    sort_key=lambda m: (-m.failed, m.name),
    columns=(
        Column("name", "state machine", lambda m, now: cells.text(m.name)),
        Column("type", "type", lambda m, now: cells.text(m.type)),
        Column("last", "last execution", _last_execution, tone=_last_tone),
        Column("running", "running", lambda m, now: cells.text("…") if _unread(m) else cells.count(m.running)),
        Column("failed", "failed/recent",
               lambda m, now: cells.text("…") if _unread(m) else cells.ratio(m.failed, m.recent),
               tone=lambda m: "error" if m.failed else None),
    ),
)


# EventBridge ---------------------------------------------------------------------------------
EVENTS = PanelSpec(
    id="events",
    title="EventBridge",
    noun="rules or schedules",
    source="events",
    sort_key=lambda r: (r.kind, r.bus, r.name),
    columns=(
        Column("name", "name", lambda r, now: cells.text(r.name)),
        Column("kind", "kind", lambda r, now: cells.text(r.kind)),
        Column("bus", "bus/group", lambda r, now: cells.text(r.bus)),
        Column("state", "state", lambda r, now: cells.text(r.state),
               tone=lambda r: None if r.state == "ENABLED" else "warning"),
        Column("schedule", "schedule", lambda r, now: cells.text(r.schedule or ("pattern" if r.pattern else None))),
        Column("targets", "targets", lambda r, now: cells.count(r.targets)),
    ),
)

DASHBOARD_PANELS: tuple[PanelSpec, ...] = (LAMBDA, ECS, STEP_FUNCTIONS, EVENTS)
