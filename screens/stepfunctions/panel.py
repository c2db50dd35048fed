"""The Step Functions panel: state machines, the most failing first.

Every machine, STANDARD or EXPRESS, shows its AWS/States metrics over the last hour
(started, failed, timed out, throttled, average execution time), each with a sparkline of
the hour in 12-minute bars. STANDARD machines also show their executions of the last 24 h
by status (from ListExecutions, read incrementally: console.services.stepfunctions.
executions.DayTally), their last execution and their latest failure with its age; AWS
lists no EXPRESS executions, so those cells say "n/a (EXPRESS)" rather than a misleading
zero, and offer the machine's log group instead (`l`) when logging is configured. A
machine whose executions AWS refused says why.

Keys: `enter` opens a STANDARD machine's executions (screens.stepfunctions.executions),
`l` an EXPRESS machine's log group, `s` starts an execution (screens.stepfunctions.start).
"""

from __future__ import annotations

from typing import Any, Callable

from rich.text import Text
from textual.binding import Binding

from console.services.stepfunctions.metrics import WINDOW_MINUTES
from console.services.stepfunctions.models import FAILED_STATUSES, StateMachine, StateMachineMetrics
from screens.panel import PanelSpec, ServicePanel
from screens.stepfunctions.start import START_EXECUTION_BINDING, open_start_execution
from widgets import cells
from widgets.resource_table import Column

WINDOW = f"{WINDOW_MINUTES // 60}h" if WINDOW_MINUTES % 60 == 0 else f"{WINDOW_MINUTES}m"  # "1h"
DAY = "24h"  # the executions' window (console.services.stepfunctions.executions.DAY_HOURS)
NOT_READ = "…"  # not read yet (a first load's early part): never a zero
PARTIAL = "+"  # after a count while the day is still being read: at least that many


def _unavailable(machine: StateMachine) -> str | None:
    return machine.executions_unavailable


def _unread(machine: StateMachine) -> bool:
    """Executions not read yet (a first load's early part): show '…', never zero."""
    return machine.recent is None


def _executions_cell(figure: Callable[[StateMachine], Text]) -> Callable[[StateMachine, Any], Text]:
    """An executions cell: "n/a" where AWS gives none, "…" before they are read."""

    def cell(machine: StateMachine, now: Any) -> Text:
        if _unavailable(machine):
            return cells.text("n/a")
        if _unread(machine):
            return cells.text(NOT_READ)
        return figure(machine)

    return cell


def _day_count(pick: Callable[[StateMachine], int]) -> Callable[[StateMachine], Text]:
    """A count of the day's executions; `12+` while the day is still being read."""
    def figure(machine: StateMachine) -> Text:
        value = pick(machine)
        return cells.count(value) if machine.window_complete else cells.text(f"{value:,}{PARTIAL}")

    return figure


def _failed_ratio(machine: StateMachine) -> Text:
    """FAILED over every execution of the day: `2/140`."""
    ratio = cells.ratio(machine.failed, machine.recent or 0)
    return ratio if machine.window_complete else cells.text(ratio.plain + PARTIAL)


def _last_execution(machine: StateMachine, now: Any) -> Text:
    reason = _unavailable(machine)
    if reason:
        return cells.text(f"n/a ({reason})")
    if _unread(machine):
        return cells.text(NOT_READ)
    last = machine.last_execution
    if last is None:
        return cells.text(f"none in {DAY}")
    return cells.text(f"{last.status} {cells.since(last.started_at, now)}")


def _last_tone(machine: StateMachine) -> str | None:
    reason = _unavailable(machine)
    if reason:
        return None if reason == "EXPRESS" else "warning"  # AWS refused them: worth a look
    status = machine.last_execution.status if machine.last_execution else None
    if status in FAILED_STATUSES:
        return "error"
    return {"SUCCEEDED": "success", "RUNNING": "accent"}.get(status or "")


def _latest_failure(machine: StateMachine, now: Any) -> Text:
    """`FAILED 40m ago`; on an EXPRESS row, the offer of its log group (named in the last column)."""
    if machine.type == "EXPRESS" and _unavailable(machine) == "EXPRESS":
        if machine.log_group is None:
            return cells.text(NOT_READ)
        return cells.text("n/a · l: logs" if machine.log_group else "n/a · logging off")
    if _unavailable(machine):
        return cells.text("n/a")
    if _unread(machine):
        return cells.text(NOT_READ)
    failure = machine.latest_failure
    if failure is None:
        return cells.text(f"none in {DAY}" + ("" if machine.window_complete else f" so far{PARTIAL}"))
    return cells.text(f"{failure.status} {cells.since(failure.ended_at, now)} ago")


def _log_group(machine: StateMachine, now: Any) -> Text:
    if machine.type != "EXPRESS":
        return cells.text(None)
    if machine.log_group is None:
        return cells.text(NOT_READ)
    return cells.text(machine.log_group or "logging off")


def _failure_tone(machine: StateMachine) -> str | None:
    return "error" if machine.latest_failure is not None and not _unavailable(machine) else None


def _metric(pick: Callable[[StateMachineMetrics], float | None], bars: Callable[[StateMachineMetrics], tuple],
            show=cells.count, floor: float = 0.0) -> Callable[[StateMachine, Any], Text]:
    """A metric of the hour with its sparkline (12-minute bars, oldest first)."""
    def cell(machine: StateMachine, now: Any) -> Text:
        if machine.metrics is None:
            return cells.pending(right=True)
        return cells.with_spark(show(pick(machine.metrics)), bars(machine.metrics), floor)

    return cell


