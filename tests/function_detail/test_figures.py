"""The detail's figures: each version's own error rate behind a weighted alias (traffic
written by the simulator's traffic writer), and the long windows' periods."""

from __future__ import annotations

from datetime import timedelta

from tests.function_detail.conftest import function_model, make_app, open_detail, settled, static_text
from tests.lambda_panel.test_versions import canary
from tests.pilot import wait_until


async def test_the_detail_shows_each_versions_figures_the_worse_new_one_marked(fresh_account, monkeypatch, clock):
    fresh_account.use(monkeypatch)
    canary(fresh_account, "pay")  # version 1: 9 errors of 189; version 2 (new): 11 of 21
    app = make_app(fresh_account.endpoint, clock)
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await open_detail(pilot, app, function_model(fresh_account.endpoint, "pay",
                                                              fresh_account.client("lambda")))
        await settled(pilot, screen, "charts")
        assert static_text(screen, "chart-versions").splitlines() == [
            "live v2 10% new: 52% errors, 11 of 21", "live v1 90%: 4.8% errors, 9 of 189"]
        shown = screen.query_one("#chart-versions").content
        bold = [shown.plain[s.start:s.end] for s in shown.spans if "bold" in str(s.style)]
        assert bold == ["live v2 10% new: 52% errors, 11 of 21"]

        # the long windows: 3 hours by the minute, 24 hours in 10-minute periods
        for _ in range(3):  # 15 -> 60 -> 3h -> 24h
            await pilot.press("w")
        await wait_until(pilot, lambda: screen.sections["charts"].state == "ready"
                         and screen.window_minutes == 1440 and len(screen.sparklines["invocations"].data) == 144)
        assert sum(screen.sparklines["invocations"].data) == 210
        # the axis starts at the first 10-minute period of the day, in the hour of now − 24 h or
        # (within ten minutes of an hour) the next one
        day_ago = clock.now() - timedelta(hours=24)
        hours = {f"{day_ago:%H}", f"{day_ago + timedelta(minutes=10):%H}"}
        assert any(static_text(screen, "axis-start").startswith(f"−24h  {hour}") for hour in hours)
        assert "live v2 10% new: 52% errors, 11 of 21" in static_text(screen, "chart-versions")
