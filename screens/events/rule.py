"""One EventBridge rule or Scheduler schedule in full: what it is, when it fires or what it
matches, and every target with how it is called.

Filled by one feed (console.services.events.detail: DescribeRule + ListTargetsByRule, or
GetSchedule) polled while the screen is visible. The schedule is said in English with its
next fires (console.services.events.schedule); a pattern is pretty-printed. Each target
shows its input (constant Input, InputPath, or InputTransformer's paths map and template),
role, dead-letter queue and retry policy. `enter` on a Lambda function, state machine or
ECS task opens that service's own screen through the generic route by ARN
(screens.registry.open_arn), so this package imports no other service's. `x` enables or
disables it, `p` sends a test event to a rule's bus. Every AWS string is inert.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from console.services.events.actions import parse_rule_arn, parse_schedule_arn
from console.services.events.detail import (
    RuleDetail,
    RuleTarget,
    arn_service,
    fetch_detail,
    pretty_json,
)
from console.text import inert, inert_lines
from screens.confirm import start_guarded_action
from screens.detail import Feed, SectionsScreen
from widgets.cells import DASH, text
from widgets.footer import Footer
from widgets.section import Section
from widgets.status_bar import StatusBar

# what AWS does when a target sets no retry policy (EventBridge and Scheduler alike)
DEFAULT_RETRY = "AWS default: 185 attempts over 24 hours"
WHEN = "When it fires"
OPENS = frozenset({"lambda", "states", "ecs"})  # targets `enter` opens in their own service's screen


def lines(pairs: list[tuple[str, Any]]) -> Table:
    """`label  value` rows, long values folded under themselves; values inert, a dash for nothing."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in pairs:
        shown = value if isinstance(value, Text) else inert_lines(value) if isinstance(value, str) and value else text(value)
        grid.add_row(label, shown)
    return grid


def retry_words(target: RuleTarget) -> str:
    if target.max_retry_attempts is None and target.max_event_age_seconds is None:
        return DEFAULT_RETRY
    attempts = DASH if target.max_retry_attempts is None else f"{target.max_retry_attempts} attempts"
    age = DASH if target.max_event_age_seconds is None else f"events up to {target.max_event_age_seconds} s old"
    return f"{attempts}, {age}"


def target_pairs(target: RuleTarget) -> list[tuple[str, Any]]:
    """Everything about how one target is called, in the order a person checks it."""
    pairs: list[tuple[str, Any]] = [("kind", target.kind), ("arn", target.arn)]
    if target.id:
        pairs.append(("id", target.id))
    if target.task_definition_arn:
        pairs.append(("task def", target.task_definition_arn))
    if target.input is not None:
        pairs.append(("input", pretty_json(target.input)))
    elif target.input_path is not None:
        pairs.append(("input path", target.input_path))
    elif target.input_template is not None or target.input_paths_map:
        paths = Text(end="")
        for index, (name, path) in enumerate(target.input_paths_map):
            paths.append("\n" if index else "")
            paths.append_text(inert(f"<{name}> = {path}"))
        pairs += [("transformer", "InputTransformer"), ("paths map", paths if target.input_paths_map else "none"),
                  ("template", target.input_template or DASH)]
    else:
        pairs.append(("input", "the whole event"))
    pairs += [("role", target.role_arn or "none"), ("dead letter", target.dead_letter_arn or "none"),
              ("retry", retry_words(target))]
    if target.service in OPENS:
        pairs.append(("enter", "opens it in its own panel"))
    return pairs


