"""The embedded AWS's own clock and realism knobs (console.demo.clock, console.demo.realism).

Not an AWS behaviour: the machinery the contract tests use to move AWS's time in step
with the console's (tests/clock.py) and to turn on AWS's delays and limits.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from console.demo import control
from console.demo.control import ControlError


def test_the_server_clock_follows_a_shared_clock_and_returns_to_real_time(endpoint, shared_clock):
    start = shared_clock.now()
    assert control.set_clock(endpoint, start) == start  # the fixture already set it
    asyncio.run(shared_clock.advance(90))
    answer = control._call(endpoint, "GET", "/_opsdeck/clock")
    assert answer == {"now": (start + timedelta(seconds=90)).isoformat(), "simulated": True}
    with pytest.raises(ControlError, match="cannot go back"):
        control.set_clock(endpoint, start)
    now = control.set_clock(endpoint, None)
    assert abs((now - datetime.now(timezone.utc)).total_seconds()) < 5


def test_realism_knobs_are_checked_by_name_and_value(endpoint, realism):
    assert realism(metric_delay=30)["metric_delay"] == 30
    with pytest.raises(ControlError, match="unknown realism setting.*nonsense"):
        realism(nonsense=1)
    with pytest.raises(ControlError, match="metric_delay: expected 0 or more seconds"):
        realism(metric_delay=-1)
    with pytest.raises(ControlError, match="throttling: expected true or false"):
        realism(throttling="yes")
