"""`opsdeck events test-pattern PATTERN_FILE EVENT_FILE`: does an event match a pattern."""

from __future__ import annotations