class RuleDetailScreen(SectionsScreen):
    """A rule's or a schedule's detail; esc goes back."""

    HELP = """\
A rule or a schedule in full. Rule: its bus, state, description, role. Schedule: the
expression in English and the next fires in its time zone (a rule's are UTC). Pattern:
the event pattern, pretty-printed. Targets: one row each; the box below shows the
selected one's input (constant, input path, or input transformer), role, dead-letter
queue and retry policy. `enter` on a Lambda function, state machine or ECS task opens it."""

    DEFAULT_CSS = """
    RuleDetailScreen #rule-title { height: auto; padding: 0 1; }
    RuleDetailScreen #rule-scroll { height: 1fr; }
    RuleDetailScreen #targets-table { height: auto; max-height: 12; }
    """
    BINDINGS = [
        Binding("x", "toggle", "Enable/disable", id="action.events.detail-toggle",
                tooltip="Disable (or enable) this rule or schedule: plan, confirm, apply, verify"),
        Binding("p", "put_event", "Test event", id="action.events.detail-put-event",
                tooltip="Send a test event to this rule's bus, shaped like its pattern; matching rules shown first"),
        Binding("ctrl+r", "refresh", "Refresh", id="events.detail.refresh", tooltip="Read the rule again now"),
    ]

    def __init__(self, arn: str, scheduled: bool = True) -> None:
        """`arn`: a rule's or a schedule's; `scheduled`: a rule with a schedule expression
        (a schedule always has one), so the second box is titled right before the read."""
        super().__init__()
        self.arn = arn
        self.kind = "schedule" if arn_service(arn) == "scheduler" else "rule"
        self.detail: RuleDetail | None = None
        when = WHEN if scheduled or self.kind == "schedule" else "Pattern"
        self.sections = {
            "rule": Section("Schedule" if self.kind == "schedule" else "Rule",
                            Static("", id="rule-body", markup=False), id="section-rule"),
            "when": Section(when, Static("", id="when-body", markup=False), id="section-when"),
            "targets": Section("Targets", self._targets_table(), id="section-targets"),
            "target": Section("Selected target", Static("", id="target-body", markup=False), id="section-target"),
        }

    @staticmethod
    def _targets_table() -> DataTable:
        table: DataTable = DataTable(cursor_type="row", id="targets-table", zebra_stripes=False)
        table.add_columns("id", "kind", "arn")
        return table

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="rule-title", markup=False)
        with VerticalScroll(id="rule-scroll"):
            for section in self.sections.values():
                yield section
        yield StatusBar()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#targets-table", DataTable).focus()

    def _title(self) -> Text:
        """From the ARN (group or bus, and name), then from each read (the state)."""
        kind = self.kind
        bus, name = parse_schedule_arn(self.arn) if kind == "schedule" else parse_rule_arn(self.arn)
        title = Text(f"{kind} ", style="bold", end="")
        title.append_text(inert(name, style="bold"))
        title.append("   group " if kind == "schedule" else "   bus ")
        title.append_text(inert(bus))
        if self.detail is not None:
            title.append("   ")
            state = self.detail.state
            title.append_text(inert(state, style="bold" if state == "ENABLED" else "bold reverse"))
        title.append("   ")
        title.append_text(inert(self.arn, style="dim"))
        return title

    # polling ------------------------------------------------------------------------------
    def feeds(self) -> dict[str, Feed]:
        arn = self.arn
        return {"detail": Feed(tuple(self.sections), lambda ctx: fetch_detail(ctx, arn), 30.0, self._show)}

    def action_refresh(self) -> None:
        self.refresh_feeds()

    # drawing ------------------------------------------------------------------------------
    def _show(self, detail: RuleDetail) -> None:
        self.detail = detail
        self.query_one("#rule-title", Static).update(self._title())
        self._show_rule(detail)
        self._show_when(detail)
        self._show_targets(detail)

    def _show_rule(self, d: RuleDetail) -> None:
        pairs: list[tuple[str, Any]] = [("name", d.name), ("group" if d.kind == "schedule" else "bus", d.bus),
                                        ("state", d.state), ("description", d.description or "none")]
        if d.kind == "rule":
            pairs.append(("role", d.role_arn or "none"))
            if d.managed_by:
                pairs.append(("managed by", d.managed_by))
        else:
            pairs.append(("window", d.flexible_window or DASH))
        self.query_one("#rule-body", Static).update(lines(pairs))
        self.sections["rule"].ready()

    def _show_when(self, d: RuleDetail) -> None:
        body = self.query_one("#when-body", Static)
        section = self.sections["when"]
        if d.schedule:
            section.border_title = WHEN
            timing = d.timing(self.opsdeck.clock.now())
            pairs: list[tuple[str, Any]] = [("expression", d.schedule), ("time zone", d.timezone or "UTC")]
            if timing.invalid:
                pairs.append(("in words", f"invalid expression: {timing.invalid}"))
            else:
                pairs.append(("in words", timing.english))
                pairs.append(("next fires", "\n".join(_fire(f) for f in timing.next_fires) or "none: it has ended"))
            body.update(lines(pairs))
            section.ready()
        elif d.pattern:
            section.border_title = "Pattern"
            body.update(inert_lines(pretty_json(d.pattern)))
            section.ready()
        else:
            section.empty("neither a schedule nor a pattern")

    def _show_targets(self, d: RuleDetail) -> None:
        table = self.query_one("#targets-table", DataTable)
        row = table.cursor_row
        table.clear()
        for target in d.targets:
            table.add_row(inert(target.id or DASH), inert(target.kind), inert(target.arn), key=target.key)
        if not d.targets:
            self.sections["targets"].empty("no targets: what this rule matches goes nowhere")
            self.sections["target"].empty("no target to show")
            return
        self.sections["targets"].ready(f"{len(d.targets)}")
        if 0 <= row < table.row_count:
            table.move_cursor(row=row)
        self._show_selected()

    def selected_target(self) -> RuleTarget | None:
        if self.detail is None or not self.detail.targets:
            return None
        row = self.query_one("#targets-table", DataTable).cursor_row
        return self.detail.targets[row] if 0 <= row < len(self.detail.targets) else None

    def _show_selected(self) -> None:
        target = self.selected_target()
        if target is None:
            return
        self.query_one("#target-body", Static).update(lines(target_pairs(target)))
        self.sections["target"].ready()

    @on(DataTable.RowHighlighted, "#targets-table")
    def _highlighted(self) -> None:
        self._show_selected()

    @on(DataTable.RowSelected, "#targets-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.open_target()

    def open_target(self) -> None:
        """`enter` on a target: its own service's screen, or why not."""
        from screens.registry import open_arn

        target = self.selected_target()
        if target is None:
            return
        if target.service not in OPENS:
            self.notify(f"opsdeck has no screen for {target.kind} targets", title="Not opened", markup=False)
            return
        why = open_arn(self.app, target.arn)
        if why is not None:
            self.notify(why, title="Not opened", severity="warning", markup=False)

    # actions ------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`p` only where there is a bus: on a rule, not on a schedule."""
        if action == "put_event":
            return self.kind == "rule"
        return True

    def action_toggle(self) -> None:
        from console.services.events.actions import state_toggle

        if self.detail is None:
            self.notify("Its state is not read yet: press x again in a moment.", markup=False)
            return
        start_guarded_action(self, state_toggle(self.kind, self.arn, self.detail.state), on_applied=self.refresh_feeds)

    def action_put_event(self) -> None:
        from screens.events.put_event import open_put_event

        if self.kind != "rule":
            return
        bus, _ = parse_rule_arn(self.arn)
        open_put_event(self, bus, self.detail.pattern if self.detail else None)


def _fire(when: datetime) -> str:
    """`Wed 2026-12-02 08:30 CET`: in the schedule's own zone, as fires are computed."""
    return when.strftime("%a %Y-%m-%d %H:%M %Z")
