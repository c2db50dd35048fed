"""The `application/vnd.amazon.eventstream` framing, written for StartLiveTail's response stream.

Each message (https://smithy.io/2.0/aws/amazon-eventstream.html; botocore/eventstream.py
reads it): a 12-byte prelude (total length, headers length, both big-endian u32, then the
prelude's CRC32), the headers (name length u8, name, type 7 = string, value length u16,
value), the payload, and the CRC32 of everything before it. Only string headers are needed.

For the JSON protocol (CloudWatch Logs), botocore expects an `initial-response` event first
(its output members outside the stream: none here, so `{}`), then the stream's events, each
`:message-type` event with `:event-type` naming the member of the stream's union and a JSON
payload of that member's fields; a modelled error in the stream is `:message-type` exception
with `:exception-type` naming it, which botocore raises as EventStreamError.
"""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any

CONTENT_TYPE = "application/vnd.amazon.eventstream"
_STRING = 7


def _crc(data: bytes) -> int:
    return zlib.crc32(data) & 0xFFFFFFFF


def _header(name: str, value: str) -> bytes:
    key, text = name.encode(), value.encode()
    return struct.pack("!B", len(key)) + key + struct.pack("!BH", _STRING, len(text)) + text


def message(headers: dict[str, str], payload: bytes) -> bytes:
    """One framed message."""
    encoded = b"".join(_header(name, value) for name, value in headers.items())
    prelude = struct.pack("!II", 12 + len(encoded) + len(payload) + 4, len(encoded))
    framed = prelude + struct.pack("!I", _crc(prelude)) + encoded + payload
    return framed + struct.pack("!I", _crc(framed))


def event(event_type: str, body: dict[str, Any]) -> bytes:
    return message({":message-type": "event", ":event-type": event_type, ":content-type": "application/json"},
                   json.dumps(body, separators=(",", ":")).encode())


def exception(exception_type: str, text: str) -> bytes:
    return message({":message-type": "exception", ":exception-type": exception_type,
                    ":content-type": "application/json"}, json.dumps({"message": text}).encode())


def initial_response() -> bytes:
    return event("initial-response", {})
