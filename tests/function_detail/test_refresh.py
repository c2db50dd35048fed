"""The function detail keeps itself fresh: its sections are polled through the app's engine
while the screen is visible (issue 9, item 1). Changes made behind its back with boto3
show once the ManualClock passes their interval; a refused call keeps the last values,
marked stale with an age that moves with the clock; the status bar counts the detail's
calls and says how old its data is; leaving the screen stops and forgets its sources."""

from __future__ import annotations

import re

from console.demo import control
from screens.lambda_.function_detail import FunctionDetailScreen
from tests.function_detail.conftest import field, function_model, make_app, open_detail, rows, settled
from tests.function_detail.test_own_account import make_function
from tests.pilot import wait_until
from widgets.status_bar import StatusBar


def status(app) -> str:
    app.refresh_status()
    return app.screen.query_one(StatusBar).text()


def calls_per_minute(app) -> int:
    return int(re.search(r"(\d+) calls/min", status(app)).group(1))


async def test_detail_follows_changes_and_marks_failures_stale(fresh_account, monkeypatch, clock):
    fresh_account.use(monkeypatch)
    make_function(fresh_account, "changing", {"STAGE": "prod"})
    lam = fresh_account.client("lambda")
    lam.publish_version(FunctionName="changing")
    lam.create_alias(FunctionName="changing", Name="live", FunctionVersion="1")
    lam.update_function_configuration(FunctionName="changing", Description="second")
    lam.publish_version(FunctionName="changing")

    app = make_app(fresh_account.endpoint, clock)  # no dashboard sources: every call is the detail's
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_detail(pilot, app, function_model(fresh_account.endpoint, "changing", lam))
        await settled(pilot, screen)
        assert field(screen, "config-body", "memory") == "128 MB"
        assert rows(screen, "aliases-table") == [["live", "live→1"]]

        lam.update_function_configuration(FunctionName="changing", MemorySize=512)
        lam.update_alias(FunctionName="changing", Name="live", FunctionVersion="2")
        await wait_until(pilot, lambda: field(screen, "config-body", "memory") == "512 MB"
                         and rows(screen, "aliases-table") == [["live", "live→2"]], clock=clock, step=1.0)
        assert "512 MB" in str(screen.query_one("#function-title").render())
        assert clock.monotonic() <= 20  # within the 15 s interval (and a second or two of calls)

        await wait_until(pilot, lambda: clock.monotonic() >= 70, clock=clock, step=1.0)
        assert calls_per_minute(app) >= 8  # a minute of the detail's polling, all counted
        shown = re.search(r"data (\d+)s old", status(app))
        assert shown and int(shown.group(1)) < 60

        control.deny(fresh_account.endpoint, fresh_account.access_key, "lambda", "GetFunction")
        try:
            lam.update_function_configuration(FunctionName="changing", MemorySize=1024)
            config = screen.sections["config"]
            await wait_until(pilot, lambda: config.stale_since is not None, clock=clock, step=1.0)
            assert config.has_class("-stale") and config.state == "ready"
            assert field(screen, "config-body", "memory") == "512 MB"  # the last values stay
            app.refresh_status()  # ages are redrawn every second: now, for this reading
            first = int(re.search(r"stale · (\d+)s old", config.stale_since).group(1))
            await clock.advance(7)
            app.refresh_status()
            await pilot.pause()
            assert int(re.search(r"stale · (\d+)s old", config.stale_since).group(1)) == first + 7
            assert "denied" in config.stale_since.lower()
            assert not screen.sections["aliases"].has_class("-stale")  # only the refused call's section
        finally:
            control.clear_denials(fresh_account.endpoint)
        await wait_until(pilot, lambda: field(screen, "config-body", "memory") == "1024 MB",
                         clock=clock, step=1.0)
        assert config.stale_since is None and not config.has_class("-stale")

        names = set(app.engine.sources)
        assert len(names) == len(screen.feeds())
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, FunctionDetailScreen))
        assert not set(app.engine.sources) & names  # closed: its sources are gone, nothing polls them
        assert all(app.store.latest(name) is None for name in names)
