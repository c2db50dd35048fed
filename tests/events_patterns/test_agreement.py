"""The console's matcher and the embedded AWS's TestEventPattern agree with each other and
with the expected answer on every row of one shared table (cases.py): two matchers written
separately from the EventBridge user guide, so one being wrong shows as a disagreement."""

from __future__ import annotations

import json

from console.services.events.patterns import matches
from tests.events_patterns.cases import CASES, ENVELOPE


def test_local_matcher_and_embedded_test_event_pattern_agree_on_every_case(fresh_account):
    events = fresh_account.client("events")
    event = json.dumps(ENVELOPE)
    disagreements = []
    for name, pattern, expected in CASES:
        local = matches(pattern, ENVELOPE)
        remote = events.test_event_pattern(EventPattern=json.dumps(pattern), Event=event)["Result"]
        if not local == remote == expected:
            disagreements.append(f"{name}: expected {expected}, local {local}, TestEventPattern {remote}")
    assert disagreements == []
    assert len(CASES) >= 60
