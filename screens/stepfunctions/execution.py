"""One execution, state by state: which step failed, with what input, and why.

The history (console.services.stepfunctions.history: every page of GetExecutionHistory,
grouped by state visit) is a timeline of visits in the order they ran, a Map's iterations
and a Parallel's branches under it, indented. `n`/`p` step through them, `f` jumps to the
first failure (the innermost: the failing state inside a Map's iteration), `]`/`[` to the
next or previous iteration or branch of the Map or Parallel the current state is in. The
graph (widgets.state_graph) colours each state by its outcome and follows the current one
(choosing a state there moves the timeline to its visit). Side panels show the current
visit: what happened to it (attempts, backoff, catch), its input, parameters, output and,
on failure, its error and cause, pretty-printed (a Lambda error as its errorType,
errorMessage and stack trace). `l` on a Lambda task opens the function's log group (the
one its LoggingConfig names, else /aws/lambda/NAME) from a minute before the call,
narrowed to the call's request id when the history gives one.

A running execution is read again every few seconds through the screen's feed (the
polling engine, within the API budget) until it ends; an ended one is never read again.
Loading, errors (access denied included, with the remedy) and a stale read each have
their look (widgets.section). Every string from AWS goes through inert().
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from console.services.stepfunctions.asl.render import STATUS_STYLES
from screens.stepfunctions.execution_actions import EXECUTION_BINDINGS, open_redrive_execution, open_stop_execution
from console.aws.errors import describe_problem
from console.services.stepfunctions.history import (
    ExecutionHistory,
    Failure,
    LambdaCall,
    MapRun,
    describe_map_run,
    map_run_executions,
    StateVisit,
    duration_text,
    pretty,
    read_definition,
    read_history,
    state_names,
)
from console.services.stepfunctions.models import FAILED_STATUSES
from console.services.stepfunctions.steps import GLYPHS, StepStatus
from console.services.stepfunctions.task_logs import lambda_log_group
from console.text import inert, inert_lines
from screens.detail import Feed, SectionsScreen
from widgets.footer import Footer
from widgets.section import Section
from widgets.state_graph import StateGraph
from widgets.status_bar import StatusBar

POLL_SECONDS = 5.0  # a running execution's history, read again
LOG_LEAD = timedelta(minutes=1)  # logs opened from a little before the call
CHILDREN = 100  # a distributed Map's child executions read to pick one (one ListExecutions page)
# What the user came for first: the state, why it failed, with what input; then the rest.
PANELS = (("summary", "State"), ("error", "Error"), ("input", "Input"), ("parameters", "Parameters"),
          ("output", "Output"), ("timeline", "Events"))


def clock_time(at: datetime | None, with_date: bool = False) -> Text:
    """A history event's time, to the millisecond (UTC): events come that close."""
    if at is None:
        return Text("–", style="dim", end="")
    shown = at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f" if with_date else "%H:%M:%S.%f")[:-3]
    return Text(shown + (" UTC" if with_date else ""), end="")


def status_text(status: StepStatus, attempts: int = 1) -> Text:
    label = f"{GLYPHS[status]} {status.value}"
    if status == StepStatus.RETRIED:
        label += f" ×{attempts}"
    return Text(label, style=STATUS_STYLES[status], end="")


def failure_text(failure: Failure) -> Text:
    """The error and cause; a Lambda error as its type, message and stack trace."""
    out = Text(end="")
    out.append("error   ", style="dim")
    out.append_text(inert(failure.error or "–", style="bold"))
    if failure.structured:
        for label, value in (("type", failure.error_type), ("message", failure.error_message),
                             ("request", failure.request_id)):
            if value:
                out.append(f"\n{label:<8}", style="dim")
                out.append_text(inert(value))
        if failure.stack_trace:
            out.append("\nstack trace", style="dim")
            for line in failure.stack_trace:
                for part in line.rstrip("\n").split("\n"):
                    out.append("\n  ")
                    out.append_text(inert(part))
    elif failure.cause:
        out.append("\ncause\n", style="dim")
        out.append_text(inert_lines(pretty(failure.cause)))
    return out


def json_text(value: str | None, empty: str) -> Text:
    return inert_lines(pretty(value)) if value not in (None, "") else Text(empty, style="dim", end="")


