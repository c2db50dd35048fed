"""An SVG snapshot of the log view at work (160x45, frozen clock, fixed lines): two groups
with the group column, a request's lines marked, the cursor on a JSON line opened, a
highlight, paused with lines waiting, live tail. Update deliberately (`--snapshot-update` on this test)
and look at the SVG."""

from __future__ import annotations

from dataclasses import replace

from screens.dashboard import DashboardScreen
from tests.app.conftest import clock, estate, make_app, settle  # noqa: F401 - fixtures
from tests.lambda_tui.test_snapshots import FixedFeed

SIZE = (160, 45)


class TwoGroups(FixedFeed):
    """FixedFeed's lines, every third one from a second group."""

    def fixed_lines(self):
        return [replace(e, group="/ecs/orders-api") if i % 3 == 2 else e for i, e in enumerate(super().fixed_lines())]


def test_log_view_at_work(snap_compare, make_app, monkeypatch):
    import screens.log_view

    monkeypatch.setattr(screens.log_view, "LogFeed", TwoGroups)

    async def at_work(pilot):
        await settle(pilot, 6)
        assert isinstance(pilot.app.screen, DashboardScreen)
        screen = screens.log_view.LogViewScreen(["/aws/lambda/orders", "/ecs/orders-api"], title="Logs",
                                                highlight="order")
        await pilot.app.push_screen(screen)
        await settle(pilot, 6)
        view = screen.view
        view.flush()
        json_line = next(e for e in view.entries if e.is_json)
        view.move_cursor(json_line.seq)  # leaves the bottom: paused
        await pilot.press("enter")
        view.append([replace(view.entries[-1].event, event_id="late")])
        await settle(pilot, 4)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=at_work)
