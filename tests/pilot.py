"""Helpers for Pilot tests that drive the real app against the embedded server."""

from __future__ import annotations


async def wait_until(pilot, predicate, rounds: int = 600, clock=None, step: float = 0.1):
    """Let the app run (real I/O to the server) until `predicate()` holds; its value.
    At most `rounds` pauses of 50 ms: generous, since parallel workers share the cores.

    With a ManualClock, `clock` moves `step` seconds a round: calls beyond a quota's burst
    wait for their token on that clock (console.aws.budget), as they would for real time."""
    for _ in range(rounds):
        if (value := predicate()):
            return value
        await pilot.pause(0.05)
        if clock is not None:
            await clock.advance(step)
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
