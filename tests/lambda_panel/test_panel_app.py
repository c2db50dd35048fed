"""The real app on datapoints the test wrote: exact figures, sparklines and highlight for
each window, and the `w` key that switches it."""

from __future__ import annotations

from console.app import OpsdeckApp
from console.aws.clients import ClientPool
from console.clock import ManualClock
from console.demo import control
from console.target import Target
from tests.integration.test_sources import make_function
from tests.lambda_panel.conftest import ago, now_at_half_minute, put_minute
from tests.pilot import wait_until

COLUMNS = ("name", "error_rate", "errors", "invocations", "throttles", "duration_avg", "duration_max",
           "concurrency")

# what the `pay` row shows in each window (see write_estate for the datapoints)
EXPECTED = {
    15: ("▲ pay", "·▁··█ 8.0%", "12", "▁▅▁▁█ 150", "▁▁▁▁█ 3", "167ms", "·▂··█ 2900ms", "7"),
    60: ("pay", "·█··▂ 88.0%", "1,012", "▁█▁▁▂ 1,150", "▁█▁▁▃ 13", "891ms", "·█··▃ 9000ms", "50"),
    # the last two minutes are still inside CloudWatch's delay with nothing delivered: dots, not zeros
    5: ("▲ pay", "··█·· 12.0%", "12", "▁▁█·· 100", "▁▁█·· 3", "200ms", "··█·· 2900ms", "7"),
    # 36-minute bars; the last 5 minutes against the 175 before them: no jump
    180: ("pay", "··██▂ 98.5%", "8,789", "▁▁█▂▂ 8,927", "▁▁▁█▃ 13", "891ms", "···█▃ 9000ms", "50"),
    # 10-minute periods, 29 to a bar; the last 5 minutes against the 10 before them: a jump
    1440: ("▲ pay", "····█ 98.5%", "8,789", "▁▁▁▁█ 8,927", "▁▁▁▁█ 13", "891ms", "····█ 9000ms", "50"),
}


def write_estate(account, now) -> None:
    """`pay`: a burst of errors and throttles 2 minutes ago after a clean minute 10 minutes
    ago, a bad minute 40 minutes ago, and a minute 90 minutes ago outside every window.
    `steady`: the same 10% errors 2 and 10 minutes ago (no jump)."""
    make_function(account, "pay")
    make_function(account, "steady")
    cw = account.client("cloudwatch")
    put_minute(cw, "pay", ago(now, 2), invocations=100, errors=12, throttles=3, duration_avg=200,
               duration_max=2900, concurrency=7)
    put_minute(cw, "pay", ago(now, 10), invocations=50, duration_avg=100, duration_max=400, concurrency=2)
    put_minute(cw, "pay", ago(now, 40), invocations=1000, errors=1000, throttles=10, duration_avg=1000,
               duration_max=9000, concurrency=50)
    put_minute(cw, "pay", ago(now, 90), invocations=7777, errors=7777)
    put_minute(cw, "steady", ago(now, 2), invocations=100, errors=10, duration_avg=50)
    put_minute(cw, "steady", ago(now, 10), invocations=100, errors=10, duration_avg=50)


def lambda_table(app):
    return app.screen.panel("lambda").table


def row(app, name: str) -> tuple[str, ...] | None:
    table = lambda_table(app)
    for key in table.visible_keys:
        if table.name_of(table._items[key]) == name:
            return tuple(table.get_cell(key, column).plain for column in COLUMNS)
    return None


def names(app) -> list[str]:
    table = lambda_table(app)
    return [table.name_of(table._items[key]) for key in table.visible_keys]


def title(app) -> str:
    return app.screen.panel("lambda")._border_title.plain


def list_calls(account) -> int:
    return control.count_of(control.request_counts(account.endpoint), "lambda", "ListFunctions", account.id)


