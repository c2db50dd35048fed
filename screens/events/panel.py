"""The EventBridge panel: the rules of every bus, what makes each run and when, whether it
fired; `x` enables or disables a rule, `T` opens the 24-hour timeline of upcoming fires."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from rich.text import Text
from textual.binding import Binding

from console.services.events.metrics import bars
from console.services.events.models import EventRule, RuleMetrics
from console.services.events.sources import RULES
from screens.confirm import start_guarded_action
from screens.panel import PanelSpec, ServicePanel
from widgets import cells
from widgets.resource_table import Column

FAILING_MARK = "✗ "


def when(at: datetime | None, now: datetime) -> str:
    """A fire time in its own zone: `03:00` today, `Wed 03:00` within a week, else the date."""
    if at is None:
        return cells.DASH
    local_now = now.astimezone(at.tzinfo)
    if at.date() == local_now.date():
        return f"{at:%H:%M}"
    if 0 < (at.date() - local_now.date()).days < 7:
        return f"{at:%a %H:%M}"
    return f"{at:%Y-%m-%d %H:%M}"


def dimmed(cell: Callable[[Any, Any], Text]) -> Callable[[Any, Any], Text]:
    """Cells of a disabled rule or schedule are dim: it does not run."""
    def render(item: Any, now: Any) -> Text:
        result = cell(item, now)
        if not item.enabled:
            result = result.copy()
            result.stylize("dim")
        return result

    return render


def failing_tone(item: Any) -> str | None:
    return "error" if item.failing else None


def english(item: Any, now: Any) -> Text:
    """The schedule in English, or why schedule.py rejects it."""
    if item.timing.invalid:
        return cells.text(f"invalid: {item.timing.invalid}")
    return cells.text(item.timing.english or None)


def invalid_tone(item: Any) -> str | None:
    return "error" if item.timing.invalid else None


def upcoming(item: Any, now: datetime) -> tuple[datetime, ...]:
    """Its next fires; none while it is disabled (it does not run)."""
    return item.timing.upcoming(now) if item.enabled else ()


def next_fire(item: Any, now: datetime) -> Text:
    fires = upcoming(item, now)
    return cells.text(when(fires[0], now) if fires else None)


def then_fires(item: Any, now: datetime) -> Text:
    """The two fires after the next."""
    return cells.text(", ".join(when(at, now) for at in upcoming(item, now)[1:3]) or None)


def _name(rule: EventRule, now: Any) -> Text:
    return cells.text((FAILING_MARK if rule.failing else "") + rule.name)


def _figure(pick: Callable[[RuleMetrics], tuple[float | None, ...]], spark: bool) -> Callable[[EventRule, Any], Text]:
    """A figure over the last hour ("…" until read, "–" where it could not be read)."""
    def cell(rule: EventRule, now: Any) -> Text:
        if rule.metrics is None:
            return cells.count(None) if rule.metrics_unread or rule.figures_known else cells.pending(right=True)
        values = pick(rule.metrics)
        figure = cells.count(RuleMetrics.total(values))
        return cells.with_spark(figure, bars(values)) if spark else figure
    return cell


EXPRESSION_WIDTH = 72  # a long pattern is cut here ("…"); the rule's detail shows it whole


def _expression(rule: EventRule, now: Any) -> Text:
    words = rule.schedule or rule.pattern_summary
    if len(words) > EXPRESSION_WIDTH:
        words = words[:EXPRESSION_WIDTH - 1] + "…"
    return cells.text(words)


def _targets(rule: EventRule, now: Any) -> Text:
    if rule.targets is None and not rule.targets_known:
        return cells.pending(right=True)
    return cells.count(rule.targets)


def fired_words(rule: EventRule, now: datetime) -> str:
    """`✓ 24/24`, `✗ missed 03:00` (and how many more), `? no targets`, or nothing for a rule
    that is not an enabled schedule."""
    check = rule.fired
    if check is None:
        if rule.schedule and rule.enabled and not rule.timing.invalid and not (rule.figures_known and rule.targets_known):
            return cells.PENDING
        return ""
    if check.unknown:
        return f"? {check.unknown}"
    if check.missed:
        last = check.missed[-1]
        more = f" (+{len(check.missed) - 1})" if len(check.missed) > 1 else ""
        return f"✗ missed {when(last, now)}{more}"
    if not check.due:
        return "none due" if not check.pending else "not yet judged"
    return f"✓ {check.seen}/{check.due}"


def _fired(rule: EventRule, now: datetime) -> Text:
    return cells.text(fired_words(rule, now) or None)


def _fired_tone(rule: EventRule) -> str | None:
    check = rule.fired
    if check is None:
        return None
    if check.missed:
        return "error"
    return "warning" if check.unknown else "success" if check.due else None


def _sort(rule: EventRule) -> tuple:
    """Failing first, then enabled before disabled, by bus and name."""
    return (not rule.failing, not rule.enabled, rule.bus, rule.name)


def dimmed_column(key: str, label: str, cell, tone=None, ages: bool = False) -> Column:
    """A column whose cells dim on disabled rows (rules and schedules alike)."""
    return Column(key, label, dimmed(cell), tone=tone, ages=ages)


SPEC = PanelSpec(
    id="events",
    title="EventBridge",
    noun="rules",
    source=RULES,
    sort_key=_sort,
    help="""\
