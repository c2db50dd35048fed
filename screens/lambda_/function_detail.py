"""One Lambda function in full: configuration, versions, triggers, invocations, charts.

Every section is filled by its own feed from console.services.lambda_.detail, polled
through the engine while the screen is visible (screens.detail.SectionsScreen), so a slow
or refused call (AccessDenied on GetPolicy, say) costs that section only: it shows the
Problem's headline (or, once it has shown something, keeps it marked stale) while the
others load and work. Environment variable values are
masked; `v` reveals the selected one and hides it again. Nothing from AWS is markup:
every string goes through inert() into a Text.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Sparkline, Static

from console.services.lambda_ import detail as D
from console.services.lambda_.health import percent
from console.services.lambda_.metrics import window_label
from console.services.lambda_.models import LambdaFunction, worse
from console.text import inert
from screens.detail import Feed, SectionsScreen
from widgets.cells import DASH, count, text, timestamp
from widgets.footer import Footer
from widgets.section import Section
from widgets.status_bar import StatusBar

MASK = "••••••••"  # same length whatever the value: the mask says nothing about it

# (section id, title) in the order they appear, column by column; invocations below, full width
LEFT = (("config", "Configuration"), ("environment", "Environment"))
MIDDLE = (("charts", "Metrics"), ("concurrency", "Concurrency"), ("destinations", "Async invocation"))
RIGHT = (("versions", "Versions"), ("aliases", "Aliases"), ("mappings", "Event source mappings"),
         ("http", "HTTP APIs"), ("s3", "S3 notifications"), ("rules", "EventBridge rules"))
BOTTOM = (("invocations", "Recent invocations"),)
CHARTS = (("invocations", "Invocations"), ("errors", "Errors"), ("duration", "Duration"),
          ("throttles", "Throttles"))


def _table(id: str, *columns: str, cursor: str = "none") -> DataTable:
    table: DataTable = DataTable(cursor_type=cursor, id=id, zebra_stripes=False)
    table.add_columns(*columns)
    return table


def _lines(pairs: list[tuple[str, Any]]) -> Table:
    """`label  value` rows, long values wrapped under themselves; values inert, a dash for nothing."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in pairs:
        grid.add_row(label, value if isinstance(value, Text) else text(value))
    return grid


def _short(value: str, width: int) -> Text:
    return text(value if len(value) <= width else value[: width - 1] + "…")


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.2f}"


def version_lines(versions, worse_style: str) -> Text:
    """One line per version of each weighted alias, `live v3 10% new: 7.8% errors, 11 of
    141`: its share and own error rate over the window; the new version's in bold
    `worse_style` when it fails more."""
    lines = Text(end="")
    for v in sorted(versions, key=lambda v: (v.alias, not v.new)):
        if v.invocations is None or v.errors is None:
            figures = "–"
        elif not v.invocations:
            figures = "no calls"
        else:
            figures = f"{percent(v.error_rate or 0.0)} errors, {v.errors:,.0f} of {v.invocations:,.0f}"
        style = f"bold {worse_style}" if v.new and worse(v, versions) else ""
        if lines.plain:
            lines.append("\n")
        lines.append_text(inert(f"{v.alias} v{v.version} {v.weight:.0%}{' new' if v.new else ''}: {figures}",
                                style=style))
    return lines


