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
