"""Helpers for Pilot tests that drive the real app against the embedded server."""

from __future__ import annotations


async def wait_until(pilot, predicate, rounds: int = 600):
    """Let the app run (real I/O to the server) until `predicate()` holds; its value.
    At most `rounds` pauses of 50 ms: generous, since parallel workers share the cores."""
    for _ in range(rounds):
        if (value := predicate()):
            return value
        await pilot.pause(0.05)
    raise AssertionError("condition never became true")


async def click(pilot, selector: str) -> None:
    """Click a widget of the current screen once it is there and laid out: a modal becomes
    the screen before its buttons are mounted and sized, and Pilot clicks at the widget's
    region (an empty one sends the click elsewhere, and nothing happens)."""
    def ready() -> bool:
        found = pilot.app.screen.query(selector)
        return bool(found) and found.first().region.area > 0

    await wait_until(pilot, ready)
    await pilot.click(selector)
