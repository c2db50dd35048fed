"""The EventBridge Scheduler panel: every schedule of every group, when it fires next in its
own time zone, what it invokes and how it retries, and its group's figures.

A panel of its own rather than a second tab of the EventBridge panel: a schedule has
columns a rule has not (time zone, flexible window, target, retry policy, DLQ) and its
figures are its group's; as a registered panel it gets what every panel gets from the
dashboard (its own tab on a small terminal, a number key, `/` filter, its own loading,
empty, error and stale title) with nothing generic learning about panels with two tables.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from rich.text import Text
from textual.binding import Binding

from console.services.events.metrics import bars
from console.services.events.models import GroupMetrics, SchedulerSchedule
from console.services.events.sources import SCHEDULES
from screens.confirm import start_guarded_action
from screens.events.panel import dimmed, dimmed_column, english, invalid_tone, upcoming, when
from screens.panel import PanelSpec, ServicePanel
from widgets import cells
from widgets.resource_table import Column


def _next(s: SchedulerSchedule, now: datetime) -> Text:
    """The next fire on the schedule's own wall clock, with its zone's abbreviation."""
    fires = upcoming(s, now)
    if not fires:
        return cells.text(None)
    return cells.text(f"{when(fires[0], now)} {fires[0]:%Z}")


def _then(s: SchedulerSchedule, now: datetime) -> Text:
    return cells.text(", ".join(when(at, now) for at in upcoming(s, now)[1:3]) or None)


def _target(s: SchedulerSchedule, now: Any) -> Text:
    """`Lambda nightly-report`: the kind and the last part of the target's ARN."""
    arn = s.target_arn
    if s.target_kind.startswith("universal"):
        return cells.text(s.target_kind)
    return cells.text(f"{s.target_kind} {arn.rsplit(':', 1)[-1].rsplit('/', 1)[-1]}" if arn else None)


def _retry(s: SchedulerSchedule, now: Any) -> Text:
    """`185× 24h`: retries and how old an event may get (Scheduler's defaults: 185, 86400 s)."""
    if s.retry_attempts is None and s.retry_age is None:
        return cells.text(None)
    age = cells.age(s.retry_age) if s.retry_age is not None else cells.DASH
    return cells.text(f"{s.retry_attempts if s.retry_attempts is not None else cells.DASH}× {age}")


def _dlq(s: SchedulerSchedule, now: Any) -> Text:
    return cells.text(s.dlq.rsplit(":", 1)[-1] if s.dlq else None)


def _group_figure(pick: Callable[[GroupMetrics], float | None],
                  series: Callable[[GroupMetrics], tuple[float | None, ...]] | None = None
                  ) -> Callable[[SchedulerSchedule, Any], Text]:
    def cell(s: SchedulerSchedule, now: Any) -> Text:
        m = s.group_metrics
        if m is None:
            return cells.count(None) if s.metrics_unread or s.read else cells.pending(right=True)
        figure = cells.count(pick(m) or 0)
        return cells.with_spark(figure, bars(series(m))) if series else figure
    return cell


def _sort(s: SchedulerSchedule) -> tuple:
    """Groups with errors first (their figures are the group's), enabled before disabled."""
    return (not s.group_failing, not s.enabled, s.group, s.name)


SPEC = PanelSpec(
    id="scheduler",
    title="EventBridge Scheduler",
    noun="schedules",
    source=SCHEDULES,
    sort_key=_sort,
    help="""\
Every EventBridge Scheduler schedule, those whose GROUP shows target errors or dropped
invocations first (their grp columns red: no schedule is marked failing on its group's
figures); disabled ones dim. expression: cron(), rate() or a
one-time at(); zone: the time zone it runs in (UTC when none); English; next and then: its
next three fires on its own zone's wall clock; window: the flexible time window; target:
what it invokes; retry: retries and the oldest an event may get; DLQ: its dead-letter
queue. due 24h: fires due over the last 24 hours. The grp columns are the schedule GROUP's
AWS/Scheduler figures over the last hour (Scheduler publishes nothing per schedule):
attempts (InvocationAttemptCount), errors (TargetErrorCount), dropped
(InvocationDroppedCount). They cannot say whether one schedule fired: look at its target's
own activity (a Lambda's invocations, a state machine's executions).""",
    # As on the rules panel, what ranks a row first: when it fires next (on its own clock)
    # and how its group is doing; then what it is and what it invokes.
    columns=(
        Column("name", "name", dimmed(lambda s, now: cells.text(s.name))),
        dimmed_column("state", "state", lambda s, now: cells.text(s.state),
                tone=lambda s: None if s.enabled else "warning"),
        dimmed_column("next", "next", _next, ages=True),
        dimmed_column("zone", "zone", lambda s, now: cells.text(s.timezone or "UTC")),
        dimmed_column("errors", "grp errors 1h", _group_figure(lambda m: m.target_errors, lambda m: m.errors_per_minute),
                tone=lambda s: "error" if s.group_metrics and s.group_metrics.target_errors else None),
        dimmed_column("attempts", "grp attempts 1h", _group_figure(lambda m: m.attempts, lambda m: m.attempts_per_minute)),
        dimmed_column("expression", "expression", lambda s, now: cells.text(s.expression)),
        dimmed_column("english", "English", english, tone=invalid_tone),
        dimmed_column("then", "then", _then, ages=True),
        dimmed_column("group", "group", lambda s, now: cells.text(s.group)),
        dimmed_column("target", "target", _target),
        dimmed_column("window", "window", lambda s, now: cells.text(f"{s.flexible_window} min" if s.flexible_window
                                                             else "off")),
        dimmed_column("retry", "retry", _retry),
        dimmed_column("dlq", "DLQ", _dlq),
        dimmed_column("due", "due 24h", lambda s, now: cells.count(s.due_24h)),
        dimmed_column("dropped", "grp dropped 1h", _group_figure(lambda m: m.dropped),
                tone=lambda s: "error" if s.group_metrics and s.group_metrics.dropped else None),
    ),
)


class SchedulerPanel(ServicePanel):
    SPEC = SPEC
    # mutating actions have ids starting with "action." (hidden in read-only mode)
    BINDINGS = [
        Binding("x", "toggle_schedule", "Enable/disable schedule", id="action.events.toggle-schedule",
                tooltip="Disable (or enable) the selected schedule: plan, confirm, apply (every other field "
                        "kept), verify"),
    ]

    def action_toggle_schedule(self) -> None:
        """Capture the selected schedule's ARN now, then plan and confirm in a modal."""
        from console.services.events.actions import schedule_toggle_for

        item = self.table.selected_item
        if item is not None:
            start_guarded_action(self, schedule_toggle_for(item.arn, item.state))

    def detail_screen(self, item: Any):
        """`enter`: the schedule in full, with its target."""
        from screens.events.rule import RuleDetailScreen

        return RuleDetailScreen(item.arn)
