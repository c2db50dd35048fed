"""EventBridge screens: the rules and schedules panel."""

from screens.events.panel import EventsPanel

PANELS = (EventsPanel,)
