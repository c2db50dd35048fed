"""The Lambda panel: every function with its metrics and alias routing, the worst first.

Its keys: `enter` details, `l` logs, `i` invoke, `w` metric window, `d` deploy, `r` roll
back; on start it offers to finish any deploy a crash left open.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter
from typing import Any, Callable, Mapping

from rich.text import Text
from textual.binding import Binding

from console.services.lambda_ import metrics as lambda_metrics
from console.services.lambda_.health import Jump, JumpStart, jump_of, jump_start, percent
from console.services.lambda_.metrics import MetricWindow
from console.services.lambda_.models import LambdaAlias, LambdaFunction, VersionFigures, worse
from console.services.lambda_.sources import AliasSweep
from console.text import inert
from screens.panel import PanelSpec, ServicePanel
from widgets import cells
from widgets.resource_table import Column

@dataclass(frozen=True)
class LambdaRow:
    """A function with the routing of its aliases (from the slower aliases source)."""

    function: LambdaFunction
    routing: str | None = ""  # None: its aliases not read yet
    aliases: tuple[LambdaAlias, ...] = ()  # by name
    unread: bool = False  # its metrics could not be read (the call failed): unknown, not pending

    @property
    def key(self) -> str:
        return self.function.key

    @property
    def name(self) -> str:
        return self.function.name

    @cached_property
    def jump(self) -> Jump | None:
        """Errors or throttles jumped in the last 5 minutes (console.services.lambda_.health)."""
        return jump_of(self.function.metrics)

    @cached_property
    def since(self) -> JumpStart | None:
        """When the jump began."""
        return jump_start(self.function.metrics)


def join_aliases(functions: tuple[LambdaFunction, ...], aliases: tuple[LambdaAlias, ...], *,
                 has_read: Callable[[str], bool] | None = None, unread: bool = False,
                 previous: Mapping[str, LambdaRow] | None = None) -> tuple[LambdaRow, ...]:
    """A row per function with its aliases by name; routing None where `has_read` says its
    aliases were not read yet; `unread`: the last read of metrics failed, so a function
    without them shows unknown. A row equal to its `previous` one is that same object: the
    table then compares it by identity, and a refresh that changes three of 2,000 rows
    builds three (widgets.resource_table)."""
    by_function: dict[str, list[LambdaAlias]] = {}
    for alias in aliases:
        by_function.setdefault(alias.function_name, []).append(alias)
    rows = []
    for fn in functions:
        own = by_function.get(fn.name)
        own = () if own is None else tuple(own) if len(own) == 1 else tuple(sorted(own, key=attrgetter("name")))
        read = has_read is None or has_read(fn.name)
        lost = unread and fn.metrics is None
        old = previous.get(fn.key) if previous is not None else None
        if old is not None and (old.routing is not None) == read and old.unread == lost and old.aliases == own \
                and (old.function is fn or old.function == fn):
            rows.append(old)
        else:
            rows.append(LambdaRow(fn, " ".join(a.routing for a in own) if read else None, own, lost))
    return tuple(rows)


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
    """`▲ pay · since 04:37` on a jumping row (when the jump began, on the clock's zone)."""
    if not row.jump:
        return cells.text(row.name)
    since = row.since
    return cells.text(JUMP_MARKER + row.name + (f" · since {'<' if since.before_span else ''}{since.at:%H:%M}"
                                                   if since else ""))


def _lambda_column(key: str, label: str, cell, tone=None, ages: bool = False) -> Column:
    return Column(key, label, _loud(cell), tone=_row_tone(tone), ages=ages)


def _metric_column(key: str, label: str, cell, tone=None) -> Column:
    """A metric's column: "…" until the function's metrics have been read (a first load
    lists 2,000 functions before their metrics), "–" where the figure is unknown (the
    read failed, or CloudWatch answered in part)."""
    def known(row: LambdaRow, now: Any) -> Text:
        if row.function.metrics is not None:
            return cell(row, now)
        return cells.count(None) if row.unread else cells.pending(right=True)

    return _lambda_column(key, label, known, tone)


def _version_words(figures: VersionFigures) -> str:
    """`3 (10%) 7.8%`: the version, its share, its own error rate ("no calls", "–" unknown)."""
    rate = figures.error_rate
    words = "–" if figures.invocations is None or figures.errors is None else (
        "no calls" if not figures.invocations else percent(rate or 0.0))
    return f"{figures.version} ({figures.weight:.0%}) {words}"


def _routing(row: LambdaRow, now: Any) -> Text:
    """The aliases' routing; a weighted alias whose figures are read shows each version's
    own error rate, the new version's in bold underline when it is worse (and the cell in
    the error tone: _new_version_worse)."""
    if row.routing is None:
        return cells.pending()
    metrics = row.function.metrics
    versions = metrics.versions if metrics is not None else ()
    if not versions:
        return cells.text(row.routing)
    result = Text(end="")
    for alias in row.aliases:
        own = [v for v in versions if v.alias == alias.name]
        if result.plain:
            result.append(" ")
        if not own:
            result.append_text(inert(alias.routing))
            continue
        result.append_text(inert(f"{alias.name}→"))
        for number, figures in enumerate(own):
            if number:
                result.append(" · ")
            style = "bold underline" if figures.new and worse(figures, own) else ""
            result.append_text(inert(_version_words(figures), style=style))
    return result


def _new_version_worse(row: LambdaRow) -> str | None:
    """The routing cell in the error tone when a weighted alias's new version fails more."""
    versions = row.function.metrics.versions if row.function.metrics is not None else ()
    return "error" if any(v.new and worse(v, versions) for v in versions) else None


# Sparklines (5 bars over the window: 1, 3, 12 or 36 minutes a bar, 290 for 24 h) on what moves in an
# incident: error rate, invocations, throttles and max duration. Errors, average and p99
# duration (over the window) and concurrency stay bare numbers (their shape is in the error-rate and max-duration
# sparklines), which keeps every metric and the alias visible at 160 columns; the
# configuration columns after the alias may scroll off on narrower terminals.
SPEC = PanelSpec(
    id="lambda",
    title="Lambda",
    noun="functions",
    source="lambda",
    related="lambda.aliases",
    join=join_aliases,
    sort_key=_lambda_sort,
    help=f"""\
Every function, the highest error rate first. Figures are over the metric window in the
panel's title (`w` cycles it); the small bars after a figure are the window in 5 steps,
oldest first. err %: errors per invocation; errors, invocations, throttles: counts; avg,
p99, max: duration; conc: peak concurrent executions; alias routing: where each alias
sends traffic, `live→2 (90%) 3 (10%)` while a deploy shifts it; then the configuration
(runtime, arch, mem MB, timeout, pkg) and how long ago it was modified.

Red: errors; yellow: throttles. {JUMP_MARKER.strip()} before a name: its errors (whole row red) or
throttles (yellow) jumped in the last {lambda_metrics.RECENT_MINUTES} minutes against the minutes before.
"…": not read yet (a first load shows names before figures).""",
    columns=(
        _lambda_column("name", "function", _name),
        _metric_column("error_rate", "err %", lambda r, now: cells.with_spark(
            cells.percent(_error_rate(r)), _bars(r, lambda_metrics.error_rate_in), floor=10.0),
            tone=_positive(_error_rate, "error")),
        _metric_column("errors", "errors", lambda r, now: cells.count(_metric("errors")(r)),
                       tone=_positive(_metric("errors"), "error")),
        _metric_column("invocations", "invocations", lambda r, now: cells.with_spark(
            cells.count(_metric("invocations")(r)), _bars(r, lambda_metrics.invocations_in))),
        _metric_column("throttles", "throttles", lambda r, now: cells.with_spark(
            cells.count(_metric("throttles")(r)), _bars(r, lambda_metrics.throttles_in)),
            tone=_positive(_metric("throttles"), "warning")),
        _metric_column("duration_avg", "avg", lambda r, now: cells.millis(_metric("duration_avg_ms")(r))),
        _metric_column("duration_p99", "p99", lambda r, now: cells.millis(_metric("duration_p99_ms")(r))),
        _metric_column("duration_max", "max", lambda r, now: cells.with_spark(
            cells.millis(_metric("duration_max_ms")(r)), _bars(r, lambda_metrics.duration_max_in))),
        _metric_column("concurrency", "conc", lambda r, now: cells.count(_metric("concurrency_max")(r))),
        _lambda_column("routing", "alias routing", _routing, tone=_new_version_worse),
        _lambda_column("runtime", "runtime", lambda r, now: cells.text(r.function.runtime or "image")),
        _lambda_column("architecture", "arch", lambda r, now: cells.text(r.function.architecture)),
        _lambda_column("memory", "mem", lambda r, now: cells.count(r.function.memory_mb)),
        _lambda_column("timeout", "timeout", lambda r, now: cells.text(f"{r.function.timeout_s}s")),
        _lambda_column("package", "pkg", lambda r, now: cells.text(r.function.package_type)),
        _lambda_column("modified", "modified", lambda r, now: cells.text(cells.since(r.function.last_modified, now)),
                       ages=True),
    ),
)




def function_of(item: object) -> LambdaFunction | None:
    """The function a row shows (rows are LambdaRow(function, routing))."""
    item = getattr(item, "function", item)
    return item if isinstance(item, LambdaFunction) else None


class LambdaPanel(ServicePanel):
    SPEC = SPEC
    # mutating actions have ids starting with "action." (hidden in read-only mode)
    BINDINGS = [
        Binding("l", "logs", "Logs", id="lambda.logs", tooltip="Follow the selected function's CloudWatch log group"),
        Binding("i", "invoke", "Invoke", id="action.lambda.invoke",
                tooltip="Invoke the selected function with a payload (templates of real event shapes)"),
        Binding("w", "window", "Window", id="lambda.window",
                tooltip="Lambda metrics over the last 5, 15 or 60 minutes, 3 or 24 hours (cycles)"),
        Binding("d", "deploy", "Deploy", id="action.lambda.deploy",
                tooltip="Deploy new code to the selected function: all at once, canary or linear, watched"),
        Binding("r", "rollback", "Roll back", id="action.lambda.rollback",
                tooltip="Move the alias back (or abort/promote a deploy in progress)"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._last_rows: dict[str, LambdaRow] = {}  # by key: what `rows` returned last

    def on_mount(self) -> None:
        self._title_window()

    def rows(self, store) -> tuple[Any, ...]:
        """Functions with their routing; "…" where the alias sweep has not read a function
        yet; metrics unknown ("–") where the last read failed before they arrived. Rows that
        did not change are the objects of the last call (join_aliases)."""
        latest, related = store.latest(SPEC.source), store.latest(SPEC.related)
        source = getattr(self.app, "source_table", {}).get(SPEC.related)
        sweep = source[0] if source else None
        rows = join_aliases(latest.items if latest else (), related.items if related else (),
                            has_read=sweep.has_read if isinstance(sweep, AliasSweep) else None,
                            unread=latest is not None and latest.error is not None, previous=self._last_rows)
        self._last_rows = {row.key: row for row in rows}
        return rows

    def on_dashboard_ready(self) -> None:
        """Promote / abort / later for each deploy a crash left open (screens.lambda_.deploy)."""
        from screens.lambda_.deploy import offer_open_deploys

        offer_open_deploys(self.screen)

    # the metric window ---------------------------------------------------------------
    def window(self) -> MetricWindow | None:
        """The window the Lambda source reads each tick (console.services.lambda_.sources.
        FunctionsSource); None when the app was given sources without one."""
        source = getattr(self.app, "source_table", {}).get(SPEC.source)
        return getattr(source[0], "window", None) if source else None

    def _title_window(self) -> None:
        window = self.window()
        if window is not None:
            self.title = f"{SPEC.title} · {window.label}"
            self.set_state(self.state)

    def action_window(self) -> None:
        """Cycle 5 -> 15 -> 60 minutes -> 3 -> 24 hours; the source reads it at the fetch asked for now."""
        window = self.window()
        if window is None:
            return
        window.cycle()
        self._title_window()
        engine = getattr(self.app, "engine", None)
        if engine is not None:
            engine.refresh_now(SPEC.source)

    # keys on the selected function ------------------------------------------------------
    def selected_function(self) -> LambdaFunction | None:
        return function_of(self.table.selected_item)

    def detail_screen(self, item: Any):
        from screens.lambda_.function_detail import FunctionDetailScreen

        function = function_of(item)
        if function is None:
            return super().detail_screen(item)
        window = self.window()
        return FunctionDetailScreen(function) if window is None else FunctionDetailScreen(function, window.minutes)

    def action_logs(self) -> None:
        from screens.log_view import LogViewScreen

        function = self.selected_function()
        if function is not None:
            self.app.push_screen(LogViewScreen([function.log_group], title=f"Logs · {function.name}"))

    def action_invoke(self) -> None:
        from screens.lambda_.invoke import InvokeScreen

        function = self.selected_function()
        if function is not None:
            self.app.push_screen(InvokeScreen(function))

    def action_deploy(self) -> None:
        from screens.lambda_.deploy import DeployFormScreen

        function = self.selected_function()
        if function is not None:
            self.app.push_screen(DeployFormScreen(function))

    def action_rollback(self) -> None:
        from screens.lambda_.deploy import open_rollback

        function = self.selected_function()
        if function is not None:
            open_rollback(self.screen, function)
