"""One STANDARD state machine's executions: the failed ones first, newest first within.

The list comes from ListExecutions one page at a time (console.services.stepfunctions.
executions.ExecutionPager): the first page when the screen opens or the status filter
changes, the next when the user scrolls to the last row loaded (or presses `m`), and the
newest page again each tick, so new executions and status changes show up. Each row on
screen is described once (DescribeExecution: its input, redrive status, error), the
running ones again each tick; rows never scrolled to are never described. Both reads are
polling sources of this screen, paced and counted like the dashboard's.

`f` cycles the status filter (ListExecutions' statusFilter), `/` filters the loaded rows
by name or input text (the input of rows described so far), `enter` opens the execution
step by step (screens.stepfunctions.execution). Every state has its own
look: loading, empty, error, access denied, throttled and stale. Names, inputs and
errors from AWS are shown inert.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Static

from console.aws.budget import sweeping
from console.aws.context import AwsContext, bounded_gather
from console.aws.errors import ErrorClass, Problem, error_code
from console.polling import Snapshot
from console.polling.sources import Source
from console.services.stepfunctions import executions as E
from console.services.stepfunctions.models import (
    FAILED_STATUSES, STATUSES, ExecutionDetails, ExecutionSummary, StateMachine,
)
from console.text import inert
from screens.base import SourceScreen
from screens.stepfunctions.execution_actions import EXECUTION_BINDINGS, open_redrive_execution, open_stop_execution
from screens.stepfunctions.start import START_EXECUTION_BINDING, open_start_execution
from widgets import cells
from widgets.footer import Footer
from widgets.panel import FilterInput
from widgets.resource_table import Column, ResourceTable
from widgets.status_bar import StatusBar

FILTERS: tuple[str | None, ...] = (None, *STATUSES)  # None: every status
LIST_EVERY = 15.0  # seconds between re-reads of the newest page
DETAILS_EVERY = 10.0  # seconds between re-reads of the running rows on screen
PREVIEW = 80  # characters of input shown
EXECUTIONS_STATES = ("loading", "empty", "error", "denied", "throttled", "stale", "ok")
TONES = {"FAILED": "error", "TIMED_OUT": "error", "ABORTED": "warning", "SUCCEEDED": "success",
         "RUNNING": "accent", "PENDING_REDRIVE": "warning"}
GLYPH = {"FAILED": "✗", "TIMED_OUT": "◷", "ABORTED": "■", "SUCCEEDED": "✓", "RUNNING": "▶",
         "PENDING_REDRIVE": "↻"}


@dataclass(frozen=True)
class ExecutionRow:
    """One row: the listed execution, with what DescribeExecution added once it was on screen."""

    execution: ExecutionSummary
    details: ExecutionDetails | None

    @property
    def key(self) -> str:
        return self.execution.arn

    @property
    def name(self) -> str:
        return self.execution.name

    @property
    def search_text(self) -> str:
        """What `/` matches: the name and, once read, the input."""
        details = self.details
        return self.execution.name + ("\n" + details.input if details is not None and details.input else "")


def _order(row: ExecutionRow) -> tuple[bool, float, str]:
    """Failed (failed, timed out, aborted) first, newest first within each group."""
    started = row.execution.started_at
    return (row.execution.status not in FAILED_STATUSES, -(started.timestamp() if started else 0.0), row.name)


def duration(seconds: float) -> str:
    """`812ms`, `4.2s`, `3m 10s`, `2h 05m`, `3d 4h`."""
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h"


def _status(row: ExecutionRow, now: datetime) -> Text:
    status = row.execution.status
    return cells.text(f"{GLYPH.get(status, '?')} {status}")


def _start(row: ExecutionRow, now: datetime) -> Text:
    started = row.execution.started_at
    return cells.text(None if started is None else started.strftime("%m-%d %H:%M:%S"))


def _duration(row: ExecutionRow, now: datetime) -> Text:
    e = row.execution
    if e.started_at is None:
        return cells.text(None)
    if e.status == E.RUNNING:
        return cells.text(f"running {duration((now - e.started_at).total_seconds())}")
    if e.stopped_at is None:
        return cells.text(None)
    result = cells.text(duration((e.stopped_at - e.started_at).total_seconds()))
    result.justify = "right"
    return result


def _redrives(row: ExecutionRow, now: datetime) -> Text:
    e = row.execution
    count = row.details.redrive_count if row.details is not None else e.redrive_count
    if not count:
        return cells.text("0")
    return cells.text(f"{count} · {cells.since(e.redrive_date, now)} ago" if e.redrive_date else f"{count}")


def _redrive_status(row: ExecutionRow, now: datetime) -> Text:
    """REDRIVABLE, NOT_REDRIVABLE or REDRIVABLE_BY_MAP_RUN, as DescribeExecution says."""
    details = row.details
    if details is None:
        return cells.pending()
    return cells.text(details.redrive_status)


def preview(text: str | None, width: int = PREVIEW) -> str | None:
    """The input on one line (JSON compacted), cut to `width` characters."""
    if text is None:
        return None
    try:
        one_line = json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False)
    except ValueError:
        one_line = " ".join(text.split())
    return one_line if len(one_line) <= width else one_line[:width - 1] + "…"


def _input(row: ExecutionRow, now: datetime) -> Text:
    details = row.details
    if details is None:
        return cells.pending()
    if details.input is None:
        return cells.text("(not returned)")
    return cells.text(preview(details.input))


def _error(row: ExecutionRow, now: datetime) -> Text:
    details = row.details
    if details is None:
        return cells.pending() if row.execution.status in FAILED_STATUSES else cells.text(None)
    return cells.text(details.error)


COLUMNS = (
    Column("status", "status", _status, tone=lambda row: TONES.get(row.execution.status)),
    Column("name", "name", lambda row, now: cells.text(row.name)),
    Column("start", "start (UTC)", _start),
    Column("duration", "duration", _duration, ages=True),
    Column("redrives", "redrives", _redrives, ages=True),
    Column("error", "error", _error, tone=lambda row: "error" if row.details and row.details.error else None),
    Column("input", "input", _input),
    Column("redrive_status", "redrive status", _redrive_status),
)


class ExecutionsScreen(SourceScreen):
    """A machine's executions, failed first; esc goes back."""

    HELP = """\
The machine's executions as ListExecutions gives them, newest first, the failed, timed out
and aborted ones above the rest. `f` cycles the status filter (all, running, succeeded,
failed, timed out, aborted, pending redrive), read from AWS with ListExecutions'
statusFilter. A page of 100 is read when the screen opens; the next when you scroll to the
last row (or press `m`). Start, duration (running ones count up), how often each was
redriven and, for the rows you have scrolled to, their error, input and redrive status
(DescribeExecution, read once per row, again while it runs). `/` filters the loaded rows
by name or by the input of the rows read so far. `enter` steps through the selected
execution; `s` starts a new one, `x` stops the selected one, `R` redrives it (each planned,
confirmed and audited). Times are UTC."""

    DEFAULT_CSS = """
    ExecutionsScreen #executions-title, ExecutionsScreen #executions-status {
        height: 1;
        padding: 0 1;
    }
    ExecutionsScreen #executions-title {
        background: $panel;
    }
    ExecutionsScreen #executions-status {
        color: $text-muted;
    }
    ExecutionsScreen #executions-notice {
        padding: 1 2;
        height: auto;
    }
    ExecutionsScreen.-error #executions-notice, ExecutionsScreen.-denied #executions-notice {
        color: $error;
    }
    ExecutionsScreen.-throttled #executions-status, ExecutionsScreen.-stale #executions-status {
        color: $warning;
    }
    ExecutionsScreen #executions-table {
        height: 1fr;
    }
    ExecutionsScreen #executions-filter {
        dock: bottom;
    }
    """

    BINDINGS = [
        Binding("f", "cycle_status", "Status filter", id="stepfunctions.executions.status",
                tooltip="Show only the executions of one status (cycles, read from AWS)"),
        Binding("m", "more", "More", id="stepfunctions.executions.more",
                tooltip="Read the next page of executions (scrolling to the last row does too)"),
        Binding("escape", "clear_filter", "Clear filter", id="stepfunctions.executions.clear-filter", show=False),
        START_EXECUTION_BINDING,
        *EXECUTION_BINDINGS,
    ]

    def __init__(self, machine: StateMachine, page_size: int | None = None) -> None:
        super().__init__()
        self.machine = machine
        self.pager = E.ExecutionPager(machine.arn, page_size)
        self.page: E.ExecutionsPage | None = None
        self.problem: Problem | None = None
        self.state = "loading"
        self.table = ResourceTable(COLUMNS, sort_key=_order, name_of=lambda row: row.search_text,
                                   id="executions-table")

    # layout -----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="executions-title", markup=False)
        yield Static("", id="executions-status", markup=False)
        yield Static("", id="executions-notice", markup=False)
        yield self.table
        yield FilterInput(placeholder="filter by name or input", id="executions-filter")
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#executions-filter", Input).display = False
        self.table.focus()
        self._draw()

    def _title(self) -> Text:
        title = Text("Executions · ", style="bold", end="")
        title.append_text(inert(self.machine.name, style="bold"))
        title.append("   ")
        title.append_text(inert(f"{self.machine.type} · {self.machine.arn}", style="dim"))
        return title

    # polling ------------------------------------------------------------------------------
    def own_sources(self) -> Mapping[str, Source]:
        return {
            "list": Source(self._fetch_list, LIST_EVERY),
            "details": Source(self._fetch_details, DETAILS_EVERY, ("list",)),
        }

    async def _fetch_list(self, ctx: AwsContext) -> tuple[E.ExecutionsPage]:
        return (await self.pager.fetch(ctx),)

    async def _fetch_details(self, ctx: AwsContext) -> tuple[E.ExecutionsPage]:
        """DescribeExecution for the rows on screen that need it, within the share of its
        quota (all of them when the user asked: ctrl+r)."""
        name = self.own_name("list")
        wanted = self.pager.to_describe(ctx.on_screen(name) if name else frozenset(), ctx.fresh)
        if not ctx.fresh:
            wanted = wanted[:max(0, ctx.spare("stepfunctions", "DescribeExecution"))]

        async def describe(arn: str) -> None:
            try:
                self.pager.described(await E.describe_execution(ctx, arn))
            except Exception as exc:
                if error_code(exc) != "ExecutionDoesNotExist":
                    raise

        with sweeping():
            await bounded_gather(describe(arn) for arn in wanted)
        return (self.pager.snapshot(),)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        key = self.own_key(snapshot.source)
        if key is None:
            return
        if key == "list":
            self.problem = snapshot.error
        elif snapshot.error is not None and self.problem is None:
            self.problem = snapshot.error
        if snapshot.loaded and snapshot.items:
            page = snapshot.items[0]
            # not a page of the filter before `f`, nor details before any page was listed
            if page.status == self.pager.status and page.pages:
                self.page = page
        self._draw()

    def refresh_ages(self) -> None:
        self._draw_state()
        self._report_rows()

    # drawing ------------------------------------------------------------------------------
    def _draw(self) -> None:
        if not self.is_mounted or not self.table.is_mounted:
            return
        page = self.page
        if page is not None:
            details = page.details
            self.table.update_items((ExecutionRow(e, details.get(e.arn)) for e in page.executions),
                                    self.opsdeck.clock.now())
        self._draw_state()
        self.refresh_bindings()
        self.call_after_refresh(self._report_rows)

    def _state_name(self) -> str:
        problem = self.problem
        if problem is not None:
            if problem.kind is ErrorClass.THROTTLED:
                return "throttled"
            if self.page is not None:
                return "stale"
            return "denied" if problem.kind is ErrorClass.ACCESS_DENIED else "error"
        if self.page is None:
            return "loading"
        return "ok" if self.page.executions else "empty"

    def _status_label(self) -> str:
        return self.pager.status or "ALL"

    def _status_text(self) -> Text:
        page, state = self.page, self.state
        words = Text(f"status {self._status_label()} (f)", end="")
        if page is not None:
            shown, loaded = self.table.row_count, len(page.executions)
            words.append(f" · {shown}/{loaded} loaded match" if self.table.filter_text else f" · {loaded} loaded")
            words.append(", more as you scroll (m)" if page.more else ", all loaded")
            words.append(" · failed first, then newest")
        if self.table.filter_text:
            words.append(" · filter ")
            words.append_text(inert(self.table.filter_text))
        if state in ("throttled", "stale") and self.problem is not None:
            snapshot = self._list_snapshot()
            age = cells.age(snapshot.age(self.opsdeck.clock)) if snapshot is not None else cells.DASH
            lead = "throttled by AWS, backing off" if state == "throttled" else "stale"
            words.append(f" · {lead}" + (f", rows {age} old" if self.page is not None else "") + " — ")
            words.append_text(inert(self.problem.headline))
        return words

    def _notice(self) -> Text | None:
        state, problem = self.state, self.problem
        if state == "loading":
            return Text(f"loading the newest executions of {self.machine.name}… (ListExecutions)", end="")
        if state in ("error", "denied") and problem is not None:
            notice = Text(end="")
            if state == "denied":
                notice.append("Access denied: this identity may not list this machine's executions "
                              "(states:ListExecutions).\n", style="bold")
            notice.append_text(inert(problem.headline, style="bold"))
            notice.append("\n")
            notice.append_text(inert(problem.remedy))
            return notice
        if state == "throttled" and self.page is None:
            return Text("throttled by AWS before anything was read: retrying, slower each time", end="")
        if state == "empty":
            which = "" if self.pager.status is None else f"{self.pager.status} "
            notice = Text(f"no {which}executions of ", end="")
            notice.append_text(inert(self.machine.name))
            if self.pager.status is not None:
                notice.append(" · f shows another status", style="dim")
            return notice
        if self.table.filter_text and self.page is not None and not self.table.row_count:
            notice = Text("no loaded execution matches ", end="")
            notice.append_text(inert(self.table.filter_text))
            notice.append(" · m reads more" if self.page.more else " · every execution is loaded", style="dim")
            return notice
        return None

    def _draw_state(self) -> None:
        if not self.is_mounted or not self.query("#executions-status"):  # closing: nothing to draw on
            return
        self.state = self._state_name()
        for name in EXECUTIONS_STATES:
            self.set_class(self.state == name, f"-{name}")
        self.query_one("#executions-status", Static).update(self._status_text())
        notice = self._notice()
        box = self.query_one("#executions-notice", Static)
        box.update(notice or "")
        box.display = notice is not None
        self.show_table(self.table, self.page is not None and bool(self.page.executions))

    def _list_snapshot(self) -> Snapshot | None:
        name = self.own_name("list")
        return self.opsdeck.store.latest(name) if name else None

    # paging as the user scrolls ----------------------------------------------------------------
    def _report_rows(self) -> None:
        """Tell the engine which rows are on screen (the details source describes them),
        and read the next page once the last row loaded is in view, unless a `/` filter
        narrows the rows (then only `m` reads more: a rare match must not read every page)."""
        engine, name = self.opsdeck.engine, self.own_name("list")
        if engine is None or name is None or not self.table.is_mounted:
            return
        in_view = self.table.keys_in_view()
        engine.show_keys(name, in_view)
        table, keys = self.table, self.table.visible_keys
        at_end = keys and (keys[-1] in in_view or table.cursor_row >= table.row_count - 1)
        if at_end and not table.filter_text:
            self.action_more()

    @on(DataTable.RowHighlighted, "#executions-table")
    def _cursor_moved(self, event: DataTable.RowHighlighted) -> None:
        self.call_after_refresh(self._report_rows)

    def on_mouse_scroll_down(self, event: Any) -> None:
        self.call_after_refresh(self._report_rows)

    def action_more(self) -> None:
        page = self.page
        if page is not None and self.pager.ask_more(page.pages):
            self._refresh_list()

    def _refresh_list(self) -> None:
        engine, name = self.opsdeck.engine, self.own_name("list")
        if engine is not None and name is not None:
            engine.refresh_now(name)

    # the status filter ----------------------------------------------------------------------------
    def action_cycle_status(self) -> None:
        position = FILTERS.index(self.pager.status)
        self.pager.set_status(FILTERS[(position + 1) % len(FILTERS)])
        self.page, self.problem = None, None
        self.table.update_items((), self.opsdeck.clock.now())
        self._draw()
        self._refresh_list()

    # the `/` filter ---------------------------------------------------------------------------------
    def action_filter(self) -> None:
        box = self.query_one("#executions-filter", Input)
        box.display = True
        box.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            return bool(self.table.filter_text)  # else esc means back
        if action == "more":
            return self.page is not None and self.page.more
        return True

    def action_clear_filter(self) -> None:
        self.query_one("#executions-filter", FilterInput).action_close()

    @on(Input.Changed, "#executions-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.table.set_filter(event.value)
        self._draw_state()
        self.refresh_bindings()

    @on(Input.Submitted, "#executions-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            event.input.display = False
        self.table.focus()

    # rows ---------------------------------------------------------------------------------------------
    def selected_execution(self) -> ExecutionSummary | None:
        row = self.table.selected_item
        return row.execution if isinstance(row, ExecutionRow) else None

    @on(DataTable.RowSelected, "#executions-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_drill_down()

    def action_drill_down(self) -> None:
        """`enter`: the execution step by step (screens.stepfunctions.execution)."""
        from screens.stepfunctions.execution import ExecutionScreen

        execution = self.selected_execution()
        if execution is not None:
            self.app.push_screen(ExecutionScreen(execution.arn))

    # actions (screens.stepfunctions.start, execution_actions: guarded, confirmed, audited) ----------
    def action_start_execution(self) -> None:
        """`s`: start an execution of this machine; the list is read again once it has started."""
        open_start_execution(self, self.machine.arn, self.machine.name, on_started=lambda arn: self._refresh_list())

    def action_stop_execution(self) -> None:
        """`x`: stop the selected execution (the ARN is captured now, whatever the cursor does next)."""
        execution = self.selected_execution()
        if execution is not None:
            open_stop_execution(self, execution.arn)

    def action_redrive_execution(self) -> None:
        """`R`: redrive the selected execution (refused, with the reason, unless it may be)."""
        execution = self.selected_execution()
        if execution is not None:
            open_redrive_execution(self, execution.arn)