async def test_each_window_shows_exact_figures_and_w_switches_it(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    now = now_at_half_minute()
    write_estate(fresh_account, now)
    # a jumping row says since when: the errors began 2 minutes ago (10 minutes ago was clean)
    expected = {window: (figures[0].replace("▲ pay", f"▲ pay · since {ago(now, 2):%H:%M}"),) + figures[1:]
                for window, figures in EXPECTED.items()}
    clock = ManualClock(now)
    app = OpsdeckApp(Target(None, "us-east-1", fresh_account.endpoint, demo=True), ClientPool(clock), clock)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: hasattr(app.screen, "panel") and row(app, "pay") == expected[15])
        assert title(app) == "Lambda · 15m · 2"
        # sorted by error rate: steady's 10% above pay's 8%; steady is not highlighted
        assert names(app) == ["steady", "pay"]
        assert row(app, "steady")[:2] == ("steady", "·█··█ 10.0%")  # 10% in both bars: no marker
        table = lambda_table(app)
        table.select_key(table.visible_keys[1])  # the cursor on pay
        pay = table.selected_key

        await pilot.press("w")
        assert title(app) == "Lambda · 60m · 2"  # said at once, before the data arrives
        await wait_until(pilot, lambda: row(app, "pay") == expected[60])
        assert table.selected_key == pay  # pay (88%) now sorts first: the cursor followed it
        assert table.visible_keys[0] == pay

        # an ordinary tick later the window is still 60 minutes (the metrics of this minute
        # are kept: tests/lambda_panel/test_batching.py shows when they are asked for again)
        calls = list_calls(fresh_account)
        await clock.advance(5)
        await wait_until(pilot, lambda: list_calls(fresh_account) > calls)
        await pilot.pause(0.2)
        assert row(app, "pay") == expected[60] and title(app) == "Lambda · 60m · 2"

        await pilot.press("w")
        await wait_until(pilot, lambda: title(app) == "Lambda · 3h · 2" and row(app, "pay") == expected[180])
        await pilot.press("w")
        await wait_until(pilot, lambda: title(app) == "Lambda · 24h · 2" and row(app, "pay") == expected[1440])
        await pilot.press("w")
        await wait_until(pilot, lambda: row(app, "pay") == expected[5])
        assert title(app) == "Lambda · 5m · 2"
        await pilot.press("w")
        await wait_until(pilot, lambda: row(app, "pay") == expected[15])
        assert title(app) == "Lambda · 15m · 2"


async def test_w_is_offered_only_on_the_lambda_panel(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    make_function(fresh_account, "solo")
    # a rule, so the EventBridge panel has a row to focus (an empty panel hides its table)
    fresh_account.client("events").put_rule(Name="tick", ScheduleExpression="rate(5 minutes)")
    clock = ManualClock(now_at_half_minute())
    app = OpsdeckApp(Target(None, "us-east-1", fresh_account.endpoint, demo=True), ClientPool(clock), clock)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: hasattr(app.screen, "panel") and row(app, "solo")
                         and app.screen.panel("events").table.row_count)
        assert "lambda.window" in {b.binding.id for b in app.screen.active_bindings.values() if b.enabled}
        app.screen.panel("events").table.focus()
        await pilot.pause()
        assert app.focused is app.screen.panel("events").table
        assert "lambda.window" not in {b.binding.id for b in app.screen.active_bindings.values() if b.enabled}
        await pilot.press("w")  # ignored off the Lambda panel
        assert title(app).startswith("Lambda · 15m")


def p99_cell(app, name: str) -> str | None:
    table = lambda_table(app)
    for key in table.visible_keys:
        if table.name_of(table._items[key]) == name:
            return table.get_cell(key, "duration_p99").plain
    return None


async def test_p99_duration_is_the_windows_own_percentile_of_raw_durations(fresh_account, monkeypatch):
    """Durations published as raw values (one per invocation, as Lambda does): the p99 cell
    is CloudWatch's p99 over the whole window (nearest rank, tests/contract/test_cloudwatch.py),
    not a figure derived from minutes. 5m: 98 values 10..980 -> the 98th; 15m: also 2500
    and 3000 ten minutes ago -> the 99th of 100; 60m: also 100 x 7000 forty minutes ago."""
    fresh_account.use(monkeypatch)
    now = now_at_half_minute()
    make_function(fresh_account, "tail")
    cw = fresh_account.client("cloudwatch")
    dims = [{"Name": "FunctionName", "Value": "tail"}]
    for minutes, values, counts in ((2, [float(v) for v in range(10, 990, 10)], None),
                                    (10, [2500.0, 3000.0], None), (40, [7000.0], [100.0])):
        datum = {"MetricName": "Duration", "Dimensions": dims, "Timestamp": ago(now, minutes), "Values": values,
                 "Unit": "Milliseconds"}
        cw.put_metric_data(Namespace="AWS/Lambda", MetricData=[datum | ({"Counts": counts} if counts else {})])
    clock = ManualClock(now)
    app = OpsdeckApp(Target(None, "us-east-1", fresh_account.endpoint, demo=True), ClientPool(clock), clock)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: hasattr(app.screen, "panel") and p99_cell(app, "tail") == "2500ms")
        await pilot.press("w")
        await wait_until(pilot, lambda: p99_cell(app, "tail") == "7000ms")
        for longer in ("3h", "24h"):  # one window-long datapoint each: the same values
            await pilot.press("w")
            await wait_until(pilot, lambda: title(app).startswith(f"Lambda · {longer}")
                             and p99_cell(app, "tail") == "7000ms")
        await pilot.press("w")
        await wait_until(pilot, lambda: p99_cell(app, "tail") == "980ms")
