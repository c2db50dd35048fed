"""The log view through the whole app: lines written with PutLogEvents reach the screen
once each, in order, across poll windows; hostile text stays literal; REPORT lines are
summarised; every state (empty, missing group, access denied, paused) has its look.

Time moves only with ManualClock.advance: the view's worker sleeps on the app's clock.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from console.demo import control
from screens.log_view import LogViewScreen
from tests.integration.test_sources import make_function
from tests.lambda_tui.conftest import real_now, select_function, start_app
from tests.log_view.conftest import FELL_BACK, NO_LIVE_TAIL, no_live_tail, open_logs, step, waiting  # noqa: F401 - fixture
from tests.logs.conftest import LogWriter
from tests.pilot import wait_until
from widgets.log_view import timestamp_text

S = timedelta(seconds=1)


@pytest.fixture
def account(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    return fresh_account


def line(at, text: str) -> str:
    return f"{timestamp_text(at)} {text}"


@pytest.mark.long
async def test_l_shows_lines_written_through_the_api_once_each_in_order_across_windows(account, no_live_tail):
    """The polling path (live tail refused): overlapping FilterLogEvents windows."""
    make_function(account, "pay")
    logs = LogWriter(account, "/aws/lambda/pay")
    t0 = real_now()
    logs.put_many([(t0 - 60 * S, "one"), (t0 - 30 * S, "two")])
    logs.put(t0 - 20 * 60 * S, "too old")  # before the view's 15-minute backlog
    app = start_app(account.endpoint)
    clock = app.clock
    async with app.run_test(size=(160, 45)) as pilot:
        await select_function(pilot, app, "pay")
        await pilot.press("l")
        screen = await wait_until(pilot, lambda: isinstance(app.screen, LogViewScreen) and app.screen)
        await wait_until(pilot, lambda: waiting(screen) and screen.feed.mode == "polling")
        await pilot.pause()
        start = clock.now()
        view = screen.view
        fell_back = line(start, FELL_BACK)
        assert view.shown_lines() == [line(t0 - 60 * S, "one"), line(t0 - 30 * S, "two"), fell_back]
        assert f"● following · 2 events · polling every 1 s: {NO_LIVE_TAIL} · polled" in screen.status_text()

        # stamped after the first poll's end: found by a later poll, not lost
        logs.put_many([(start + 1 * S, "three"), (start + 50 * S, "four")])
        await step(pilot, screen, clock, 60)  # 30 polls, each re-reading a 120 s overlap
        # exactly at the last poll's endTime (the boundary between two windows), then after it
        boundary = clock.now()
        logs.put(boundary, "five", stream="s2")
        logs.put(boundary + 1 * S, "six")
        await step(pilot, screen, clock, 200)  # past the overlap: every line re-read many times
        expected = [line(t0 - 60 * S, "one"), line(t0 - 30 * S, "two"), fell_back, line(start + 1 * S, "three"),
                    line(start + 50 * S, "four"), line(boundary, "five"), line(boundary + 1 * S, "six")]
        assert view.shown_lines() == expected
        assert view.events_shown == 6
        assert screen.tail.requests >= 100  # the same lines were read again and again, shown once


async def test_hostile_text_is_literal_levels_are_coloured_and_report_is_summarised(account):
    logs = LogWriter(account, "/hostile")
    t0 = real_now()
    hostile = "[bold red]x[/] \x1b[31mred\x1b[0m \x1b]52;c;ZXZpbA==\x07 done"
    report = ("REPORT RequestId: 8f5e-11\tDuration: 12.34 ms\tBilled Duration: 13 ms\t"
              "Memory Size: 128 MB\tMax Memory Used: 64 MB\tInit Duration: 250.10 ms\t\n")
    logs.put_many([
        (t0 - 5 * S, "START RequestId: 8f5e-11 Version: $LATEST\n"),
        (t0 - 4 * S, hostile),
        (t0 - 3 * S, "[ERROR]\tboom\nTraceback (most recent call last):\n  File x\n"),
        (t0 - 2 * S, "END RequestId: 8f5e-11\n"),
        (t0 - 1 * S, report),
    ])
    app = start_app(account.endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_logs(pilot, app, ["/hostile"])
        shown = screen.view.shown_lines()
        indent = " " * 13
        assert shown == [
            line(t0 - 5 * S, "▌ START RequestId: 8f5e-11 Version: $LATEST"),
            line(t0 - 4 * S, "▌ [bold red]x[/] \u241b[31mred\u241b[0m \u241b]52;c;ZXZpbA==\u2407 done"),
            line(t0 - 3 * S, "▌ [ERROR]    boom"),
            indent + "▌ Traceback (most recent call last):",
            indent + "▌   File x",
            line(t0 - 2 * S, "▌ END RequestId: 8f5e-11"),
            line(t0 - 1 * S, "▌ REPORT 12 ms (billed 13) · 64/128 MB · init 250 ms cold start"),
        ]
        # colours come from the theme: the error line carries the error style, START is dimmed
        styles = {name: screen.view.get_component_rich_style(f"log-view--{name}")
                  for name in ("error", "platform")}
        rows = [list(screen.view.render_line(y)) for y in range(len(shown))]
        error_strip, start_strip = rows[2], rows[0]
        assert any(seg.style and seg.style.color == styles["error"].color and "boom" in seg.text
                   for seg in error_strip)
        assert any(seg.style and seg.style.dim and "START" in seg.text for seg in start_strip)
        # no segment carries a control character to the terminal
        assert not any(ch in seg.text for strip in rows for seg in strip for ch in "\x1b\x07")


async def test_missing_group_says_so_and_recovers_when_it_appears(account):
    app = start_app(account.endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_logs(pilot, app, ["/aws/lambda/not-yet"])
        assert screen.state == "missing"
        assert screen.notice_text().startswith("Log group /aws/lambda/not-yet does not exist\n"
                                               "Lambda creates the group on the function's first invocation")
        logs = LogWriter(account, "/aws/lambda/not-yet")
        logs.put(app.clock.now() - 1 * S, "first line")
        await step(pilot, screen, app.clock, screen.interval)
        assert screen.state == "ok" and screen.notice_text() == ""
        assert [l.split(" ", 1)[1] for l in screen.view.shown_lines()] == ["first line"]


async def test_empty_group_names_the_group_and_the_window(account):
    LogWriter(account, "/quiet")
    app = start_app(account.endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_logs(pilot, app, ["/quiet"])
        assert screen.state == "empty"
        assert screen.notice_text().startswith("no log events in the last 15 min in /quiet")


async def test_access_denied_is_explained_and_lines_stay_when_it_turns_stale(account, no_live_tail):
    """Polling (live tail refused): a read refused before any line, then after some."""
    logs = LogWriter(account, "/guarded")
    logs.put(real_now() - 1 * S, "kept")
    app = start_app(account.endpoint)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            control.deny(account.endpoint, account.access_key, "logs", "FilterLogEvents")
            screen = await open_logs(pilot, app, ["/guarded"])
            assert screen.state == "error"
            assert screen.notice_text().startswith("Access denied: logs:FilterLogEvents")
            control.clear_denials(account.endpoint)
            control.deny(account.endpoint, account.access_key, "logs", "StartLiveTail")
            await step(pilot, screen, app.clock, screen.interval)
            assert screen.state == "ok" and screen.view.shown_lines()[0].endswith(" kept")
            control.deny(account.endpoint, account.access_key, "logs", "FilterLogEvents")
            await step(pilot, screen, app.clock, screen.interval)
            await app.clock.advance(0.5)  # no poll yet: the age moves
            await step(pilot, screen, app.clock, screen.interval)
            screen.refresh_ages()
            assert screen.state == "stale"
            assert screen.status_text().startswith("stale 2s — Access denied: logs:FilterLogEvents")  # 2.5 s
            assert screen.status_text().endswith("· 1 events kept")
            assert screen.view.shown_lines()[0].endswith(" kept")
    finally:
        control.clear_denials(account.endpoint)


async def test_scrolling_up_pauses_following_and_f_resumes(account):
    logs = LogWriter(account, "/busy")
    t0 = real_now()
    logs.put_many([(t0 - (200 - i) * S, f"line {i}") for i in range(100)])
    app = start_app(account.endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_logs(pilot, app, ["/busy"], max_lines=80)
        view = screen.view
        await wait_until(pilot, lambda: view.scroll_y == view.max_scroll_y > 0)
        # bounded: the oldest 20 were dropped, and a first row says so
        assert view.shown_lines()[:2] == ["… 20 older lines dropped", line(t0 - 180 * S, "line 20")]
        assert len(view.shown_lines()) == 81
        await pilot.press("pageup")
        await wait_until(pilot, lambda: not view.following)
        position = view.scroll_y
        assert "‖ paused · 0 new lines" in screen.status_text()
        logs.put(app.clock.now(), "new while paused")
        await step(pilot, screen, app.clock, screen.interval)
        assert "‖ paused · 1 new line " in screen.status_text()  # waiting, counted
        assert view.scroll_y == position  # the reader's place is kept
        await pilot.press("f")
        await wait_until(pilot, lambda: view.following and view.scroll_y == view.max_scroll_y)
        assert view.shown_lines()[-1].endswith(" new while paused")
        assert "● following" in screen.status_text()


@pytest.fixture
def retries_on_their_own_clock(monkeypatch):
    """botocore's retry delays pass at once on a clock of their own, not the app's: this test
    moves the app's clock poll by poll and reads the screen's own back-off from it."""
    import console.aws.clients as clients
    from tests.clock import InstantClock

    retry_clock = InstantClock()
    use_clock = clients.use_clock
    monkeypatch.setattr(clients, "use_clock", lambda client, clock: use_clock(client, retry_clock))


async def test_throttling_backs_off_keeps_the_lines_and_says_when_it_retries(account, retries_on_their_own_clock,
                                                                             no_live_tail):  # polling
    from console.demo.faultproxy import FaultProxy

    logs = LogWriter(account, "/throttled")
    logs.put(real_now() - 1 * S, "before the storm")
    with FaultProxy(account.endpoint, seed=3) as proxy:
        app = start_app(proxy.endpoint)
        async with app.run_test(size=(160, 45)) as pilot:
            screen = await open_logs(pilot, app, ["/throttled"])
            assert screen.state == "ok"
            proxy.set(throttle=1.0, services=["logs"])
            await step(pilot, screen, app.clock, screen.interval, rounds=1200)  # botocore retries first
            assert screen.state == "throttled"
            assert screen.status_text() == "throttled, retrying in 2 s · 1 events kept"  # 1 s doubled
            await app.clock.advance(1)
            screen.refresh_ages()
            assert screen.status_text().startswith("throttled, retrying in 1 s")
            before = screen.polls
            await app.clock.advance(1)
            # botocore retries first; every attempt takes a FilterLogEvents token (console.aws.budget):
            # the clock moves a token's worth (25 a second in us-east-1) or more a round for the ones
            # beyond the burst. It overshoots the poll by less than a round's 0.2 s, and the screen
            # rounds the wait up: the doubled back-off still reads 4 s (the old one would read 2).
            await wait_until(pilot, lambda: screen.polls > before, clock=app.clock, step=0.2)
            assert screen.status_text().startswith("throttled, retrying in 4 s")
            proxy.off()
            before = screen.polls
            await app.clock.advance(4)
            await wait_until(pilot, lambda: screen.polls > before)
            assert screen.state == "ok" and screen.tail.interval == 1.0
            assert screen.view.shown_lines()[0].endswith(" before the storm")
