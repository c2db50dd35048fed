"""What lines mean: REPORT parsing, levels (on seeded lines too), and the models."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from console.clock import ManualClock
from console.cloudwatch.logs import Level, LogEvent, LogTail, Report, level_of, parse_report
from tests.logs.conftest import context_for, real_now


def test_report_line_from_the_brief():
    line = ("REPORT RequestId: 3f2c-11 Duration: 12.34 ms Billed Duration: 13 ms Memory Size: 128 MB "
            "Max Memory Used: 70 MB Init Duration: 150.2 ms")
    assert parse_report(line) == Report("3f2c-11", 12.34, 13.0, 128, 70, init_ms=150.2)
    assert parse_report(line).cold_start


def test_report_line_as_lambda_writes_it():
    line = ("REPORT RequestId: 8f5e0c1a-2b3c-4d5e-8f90-123456789abc\tDuration: 1001.52 ms\t"
            "Billed Duration: 1002 ms\tMemory Size: 512 MB\tMax Memory Used: 88 MB\t\n"
            "XRAY TraceId: 1-5e1b4151-5ac6c58f5b5daa6532e4f2e8\tSegmentId: 6b5ba0b7bd0b8f11\tSampled: true\t\n")
    report = parse_report(line)
    assert report == Report("8f5e0c1a-2b3c-4d5e-8f90-123456789abc", 1001.52, 1002.0, 512, 88)
    assert not report.cold_start
    timeout = parse_report("REPORT RequestId: r1\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\t"
                           "Memory Size: 128 MB\tMax Memory Used: 40 MB\tStatus: timeout")
    assert timeout.status == "timeout"


@pytest.mark.parametrize("line", [
    "START RequestId: r1 Version: $LATEST", "END RequestId: r1", "REPORT RequestId: r1 Duration: 1 ms",
    "a message that mentions REPORT RequestId: r1 Duration: 1 ms Billed Duration: 1 ms Memory Size: 1 MB Max Memory Used: 1 MB",
    "",
])
def test_other_lines_are_not_reports(line):
    assert parse_report(line) is None


@pytest.mark.parametrize("line, level", [
    ('{"level":"ERROR","msg":"card declined"}', Level.ERROR),
    ('{"level":"warning","msg":"slow"}', Level.WARN),
    ('{"levelname":"INFO","message":"ok"}', Level.INFO),
    ('{"severity":"debug"}', Level.DEBUG),
    ('{"msg":"no level"}', Level.OTHER),
    ('{"type":"platform.start","record":{}}', Level.PLATFORM),
    ("[ERROR]\t2026-01-01T00:00:00.000Z\tr1\tPaymentDeclined: no", Level.ERROR),
    ("[WARNING]\t2026-01-01T00:00:00.000Z\tr1\tretrying", Level.WARN),
    ("[INFO] started", Level.INFO),
    ("[DEBUG] detail", Level.DEBUG),
    ("2026-01-01T00:00:00.000Z\tr1\tERROR\tInvoke Error", Level.ERROR),
    ("2026-01-01T00:00:00.000Z\tr1\tINFO\thello", Level.INFO),
    ("WARNING:root:disk nearly full", Level.WARN),
    ("START RequestId: r1 Version: $LATEST", Level.PLATFORM),
    ("END RequestId: r1", Level.PLATFORM),
    ("REPORT RequestId: r1\tDuration: 1 ms", Level.PLATFORM),
    ("INIT_START Runtime Version: python:3.12.v20", Level.PLATFORM),
    ("2026-01-01T00:00:00.000Z r1 Task timed out after 3.00 seconds", Level.ERROR),
    ("Traceback (most recent call last):", Level.ERROR),
    ("just some text mentioning error", Level.OTHER),
    ("Error handling is fine", Level.OTHER),
    ("{not json", Level.OTHER),
])
def test_level_of(line, level):
    assert level_of(line) is level


def test_models_are_frozen():
    event = LogEvent.from_api("/g", {"logStreamName": "s", "timestamp": 1_700_000_000_123,
                                      "ingestionTime": 1_700_000_000_456, "message": "m", "eventId": "7"})
    assert event.timestamp_ms == 1_700_000_000_123 and event.ingestion_time.microsecond == 456_000
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.message = "x"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Report("r", 1, 1, 1, 1).init_ms = 2.0  # type: ignore[misc]


async def test_seeded_lambda_lines_parse(endpoint):
    """The estate's /aws/lambda/process-payment: 4 invocations, the first a cold start, one failing."""
    clock = ManualClock(real_now())
    ctx = context_for(endpoint, clock)
    try:
        events = await LogTail(ctx, "/aws/lambda/process-payment", since=clock.now() - timedelta(hours=3)).poll()
    finally:
        await ctx.pool.close()
    reports = [e.report for e in events if e.report is not None]
    starts = [e.message.split()[2] for e in events if e.message.startswith("START RequestId:")]
    assert len(reports) >= 4
    seeded = reports[:4]
    assert [r.request_id for r in seeded] == starts[:4]
    assert [r.cold_start for r in seeded] == [True, False, False, False]
    assert all(r.duration_ms > 0 and r.billed_ms >= r.duration_ms and r.max_memory_mb <= r.memory_mb for r in seeded)
    assert seeded[0].memory_mb == 512
    levels = [e.level for e in events]
    assert all(e.level is Level.PLATFORM for e in events if e.message.startswith(("START", "END", "REPORT")))
    assert Level.ERROR in levels, "the seeded failing invocation's [ERROR] traceback"
    assert Level.INFO in levels
