"""Reading a test event as people write it (a PutEvents entry or the event envelope), naming
what is wrong; and an event shaped like a rule's pattern. No server."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from console.services.events.put_event import (
    EventFileError,
    envelope,
    event_bus_of,
    event_for_pattern,
    read_entry,
)


def test_an_entry_and_an_envelope_become_the_same_entry():
    entry = read_entry(json.dumps({"Source": "shop.orders", "DetailType": "OrderPlaced",
                                   "Detail": "{\"total\": 3}", "Resources": ["arn:aws:s3:::b"]}))
    same = read_entry(json.dumps({"source": "shop.orders", "detail-type": "OrderPlaced",
                                  "detail": {"total": 3}, "resources": ["arn:aws:s3:::b"], "id": "ignored"}))
    assert entry == same == {"Source": "shop.orders", "DetailType": "OrderPlaced", "Detail": '{"total":3}',
                             "Resources": ["arn:aws:s3:::b"]}
    wrapped = read_entry(json.dumps({"Entries": [{"Source": "a", "DetailType": "b", "Detail": {},
                                                  "EventBusName": "shop"}]}))
    assert wrapped == {"Source": "a", "DetailType": "b", "Detail": "{}"}
    assert event_bus_of(json.dumps({"Entries": [{"EventBusName": "shop"}]})) == "shop"


def test_bad_json_names_its_line_and_column():
    with pytest.raises(EventFileError) as caught:
        read_entry('{\n  "source": "a",\n  "detail": {,}\n}')
    assert (caught.value.line, caught.value.column) == (3, 14)
    assert str(caught.value).startswith("JSON at line 3, column 14: ")


@pytest.mark.parametrize("raw, said", [
    ({"detail-type": "x", "detail": {}}, "Source: missing: Source (source)"),
    ({"source": "x"}, "DetailType: missing: DetailType (detail-type), Detail (detail)"),
    ({"source": "x", "detail-type": "y", "detail": [1]}, "Detail: expected a JSON object (EventBridge requires one)"),
    ({"source": "x", "detail-type": "y", "detail": "{nope"}, "Detail: the string is not JSON"),
    ({"source": "", "detail-type": "y", "detail": {}}, "Source: expected a non-empty string"),
    ({"source": "x", "detail-type": "y", "detail": {}, "resources": "arn"}, "Resources: expected a list of ARNs"),
    ({"source": "x", "detail-type": "y", "detail": {}, "time": "yesterday"}, "Time: not an ISO-8601 time"),
    ({"Entries": []}, "Entries: give exactly one entry"),
    ([1], "event: expected a JSON object, found list"),
])
def test_what_is_missing_or_wrong_is_named(raw, said):
    with pytest.raises(EventFileError) as caught:
        read_entry(json.dumps(raw))
    assert str(caught.value).startswith(said)


def test_the_envelope_is_what_rules_see():
    entry = read_entry('{"source": "a", "detail-type": "b", "detail": {"k": 1}, "time": "2026-12-01T09:00:00Z"}')
    seen = envelope(entry, "123456789012", "eu-west-1", datetime(2027, 1, 1, tzinfo=timezone.utc))
    assert seen == {"version": "0", "id": "00000000-0000-4000-8000-000000000000", "detail-type": "b", "source": "a", "account": "123456789012",
                    "time": "2026-12-01T09:00:00Z", "region": "eu-west-1", "resources": [], "detail": {"k": 1}}


def test_an_event_shaped_like_the_pattern_takes_a_value_each_field_accepts():
    pattern = {
        "source": ["aws.s3"], "detail-type": ["Object Created"],
        "detail": {"bucket": {"name": ["uploads"]}, "object": {"key": [{"prefix": "incoming/"}],
                                                              "size": [{"numeric": [">", 0, "<=", 100]}]},
                   "reason": [{"anything-but": "test"}], "gone": [{"exists": False}], "there": [{"exists": True}],
                   "ext": [{"suffix": ".png"}], "ip": [{"cidr": "10.0.0.0/24"}], "name": [{"wildcard": "a*z"}]},
    }
    assert event_for_pattern(json.dumps(pattern)) == {
        "source": "aws.s3", "detail-type": "Object Created", "resources": [],
        "detail": {"bucket": {"name": "uploads"}, "object": {"key": "incoming/example", "size": 1},
                   "reason": "example-other", "there": "example", "ext": "example.png", "ip": "10.0.0.0",
                   "name": "axz"},
    }


def test_no_pattern_gives_a_plain_example():
    assert event_for_pattern(None) == {"source": "opsdeck.test", "detail-type": "opsdeck test event",
                                       "detail": {}, "resources": []}
    assert event_for_pattern("{not json")["source"] == "opsdeck.test"
