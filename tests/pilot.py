"""Helpers for Pilot tests that drive the real app against the embedded server."""

from __future__ import annotations

import time


async def wait_until(pilot, predicate, rounds: int = 600, clock=None, step: float = 0.1,
                     patience: float = 90.0):
    """Let the app run (real I/O to the server) until `predicate()` holds; its value.
    At least `rounds` pauses of 50 ms and, without a clock, `patience` seconds of real time:
    a loaded machine (parallel workers on two cores) can take longer than the rounds.

    With a ManualClock, `clock` moves `step` seconds a round: calls beyond a quota's burst
    wait for their token on that clock (console.aws.budget), as they would for real time.
    Then the rounds alone bound the wait: they decide how much simulated time passes."""
    give_up = time.monotonic() + patience
    done = 0
    while done < rounds or (clock is None and time.monotonic() < give_up):
        if (value := predicate()):
            return value
        await pilot.pause(0.05)
        if clock is not None:
            await clock.advance(step)
        done += 1
    raise AssertionError("condition never became true")


async def click(pilot, selector: str) -> None:
    """Click a widget of the current screen once it is there and laid out: a modal becomes
    the screen before its buttons are mounted and sized, and Pilot clicks at the widget's
    region (an empty one sends the click elsewhere, and nothing happens)."""
    def ready() -> bool:
        found = pilot.app.screen.query(selector)
        # A Button ignores clicks for 0.2 s after a press (its "-active" look): wait it out.
        return bool(found) and found.first().region.area > 0 and not found.first().has_class("-active")

    await wait_until(pilot, ready)
    await pilot.click(selector)
