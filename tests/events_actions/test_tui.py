"""The EventBridge actions and the rule detail through the whole app on the embedded server:
`x` on a schedule, `enter` on a rule (its targets, input transformer, DLQ, retry policy;
`enter` on a Lambda target opens the function), `p` (the test-event editor, pre-filled from
the pattern, sending to the bus), and read-only mode hiding all of them. AWS state is read
back through boto3: GetSchedule's State, the event in the rule's queue."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from textual.widgets import DataTable

from console.app import OpsdeckApp
from console.services.events.schedule import parse
from console.aws.clients import ClientPool
from console.clock import ManualClock
from console.target import Target
from screens.confirm import ConfirmActionScreen
from screens.dashboard import DashboardScreen
from screens.events.put_event import PutEventScreen
from screens.events.rule import RuleDetailScreen
from tests.function_detail.conftest import static_text
from tests.integration.test_sources import make_function
from tests.pilot import click, wait_until

from .conftest import PATTERN


def start_app(endpoint: str, read_only: bool = False) -> OpsdeckApp:
    clock = ManualClock(datetime.now(timezone.utc))
    return OpsdeckApp(Target(None, "us-east-1", endpoint), ClientPool(clock), clock, read_only=read_only)


async def select_row(pilot, app, name: str, panel: str = "events") -> None:
    """Wait for a panel (EventBridge rules, or "scheduler") to list `name`; put the cursor on it."""
    await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
    table = app.screen.panel(panel).table
    await wait_until(pilot, lambda: any(getattr(i, "name", None) == name for i in table.items))
    table.focus()
    assert table.select_key(next(i.key for i in table.items if i.name == name))
    await pilot.pause()


def text_of(app, selector: str) -> str:
    """What a Static shows (a Text, or a key/value grid rendered wide enough not to wrap)."""
    return static_text(app.screen, selector.removeprefix("#"))


async def test_x_on_a_schedule_disables_it_and_keeps_its_target(estate):
    estate.schedule("digest", group="reports")
    before = estate.get_schedule("digest", "reports")
    app = start_app(estate.account.endpoint)
    async with app.run_test(size=(160, 50)) as pilot:
        await select_row(pilot, app, "digest", "scheduler")
        assert "action.events.toggle-schedule" in {a.binding.id for a in app.screen.active_bindings.values()}
        await pilot.press("x")
        modal = await wait_until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen) and app.screen)
        assert "Disable schedule digest in group reports: ENABLED -> DISABLED" in text_of(app, "#confirm-plan")
        assert estate.get_schedule("digest", "reports")["State"] == "ENABLED"
        await click(pilot, "#confirm-apply")
        await wait_until(pilot, lambda: modal.state == "done")
        assert "Done: 1/1 steps applied and verified" in text_of(app, "#confirm-result")
    after = estate.get_schedule("digest", "reports")
    assert after["State"] == "DISABLED"
    assert (after["Target"], after["ScheduleExpressionTimezone"]) == (before["Target"], before["ScheduleExpressionTimezone"])


async def test_rule_detail_shows_every_target_and_enter_on_the_lambda_opens_the_function(estate):
    from screens.lambda_.function_detail import FunctionDetailScreen

    make_function(estate.account, "fulfil")
    function = f"arn:aws:lambda:us-east-1:{estate.account.id}:function:fulfil"
    dlq = f"arn:aws:sqs:us-east-1:{estate.account.id}:orders-dlq"
    estate.bus("shop")
    url, queue = estate.queue("audit")
    estate.rule("order-placed", bus="shop")
    estate.events.put_targets(Rule="order-placed", EventBusName="shop", Targets=[
        {"Id": "a-fulfil", "Arn": function,
         "InputTransformer": {"InputPathsMap": {"order": "$.detail.orderId", "total": "$.detail.total"},
                              "InputTemplate": '{"order": <order>, "total": <total>}'},
         "DeadLetterConfig": {"Arn": dlq},
         "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 600}},
        {"Id": "b-audit", "Arn": queue, "InputPath": "$.detail"},
    ])
    app = start_app(estate.account.endpoint)
    async with app.run_test(size=(160, 60)) as pilot:
        await select_row(pilot, app, "order-placed")
        await pilot.press("enter")
        screen = await wait_until(pilot, lambda: isinstance(app.screen, RuleDetailScreen) and app.screen)
        table = screen.query_one("#targets-table", DataTable)
        await wait_until(pilot, lambda: table.row_count == 2)
        rule = text_of(app, "#rule-body")
        assert "bus" in rule and "shop" in rule and "ENABLED" in rule
        pattern = text_of(app, "#when-body")
        assert json.loads(pattern) == PATTERN
        assert pattern.startswith('{\n  "source": ["shop.orders"],\n  "detail-type": ["OrderPlaced"],\n')
        target = text_of(app, "#target-body")
        assert "Lambda" in target and function in target
        assert "<order> = $.detail.orderId" in target and "<total> = $.detail.total" in target
        assert '{"order": <order>, "total": <total>}' in target
        assert dlq in target and "3 attempts, events up to 600 s old" in target

        table.move_cursor(row=1)
        await wait_until(pilot, lambda: "SQS" in text_of(app, "#target-body"))
        audit = text_of(app, "#target-body")
        assert "SQS" in audit and "input path" in audit and "AWS default: 185 attempts" in audit

        table.move_cursor(row=0)
        table.focus()
        await pilot.press("enter")
        opened = await wait_until(pilot, lambda: isinstance(app.screen, FunctionDetailScreen) and app.screen)
        assert opened.function.arn == function


async def test_p_pre_fills_the_event_from_the_pattern_and_sends_it_to_the_bus(estate):
    estate.bus("shop")
    url, queue = estate.queue("orders")
    estate.rule("order-placed", bus="shop")
    estate.rule("big-orders", bus="shop", pattern={"source": ["shop.orders"], "detail": {"total": [{"numeric": [">=", 100]}]}})
    estate.rule("old-orders", bus="shop", pattern={"source": ["shop.orders"]}, state="DISABLED")
    estate.rule("refunds", bus="shop", pattern={"source": ["shop.refunds"]})
    estate.events.put_targets(Rule="order-placed", EventBusName="shop", Targets=[{"Id": "q", "Arn": queue}])
    app = start_app(estate.account.endpoint)
    async with app.run_test(size=(160, 50)) as pilot:
        await select_row(pilot, app, "order-placed")
        await pilot.press("p")
        editor = await wait_until(pilot, lambda: isinstance(app.screen, PutEventScreen) and app.screen)
        assert json.loads(editor.editor.text) == {"source": "shop.orders", "detail-type": "OrderPlaced",
                                                  "detail": {"total": 1}, "resources": []}
        await wait_until(pilot, lambda: editor.bus is not None)
        assert editor.matches_text() == "matches: order-placed; disabled, would match: old-orders"
        editor.editor.load_text(json.dumps({"source": "shop.orders", "detail-type": "OrderPlaced",
                                            "detail": {"total": 250}}))
        await wait_until(pilot, lambda: editor.matches_text().startswith("matches: big-orders, order-placed"))
        editor.editor.load_text(json.dumps({"source": "shop.refunds", "detail-type": "x", "detail": {}}))
        await wait_until(pilot, lambda: editor.matches_text() == "matches: refunds")
        editor.editor.load_text(json.dumps({"source": "nobody", "detail-type": "x", "detail": {}}))
        await wait_until(pilot, lambda: editor.matches_text() == "matches: no enabled rule")

        editor.editor.load_text('{"source": "shop.orders",\n "detail-type": }')
        await pilot.press("f5")
        assert editor.message_text().startswith("Event: JSON at line 2, column 17: ")
        assert editor.editor.cursor_location == (1, 16)
        assert estate.received(url) == []

        editor.editor.load_text(json.dumps({"source": "shop.orders", "detail-type": "OrderPlaced",
                                            "detail": {"total": 9}}))
        await pilot.press("f5")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen) and app.screen)
        assert "Put an event on bus shop: source shop.orders, detail-type OrderPlaced" in text_of(app, "#confirm-plan")
        await click(pilot, "#confirm-apply")
        await wait_until(pilot, lambda: editor.event_id is not None)
        [received] = estate.received(url)
        assert (received["id"], received["detail"]) == (editor.event_id, {"total": 9})


async def test_read_only_hides_the_actions_and_their_keys_do_nothing(estate):
    estate.schedule("digest")
    estate.rule("order-placed")
    app = start_app(estate.account.endpoint, read_only=True)
    async with app.run_test(size=(160, 50)) as pilot:
        await select_row(pilot, app, "digest", "scheduler")
        shown = {a.binding.id for a in app.screen.active_bindings.values()}
        assert "action.events.toggle-schedule" not in shown
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        await select_row(pilot, app, "order-placed")
        shown = {a.binding.id for a in app.screen.active_bindings.values()}
        assert "events.timeline" in shown  # the panel's keys are active: only the actions are hidden
        assert "action.events.toggle-rule" not in shown and "action.events.put-event" not in shown
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("enter")
        screen = await wait_until(pilot, lambda: isinstance(app.screen, RuleDetailScreen) and app.screen)
        shown = {a.binding.id for a in screen.active_bindings.values()}
        assert "events.detail.refresh" in shown
        assert not any(name.startswith("action.") for name in shown if name)
        await pilot.press("x")
        await pilot.pause()
        assert app.screen is screen
    assert estate.get_schedule("digest")["State"] == "ENABLED"


async def test_hostile_text_is_inert_and_a_rule_deleted_meanwhile_is_said(estate):
    hostile = "\x1b]52;c;cHduZWQ=\x07[bold red]boom[/]"
    estate.rule("nightly")
    estate.events.put_rule(Name="nightly", EventPattern=json.dumps(PATTERN), Description=hostile)
    estate.events.put_targets(Rule="nightly", Targets=[{"Id": "t[/]", "Arn": "arn:aws:sns:us-east-1:1:topic",
                                                        "Input": json.dumps({"note": hostile})}])
    app = start_app(estate.account.endpoint)
    async with app.run_test(size=(160, 50)) as pilot:
        await select_row(pilot, app, "nightly")
        await pilot.press("enter")
        screen = await wait_until(pilot, lambda: isinstance(app.screen, RuleDetailScreen) and app.screen)
        await wait_until(pilot, lambda: screen.query_one("#targets-table", DataTable).row_count == 1)
        rule = text_of(app, "#rule-body")
        assert "␛]52;c;cHduZWQ=␇[bold red]boom[/]" in rule and "\x1b" not in rule
        target = text_of(app, "#target-body")
        assert "SNS" in target and "[bold red]boom[/]" in target and "\x07" not in target
        await pilot.press("enter")  # no panel lists SNS topics: said, nothing opened
        await pilot.pause()
        assert app.screen is screen

        estate.events.remove_targets(Rule="nightly", Ids=["t[/]"])
        estate.events.delete_rule(Name="nightly")
        await pilot.press("ctrl+r")
        section = screen.sections["rule"]
        await wait_until(pilot, lambda: section.state == "error" or section.stale_since is not None, clock=app.clock)
        said = section.stale_since or section.notice_text
        assert "ResourceNotFound" in said or "not found" in said.lower()


async def test_a_schedule_detail_says_when_it_fires_and_x_there_enables_it(estate):
    estate.schedule("digest", state="DISABLED")
    app = start_app(estate.account.endpoint)
    async with app.run_test(size=(160, 50)) as pilot:
        await select_row(pilot, app, "digest", "scheduler")
        await pilot.press("enter")
        screen = await wait_until(pilot, lambda: isinstance(app.screen, RuleDetailScreen) and app.screen)
        await wait_until(pilot, lambda: screen.detail is not None)
        when = text_of(app, "#when-body")
        assert "cron(30 8 ? * MON-FRI *)" in when and "Europe/Berlin" in when
        assert parse("cron(30 8 ? * MON-FRI *)", "Europe/Berlin").describe() in " ".join(when.split())
        fires = [line.split("next fires", 1)[-1].strip() for line in when.splitlines()
                 if " 08:30 CE" in line]  # 08:30 on Berlin's wall clock, CET or CEST
        assert len(fires) == 3 and all(fire[:3] in ("Mon", "Tue", "Wed", "Thu", "Fri") for fire in fires)
        assert "window" in text_of(app, "#rule-body") and "FLEXIBLE, up to 15 minutes" in text_of(app, "#rule-body")
        assert "p" not in {a.binding.key for a in screen.active_bindings.values()}  # a schedule has no bus

        await pilot.press("x")
        modal = await wait_until(pilot, lambda: isinstance(app.screen, ConfirmActionScreen) and app.screen)
        assert "Enable schedule digest in group default: DISABLED -> ENABLED" in text_of(app, "#confirm-plan")
        await click(pilot, "#confirm-apply")
        await wait_until(pilot, lambda: modal.state == "done")
    assert estate.get_schedule("digest")["State"] == "ENABLED"
