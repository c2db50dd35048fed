"""The EventBridge panel: rules on every bus and Scheduler schedules; `x` enables or disables a rule."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from screens.confirm import start_guarded_action
from screens.panel import PanelSpec, ServicePanel
from widgets import cells
from widgets.resource_table import Column

SPEC = PanelSpec(
    id="events",
    title="EventBridge",
    noun="rules or schedules",
    source="events",
    sort_key=lambda r: (r.kind, r.bus, r.name),
    help="""\
EventBridge rules of every event bus, then EventBridge Scheduler schedules, by name.
kind: rule or schedule; bus/group: the event bus (rules) or schedule group; state:
yellow when not ENABLED; schedule: its cron() or rate() expression, or "pattern" for a
rule matching events; targets: how many targets it sends to. `x` enables or disables
the selected rule.""",
    columns=(
        Column("name", "name", lambda r, now: cells.text(r.name)),
        Column("kind", "kind", lambda r, now: cells.text(r.kind)),
        Column("bus", "bus/group", lambda r, now: cells.text(r.bus)),
        Column("state", "state", lambda r, now: cells.text(r.state),
               tone=lambda r: None if r.state == "ENABLED" else "warning"),
        Column("schedule", "schedule", lambda r, now: cells.text(r.schedule or ("pattern" if r.pattern else None))),
        Column("targets", "targets", lambda r, now: cells.count(r.targets)),
    ),
)



class EventsPanel(ServicePanel):
    SPEC = SPEC
    # mutating actions have ids starting with "action." (hidden in read-only mode)
    BINDINGS = [
        Binding("x", "toggle_rule", "Enable/disable", id="action.events.toggle-rule",
                tooltip="Disable (or enable) the selected rule or schedule: plan, confirm, apply, verify"),
        Binding("p", "put_event", "Test event", id="action.events.put-event",
                tooltip="Send a test event to the selected rule's bus, shaped like its pattern; matching rules shown"),
    ]

    def action_toggle_rule(self) -> None:
        """Capture the selected rule's or schedule's ARN now, then plan and confirm in a modal."""
        from console.services.events.actions import state_toggle

        item = self.table.selected_item
        if item is not None:
            start_guarded_action(self, state_toggle(item.kind, item.arn, item.state))

    def action_put_event(self) -> None:
        """The test-event editor for the selected rule's bus, the event shaped like its pattern."""
        from screens.events.put_event import open_put_event

        item = self.table.selected_item
        if item is None:
            return
        if item.kind == "schedule":
            self.app.notify("A schedule has no event bus: p sends a test event to a rule's bus.", markup=False)
            return
        open_put_event(self, item.bus, item.pattern)

    def detail_screen(self, item: Any):
        """`enter`: the rule's or schedule's detail with every target."""
        from screens.events.rule import RuleDetailScreen

        return RuleDetailScreen(item)
