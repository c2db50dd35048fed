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


def test_the_status_line_keeps_its_figures_on_an_80_column_screen():
    """At 80x24 the line ran past the edge: the call, throttle and error figures were cut."""
    from widgets.status_bar import StatusInfo, status_text

    info = StatusInfo("123456789012", "demo", "us-east-1", "http://127.0.0.1:43411", True, 12.0, 37, 2, 5)
    wide = status_text(info, lambda tone: "", 160).plain
    assert "http://127.0.0.1:43411" in wide and "data 12s old   37 calls/min" in wide
    narrow = status_text(info, lambda tone: "", 80)
    assert narrow.cell_len <= 80 and narrow.plain.endswith("2 throttled/5m  5 errors/5m")
    assert "123456789012 demo us-east-1" in narrow.plain and "READ-ONLY" in narrow.plain
    assert "12s old" in narrow.plain


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
        assert {("↓ j", "Next row"), ("↑ k", "Previous row"), ("home g ^home", "First row"),
                ("end G ^end", "Last row")} <= set(groups["Rows"])  # the table's own keys, k9s's
        shown = str(app.screen.query_one("#help").content)
        assert "Global" in shown and "Quit" in shown
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_help_explains_the_screen_and_lists_only_its_opsdeck_keys(make_app):
    """The dashboard's help says what each panel shows (columns, colours, ▲, the metric
    window); another screen's help says what that screen shows, with its keys and not the
    dashboard's; Textual's built-ins (ctrl+q, ctrl+c, focus cycling) are never listed."""
    from screens.lambda_.panel import SPEC as LAMBDA

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        shown = str(app.screen.query_one("#help").content)
        headings = [heading for heading, _ in app.screen.sections]
        assert headings == ["Dashboard", "Lambda", "ECS / Fargate", "Step Functions", "EventBridge",
                            "EventBridge Scheduler"]
        assert " ".join(LAMBDA.help.split()[:12]) in shown
        for words in ("▲ before a name", "`w` cycles it", "Red: errors", "not steady", "n/a (EXPRESS)"):
            assert words in shown
        keys = {key for _, rows in app.screen.groups for key, _ in rows}
        descriptions = {description for _, rows in app.screen.groups for _, description in rows}
        assert "^q" not in keys and "^c" not in keys and "^p" not in keys
        assert not descriptions & {"Focus Next", "Focus Previous", "Copy selected text", "Cursor up"}
        assert ("tab", "Next panel") in dict(app.screen.groups)["Dashboard"]
        await pilot.press("escape")

        await pilot.press("tab")  # the ECS panel: a cluster opens its services
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("question_mark")
        groups = dict(app.screen.groups)
        assert [heading for heading, _ in app.screen.sections] == ["Services"]
        assert "flapping" in str(app.screen.query_one("#help").content)
        assert "Lambda panel" not in groups and "Dashboard" not in groups
        assert ("esc", "Back") in groups["Global"]


async def test_palette_entries_appear_once_and_audit_opens_from_any_screen(make_app):
    from screens.audit import AuditScreen
    from screens.ecs.services import ServicesScreen

    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("tab", "enter")  # a cluster's services, far from the dashboard's entries
        await settle(pilot)
        assert isinstance(app.screen, ServicesScreen)
        await pilot.press("colon")
        await pilot.pause(0.5)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        prompts = [str(option.prompt).split("\n")[0] for option in palette.query("OptionList").first()._options]
        assert len(prompts) == len(set(prompts)), prompts
        assert "audit" in prompts and "Quit" in prompts
        assert not {"Keys", "Maximize", "Focus Next", "Copy selected text", "Cursor up"} & set(prompts)
        await pilot.press(*"audit")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)


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
