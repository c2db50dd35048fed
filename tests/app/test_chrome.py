"""Status bar, `?` help, `:` palette and the problem screen."""

from __future__ import annotations

from botocore.exceptions import EndpointConnectionError, NoCredentialsError
from textual.command import CommandPalette

from console.aws.errors import ErrorClass
from screens.dashboard import DashboardScreen
from screens.help import HelpScreen
from screens.problem import ProblemScreen
from tests.app.conftest import identify_ok, settle
from widgets.status_bar import StatusBar


async def test_status_bar_shows_target_age_and_call_figures(make_app, clock):
    app = make_app(read_only=True)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        stats = app.pool.stats
        stats.record("lambda", "ListFunctions", 0.1, None)
        stats.record("lambda", "ListFunctions", 0.1, ErrorClass.THROTTLED)
        stats.record("ecs", "DescribeServices", 0.1, ErrorClass.ACCESS_DENIED)
        await clock.advance(5)  # no poll is due before 10 s: data is 5 s old
        app.refresh_status()
        text = app.screen.query_one(StatusBar).text()
        assert text == ("acct 123456789012 demo us-east-1 http://127.0.0.1:1 READ-ONLY "
                        "data 5s old 3 calls/min 1 throttled/5m 1 errors/5m")
        await clock.advance(61)
        app.refresh_status()
        assert "0 calls/min 1 throttled/5m 1 errors/5m" in app.screen.query_one(StatusBar).text()
        await clock.advance(240)  # five minutes after them: the errors are no longer recent
        app.refresh_status()
        assert app.screen.query_one(StatusBar).text().endswith("0 throttled/5m 0 errors/5m")
        assert (stats.throttles, stats.errors) == (1, 1)  # the totals since start, for benchmarks


async def test_status_bar_without_read_only_or_endpoint(make_app):
    from tests.app.conftest import TARGET

    app = make_app(target=TARGET.__class__("prod", "eu-west-1"))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        app.refresh_status()
        text = app.screen.query_one(StatusBar).text()
        assert text.startswith("acct 123456789012 prod eu-west-1 data")
        assert "READ-ONLY" not in text and "http" not in text


async def test_help_lists_active_bindings_grouped(make_app):
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        groups = dict(app.screen.groups)
        assert {("q", "Quit"), ("?", "Help"), (":", "Palette"), ("/", "Filter"), ("^r", "Refresh"),
                ("esc", "Back")} <= set(groups["Global"])
        assert any(desc for _, desc in groups.get("ResourceTable", []))  # the table's own keys
        shown = str(app.screen.query_one("#help").content)
        assert "Global" in shown and "Quit" in shown
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_palette_lists_panels_and_actions(make_app):
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("colon")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"step")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.focused.id == "stepfunctions-table"


async def test_problem_screen_then_retry_succeeds(make_app):
    attempts = []

    async def identify(ctx):
        attempts.append(ctx.target)
        if len(attempts) == 1:
            raise NoCredentialsError()
        return await identify_ok(ctx)

    app = make_app(identify=identify)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ProblemScreen)
        headline = str(app.screen.query_one("#headline").content)
        remedy = str(app.screen.query_one("#remedy").content)
        assert headline == "No AWS credentials found"
        assert "aws configure" in remedy and "aws sso login" in remedy
        assert "Traceback" not in app.export_screenshot()
        await pilot.press("ctrl+r")
        await settle(pilot, 6)
        assert isinstance(app.screen, DashboardScreen)
        assert app.target.account == "123456789012"


async def test_problem_screen_retry_failing_differently_and_quit(make_app):
    errors = [EndpointConnectionError(endpoint_url="http://127.0.0.1:1"), NoCredentialsError()]

    async def identify(ctx):
        raise errors.pop(0)

    app = make_app(identify=identify)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        assert str(app.screen.query_one("#headline").content) == "Cannot reach http://127.0.0.1:1"
        await pilot.press("ctrl+r")
        await settle(pilot, 6)
        assert str(app.screen.query_one("#headline").content) == "No AWS credentials found"
        await pilot.press("q")
        await settle(pilot)
    assert app.return_code == 0
