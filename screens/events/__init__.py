"""EventBridge screens: the rules panel, the Scheduler panel, the timeline of upcoming fires."""

from screens.events.panel import EventsPanel
from screens.events.scheduler import SchedulerPanel

PANELS = (EventsPanel, SchedulerPanel)