The rules of every event bus, failing ones first (marked ✗, in red), disabled ones dim.
kind: what runs the rule, a schedule or an event pattern; expression: its cron() or
rate(), or the pattern on one line (cut at 72 characters); English: the schedule in words, or why it is invalid;
next (UTC, as rules run) and then: the next three fires (none while disabled; a rate()
counts from the rule's creation, which AWS does not tell: placed where its invocations
show it, to five minutes); targets: how many targets it sends
to. invoked and failed: AWS/Events Invocations and FailedInvocations over the last hour
(12 bars of 5 minutes); trig and thr: TriggeredRules and ThrottledRules. fired 24h: for an
enabled schedule, the fires due over the last 24 hours against its Invocations: ✓ n/n, or
✗ missed and when. Fires of the last 7 minutes are not judged (CloudWatch delay); a rule
with no targets cannot be judged; EventBridge does not say when a rule was created, so
fires before its first invocation in the 24 hours are not judged, and a rule that never
fired in them shows every fire due as missed. `x` enables or disables the
selected rule; `T` opens the timeline of the next 24 hours' fires.""",
    # What ranks a row first (a half-width panel shows about 80 columns): when it fires
    # next, whether it fired, whether it fails; then what it is.
    columns=(
        Column("name", "name", dimmed(_name), tone=failing_tone),
        dimmed_column("state", "state", lambda r, now: cells.text(r.state),
                tone=lambda r: None if r.enabled else "warning"),
        dimmed_column("kind", "kind", lambda r, now: cells.text(r.fires_on)),
        dimmed_column("next", "next (UTC)", next_fire, ages=True),
        dimmed_column("fired", "fired 24h", _fired, tone=_fired_tone, ages=True),
        dimmed_column("failed", "failed 1h", _figure(lambda m: m.failed, spark=True),
                tone=lambda r: "error" if r.metrics and RuleMetrics.total(r.metrics.failed) else None),
        dimmed_column("invocations", "invoked 1h", _figure(lambda m: m.invocations, spark=True)),
        dimmed_column("targets", "targets", _targets, tone=lambda r: "warning" if r.targets == 0 else None),
        dimmed_column("expression", "expression", _expression),
        dimmed_column("english", "English", english, tone=invalid_tone),
        dimmed_column("then", "then", then_fires, ages=True),
        dimmed_column("bus", "bus", lambda r, now: cells.text(r.bus)),
        dimmed_column("triggered", "trig 1h", _figure(lambda m: m.triggered, spark=False)),
        dimmed_column("throttled", "thr 1h", _figure(lambda m: m.throttled, spark=False),
                tone=lambda r: "warning" if r.metrics and RuleMetrics.total(r.metrics.throttled) else None),
    ),
)


class EventsPanel(ServicePanel):
    SPEC = SPEC
    # mutating actions have ids starting with "action." (hidden in read-only mode)
    BINDINGS = [
        Binding("x", "toggle_rule", "Enable/disable rule", id="action.events.toggle-rule",
                tooltip="Disable (or enable) the selected EventBridge rule: plan, confirm, apply, verify"),
        Binding("p", "put_event", "Test event", id="action.events.put-event",
                tooltip="Send a test event to the selected rule's bus, shaped like its pattern; matching rules shown"),
        Binding("T", "timeline", "Timeline", id="events.timeline",
                tooltip="The next 24 hours' fires of every rule and schedule, by hour"),
    ]

    def action_toggle_rule(self) -> None:
        """Capture the selected rule's ARN now, then plan and confirm in a modal."""
        from console.services.events.actions import toggle_for

        item = self.table.selected_item
        if item is not None:
            start_guarded_action(self, toggle_for(item.arn, item.state))

    def action_put_event(self) -> None:
        """The test-event editor for the selected rule's bus, the event shaped like its pattern."""
        from screens.events.put_event import open_put_event

        item = self.table.selected_item
        if item is not None:
            open_put_event(self, item.bus, item.pattern)

    def detail_screen(self, item: Any):
        """`enter`: the rule in full, with every target."""
        from screens.events.rule import RuleDetailScreen

        return RuleDetailScreen(item.arn, scheduled=bool(item.schedule))

    def action_timeline(self) -> None:
        from screens.events.timeline import TimelineScreen

        self.app.push_screen(TimelineScreen())

    def palette_commands(self) -> list[tuple[str, str, object]]:
        return [("Timeline of upcoming fires", "The next 24 hours' fires of every rule and schedule (T)",
                 self.action_timeline)]
