"""The log view widget alone: a burst is spread over frames and keeps the bound."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from textual.app import App, ComposeResult

from console.cloudwatch.logs import LogEvent
from tests.pilot import wait_until
from widgets.log_view import MAX_PER_FRAME, LogView

T0 = datetime(2026, 12, 1, 12, tzinfo=timezone.utc)


class One(App):
    def compose(self) -> ComposeResult:
        yield LogView(max_lines=3_000, id="view")


def events(count: int, start: int = 0) -> list[LogEvent]:
    return [LogEvent("/g", "s", T0 + timedelta(milliseconds=i), T0, f"line {i}", str(i))
            for i in range(start, start + count)]


async def test_a_burst_is_drawn_a_frame_at_a_time_and_keeps_the_bound():
    async with One().run_test(size=(100, 20)) as pilot:
        view = pilot.app.query_one(LogView)
        view.append(events(2_500))
        view.append(events(2_500, 2_500))  # 5,000 at once: more than a frame's share, more than the bound
        await wait_until(pilot, lambda: not view._pending)
        assert view.flushes >= 2  # spread: never more than MAX_PER_FRAME rows made in one frame
        assert view.flushes >= -(-3_000 // MAX_PER_FRAME)
        assert len(view.entries) == 3_000 and view.dropped == 2_000
        shown = view.shown_lines()
        assert shown[0] == "… 2,000 older lines dropped" and shown[1].endswith(" line 2000")
        assert shown[-1].endswith(" line 4999") and len(shown) == 3_001
        assert view.following and view.scroll_y == view.max_scroll_y


async def test_paused_the_queue_keeps_the_bound_and_says_what_it_dropped():
    async with One().run_test(size=(100, 20)) as pilot:
        view = pilot.app.query_one(LogView)
        view.append(events(100))
        view.flush()
        view.action_pause()
        view.append(events(4_000, 100))
        assert len(view.queued) == 3_000 and view.queue_dropped == 1_000 and len(view.entries) == 100
        view.action_pause()  # resume
        shown = view.shown_lines()
        assert shown[0] == "… 1,100 older lines dropped" and shown[1].endswith(" line 1100")
        assert shown[-1].endswith(" line 4099") and view.events_shown == 4_100


async def test_a_tail_marker_is_a_row_of_its_own_and_no_request_s():
    from console.cloudwatch.logs_buffer import Marker

    async with One().run_test(size=(100, 20)) as pilot:
        view = pilot.app.query_one(LogView)
        view.append([*events(1), Marker(T0 + timedelta(seconds=1), "sampled", "Live Tail sampled: backfilled 12 lines")])
        assert view.shown_lines()[1] == "12:00:01.000 ── Live Tail sampled: backfilled 12 lines ──"


def test_the_view_keeps_as_many_lines_as_config_says(tmp_path, monkeypatch):
    from screens.log_view import LogViewScreen

    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "config.toml").write_text("[logs]\nbuffer_lines = 2500\n")
    monkeypatch.setenv("OPSDECK_CONFIG_DIR", str(tmp_path / "config"))
    assert LogViewScreen(["/g"]).max_lines == 2_500
    assert LogViewScreen(["/g"], max_lines=80).max_lines == 80
