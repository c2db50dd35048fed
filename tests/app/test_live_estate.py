"""The whole app on the embedded, seeded estate: what the panels show is what AWS says,
and changes made through the API reach the screen without a restart."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import boto3

from console.app import OpsdeckApp
from console.aws.clients import ClientPool
from console.clock import ManualClock
from console.target import Target
from screens.dashboard import DashboardScreen
from tests.integration.test_sources import make_function
from widgets.resource_table import ResourceTable
from tests.pilot import wait_until

PANELS = {"lambda": "validate-order", "ecs": "my-cluster", "stepfunctions": "order-processing",
          "events": "daily-cleanup"}


def start_app(endpoint: str, clock: ManualClock) -> OpsdeckApp:
    return OpsdeckApp(Target(None, "us-east-1", endpoint, demo=True), ClientPool(clock), clock)


def table(app, panel: str) -> ResourceTable:
    return app.screen.panel(panel).table  # kept by the screen: no query racing the grid's mount


def row_named(app, panel: str, name: str) -> str | None:
    if not isinstance(app.screen, DashboardScreen):
        return None
    t = table(app, panel)
    return next((key for key in t.visible_keys if t.name_of(t._items[key]) == name), None)


def names(t: ResourceTable) -> list[str]:
    """Row names in display order (the name cell may carry a jump marker)."""
    return [t.name_of(t._items[key]) for key in t.visible_keys]


def cell(app, panel: str, name: str, column: str) -> str | None:
    key = row_named(app, panel, name)
    return table(app, panel).get_cell(key, column).plain if key else None


async def test_panels_show_the_estate_and_follow_changes_made_through_the_api(endpoint):
    events = boto3.client("events", endpoint_url=endpoint, region_name="us-east-1")
    lam = boto3.client("lambda", endpoint_url=endpoint, region_name="us-east-1")
    alias = lam.get_alias(FunctionName="validate-order", Name="live")
    versions = [v["Version"] for v in lam.list_versions_by_function(FunctionName="validate-order")["Versions"]
                if v["Version"] != "$LATEST"]
    other = next(v for v in versions if v != alias["FunctionVersion"])
    clock = ManualClock(datetime.now(timezone.utc))
    app = start_app(endpoint, clock)
    async with app.run_test(size=(160, 50)) as pilot:
        for panel, name in PANELS.items():
            await wait_until(pilot, lambda: row_named(app, panel, name))
        # aliases are a slower source that starts after the functions' first load
        await wait_until(pilot, lambda: cell(app, "lambda", "validate-order", "routing")
                         == f"live→{alias['FunctionVersion']}")
        assert cell(app, "events", "daily-cleanup", "state") == "ENABLED"
        try:
            events.disable_rule(Name="daily-cleanup")
            lam.update_alias(FunctionName="validate-order", Name="live", FunctionVersion=other)
            await pilot.press("ctrl+r")
            await wait_until(pilot, lambda: cell(app, "events", "daily-cleanup", "state") == "DISABLED")
            # more Lambda calls than the quota's one-second burst: let its tokens refill
            await wait_until(pilot, lambda: cell(app, "lambda", "validate-order", "routing") == f"live→{other}",
                             clock=clock)
        finally:
            events.enable_rule(Name="daily-cleanup")
            lam.update_alias(FunctionName="validate-order", Name="live", FunctionVersion=alias["FunctionVersion"])
        assert app.target.account == "123456789012"


async def test_cursor_stays_on_its_function_when_a_refresh_resorts_the_rows(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    for name in ("alpha", "bravo", "charlie"):
        make_function(fresh_account, name)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    cloudwatch = fresh_account.client("cloudwatch")

    def put(name: str, **values: float) -> None:
        dims = [{"Name": "FunctionName", "Value": name}]
        cloudwatch.put_metric_data(Namespace="AWS/Lambda", MetricData=[
            {"MetricName": metric, "Dimensions": dims, "Timestamp": now - timedelta(minutes=1), "Value": value}
            for metric, value in values.items()
        ])

    put("alpha", Invocations=100, Errors=50)  # 50% errors: sorted first
    put("bravo", Invocations=100, Errors=10)
    put("charlie", Invocations=100, Errors=0)
    clock = ManualClock(now)
    app = start_app(fresh_account.endpoint, clock)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: row_named(app, "lambda", "charlie"))
        t = table(app, "lambda")
        await wait_until(pilot, lambda: names(t) == ["alpha", "bravo", "charlie"])
        t.select_key(row_named(app, "lambda", "bravo"))
        assert t.cursor_row == 1
        bravo = t.selected_key

        put("charlie", Errors=90)  # charlie jumps to the top: bravo moves down a row
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: names(t)[:1] == ["charlie"])
        assert names(t) == ["charlie", "alpha", "bravo"]
        assert t.selected_key == bravo
        assert t.cursor_row == 2
        assert cell(app, "lambda", "charlie", "error_rate").split()[-1] == "90.0%"


async def test_the_seeded_express_machine_is_on_the_step_functions_panel_without_an_error(endpoint):
    clock = ManualClock(datetime.now(timezone.utc))
    app = start_app(endpoint, clock)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: cell(app, "stepfunctions", "order-events", "started") not in (None, "…"))
        assert cell(app, "stepfunctions", "order-events", "type") == "EXPRESS"
        assert cell(app, "stepfunctions", "order-events", "last") == "n/a (EXPRESS)"
        assert cell(app, "stepfunctions", "order-processing", "failed") not in ("n/a", "…")
        snapshot = app.store.latest("stepfunctions")
        assert snapshot.error is None and snapshot.complete
        assert "payment-reconciliation" in names(table(app, "stepfunctions"))


async def test_step_functions_metrics_on_screen_are_exactly_what_aws_holds(fresh_account, monkeypatch):
    """Datapoints the test wrote (an EXPRESS machine) and executions it ran (a STANDARD one),
    read back to the figure on the panel."""
    import json
    import time

    fresh_account.use(monkeypatch)
    sfn, cloudwatch = fresh_account.client("stepfunctions"), fresh_account.client("cloudwatch")
    role = f"arn:aws:iam::{fresh_account.id}:role/sfn"
    definition = json.dumps({"StartAt": "Route", "States": {
        "Route": {"Type": "Choice", "Choices": [{"Variable": "$.fail", "BooleanEquals": True, "Next": "Reject"}],
                  "Default": "Done"},
        "Done": {"Type": "Succeed"}, "Reject": {"Type": "Fail", "Error": "Rejected"}}})
    express = sfn.create_state_machine(name="order-events", definition=definition, roleArn=role,
                                       type="EXPRESS")["stateMachineArn"]
    standard = sfn.create_state_machine(name="orders", definition=definition, roleArn=role)["stateMachineArn"]
    now = datetime.now(timezone.utc).replace(second=30, microsecond=0)
    dims = [{"Name": "StateMachineArn", "Value": express}]
    cloudwatch.put_metric_data(Namespace="AWS/States", MetricData=[
        {"MetricName": metric, "Dimensions": dims, "Timestamp": now - timedelta(minutes=minutes), **value}
        for metric, minutes, value in (
            ("ExecutionsStarted", 3, {"Values": [1, 0], "Counts": [1200, 1200]}),
            ("ExecutionsFailed", 3, {"Value": 31}),
            ("ExecutionsTimedOut", 40, {"Value": 4}),
            ("ExecutionThrottled", 10, {"Value": 2}),
            ("ExecutionTime", 3, {"Values": [150, 250], "Unit": "Milliseconds"}),
            ("ExecutionsFailed", 75, {"Value": 500}),  # more than an hour ago: not shown
        )
    ])
    for i, fail in enumerate((False, False, True)):
        sfn.start_execution(stateMachineArn=standard, name=f"run-{i}", input=json.dumps({"fail": fail}))
    ended = {"Id": "e", "MetricStat": {"Metric": {"Namespace": "AWS/States", "MetricName": "ExecutionsFailed",
             "Dimensions": [{"Name": "StateMachineArn", "Value": standard}]}, "Period": 3600, "Stat": "SampleCount"}}
    for _ in range(150):  # the executions' metrics arrive when they end
        result = cloudwatch.get_metric_data(MetricDataQueries=[ended], StartTime=now - timedelta(hours=1),
                                            EndTime=now + timedelta(hours=1))["MetricDataResults"][0]
        if sum(result["Values"]) == 3:
            break
        time.sleep(0.2)

    clock = ManualClock(now)
    app = start_app(fresh_account.endpoint, clock)
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_until(pilot, lambda: cell(app, "stepfunctions", "orders", "failed") not in (None, "…"))
        columns = ("type", "started", "failed_1h", "timed_out", "throttled", "time", "last", "running", "failed")

        def figures(machine: str, names=columns) -> list[str]:
            """The cells' figures, without the metric cells' sparklines ("▁▁▁▁█ 1,200")."""
            return [(cell(app, "stepfunctions", machine, c) or "").split(" ")[-1] if c in columns[1:6]
                    else cell(app, "stepfunctions", machine, c) for c in names]

        assert figures("order-events") == ["EXPRESS", "1,200", "31", "4", "2", "200ms", "n/a (EXPRESS)", "n/a", "n/a"]
        assert figures("orders", columns[:5]) == ["STANDARD", "3", "1", "0", "0"]
        assert cell(app, "stepfunctions", "orders", "failed") == "1/3"
        assert cell(app, "stepfunctions", "orders", "last").split()[0] in {"SUCCEEDED", "FAILED"}
        assert names(table(app, "stepfunctions")) == ["order-events", "orders"]  # 35 failures in the hour first
        assert app.store.latest("stepfunctions").error is None


async def test_at_launch_the_cursor_is_on_the_top_row_of_the_sort_and_enter_opens_it(fresh_account, monkeypatch):
    """The demo estate with its canary failing: process-payment sorts first once its figures
    arrive, and the rows arrive by name first. At 80x24 the cursor is on row 1 (the failing
    function, in view), not on the alphabetically first one, and `enter` opens it; a row
    chosen with `j` keeps the cursor through re-sorts."""
    from console.demo import control
    from console.demo.estate import CANARY_FUNCTION, CANARY_VERSION
    from console.demo.seed import seed_estate
    from screens.lambda_.function_detail import FunctionDetailScreen

    fresh_account.use(monkeypatch)
    seed_estate(fresh_account.endpoint, "small", fresh_account.id)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    control.fail_function(fresh_account.endpoint, CANARY_FUNCTION, CANARY_VERSION, account=fresh_account.id)
    try:
        control.lambda_traffic(fresh_account.endpoint, CANARY_FUNCTION, now - timedelta(minutes=1), 100,
                               account=fresh_account.id)
    finally:
        control.clear_failures(fresh_account.endpoint)
    clock = ManualClock(now)
    app = start_app(fresh_account.endpoint, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: row_named(app, "lambda", CANARY_FUNCTION))
        t = table(app, "lambda")
        await wait_until(pilot, lambda: all(cell(app, "lambda", n, "error_rate") != "…" for n in names(t)),
                         clock=clock)
        assert names(t)[0] != sorted(names(t))[0]  # the sort is not by name: the test means something
        assert names(t)[0] == CANARY_FUNCTION
        assert t.selected_key == t.visible_keys[0] and t.scroll_y == 0
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, FunctionDetailScreen))
        assert app.screen.function.name == CANARY_FUNCTION
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))

        await pilot.press("j")
        chosen = t.selected_key
        assert chosen == t.visible_keys[1]
        top = t.visible_keys[0]
        # the failing function's figures become unknown (an outage): it leaves row 1, the chosen row moves up
        t.update_items([replace(row, function=replace(row.function, metrics=None)) if row.key == top else row
                        for row in t.items], clock.now())
        await pilot.pause()
        assert t.visible_keys[0] != top and t.visible_keys.index(chosen) == 0
        assert t.selected_key == chosen
