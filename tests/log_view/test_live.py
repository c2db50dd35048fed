"""The log view's transports through the whole app against the embedded AWS, which streams
StartLiveTail (an update each wall-clock second): lines written while the view is open
arrive by live tail without the view's clock moving; where live tail is unavailable the
view polls FilterLogEvents and says why; a sampled second is backfilled and said. Each
line once, every time.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from tests.log_view.conftest import (  # noqa: F401 - fixtures
    S, account, bodies, open_logs, real_now, start_app, step)
from tests.logs.conftest import LogWriter
from tests.pilot import wait_until

MS = timedelta(milliseconds=1)


def marker_rows(view) -> list[str]:
    return [body for body in bodies(view) if body.startswith("── ")]


async def test_lines_written_while_the_view_is_open_arrive_by_live_tail(account):
    logs = LogWriter(account, "/aws/lambda/live")
    t0 = real_now()
    logs.put(t0 - 60 * S, "before the view")
    app = start_app(account.endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_logs(pilot, app, ["/aws/lambda/live"])
        feed = screen.feed
        assert feed.mode == "live" and feed.sessions == 1
        reads = screen.tail.requests  # the history and the read handing over to the session
        assert reads == 2
        now = app.clock.now()
        logs.put_many([(now, "one"), (now + 1 * S, "two")], stream="a")
        logs.put(now + 2 * S, "three", stream="b")
        # the view's clock does not move: a polling view would never read again
        await wait_until(pilot, lambda: screen.view.events_shown == 4)
        assert bodies(screen.view) == ["before the view", "one", "two", "three"]
        assert screen.tail.requests == reads and feed.sessions == 1  # no FilterLogEvents read: live
        assert screen.state == "ok" and marker_rows(screen.view) == []
        assert "● following · 4 events · live tail, updated " in screen.status_text()


async def test_more_groups_than_live_tail_takes_are_polled_each_line_once(account):
    groups = [f"/app/g{n:02}" for n in range(11)]
    writers = {group: LogWriter(account, group) for group in groups}
    t0 = real_now()
    writers[groups[0]].put(t0 - 30 * S, "history")
    app = start_app(account.endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_logs(pilot, app, groups)
        assert screen.feed.mode == "polling" and screen.feed.sessions == 0
        why = "live tail takes at most 10 log groups (11 asked)"
        assert f"· polling every 1 s: {why} · polled " in screen.status_text()
        now = app.clock.now()
        writers[groups[3]].put(now + 1 * S, "three")
        writers[groups[10]].put(now + 2 * S, "ten", stream="other")
        writers[groups[0]].put(now - 20 * S, "late by 20 s")  # stamped before the last read's end
        await step(pilot, screen, app.clock, 3 * screen.interval)  # the overlap reads them again: once
        rows = [body.strip() for body in bodies(screen.view)]  # the group column, then the message
        messages = [row.split(" ", 1)[1] if row.startswith("/app/") else row for row in rows]
        assert Counter(messages) == Counter(["history", f"── {why}: polling FilterLogEvents every 1 s instead ──",
                                             "three", "ten", "late by 20 s"])
        assert screen.view.events_shown == 4 and screen.tail.requests >= 4 * len(groups)


async def test_a_sampled_second_is_said_and_backfilled_each_line_once(account):
    logs = LogWriter(account, "/busy")
    app = start_app(account.endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_logs(pilot, app, ["/busy"])
        assert screen.feed.mode == "live"
        now = app.clock.now()
        burst = [(now + n * MS, f"burst {n:04}") for n in range(1_200)]  # one second: over 500
        logs.put_many(burst)
        await wait_until(pilot, lambda: screen.view.events_shown == len(burst))
        await pilot.pause()
        assert screen.feed.backfills == 1
        [said] = marker_rows(screen.view)
        assert said.startswith("── live tail sampled (over 500 lines a second): 700 more backfilled from "
                               "FilterLogEvents (")
        shown = [body for body in bodies(screen.view) if not body.startswith("── ")]
        assert Counter(shown) == Counter(message for _, message in burst)  # each once
        assert screen.state == "ok" and "· live tail, updated " in screen.status_text()


async def test_ctrl_r_reads_now_polling_and_live_and_shows_each_line_once(account):
    from console.demo import control

    logs = LogWriter(account, "/now")
    app = start_app(account.endpoint)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            control.deny(account.endpoint, account.access_key, "logs", "StartLiveTail")
            polling = await open_logs(pilot, app, ["/now"])
            assert polling.feed.mode == "polling"
            logs.put(app.clock.now(), "read at once")
            await pilot.press("ctrl+r")  # the clock does not move: only ctrl+r reads
            await wait_until(pilot, lambda: polling.view.events_shown == 1)
            await app.pop_screen()

            control.clear_denials(account.endpoint)
            screen = await open_logs(pilot, app, ["/now"])
            assert screen.feed.mode == "live"
            reads = screen.tail.requests
            logs.put(app.clock.now(), "both ways")
            await pilot.press("ctrl+r")  # one FilterLogEvents read beside the session
            await wait_until(pilot, lambda: screen.tail.requests == reads + 1)
            await wait_until(pilot, lambda: "both ways" in bodies(screen.view))
            await step(pilot, screen, app.clock, 2 * screen.interval)  # live updates come, the line among them
            assert bodies(screen.view) == ["read at once", "both ways"]  # each once, whichever way it came
    finally:
        control.clear_denials(account.endpoint)
