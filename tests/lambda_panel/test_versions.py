"""Per-version figures of a weighted alias, on the embedded AWS: traffic written through the
alias by the simulator's traffic writer (control.lambda_traffic, the dimension sets Lambda
publishes), read back by the panel from {FunctionName, Resource, ExecutedVersion}."""

from __future__ import annotations

import io
import zipfile

from console.app import OpsdeckApp
from console.aws.clients import ClientPool
from console.clock import ManualClock
from console.demo import control
from console.services.lambda_.metrics import version_dimensions
from console.target import Target
from tests.integration.test_sources import make_function
from tests.lambda_panel.conftest import ago, now_at_half_minute
from tests.lambda_panel.test_panel_app import lambda_table
from tests.pilot import wait_until


def _zip(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", text)
    return buffer.getvalue()


def canary(account, name: str) -> None:
    """`name` with versions 1 and 2, alias live on 1 with 10% on 2; traffic two minutes
    ago: 100 requests, then 100 with version 2 failing, then 10 with both failing."""
    make_function(account, name)
    lam = account.client("lambda")
    lam.publish_version(FunctionName=name)
    lam.update_function_code(FunctionName=name, ZipFile=_zip("def handler(e, c): return 2"))
    lam.publish_version(FunctionName=name)
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1",
                     RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}})
    when = ago(now_at_half_minute(), 2)
    try:
        control.lambda_traffic(account.endpoint, name, when, 100, account=account.id)
        control.fail_function(account.endpoint, name, "2", account=account.id)
        control.lambda_traffic(account.endpoint, name, when, 100, account=account.id)
        control.fail_function(account.endpoint, name, "1", account=account.id)
        control.lambda_traffic(account.endpoint, name, when, 10, account=account.id)
    finally:
        control.clear_failures(account.endpoint)


def routing(app, name: str):
    table = lambda_table(app)
    for key in table.visible_keys:
        if table.name_of(table._items[key]) == name:
            return table.get_cell(key, "routing")
    return None


async def test_a_weighted_alias_shows_each_versions_error_rate_the_worse_new_one_marked(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    canary(fresh_account, "pay")
    make_function(fresh_account, "plain")
    fresh_account.client("lambda").publish_version(FunctionName="plain")
    fresh_account.client("lambda").create_alias(FunctionName="plain", Name="live", FunctionVersion="1")
    # what AWS holds, read with boto3: version 1 9 of 189 (4.8%), version 2 11 of 21 (52%)
    cw = fresh_account.client("cloudwatch")
    now = now_at_half_minute()

    def own(version: str, metric: str) -> float:
        dims = [{"Name": n, "Value": v} for n, v in version_dimensions("pay", "live", version)]
        points = cw.get_metric_statistics(Namespace="AWS/Lambda", MetricName=metric, Dimensions=dims,
                                          StartTime=ago(now, 15), EndTime=now, Period=900,
                                          Statistics=["Sum"])["Datapoints"]
        return sum(p["Sum"] for p in points)

    assert [own(v, m) for v in ("1", "2") for m in ("Invocations", "Errors")] == [189, 9, 21, 11]

    clock = ManualClock(now)
    app = OpsdeckApp(Target(None, "us-east-1", fresh_account.endpoint, demo=True), ClientPool(clock), clock)
    async with app.run_test(size=(200, 50)) as pilot:
        cell = await wait_until(pilot, lambda: hasattr(app.screen, "panel") and (c := routing(app, "pay"))
                                and "·" in c.plain and c, clock=clock, step=0.5)
        assert cell.plain == "live→1 (90%) 4.8% · 2 (10%) 52%"
        worse = [span for span in cell.spans if "underline" in str(span.style)]
        assert [cell.plain[s.start:s.end] for s in worse] == ["2 (10%) 52%"]
        error = app.theme_variables["error"]
        assert any(error in str(span.style) for span in cell.spans)  # the cell in the error tone
        assert str(routing(app, "plain").plain) == "live→1"  # no weights: no extra queries, no figures


async def test_version_queries_ride_in_the_same_call_only_for_weighted_aliases(fresh_account, monkeypatch):
    """The alias sweep's aliases (what the engine hands the source as peer items) name the
    weighted ones: 7 queries per function plus 2 per routed version, one GetMetricData call."""
    from dataclasses import replace

    from console.services.lambda_.sources import AliasSweep, FunctionsSource
    from console.services.lambda_.metrics import MetricWindow
    from tests.lambda_panel.conftest import context_for

    fresh_account.use(monkeypatch)
    canary(fresh_account, "pay")
    make_function(fresh_account, "plain")
    clock = ManualClock(now_at_half_minute())
    ctx = context_for(fresh_account.endpoint, clock)
    try:
        aliases = await AliasSweep()(ctx)
        ctx = replace(ctx, peer_items=lambda source: aliases if source == FunctionsSource.ALIASES else None)
        before = control.count_of(control.request_counts(fresh_account.endpoint), "cloudwatch", "GetMetricData",
                                  fresh_account.id)
        functions = {f.name: f for f in await FunctionsSource(MetricWindow(15))(ctx)}
        after = control.count_of(control.request_counts(fresh_account.endpoint), "cloudwatch", "GetMetricData",
                                 fresh_account.id)
    finally:
        await ctx.pool.close()
    assert after - before == 1
    pay = functions["pay"].metrics.versions
    assert [(v.version, v.weight, v.invocations, v.errors, v.new) for v in pay] == [
        ("1", 0.9, 189, 9, False), ("2", 0.1, 21, 11, True)]
    assert functions["plain"].metrics.versions == ()
