"""The dashboard's data sources: name -> Source(fetch, interval, after).

Visible panels poll at these intervals; the PollingEngine stops a source when no screen
subscribes to it. Some fetchers keep state between ticks (the alias sweep), so each
app builds its own set with `dashboard_sources()`.
"""

from __future__ import annotations

from typing import NamedTuple

from console import ecs, events, lambda_, stepfunctions
from console.polling import Fetch


class Source(NamedTuple):
    fetch: Fetch
    interval: float  # seconds between ticks while subscribed
    after: tuple[str, ...] = ()  # sources whose first result this one waits for


def dashboard_sources() -> dict[str, Source]:
    return {
        "lambda": Source(lambda_.FunctionsSource(), 5.0),  # .window: the panel's `w` switches it
        "lambda.aliases": Source(lambda_.AliasSweep(), 10.0, after=("lambda",)),
        "ecs": Source(ecs.fetch_services, 5.0),
        "stepfunctions": Source(stepfunctions.fetch_state_machines, 10.0),
        "events": Source(events.fetch_rules, 30.0),
    }
