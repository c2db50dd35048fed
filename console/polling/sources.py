"""What a service declares for each thing it polls: how to fetch it and how often."""

from __future__ import annotations

from typing import NamedTuple

from console.polling.engine import Fetch


class Source(NamedTuple):
    fetch: Fetch
    interval: float  # seconds between ticks while subscribed
    after: tuple[str, ...] = ()  # sources whose first result this one waits for
