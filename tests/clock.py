"""A ManualClock that keeps the embedded AWS's clock in step with the console's.

Metric delays, Lambda update windows and request-rate quotas in the embedded AWS read
its own clock (console.demo.clock); this clock sets it (POST /_opsdeck/clock) whenever
a test moves time, before any sleeper wakes, so the console and AWS agree on `now`.
"""

from __future__ import annotations

from datetime import datetime

from console.clock import ManualClock
from console.demo import control


class SharedClock(ManualClock):
    def __init__(self, endpoint: str, start: datetime | None = None) -> None:
        super().__init__(start)
        self.endpoint = endpoint
        self.moved()

    def moved(self) -> None:
        control.set_clock(self.endpoint, self.now())
