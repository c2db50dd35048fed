"""What a log line means for people (console.cloudwatch.log_lines): pure, no terminal."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from console.cloudwatch.log_lines import (
    RequestTracker,
    StartError,
    highlight_spans,
    json_parts,
    level_span,
    parse_start,
    pretty_json,
    report_summary,
    request_id_of,
    timestamp_text,
)
from console.cloudwatch.logs import Level, parse_report

RID = "0f6e2b1c-8a3d-4d0e-9b1f-2c3d4e5f6a7b"
NOW = datetime(2026, 12, 1, 18, 30, tzinfo=timezone.utc)


def test_report_summary_says_duration_billed_memory_and_cold_start():
    report = parse_report(f"REPORT RequestId: {RID}\tDuration: 212.34 ms\tBilled Duration: 213 ms\t"
                          "Memory Size: 512 MB\tMax Memory Used: 128 MB\tInit Duration: 340.12 ms\t")
    assert report_summary(report) == "212 ms (billed 213) · 128/512 MB · init 340 ms cold start"
    warm = parse_report(f"REPORT RequestId: {RID}\tDuration: 3.46 ms\tBilled Duration: 4 ms\t"
                        "Memory Size: 128 MB\tMax Memory Used: 64 MB\tStatus: timeout")
    assert report_summary(warm) == "3.5 ms (billed 4) · 64/128 MB · status timeout"


@pytest.mark.parametrize("message, expected", [
    (f"START RequestId: {RID} Version: $LATEST", RID),
    (f"END RequestId: {RID}", RID),
    (f"[ERROR]\t2026-12-01T18:00:00.000Z\t{RID}\tboom", RID),  # Python runtime
    (f"2026-12-01T18:00:00.000Z\t{RID}\tINFO\thello", RID),  # Node.js runtime
    ('{"level":"INFO","requestId":"%s","message":"x"}' % RID, RID),  # Lambda's JSON format
    ('{"type":"platform.start","record":{"requestId":"%s"}}' % RID, RID),
    ("plain text with no id", None),
    ("a\tb\tnot-a-uuid\tc", None),
])
def test_request_id_of_each_layout(message, expected):
    assert request_id_of(message) == expected


def test_tracker_gives_a_stream_s_unnamed_lines_to_the_request_it_is_running():
    tracker = RequestTracker()
    assert tracker.assign("g", "s1", "before any request") is None
    assert tracker.assign("g", "s1", f"START RequestId: {RID} Version: $LATEST") == RID
    assert tracker.assign("g", "s2", "another environment's line") is None
    assert tracker.assign("g", "s1", "print() output, no id") == RID
    assert tracker.assign("g", "s1", f"REPORT RequestId: {RID}\tDuration: 1 ms") == RID
    assert tracker.assign("g", "s1", "after the report") is None


def test_json_parts_whole_line_and_after_a_runtime_prefix():
    assert json_parts('{"a": 1}') == ("", {"a": 1})
    assert json_parts(f'[INFO]\t2026-12-01T18:00:00Z\t{RID}\t{{"order": 7}}') == (
        f"[INFO]\t2026-12-01T18:00:00Z\t{RID}\t", {"order": 7})
    assert json_parts("{not json}") == ("", None)
    assert json_parts("{}") == ("", None)  # nothing to unfold
    assert pretty_json({"a": {"b": "\x1b[31m"}}) == ['{', '  "a": {', '    "b": "\\u001b[31m"', '  }', '}']


def test_level_span_finds_the_level_word():
    assert level_span("[ERROR]\tboom", Level.ERROR) == (1, 6)
    assert level_span("2026\tid\tWARN\tslow", Level.WARN) == (8, 12)
    assert level_span("information only", Level.INFO) is None


def test_highlight_spans_are_plain_and_case_insensitive():
    assert highlight_spans("Order 7 failed: ORDER missing", "order") == [(0, 5), (16, 21)]
    assert highlight_spans("a.b.c", ".") == [(1, 2), (3, 4)]  # not a pattern
    assert highlight_spans("anything", "") == []


def test_timestamps_in_utc_or_a_given_zone():
    moment = datetime(2026, 12, 1, 18, 0, 1, 234000, tzinfo=timezone.utc)
    assert timestamp_text(moment) == "18:00:01.234"
    assert timestamp_text(moment, timezone(timedelta(hours=1))) == "19:00:01.234"


@pytest.mark.parametrize("text, expected", [
    ("now", NOW),
    ("-5m", NOW - timedelta(minutes=5)),
    ("5m", NOW - timedelta(minutes=5)),
    ("-1h", NOW - timedelta(hours=1)),
    ("-2d", NOW - timedelta(days=2)),
    ("2026-12-01 18:00", datetime(2026, 12, 1, 18, 0, tzinfo=timezone.utc)),
    ("2026-12-01T17:00:00Z", datetime(2026, 12, 1, 17, 0, tzinfo=timezone.utc)),
    ("2026-12-01T18:00:00+01:00", datetime(2026, 12, 1, 17, 0, tzinfo=timezone.utc)),
    ("18:10", datetime(2026, 12, 1, 18, 10, tzinfo=timezone.utc)),
    ("9:05", datetime(2026, 12, 1, 9, 5, tzinfo=timezone.utc)),
    ("1764612000000", datetime(2025, 12, 1, 18, 0, tzinfo=timezone.utc)),  # epoch ms
])
def test_parse_start(text, expected):
    assert parse_start(text, NOW) == expected


def test_parse_start_reads_a_zoneless_time_in_the_view_s_zone():
    cet = timezone(timedelta(hours=1))
    assert parse_start("19:10", NOW, cet) == datetime(2026, 12, 1, 18, 10, tzinfo=timezone.utc)


EXPECTED = ("expected now, a time ago such as -5m, 1h or 2d (s, m, h, d, w), or a time such as "
            "2026-11-27T12:00:00Z; got {!r} (or a time of today such as 18:00)")


@pytest.mark.parametrize("text, reason", [
    ("yesterday", EXPECTED.format("yesterday")),
    ("", EXPECTED.format("")),
    ("19:00", "a moment in the past ('19:00' is in the future)"),
    ("2027-01-01", "a moment in the past ('2027-01-01' is in the future)"),
])
def test_parse_start_refuses_naming_the_field(text, reason):
    with pytest.raises(StartError) as refused:
        parse_start(text, NOW)
    assert (refused.value.field, refused.value.reason) == ("Start", reason)
