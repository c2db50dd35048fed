"""The console's matcher and the embedded AWS's TestEventPattern agree with each other and
with the expected answer on every row of one shared table (cases.py): two matchers written
separately from the EventBridge user guide, so one being wrong shows as a disagreement."""

from __future__ import annotations

import json
import random

from console.demo.extensions import events_patterns as embedded
from console.services.events.patterns import PatternError, check_pattern, matches
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


KEYS = ("a", "b", "c")
TEXTS = ("x", "X", "xy", "", "10.0.0.5", "2001:db8::1", "a*b", "dir/f.PNG")
NUMBERS = (0, 1, 5, 5.0, -3, 2.5, 6e9)
SCALARS = TEXTS + NUMBERS + (True, False, None)


def generated_value(rng: random.Random, depth: int):
    roll = rng.random()
    if depth < 3 and roll < 0.25:
        return {key: generated_value(rng, depth + 1) for key in rng.sample(KEYS, rng.randint(0, 3))}
    if depth < 3 and roll < 0.4:
        return [generated_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if depth < 3 and roll < 0.5:  # arrays of objects: where element consistency shows
        return [{key: generated_value(rng, depth + 2) for key in rng.sample(KEYS, rng.randint(1, 2))}
                for _ in range(rng.randint(1, 3))]
    return rng.choice(SCALARS)


def generated_matcher(rng: random.Random):
    text = rng.choice(("x", "X", "a\\*b", "*", "dir/*", "10.0.0.0/8", "2001:db8::/32", "x**", "a\\b"))
    number = rng.choice((0, 1, 5, -3, 2.5, "5"))
    return rng.choice((
        {"prefix": text}, {"suffix": text}, {"prefix": {"equals-ignore-case": text}},
        {"suffix": {"equals-ignore-case": text}}, {"equals-ignore-case": text}, {"wildcard": text},
        {"cidr": text}, {"exists": rng.choice((True, False, "yes"))},
        {"numeric": rng.choice(([">", number], ["<=", number], ["=", number], [">=", -3, "<", number]))},
        {"anything-but": rng.choice((text, number, [text, "y"], [1, number], {"prefix": text},
                                     {"suffix": text}, {"equals-ignore-case": [text]}, {"wildcard": text}))},
    ))


def generated_pattern(rng: random.Random, depth: int = 0) -> dict:
    pattern: dict = {}
    for key in rng.sample(KEYS, rng.randint(1, 2)):
        if depth < 2 and rng.random() < 0.3:
            pattern[key] = generated_pattern(rng, depth + 1)
        else:
            pattern[key] = [generated_matcher(rng) if rng.random() < 0.6 else rng.choice(SCALARS)
                            for _ in range(rng.randint(1, 2))]
    if depth < 2 and rng.random() < 0.15:
        pattern["$or"] = [generated_pattern(rng, depth + 1) for _ in range(2)]
    return pattern


def test_both_matchers_agree_on_thousands_of_generated_patterns_and_events():
    """In process (the embedded AWS's engine is a plain module): the same patterns are valid
    or invalid for both, and valid ones give the same answer on the same events."""
    rng = random.Random(12)
    differences, compared, matched = [], 0, 0
    for _ in range(3000):
        pattern = generated_pattern(rng)
        event = {key: generated_value(rng, 1) for key in KEYS if rng.random() < 0.8}
        try:
            check_pattern(pattern)
            local_valid = True
        except PatternError:
            local_valid = False
        try:
            branches = embedded.compile_pattern(json.dumps(pattern))
        except embedded.Invalid:
            branches = None
        if local_valid != (branches is not None):
            differences.append(f"validity: {pattern} local {local_valid}")
        elif branches is not None:
            compared += 1
            local = matches(pattern, event)
            matched += local
            if local != embedded.event_matches(branches, event):
                differences.append(f"{pattern} on {event}: local {local}")
    assert differences[:5] == []
    assert compared > 1500 and matched > 50  # enough of both answers to mean something
