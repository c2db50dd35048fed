"""The Step Functions panel: state machines, the most failing first."""

from __future__ import annotations

from typing import Any

from console.services.stepfunctions.models import StateMachine
from screens.panel import PanelSpec, ServicePanel
from widgets import cells
from widgets.resource_table import Column

FAILED_STATUSES = frozenset({"FAILED", "TIMED_OUT", "ABORTED"})

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


SPEC = PanelSpec(
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




class StepFunctionsPanel(ServicePanel):
    SPEC = SPEC
