"""The event-stream framing StartLiveTail's stream is written in, read back by botocore's own
decoder (botocore/eventstream.py checks both CRCs) and parser."""

from __future__ import annotations

import json

import pytest
from botocore.eventstream import ChecksumMismatch, EventStreamBuffer

from console.demo.extensions import logs_eventstream, logs_live_tail


def decode(data: bytes) -> list:
    buffer = EventStreamBuffer()
    buffer.add_data(data)
    return list(buffer)


def test_messages_round_trip_through_botocores_decoder():
    data = (logs_eventstream.initial_response()
            + logs_eventstream.event("sessionUpdate", {"sessionResults": [{"message": "héllo ✓"}]})
            + logs_eventstream.exception("SessionTimeoutException", "over"))
    first, second, third = decode(data)
    assert first.headers == {":message-type": "event", ":event-type": "initial-response",
                             ":content-type": "application/json"} and first.payload == b"{}"
    assert second.headers[":event-type"] == "sessionUpdate"
    assert json.loads(second.payload) == {"sessionResults": [{"message": "héllo ✓"}]}
    assert third.headers[":message-type"] == "exception"
    assert third.headers[":exception-type"] == "SessionTimeoutException"
    assert third.to_response_dict()["status_code"] == 400


def test_a_corrupted_byte_fails_the_message_checksum():
    data = bytearray(logs_eventstream.event("sessionStart", {"sessionId": "x"}))
    data[-6] ^= 0xFF
    with pytest.raises(ChecksumMismatch):
        decode(bytes(data))


def test_sampling_keeps_500_spread_over_the_second_in_order():
    events = list(range(1200))
    chosen = logs_live_tail.sample(events)
    assert len(chosen) == 500 and chosen == sorted(set(chosen)) and chosen[0] == 0 and chosen[-1] >= 1195
    assert logs_live_tail.sample(events[:500]) == events[:500]


def test_a_slow_readers_backlog_keeps_10_updates_or_5000_events_dropping_the_oldest():
    backlog = logs_live_tail.Backlog()
    for i in range(12):
        backlog.put(f"update {i}".encode(), events=1)
    backlog.put(b"timed out", final=True)
    assert backlog.dropped == 2
    taken = [backlog.get() for _ in range(11)]
    assert taken[0] == (b"update 2", False) and taken[-1] == (b"timed out", True)

    for i in range(3):
        backlog.put(f"big {i}".encode(), events=2500)
    assert backlog.dropped == 3  # 7,500 events: the oldest update goes
    assert [backlog.get() for _ in range(2)] == [(b"big 1", False), (b"big 2", False)]
