"""Helpers for Pilot tests that drive the real app against the embedded server."""

from __future__ import annotations


async def wait_until(pilot, predicate, rounds: int = 200, clock=None, step: float = 0.1):
    """Let the app run (real I/O to the server) until `predicate()` holds; its value.

    With a ManualClock, `clock` moves `step` seconds a round: calls beyond a quota's burst
    wait for their token on that clock (console.aws.budget), as they would for real time."""
    for _ in range(rounds):
        if (value := predicate()):
            return value
        await pilot.pause(0.05)
        if clock is not None:
            await clock.advance(step)
    raise AssertionError("condition never became true")
