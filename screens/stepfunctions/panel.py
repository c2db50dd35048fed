"""The Step Functions panel: state machines, the most failing first.

Every machine, STANDARD or EXPRESS, shows its AWS/States metrics over the last hour
(started, failed, timed out, throttled, average execution time). STANDARD machines also
show their recent executions (the newest 100: the last one, how many run, how many of
them failed); AWS lists no EXPRESS executions, so those columns say "n/a (EXPRESS)"
rather than a misleading zero. A machine whose executions AWS refused says why.
"""

from __future__ import annotations

from typing import Any, Callable

from rich.text import Text

from console.services.stepfunctions.metrics import WINDOW_MINUTES
from console.services.stepfunctions.models import FAILED_STATUSES, StateMachine, StateMachineMetrics
from screens.panel import PanelSpec, ServicePanel
from widgets import cells
from widgets.resource_table import Column

WINDOW = f"{WINDOW_MINUTES // 60}h" if WINDOW_MINUTES % 60 == 0 else f"{WINDOW_MINUTES}m"  # "1h"
NOT_READ = "…"  # not read yet (a first load's early part): never a zero


def _unavailable(machine: StateMachine) -> str | None:
    return machine.executions_unavailable


def _unread(machine: StateMachine) -> bool:
    """Executions not read yet (a first load's early part): show '…', never zero."""
    return machine.recent is None


def _executions_cell(figure: Callable[[StateMachine], Text]) -> Callable[[StateMachine, Any], Text]:
    """A recent-executions cell: "n/a" where AWS gives none, "…" before they are read."""

    def cell(machine: StateMachine, now: Any) -> Text:
        if _unavailable(machine):
            return cells.text("n/a")
        if _unread(machine):
            return cells.text(NOT_READ)
        return figure(machine)

    return cell


def _last_execution(machine: StateMachine, now: Any) -> Text:
    reason = _unavailable(machine)
    if reason:
        return cells.text(f"n/a ({reason})")
    if _unread(machine):
        return cells.text(NOT_READ)
    last = machine.last_execution
    if last is None:
        return cells.text(None)
    return cells.text(f"{last.status} {cells.since(last.started_at, now)}")


def _last_tone(machine: StateMachine) -> str | None:
    reason = _unavailable(machine)
    if reason:
        return None if reason == "EXPRESS" else "warning"  # AWS refused them: worth a look
    status = machine.last_execution.status if machine.last_execution else None
    if status in FAILED_STATUSES:
        return "error"
    return {"SUCCEEDED": "success", "RUNNING": "accent"}.get(status or "")


def _metric(pick: Callable[[StateMachineMetrics], float | None], show=cells.count) -> Callable[[StateMachine, Any], Text]:
    def cell(machine: StateMachine, now: Any) -> Text:
        return cells.text(NOT_READ) if machine.metrics is None else show(pick(machine.metrics))

    return cell


def _positive(pick: Callable[[StateMachineMetrics], float], tone: str) -> Callable[[StateMachine], str | None]:
    return lambda m: tone if m.metrics is not None and pick(m.metrics) > 0 else None


def _sort(machine: StateMachine) -> tuple[float, int, str]:
    """Failed or timed out in the last hour first (both types), then recent failures."""
    failures = machine.metrics.failures if machine.metrics else 0.0
    return (-failures, -machine.failed, machine.name)


SPEC = PanelSpec(
    id="stepfunctions",
    title="Step Functions",
    noun="state machines",
    source="stepfunctions",
    sort_key=_sort,
    help=f"""\
State machines, the most failed or timed out in the last {WINDOW} first. The "{WINDOW}" columns
are AWS/States metrics over the last {WINDOW}: executions started, failed, timed out,
throttled, average execution time. last execution, failed/recent and running come from
the newest 100 executions (STANDARD machines only: AWS lists none for EXPRESS, hence
"n/a (EXPRESS)"). Red: failures; yellow: throttles, or executions AWS refused to list;
green: the last execution succeeded. "…": not read yet.""",
    columns=(
        # what a narrow panel shows first: the machine, what its last execution did (or
        # why that is not known), recent failures, then the hour's metrics
        Column("name", "state machine", lambda m, now: cells.text(m.name)),
        Column("type", "type", lambda m, now: cells.text(m.type)),
        Column("last", "last execution", _last_execution, tone=_last_tone, ages=True),
        Column("failed", "failed/recent", _executions_cell(lambda m: cells.ratio(m.failed, m.recent or 0)),
               tone=lambda m: "error" if m.failed else None),
        Column("failed_1h", f"failed {WINDOW}", _metric(lambda x: x.failed),
               tone=_positive(lambda x: x.failed, "error")),
        Column("timed_out", f"timed out {WINDOW}", _metric(lambda x: x.timed_out),
               tone=_positive(lambda x: x.timed_out, "error")),
        Column("started", f"started {WINDOW}", _metric(lambda x: x.started)),
        Column("throttled", f"throttled {WINDOW}", _metric(lambda x: x.throttled),
               tone=_positive(lambda x: x.throttled, "warning")),
        Column("time", f"avg time {WINDOW}", _metric(lambda x: x.execution_time_ms, cells.millis)),
        Column("running", "running", _executions_cell(lambda m: cells.count(m.running))),
    ),
)


class StepFunctionsPanel(ServicePanel):
    SPEC = SPEC