class ExecutionScreen(SectionsScreen):
    """The step-through of one execution; esc goes back."""

    HELP = """\
An execution state by state, as its event history tells it. The timeline lists every
time a state was entered, in order (a Map's iterations and a Parallel's branches under
it); `n`/`p` step through them, `f` jumps to the first failure, `]`/`[` to the next or
previous iteration or branch. The graph colours each state by what happened to it and
follows the current one. The panels show the current state: its attempts (with the
backoff before each retry) and catch, input, parameters, output, and on failure the error
and cause (a Lambda error as its type, message and stack trace). `l` on a Lambda task
opens the function's logs at the time of the call. A running execution is read again
every few seconds until it ends."""

    BINDINGS = [
        Binding("n", "step(1)", "Next state", id="sfn.execution.next"),
        Binding("p", "step(-1)", "Previous state", id="sfn.execution.previous"),
        Binding("f", "first_failure", "First failure", id="sfn.execution.first-failure"),
        Binding("right_square_bracket", "frame(1)", "Next iteration", id="sfn.execution.next-frame"),
        Binding("left_square_bracket", "frame(-1)", "Previous iteration", id="sfn.execution.previous-frame"),
        Binding("c", "child", "Child execution", id="sfn.execution.child",
                tooltip="A distributed Map's child execution: the first failed one, else the first"),
        Binding("l", "logs", "Lambda logs", id="sfn.execution.logs",
                tooltip="The logs of the Lambda function this task called, at the time of the call"),
        Binding("ctrl+r", "refresh", "Refresh", id="sfn.execution.refresh", tooltip="Read the history again now"),
        *EXECUTION_BINDINGS,
    ]

    DEFAULT_CSS = """
    ExecutionScreen #execution-title { height: 1; padding: 0 1; background: $panel; }
    ExecutionScreen #execution-body { height: 1fr; }
    ExecutionScreen #execution-left { width: 1fr; height: 1fr; }
    ExecutionScreen #execution-right { width: 1fr; height: 1fr; scrollbar-size-vertical: 1; }
    ExecutionScreen #section-steps { height: 1fr; }
    ExecutionScreen #section-steps DataTable { height: 1fr; }
    ExecutionScreen #section-graph { height: 1fr; }
    ExecutionScreen #section-graph StateGraph { height: 1fr; }
    ExecutionScreen.-narrow #execution-body { layout: vertical; }
    ExecutionScreen.-narrow #execution-left { height: 2fr; }
    """

    def __init__(self, execution_arn: str, *, poll: float = POLL_SECONDS) -> None:
        super().__init__()
        self.execution_arn = execution_arn
        self.name_text = execution_arn.rsplit(":", 1)[-1]
        self.poll = poll
        self.history: ExecutionHistory | None = None
        self.definition: str | None = None
        self.names: tuple[str, ...] = ()
        self.graph_view: Any = None
        self.current: int = 0  # index into history.steps
        self.events_read = 0  # while reading: events so far
        self._final: tuple[ExecutionHistory, str | None] | None = None  # an ended execution's last read
        self.definition_problem: Any = None  # why the definition could not be read
        self.map_runs: dict[str, Any] = {}  # DescribeMapRun by map run ARN: a MapRun, or the Problem
        self.steps = DataTable(cursor_type="row", id="steps", zebra_stripes=False)
        self.steps.add_columns("status", "state", "where", "tries", "duration", "entered")
        self.graph = StateGraph(id="graph")
        self.panels = {key: Static("", id=f"state-{key}", markup=False) for key, _ in PANELS}
        self.sections = {"steps": Section("Timeline", self.steps, id="section-steps"),
                         "graph": Section("Graph", self.graph, id="section-graph")}
        for key, title in PANELS:
            self.sections[key] = Section(title, self.panels[key], id=f"section-{key}")

    # layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="execution-title", markup=False)
        with Horizontal(id="execution-body"):
            with Vertical(id="execution-left"):
                yield self.sections["steps"]
                yield self.sections["graph"]
            with VerticalScroll(id="execution-right"):
                for key, _ in PANELS:
                    yield self.sections[key]
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        self.steps.focus()

    def _title(self) -> Text:
        title = Text(end="")
        title.append("Execution ", style="bold")
        title.append_text(inert(self.name_text, style="bold"))
        history = self.history
        if history is None:
            title.append_text(inert(f"   reading the history… {self.events_read:,} events" if self.events_read
                                    else "   reading the history…", style="dim"))
            return title
        title.append("   ")
        title.append_text(inert(history.status.lower(), style="bold"))
        if history.failure is not None:
            title.append_text(inert(f": {history.failure.error}"))
        title.append_text(inert(f"   {history.event_count:,} events · {len(history.steps):,} states entered",
                                style="dim"))
        if history.redrives:
            title.append_text(inert(f" · redriven {history.redrives}×", style="dim"))
        if history.running:
            title.append_text(inert(f" · running: read again every {self.poll:g} s", style="dim"))
        if history.steps:
            title.append_text(inert(f"   step {self.current + 1} of {len(history.steps)}", style="dim"))
        return title

    # the feed ----------------------------------------------------------------------------
    def feeds(self) -> dict[str, Feed]:
        return {"history": Feed(tuple(self.sections), self._fetch, self.poll, self._show)}

    async def _fetch(self, ctx) -> tuple[ExecutionHistory, str | None]:
        """The history (and, once, the definition it ran); an ended execution is not read again."""
        if self._final is not None:
            return self._final
        if self.definition is None:
            try:
                self.definition = await read_definition(ctx, self.execution_arn)
            except Exception as exc:  # the graph says why; the history may still be readable
                self.definition_problem = describe_problem(exc, profile=ctx.target.profile,
                                                           endpoint=ctx.target.endpoint)
                self.definition = ""

        def progress(count: int) -> None:
            self.events_read = count
            if self.is_attached:
                self.query_one("#execution-title", Static).update(self._title())

        history = await read_history(ctx, self.execution_arn, definition=self.definition or None, on_page=progress)
        result = (history, self.definition or None)
        if not history.running:
            self._final = result
        return result

    def _show(self, value: tuple[ExecutionHistory, str | None]) -> None:
        history, definition = value
        previous = self.visit
        self.history = history
        if definition and self.graph_view is None:
            from console.services.stepfunctions.asl.view import GraphView

            try:
                self.graph_view = GraphView.from_definition(definition)
                self.names = state_names(definition)
            except Exception as exc:  # an invalid definition: the timeline still works
                self.sections["graph"].empty(inert(f"the definition cannot be drawn: {exc}"))
        self._draw_steps(previous)
        self._draw_graph()
        if history.steps:
            self.sections["steps"].ready(f"{len(history.steps):,} visits")
        else:
            self.sections["steps"].empty("no state entered yet" if history.running else "no state was entered")
        self._draw_current()

    # drawing -----------------------------------------------------------------------------
    @property
    def visit(self) -> StateVisit | None:
        if self.history is None or not self.history.steps:
            return None
        return self.history.steps[min(self.current, len(self.history.steps) - 1)]

    def _draw_steps(self, previous: StateVisit | None) -> None:
        history = self.history
        assert history is not None
        table = self.steps
        table.clear()
        for visit in history.steps:
            depth = len(visit.where)
            place = visit.where[-1] if visit.where else None
            name = Text("  " * depth, end="")
            name.append_text(inert(visit.name))
            table.add_row(
                status_text(visit.status, visit.tries), name,
                inert(f"{place.kind} {place.index}" if place else "", style="dim"),
                inert(str(visit.tries) if visit.attempts else ""), inert(duration_text(visit.duration)),
                clock_time(visit.entered_at), key=str(visit.first_event_id),
            )
        if previous is not None:  # a re-read keeps the user on the same visit
            self.current = next((i for i, v in enumerate(history.steps)
                                 if v.first_event_id == previous.first_event_id), self.current)
        self.current = max(0, min(self.current, len(history.steps) - 1))
        if history.steps:
            table.move_cursor(row=self.current)

    def _draw_graph(self) -> None:
        section = self.sections["graph"]
        if self.graph_view is None:
            if self.definition_problem is not None:
                section.failed(self.definition_problem)
            elif section.state == "loading":
                section.empty("no definition to draw")
            return
        outcomes = self.history.outcomes(self.names) if self.history is not None else None
        visit = self.visit
        self.graph.show(self.graph_view, outcomes, selected=visit.name if visit is not None else None)
        section.ready()

    def _draw_current(self) -> None:
        self.query_one("#execution-title", Static).update(self._title())
        visit = self.visit
        if visit is None:
            for key, _ in PANELS:
                self.sections[key].empty("no state to show")
            return
        self.panels["summary"].update(self._summary(visit))
        self.sections["summary"].ready(visit.status.value)
        self.panels["timeline"].update(self._timeline(visit))
        self.sections["timeline"].ready()
        self.panels["input"].update(json_text(visit.input, "no input recorded"))
        self.sections["input"].ready()
        if visit.parameters is not None:
            self.panels["parameters"].update(json_text(visit.parameters, "none"))
            self.sections["parameters"].ready()
        else:
            self.sections["parameters"].empty("no task parameters: this state calls nothing")
        if visit.output is not None:
            self.panels["output"].update(json_text(visit.output, "empty"))
            self.sections["output"].ready()
        else:
            self.sections["output"].empty("running: no output yet" if visit.status == StepStatus.RUNNING
                                          else "no output: the state did not complete")
        failure = visit.failure
        if failure is not None:
            self.panels["error"].update(failure_text(failure))
            self.sections["error"].ready("caught" if visit.caught_to else "failed")
        else:
            self.sections["error"].empty("no error")

    def _summary(self, visit: StateVisit) -> Text:
        out = Text(end="")

        def line(label: str, value: Text | str) -> None:
            if out.plain:
                out.append("\n")
            out.append(f"{label:<10}", style="dim")
            out.append_text(value if isinstance(value, Text) else inert(value))

        line("state", inert(f"{visit.name} ({visit.state_type})"))
        if visit.where:
            line("in", " › ".join(place.label for place in visit.where))
        line("status", status_text(visit.status, visit.tries))
        line("entered", clock_time(visit.entered_at, with_date=True))
        line("duration", duration_text(visit.duration))
        for attempt in visit.attempts if len(visit.attempts) > 1 else ():
            outcome = attempt.failure.error if attempt.failure else ("succeeded" if attempt.ended_at else "running")
            backoff = f" after {duration_text(attempt.backoff)} backoff" if attempt.backoff is not None else ""
            line(f"try {attempt.number}", f"{outcome}{backoff}")
        if visit.caught_to is not None:
            which = f" (Catch #{visit.catch_index + 1})" if visit.catch_index is not None else ""
            line("caught", f"→ {visit.caught_to}{which}")
        if visit.frames:
            failed = sum(frame.status not in ("SUCCEEDED", "RUNNING") for frame in visit.frames)
            kind = visit.frames[0].kind
            line(f"{kind}s", f"{len(visit.frames)} ({failed} failed) · ]/[ to step through them")
        if visit.map_run_arn:
            if visit.map_run_arn not in self.map_runs:
                self._load_map_run(visit.map_run_arn)
            run = self.map_runs[visit.map_run_arn]
            if run is None:
                line("map run", Text("reading…", style="dim"))
            elif isinstance(run, MapRun):
                line("map run", f"{(run.status or '?').lower()} · {run.counts('items')}")
                line("children", f"{run.counts('executions')} · c: open one")
            else:
                line("map run", inert(f"{run.headline}", style="bold"))
        call = visit.lambda_call
        if call is not None:
            line("function", call.function_name)
            line("request", call.request_id or "not in the history")
            line("", Text("l: its logs at the time of the call", style="dim"))
        return out

    def _timeline(self, visit: StateVisit) -> Text:
        out = Text(end="")
        for moment in visit.timeline:
            if out.plain:
                out.append("\n")
            out.append_text(clock_time(moment.at))
            out.append("  ")
            out.append_text(inert(moment.what, style="bold" if moment.what in ("failed", "caught", "retried")
                                  else ""))
            if moment.detail:
                out.append("  ")
                out.append_text(inert(moment.detail))
        return out

    # moving ------------------------------------------------------------------------------
    def _go(self, index: int) -> None:
        history = self.history
        if history is None or not history.steps:
            return
        self.current = max(0, min(index, len(history.steps) - 1))
        self.steps.move_cursor(row=self.current)
        visit = self.visit
        if visit is not None and self.graph_view is not None:
            self.graph.select(visit.name)
        self._draw_current()

    def action_step(self, delta: int) -> None:
        self._go(self.current + delta)

    def action_first_failure(self) -> None:
        history = self.history
        failure = history.first_failure if history is not None else None
        if failure is None:
            self.notify("No state failed in this execution.", title="No failure", markup=False)
            return
        self._go(history.steps.index(failure))

    def action_frame(self, delta: int) -> None:
        """The first state of the next (previous) iteration or branch of the innermost Map
        or Parallel the current state is in."""
        history, visit = self.history, self.visit
        if history is None or visit is None:
            return
        if not visit.where:
            if visit.frames:  # on a Map or Parallel itself: into its first (last) iteration
                self._go(self.current + 1 if delta > 0 else self._last_inside(self.current))
            return
        outer, place = visit.where[:-1], visit.where[-1]
        indexes = range(self.current + delta, len(history.steps) if delta > 0 else -1, delta)
        for i in indexes:
            other = history.steps[i]
            if len(other.where) < len(visit.where) or other.where[:-1] != outer:
                if len(other.where) < len(visit.where):
                    break  # left the container
                continue
            if other.where[-1].container == place.container and other.where[-1].index != place.index:
                target = i
                if delta < 0:  # the first state of that frame, not its last
                    while target > 0 and history.steps[target - 1].where == other.where:
                        target -= 1
                self._go(target)
                return
        self.notify(f"No {'next' if delta > 0 else 'previous'} {place.kind} in {place.container}.", markup=False)

    def _last_inside(self, index: int) -> int:
        steps, depth = self.history.steps, len(self.history.steps[index].where)
        last = index
        for i in range(index + 1, len(steps)):
            if len(steps[i].where) <= depth:
                break
            last = i
        return last

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table is self.steps and self.history is not None and event.cursor_row != self.current:
            self._go(event.cursor_row)

    def on_state_graph_selection_changed(self, message: StateGraph.SelectionChanged) -> None:
        """A state chosen on the graph: its visit (the next one from here, else the first)."""
        history, visit = self.history, self.visit
        if history is None or message.state is None or (visit is not None and visit.name == message.state):
            return
        order = list(range(self.current + 1, len(history.steps))) + list(range(0, self.current + 1))
        for i in order:
            if history.steps[i].name == message.state:
                self._go(i)
                return

    def _load_map_run(self, arn: str) -> None:
        self.map_runs[arn] = None  # asked once
        self.run_worker(self._read_map_run(arn), group="map-run")

    async def _read_map_run(self, arn: str) -> None:
        ctx = self.opsdeck.aws_context()
        try:
            self.map_runs[arn] = await describe_map_run(ctx, arn)
        except Exception as exc:  # its own look, in the panel
            self.map_runs[arn] = describe_problem(exc, profile=ctx.target.profile, endpoint=ctx.target.endpoint)
        visit = self.visit
        if visit is not None and visit.map_run_arn == arn:
            self.panels["summary"].update(self._summary(visit))

    def action_child(self) -> None:
        visit = self.visit
        if visit is None or not visit.map_run_arn:
            self.notify("This state is not a distributed Map: it has no child executions.", markup=False)
            return
        self.run_worker(self._open_child(visit.map_run_arn), group="map-run-child", exclusive=True)

    async def _open_child(self, arn: str) -> None:
        ctx = self.opsdeck.aws_context()
        try:
            children = await map_run_executions(ctx, arn, limit=CHILDREN)
        except Exception as exc:
            problem = describe_problem(exc, profile=ctx.target.profile, endpoint=ctx.target.endpoint)
            self.notify(f"{problem.headline}: {problem.detail}", title="Child executions", severity="error",
                        markup=False)
            return
        if not children:
            self.notify("This map run has no child executions.", markup=False)
            return
        failed = [child for child in children if child.status in FAILED_STATUSES]
        self.app.push_screen(ExecutionScreen((failed or children)[0].arn, poll=self.poll))

    def action_logs(self) -> None:
        visit = self.visit
        call = visit.lambda_call if visit is not None else None
        if call is None:
            self.notify("This state called no Lambda function.", title="No logs", markup=False)
            return
        self.run_worker(self._open_logs(visit, call), group="task-logs", exclusive=True)

    async def _open_logs(self, visit: StateVisit, call: LambdaCall) -> None:
        """The function's group (its LoggingConfig's, else the default) from a minute before
        the call, narrowed to the call's request id (a quoted term) when the history has it."""
        from screens.log_view import LogViewScreen

        found = await lambda_log_group(self.opsdeck.aws_context(), call)
        now = self.opsdeck.clock.now()
        since = (call.started_at or visit.entered_at or now) - LOG_LEAD
        self.app.push_screen(LogViewScreen(
            [found.group], f'"{call.request_id}"' if call.request_id else None,
            title=f"Logs · {call.function_name} · {visit.name}", since=since))
        if found.note:
            self.notify(found.note, title="Logs", severity="warning", markup=False, timeout=10)

    def action_stop_execution(self) -> None:
        open_stop_execution(self, self.execution_arn, on_applied=self.action_refresh)

    def action_redrive_execution(self) -> None:
        open_redrive_execution(self, self.execution_arn, on_applied=self.action_refresh)

    def action_refresh(self) -> None:
        self._final = None  # asked for: read it again even if it has ended
        self.refresh_feeds()