def _positive(pick: Callable[[StateMachineMetrics], float], tone: str) -> Callable[[StateMachine], str | None]:
    return lambda m: tone if m.metrics is not None and pick(m.metrics) > 0 else None


def _sort(machine: StateMachine) -> tuple[float, int, str]:
    """Failed or timed out in the last hour first (both types), then the day's failures."""
    failures = machine.metrics.failures if machine.metrics else 0.0
    return (-failures, -machine.failures, machine.name)


SPEC = PanelSpec(
    id="stepfunctions",
    title="Step Functions",
    noun="state machines",
    source="stepfunctions",
    sort_key=_sort,
    help=f"""\
State machines, the most failed or timed out in the last {WINDOW} first. The "{WINDOW}" columns
are AWS/States metrics over the last {WINDOW}, with the hour in five 12-minute bars before the
figure (oldest first): executions started, failed, timed out, throttled, average execution
time. The executions of the last {DAY} (ended in it, or started or redriven in it and still
running) come from ListExecutions (STANDARD machines only: AWS lists none for EXPRESS, hence
"n/a (EXPRESS)"): the last one, the latest failure and how long
ago it ended, failed/all, timed out, aborted, running and succeeded; "+" after a figure: the
day is still being read (a busy machine's day takes several pages). An EXPRESS machine's
row offers its log group when logging is configured (named in the last column): `l` opens it. `enter` on a STANDARD
machine lists its executions; `s` starts one. Red: failures; yellow: throttles, or executions AWS refused
to list; green: the last execution succeeded. "…": not read yet.""",
    columns=(
        # what a narrow panel shows first: the machine, what its executions did (or why that
        # is not known), the day by status, then the hour's metrics
        Column("name", "state machine", lambda m, now: cells.text(m.name)),
        Column("type", "type", lambda m, now: cells.text(m.type)),
        Column("last", "last execution", _last_execution, tone=_last_tone, ages=True),
        Column("failure", "latest failure", _latest_failure, tone=_failure_tone, ages=True),
        Column("failed", f"failed/{DAY}", _executions_cell(_failed_ratio),
               tone=lambda m: "error" if m.failed and not _unavailable(m) else None),
        Column("timed_out_day", f"timed out {DAY}", _executions_cell(_day_count(lambda m: m.timed_out)),
               tone=lambda m: "error" if m.timed_out and not _unavailable(m) else None),
        Column("aborted_day", f"aborted {DAY}", _executions_cell(_day_count(lambda m: m.aborted)),
               tone=lambda m: "warning" if m.aborted and not _unavailable(m) else None),
        Column("running", "running", _executions_cell(lambda m: cells.count(m.running))),
        Column("succeeded_day", f"succeeded {DAY}", _executions_cell(_day_count(lambda m: m.succeeded))),
        Column("failed_1h", f"failed {WINDOW}", _metric(lambda x: x.failed, lambda x: x.failed_bars),
               tone=_positive(lambda x: x.failed, "error")),
        Column("timed_out", f"timed out {WINDOW}", _metric(lambda x: x.timed_out, lambda x: x.timed_out_bars),
               tone=_positive(lambda x: x.timed_out, "error")),
        Column("started", f"started {WINDOW}", _metric(lambda x: x.started, lambda x: x.started_bars)),
        Column("throttled", f"throttled {WINDOW}", _metric(lambda x: x.throttled, lambda x: x.throttled_bars),
               tone=_positive(lambda x: x.throttled, "warning")),
        Column("time", f"avg time {WINDOW}", _metric(lambda x: x.execution_time_ms, lambda x: x.time_bars,
                                                      cells.millis)),
        Column("log_group", "log group", _log_group),
    ),
)


class StepFunctionsPanel(ServicePanel):
    SPEC = SPEC
    BINDINGS = [
        Binding("l", "logs", "Logs", id="stepfunctions.logs",
                tooltip="Follow the selected EXPRESS machine's CloudWatch log group (when logging is on)"),
        START_EXECUTION_BINDING,
    ]

    def selected_machine(self) -> StateMachine | None:
        item = self.table.selected_item
        return item if isinstance(item, StateMachine) else None

    def detail_screen(self, item: Any):
        """A STANDARD machine's executions; anything else, its fields."""
        if isinstance(item, StateMachine) and item.type != "EXPRESS" and not item.executions_unavailable:
            from screens.stepfunctions.executions import ExecutionsScreen

            return ExecutionsScreen(item)
        return super().detail_screen(item)

    def action_logs(self) -> None:
        machine = self.selected_machine()
        if machine is None:
            return
        if not machine.log_group:
            why = ("its logging configuration is not read yet" if machine.log_group is None and machine.type == "EXPRESS"
                   else "logging is off" if machine.type == "EXPRESS"
                   else "its executions are listed instead: enter")
            self.notify(f"No log group to follow for {machine.name}: {why}", severity="warning", markup=False)
            return
        from screens.log_view import LogViewScreen

        self.app.push_screen(LogViewScreen([machine.log_group], title=f"Logs · {machine.name}"))

    def action_start_execution(self) -> None:
        """`s`: start an execution of the selected machine (screens.stepfunctions.start); the
        panel reads the machine again once it has started."""
        machine = self.selected_machine()
        if machine is not None:
            open_start_execution(self, machine.arn, machine.name, on_started=lambda arn: self._started())

    def _started(self) -> None:
        engine = getattr(self.app, "engine", None)
        if engine is not None:
            engine.refresh_now(SPEC.source)
