"""What the console holds for 2,000 functions' metrics: idle functions share their series."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from console.services.lambda_ import metrics

START = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
END = START + timedelta(minutes=15)


def test_idle_functions_share_one_series_and_busy_ones_keep_their_own():
    """Most functions of a large account have no datapoint in a window: each of their six
    series was a tuple of its own, 1.9 MB for 2,008 functions, rebuilt every minute."""
    busy = {"f2_inv": [(START + timedelta(minutes=3), 7.0)]}
    idle = [metrics.minutes_from_results(i, busy, START, END) for i in (0, 1)]
    active = metrics.minutes_from_results(2, busy, START, END)
    assert idle[0].invocations is idle[1].invocations and idle[0].errors is idle[1].invocations
    assert idle[0].invocations == (0.0,) * 15 and idle[0].duration_avg_ms == (None,) * 15
    assert idle[0].duration_avg_ms is idle[1].concurrency_max
    assert active.invocations == (0.0,) * 3 + (7.0,) + (0.0,) * 11
    assert active.errors is idle[0].errors
