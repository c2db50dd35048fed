"""The bounded line buffer, the start of a read (--since), the adaptive poll interval,
and the buffer's size from config.toml."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from console.cloudwatch.logs import Backoff, LogEvent, from_ms
from console.cloudwatch.logs_buffer import DEFAULT_BUFFER_LINES, LineBuffer, Marker
from console.cloudwatch.logs_since import StartError, parse_start
from console.config import ConfigError, parse_settings

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


def line(i: int) -> LogEvent:
    return LogEvent("/g", "s", from_ms(1_000 + i), from_ms(1_000 + i), f"line {i}", str(i))


def test_a_burst_of_50000_lines_keeps_the_newest_and_counts_the_rest():
    buffer = LineBuffer()
    assert buffer.limit == DEFAULT_BUFFER_LINES == 10_000 and buffer.lines() == []
    pushed_out = 0
    for start in range(0, 50_000, 2_500):  # arriving in batches, as a tail yields them
        pushed_out += buffer.extend(line(i) for i in range(start, start + 2_500))
        assert len(buffer) <= 10_000
    shown = buffer.lines()
    assert pushed_out == buffer.dropped == 40_000 and len(shown) == 10_001
    assert isinstance(shown[0], Marker) and shown[0].text == "… 40,000 earlier lines dropped"
    assert shown[0].at == shown[1].timestamp
    assert [event.message for event in shown[1:3]] == ["line 40000", "line 40001"]
    assert shown[-1].message == "line 49999"


def test_markers_are_lines_too_and_one_dropped_line_is_singular():
    buffer = LineBuffer(limit=2)
    buffer.extend([line(0), Marker(NOW, "sampled", "live tail sampled"), line(1)])
    shown = buffer.lines()
    assert shown[0].text == "… 1 earlier line dropped" and shown[1].kind == "sampled"
    assert shown[0].at == NOW
    with pytest.raises(ValueError):
        LineBuffer(limit=0)


def test_buffer_size_comes_from_config_and_bad_values_name_the_field():
    assert parse_settings({}).log_buffer_lines == 10_000
    assert parse_settings({"logs": {"buffer_lines": 50_000}}).log_buffer_lines == 50_000
    for bad in (0, 99, 2_000_000, "lots", True, 1.5):
        with pytest.raises(ConfigError, match=r"logs\.buffer_lines: expected a whole number of lines"):
            parse_settings({"logs": {"buffer_lines": bad}})
    with pytest.raises(ConfigError, match="logs: expected a table"):
        parse_settings({"logs": 5})


@pytest.mark.parametrize(("text", "expected"), [
    ("now", NOW),
    ("-5m", NOW - timedelta(minutes=5)),
    ("5m", NOW - timedelta(minutes=5)),
    ("-1h", NOW - timedelta(hours=1)),
    ("90s", NOW - timedelta(seconds=90)),
    ("2d", NOW - timedelta(days=2)),
    ("1w", NOW - timedelta(weeks=1)),
    ("2026-11-27T11:30:00Z", NOW - timedelta(minutes=30)),
    ("2026-11-27T13:30:00+02:00", NOW - timedelta(minutes=30)),
    ("2026-11-27 11:30", NOW - timedelta(minutes=30)),  # no zone: UTC
    ("1795779000000", NOW - timedelta(minutes=30)),  # epoch milliseconds
])
def test_start_forms(text, expected):
    assert parse_start(text, NOW) == expected


@pytest.mark.parametrize("text", ["", "yesterday", "-5x", "5 minutes", "12"])
def test_bad_starts_say_what_is_expected(text):
    with pytest.raises(StartError, match=r"expected now, a time ago such as -5m"):
        parse_start(text, NOW)


def test_adaptive_interval_is_fast_while_lines_flow_and_slows_when_idle():
    pace = Backoff(base=1.0, cap=60, fast=0.25)
    assert pace.success(lines=30) == 0.25
    assert pace.success(lines=1) == 0.25
    assert [pace.success() for _ in range(3)] == [0.5, 1.0, 1.0]  # idle: back to the base
    assert pace.throttled() == 2.0 and pace.success(lines=5) == 0.25
    assert Backoff(base=2.0).success(lines=10) == 2.0, "without fast, the interval stays at the base"
