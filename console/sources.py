"""The dashboard's data sources: name -> (fetch function, poll interval in seconds).

Visible panels poll at these intervals; the PollingEngine stops a source when no screen
subscribes to it.
"""

from __future__ import annotations

from console import ecs, events, lambda_, stepfunctions
from console.polling import Fetch

SOURCES: dict[str, tuple[Fetch, float]] = {
    "lambda": (lambda_.fetch_functions, 5.0),
    "lambda.aliases": (lambda_.fetch_aliases, 30.0),
    "ecs": (ecs.fetch_services, 5.0),
    "stepfunctions": (stepfunctions.fetch_state_machines, 10.0),
    "events": (events.fetch_rules, 30.0),
}
