"""The log view through the whole app over HTTP to the embedded server; lines are written
with PutLogEvents at chosen times, the view's clock starts at real now (CloudWatch Logs
refuses lines stamped far from it) and moves only with ManualClock.advance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rich.segment import Segment

from console.demo import control
from screens.log_view import LogViewScreen
from tests.lambda_tui.conftest import real_now, start_app  # noqa: F401 - re-exported for the tests
from tests.logs.conftest import LogWriter  # noqa: F401 - re-exported for the tests
from tests.pilot import wait_until

S = timedelta(seconds=1)
RID_A = "0f6e2b1c-8a3d-4d0e-9b1f-2c3d4e5f6a7b"
RID_B = "7d1c9e42-55aa-4c2b-8e0d-1a2b3c4d5e6f"


@pytest.fixture
def account(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    return fresh_account


# what the view says when it polls because IAM refused live tail (a marker row, the status line)
NO_LIVE_TAIL = "access denied to StartLiveTail"
FELL_BACK = f"── {NO_LIVE_TAIL}: polling FilterLogEvents every 1 s instead ──"


@pytest.fixture
def no_live_tail(account):
    """IAM refuses StartLiveTail to the test's account, as a policy without
    logs:StartLiveTail would: the view falls back to polling FilterLogEvents, the path these
    tests are about (each poll on the injected clock)."""
    control.deny(account.endpoint, account.access_key, "logs", "StartLiveTail")
    yield
    control.clear_denials(account.endpoint)


def waiting(screen: LogViewScreen) -> bool:
    """The view waits for lines: live tail streams, or the feed sleeps until its next read
    (polling, or retrying a failed first read)."""
    feed = screen.feed
    return screen.polls >= 1 and (feed.mode == "live" or feed.next_read_at is not None)


async def step(pilot, screen: LogViewScreen, clock, seconds: float, rounds: int = 200) -> None:
    """Move time `seconds` forward, one poll interval at a time, each read finished (live,
    each next update: one a second)."""
    for _ in range(round(seconds / screen.interval)):
        await wait_until(pilot, lambda: waiting(screen), rounds)
        before = screen.polls
        # live, the second update from now: the first may have left the server before a line
        # the test just wrote
        reads = 2 if screen.feed.mode == "live" else 1
        await clock.advance(screen.interval)
        await wait_until(pilot, lambda: screen.polls >= before + reads, rounds)
        await pilot.pause()


async def open_logs(pilot, app, groups, **kw) -> LogViewScreen:
    from screens.dashboard import DashboardScreen

    await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
    screen = LogViewScreen(groups, **kw)
    await app.push_screen(screen)
    await wait_until(pilot, lambda: waiting(screen))
    await pilot.pause()
    return screen


def screen_rows(view) -> list[list[Segment]]:
    """The rows the view draws now, as segments: what reaches the terminal."""
    return [list(view.render_line(y)) for y in range(view.scrollable_content_region.height)]


def bodies(view) -> list[str]:
    """Shown lines without their time column (the first 13 cells)."""
    return [line[13:] for line in view.shown_lines()]