class FunctionDetailScreen(SectionsScreen):
    """Everything about one function, kept fresh; esc goes back, ctrl+r reloads every section."""

    HELP = """\
One function in full, each section read on its own (a section AWS refuses says why; the
others still load). Configuration; environment variables, masked (`v` reveals the
selected one); metric charts over the window in their title (`w` cycles it), oldest on
the left; reserved and provisioned concurrency; where asynchronous results go; versions
and aliases (with their routing weights); what triggers it (event source mappings, HTTP
APIs, S3 notifications, EventBridge rules); and the recent invocations from its logs,
failed ones in red."""

    DEFAULT_CSS = """
    FunctionDetailScreen #function-title {
        height: 1;
        padding: 0 1;
        background: $panel;
    }
    FunctionDetailScreen #function-columns {
        height: 1fr;
    }
    FunctionDetailScreen .function-column {
        width: 1fr;
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    FunctionDetailScreen #column-right {
        width: 1.3fr;
    }
    FunctionDetailScreen #section-invocations {
        height: 14;
    }
    FunctionDetailScreen #section-invocations DataTable {
        height: 1fr;
    }
    FunctionDetailScreen #charts-body {
        height: auto;
    }
    FunctionDetailScreen #chart-axis {
        height: 1;
        color: $text-muted;
    }
    FunctionDetailScreen #axis-start {
        width: 1fr;
    }
    FunctionDetailScreen #axis-end {
        width: auto;
    }
    FunctionDetailScreen DataTable {
        height: auto;
        max-height: 24;
        background: $surface;
    }
    FunctionDetailScreen .chart-label {
        height: 1;
    }
    FunctionDetailScreen Sparkline {
        height: 2;
        margin-bottom: 1;
    }
    """

    BINDINGS = [
        Binding("v", "reveal", "Reveal value", id="function.reveal",
                tooltip="Show (or hide again) the selected environment variable's value"),
        Binding("w", "window", "Window", id="function.window", tooltip="Chart window: 5, 15 or 60 minutes, 3 or 24 hours"),
        Binding("ctrl+r", "refresh", "Refresh", id="function.refresh", tooltip="Reload every section now"),
    ]

    def __init__(self, function: LambdaFunction, window_minutes: int = D.DEFAULT_WINDOW_MINUTES) -> None:
        super().__init__()
        self.function = function
        self.window_minutes = window_minutes
        self.configuration: D.FunctionConfiguration | None = None
        self.revealed: set[str] = set()
        self.sections: dict[str, Section] = {}
        self.sparklines = {key: Sparkline([], id=f"chart-{key}", summary_function=max) for key, _ in CHARTS}
        self.chart_labels = {key: Static("", classes="chart-label", markup=False) for key, _ in CHARTS}
        bodies: dict[str, Any] = {
            "config": Static("", id="config-body", markup=False),
            "concurrency": Static("", id="concurrency-body", markup=False),
            "destinations": Static("", id="destinations-body", markup=False),
            "environment": _table("env-table", "name", "value", cursor="row"),
            "charts": Vertical(*self._chart_widgets(), id="charts-body"),
            "invocations": _table("invocations-table", "time", "request id", "version", "duration", "billed",
                                  "memory", "init (cold)", cursor="row"),
            "versions": _table("versions-table", "version", "description", "code", "modified", cursor="row"),
            "aliases": _table("aliases-table", "alias", "routing", cursor="row"),
            "mappings": _table("mappings-table", "source", "state", "batch", "window", "last result", cursor="row"),
            "http": _table("http-table", "api", "routes", "via", cursor="row"),
            "s3": _table("s3-table", "bucket", "events", "filter", cursor="row"),
            "rules": _table("rules-table", "rule", "bus", "state", "trigger", cursor="row"),
        }
        for column in (LEFT, MIDDLE, RIGHT, BOTTOM):
            for section_id, title in column:
                self.sections[section_id] = Section(title, bodies[section_id], id=f"section-{section_id}")

    def _chart_widgets(self) -> list:
        widgets: list = []
        for key, _ in CHARTS:
            widgets += [self.chart_labels[key], self.sparklines[key]]
        widgets.append(Horizontal(Static("", id="axis-start", markup=False), Static("", id="axis-end", markup=False),
                                  id="chart-axis"))
        versions = Static("", id="chart-versions", markup=False)
        versions.display = False  # until a weighted alias's figures arrive
        widgets.append(versions)
        return widgets

    # layout -----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="function-title", markup=False)
        with Horizontal(id="function-columns"):
            for column_id, column in (("left", LEFT), ("middle", MIDDLE), ("right", RIGHT)):
                with VerticalScroll(id=f"column-{column_id}", classes="function-column"):
                    for section_id, _ in column:
                        yield self.sections[section_id]
        for section_id, _ in BOTTOM:
            yield self.sections[section_id]
        yield StatusBar()
        yield Footer()

    def _title(self) -> Text:
        """From the row it was opened from, then from each configuration read."""
        f = self.configuration or self.function
        title = Text("λ ", style="bold", end="")
        title.append_text(inert(f.name, style="bold"))
        facts = [f.runtime or "container image", f.architecture, f"{f.memory_mb} MB", f"{f.timeout_s}s timeout",
                 f.package_type]
        title.append("   ")
        title.append_text(inert(" · ".join(facts), style="dim"))
        title.append("   ")
        title.append_text(inert(f.arn, style="dim"))
        return title

    def on_mount(self) -> None:
        self.query_one("#env-table", DataTable).focus()

    # polling ----------------------------------------------------------------------------
    def feeds(self) -> dict[str, Feed]:
        """Each section's fetch, polled while the screen is visible: what changes during an
        incident (configuration, aliases, versions) often, triggers rarely, metrics once a
        minute; the costly ones after the configuration, which is on screen first."""
        f = self.function
        name, arn = f.name, f.arn
        first = ("config",)
        return {
            "config": Feed(("config", "environment"), lambda ctx: D.fetch_configuration(ctx, name), 15.0,
                           self._show_configuration),
            "aliases": Feed(("aliases",), lambda ctx: D.fetch_aliases(ctx, name), 15.0, self._show_aliases),
            "versions": Feed(("versions",), lambda ctx: D.fetch_versions(ctx, name), 15.0, self._show_versions),
            "concurrency": Feed(("concurrency",), lambda ctx: D.fetch_concurrency(ctx, name), 30.0,
                                self._show_concurrency),
            "destinations": Feed(("destinations",), lambda ctx: D.fetch_destinations(ctx, name), 60.0,
                                 self._show_destinations, first),
            "mappings": Feed(("mappings",), lambda ctx: D.fetch_event_source_mappings(ctx, name), 30.0,
                             self._show_mappings, first),
            "http": Feed(("http",), lambda ctx: D.fetch_http_apis(ctx, arn), 60.0, self._show_http, first),
            "s3": Feed(("s3",), lambda ctx: D.fetch_s3_triggers(ctx, name, arn), 60.0, self._show_s3, first),
            "rules": Feed(("rules",), lambda ctx: D.fetch_rules(ctx, name, arn), 60.0, self._show_rules, first),
            "invocations": Feed(("invocations",), lambda ctx: D.fetch_recent_invocations(ctx, f.log_group),
                                30.0, self._show_invocations, first),
            "charts": Feed(("charts",), lambda ctx: D.fetch_charts(ctx, name, self.window_minutes),
                           D.METRIC_PERIOD, self._show_charts, first),
        }

    # drawing ----------------------------------------------------------------------------
    def _show_configuration(self, conf: D.FunctionConfiguration) -> None:
        self.configuration = conf
        pairs: list[tuple[str, Any]] = [
            ("runtime", conf.runtime or "container image"),
            ("arch", conf.architecture),
            ("memory", f"{conf.memory_mb} MB"),
            ("timeout", f"{conf.timeout_s} s"),
            ("package", conf.package_type),
        ]
        if conf.image_uri:
            pairs.append(("image", conf.image_uri))
        if conf.handler:
            pairs.append(("handler", conf.handler))
        pairs.append(("role", conf.role))
        if conf.vpc is None:
            pairs.append(("vpc", "no VPC"))
        else:
            pairs += [("vpc", conf.vpc.vpc_id or DASH), ("subnets", ", ".join(conf.vpc.subnets) or DASH),
                      ("sec groups", ", ".join(conf.vpc.security_groups) or DASH)]
        pairs.append(("dead letter", conf.dead_letter_target or "none"))
        if conf.layers:
            for i, layer in enumerate(conf.layers):
                label = "layers" if i == 0 else ""
                value = inert(f"{layer.name} v{layer.version}")
                value.append_text(inert(f"  {layer.arn}", style="dim"))
                pairs.append((label, value))
        else:
            pairs.append(("layers", "none"))
        pairs += [
            ("state", " / ".join(s for s in (conf.state, conf.last_update_status) if s) or DASH),
            ("modified", timestamp(conf.last_modified)),
            ("code", conf.code_sha256),
            ("log group", conf.log_group),
        ]
        self.query_one("#config-body", Static).update(_lines(pairs))
        self.query_one("#function-title", Static).update(self._title())
        self.sections["config"].ready()
        self._draw_environment()
        self.refresh_bindings()

    def _draw_environment(self) -> None:
        conf = self.configuration
        section = self.sections["environment"]
        if conf is None:
            return
        if not conf.environment:
            section.empty(f"no environment variables{' — ' + conf.environment_error if conf.environment_error else ''}")
            return
        table = self.query_one("#env-table", DataTable)
        cursor = table.cursor_row
        table.clear()
        for var in conf.environment:
            shown = inert(var.value) if var.name in self.revealed else Text(MASK, style="dim")
            table.add_row(inert(var.name), shown, key=var.name)
        if cursor is not None and 0 <= cursor < table.row_count:
            table.move_cursor(row=cursor)
        section.ready(f"{len(conf.environment)} · values hidden, v reveals")

    def _show_concurrency(self, c: D.Concurrency) -> None:
        if isinstance(c.provisioned, D.Unavailable):
            provisioned: Any = inert(str(c.provisioned), style="dim italic")
        elif c.provisioned:
            provisioned = ", ".join(f"{p.qualifier}: {p.available if p.available is not None else '?'}/{p.requested}"
                                    f" {p.status}" for p in c.provisioned)
        else:
            provisioned = "none"
        reserved = "unreserved (account pool)" if c.reserved is None else f"{c.reserved}"
        self.query_one("#concurrency-body", Static).update(
            _lines([("reserved", reserved), ("provisioned", provisioned)]))
        self.sections["concurrency"].ready()

    def _show_destinations(self, d: D.Destinations | D.Unavailable) -> None:
        body = self.query_one("#destinations-body", Static)
        if isinstance(d, D.Unavailable):
            body.update(inert(str(d), style="dim italic"))
        elif not d.configured:
            body.update(_lines([("destinations", "none configured"),
                                ("retries", "2 (default)"), ("max age", "6 h (default)")]))
        else:
            age = DASH if d.max_event_age_s is None else f"{d.max_event_age_s} s"
            body.update(_lines([("on success", d.on_success or "none"), ("on failure", d.on_failure or "none"),
                                ("retries", d.retry_attempts), ("max age", age)]))
        self.sections["destinations"].ready()

    def _show_versions(self, versions: tuple[D.FunctionVersion, ...]) -> None:
        table = self.query_one("#versions-table", DataTable)
        table.clear()
        for v in versions:
            modified = DASH if v.last_modified is None else v.last_modified.strftime("%m-%d %H:%M")
            table.add_row(inert(v.version), _short(v.description, 20), text(v.code_sha256[:7]), text(modified),
                          key=v.version)
        self._ready_or_empty("versions", len(versions), "no versions")

    def _show_aliases(self, aliases) -> None:
        table = self.query_one("#aliases-table", DataTable)
        table.clear()
        for a in aliases:
            table.add_row(inert(a.name), inert(a.routing), key=a.name)
        self._ready_or_empty("aliases", len(aliases), "no aliases")

    def _show_mappings(self, mappings: tuple[D.EventSourceMapping, ...]) -> None:
        table = self.query_one("#mappings-table", DataTable)
        table.clear()
        for m in mappings:
            source = inert(f"{m.kind} ", style="bold")
            source.append_text(inert(m.source))
            window = DASH if m.batching_window_s is None else f"{m.batching_window_s}s"
            table.add_row(source, inert(m.state), count(m.batch_size), text(window),
                          text(m.last_processing_result), key=m.uuid)
        self._ready_or_empty("mappings", len(mappings), "no event source mappings")

    def _show_http(self, triggers: tuple[D.HttpApiTrigger, ...]) -> None:
        table = self.query_one("#http-table", DataTable)
        table.clear()
        for t in triggers:
            name = inert(t.api_name)
            name.append_text(inert(f" ({t.api_id})", style="dim"))
            table.add_row(name, inert(", ".join(t.routes) or "no routes"), inert(t.qualifier or "unqualified"),
                          key=f"{t.api_id}/{t.integration_id}")
        self._ready_or_empty("http", len(triggers), "no HTTP API integrates it")

    def _show_s3(self, s3: D.S3Triggers) -> None:
        section = self.sections["s3"]
        if not s3.has_policy:
            section.empty("no resource policy: no S3 bucket can invoke it")
            return
        table = self.query_one("#s3-table", DataTable)
        table.clear()
        for n in s3.notifications:
            rules = " ".join(x for x in (f"prefix {n.prefix}" if n.prefix else "",
                                         f"suffix {n.suffix}" if n.suffix else "") if x)
            table.add_row(inert(n.bucket), inert(", ".join(n.events)), text(rules), key=f"{n.bucket}/{n.config_id}")
        for u in s3.unconfirmed:
            table.add_row(inert(u.source), inert("?", style="dim"), inert(u.reason, style="dim italic"),
                          key=f"unconfirmed/{u.source}")
        if not s3.notifications and not s3.unconfirmed:
            section.empty("the resource policy lets no S3 bucket invoke it")
            return
        section.ready(f"{len(s3.notifications)} confirmed" + (f" · {len(s3.unconfirmed)} unchecked" if s3.unconfirmed else ""))

    def _show_rules(self, rules: tuple[D.RuleTrigger, ...]) -> None:
        table = self.query_one("#rules-table", DataTable)
        table.clear()
        for r in rules:
            trigger = r.schedule or ("event pattern" if r.pattern else DASH)
            table.add_row(inert(r.name), inert(r.bus), inert(r.state), inert(trigger), key=f"{r.bus}/{r.name}")
        self._ready_or_empty("rules", len(rules), "no EventBridge rule targets it")

    def _show_invocations(self, recent: D.RecentInvocations) -> None:
        section = self.sections["invocations"]
        if not recent.group_exists:
            section.empty(f"no log group {recent.log_group} yet: no invocation has logged")
            return
        table = self.query_one("#invocations-table", DataTable)
        table.clear()
        drawn: set[str] = set()
        for inv in recent.invocations:
            r = inv.report
            key = f"{inv.timestamp.isoformat()}/{r.request_id}"
            if key in drawn:  # the same request logged twice at the same time: one row (a row key is unique)
                continue
            drawn.add(key)
            init = Text(f"❄ {r.init_ms:.2f} ms", style="bold", justify="right") if r.cold_start else text(None)
            table.add_row(
                text(inv.timestamp.strftime("%H:%M:%S")), inert(r.request_id), text(inv.version),
                Text(f"{r.duration_ms:.2f} ms", justify="right"), Text(f"{r.billed_ms:.0f} ms", justify="right"),
                Text(f"{r.max_memory_mb}/{r.memory_mb} MB", justify="right"), init, key=key,
            )
        minutes = int(recent.lookback.total_seconds() // 60)
        self._ready_or_empty("invocations", len(recent.invocations),
                             f"no REPORT line in {recent.log_group} in the last {minutes} min",
                             subtitle=f"{len(recent.invocations)} newest · last {minutes} min")

    def _show_charts(self, charts: D.FunctionCharts) -> None:
        series = {
            "invocations": (charts.invocations, lambda s: f"max {_number(max(s, default=0))}/min · "
                                                          f"total {_number(sum(s))}"),
            "errors": (charts.errors, lambda s: f"max {_number(max(s, default=0))}/min · total {_number(sum(s))}"),
            "duration": (charts.duration_max_ms, lambda s: f"max {_number(max(s, default=0))} ms "
                                                           f"(per-minute maximum)"),
            "throttles": (charts.throttles, lambda s: f"max {_number(max(s, default=0))}/min · "
                                                      f"total {_number(sum(s))}"),
        }
        for key, title in CHARTS:
            values, summary = series[key]
            label = Text(f"{title:<12}", style="bold", end="")
            label.append(summary(values), style="dim")
            self.chart_labels[key].update(label)
            self.sparklines[key].data = list(values)
        label = window_label(self.window_minutes)
        self.query_one("#axis-start", Static).update(f"−{label}  {charts.start:%H:%M}")
        self.query_one("#axis-end", Static).update(f"{charts.end:%H:%M}  now")
        versions = self.query_one("#chart-versions", Static)
        versions.display = bool(charts.versions)
        versions.update(version_lines(charts.versions, self.app.theme_variables.get("error", "")))
        per = "per minute" if charts.period_s == 60 else f"per {charts.period_s // 60} min"
        self.sections["charts"].ready(f"last {label} · {per} · w switches")

    def _ready_or_empty(self, section_id: str, rows: int, empty: str, subtitle: str | None = None) -> None:
        if rows:
            self.sections[section_id].ready(subtitle or str(rows))
        else:
            self.sections[section_id].empty(empty)

    # keys -------------------------------------------------------------------------------
    def action_reveal(self) -> None:
        """Reveal the selected variable's value, or hide it again. Never logged."""
        conf = self.configuration
        table = self.query_one("#env-table", DataTable)
        if conf is None or not conf.environment or table.row_count == 0:
            return
        name = conf.environment[table.cursor_row].name
        self.revealed.symmetric_difference_update({name})
        self._draw_environment()

    def action_window(self) -> None:
        choices = D.CHART_WINDOWS
        self.window_minutes = choices[(choices.index(self.window_minutes) + 1) % len(choices)] \
            if self.window_minutes in choices else choices[0]
        self.refresh_feeds("charts")

    def action_refresh(self) -> None:
        self.refresh_feeds()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal":
            return self.configuration is not None and bool(self.configuration.environment)
        return True

