"""Unknown is "–", never 0: metrics whose read failed (AccessDenied from the embedded AWS,
then recovery), or that CloudWatch answered in part; and the status bar's errors are the
last 5 minutes' (on the app's clock), so they return to 0 after an outage."""

from __future__ import annotations

from datetime import timedelta

from console.app import OpsdeckApp
from console.aws.clients import ClientPool
from console.clock import ManualClock
from console.cloudwatch.metrics import MetricResults
from console.demo import control
from console.services.lambda_ import metrics as lambda_metrics
from console.target import Target
from tests.integration.test_sources import make_function
from tests.lambda_panel.conftest import ago, now_at_half_minute, put_minute
from tests.lambda_panel.test_panel_app import COLUMNS, row
from tests.pilot import wait_until
from widgets.status_bar import StatusBar


def status(app) -> str:
    app.refresh_status()
    return app.screen.query_one(StatusBar).text()


async def test_metrics_of_a_failed_read_are_unknown_then_known_and_the_errors_age_out(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    now = now_at_half_minute()
    make_function(fresh_account, "pay")
    put_minute(fresh_account.client("cloudwatch"), "pay", ago(now, 2), invocations=40, errors=2)
    control.deny(fresh_account.endpoint, fresh_account.access_key, "cloudwatch", "GetMetricData")
    clock = ManualClock(now)
    app = OpsdeckApp(Target(None, "us-east-1", fresh_account.endpoint, demo=True), ClientPool(clock), clock)
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            panel = lambda: app.screen.panel("lambda")  # noqa: E731
            await wait_until(pilot, lambda: hasattr(app.screen, "panel") and panel().state.problem is not None
                             and row(app, "pay") is not None and row(app, "pay")[1] == "–", clock=clock, step=0.5)
            shown = row(app, "pay")
            assert shown[1:] == ("–",) * (len(COLUMNS) - 1)  # never 0, never "…" (nothing is coming)
            assert " 0 errors/5m" not in status(app) and "errors/5m" in status(app)

            control.clear_denials(fresh_account.endpoint)
            await wait_until(pilot, lambda: row(app, "pay")[2] == "2", clock=clock, step=0.5)
            assert row(app, "pay")[1].endswith("5.0%") and row(app, "pay")[3].endswith("40")
            assert "0 errors/5m" not in status(app)  # the outage is still recent
            await clock.jump(300)  # five minutes on, without polling through them
            await wait_until(pilot, lambda: status(app).endswith(" 0 throttled/5m 0 errors/5m"))
            assert row(app, "pay")[2] == "2"
    finally:
        control.clear_denials(fresh_account.endpoint)


def test_a_series_cloudwatch_answered_in_part_is_unknown_and_an_empty_one_is_zero():
    start = now_at_half_minute().replace(second=0)
    end = start + timedelta(minutes=15)
    results = MetricResults({"f0_inv": [(start, 5.0)], "f0_err": [], "f0_thr": []})
    results.unknown = frozenset({"f0_err"})  # InternalError / Forbidden / still PartialData
    minutes = lambda_metrics.minutes_from_results(0, results, start, end)
    assert minutes.invocations[:2] == (5.0, 0.0) and minutes.throttles == (0.0,) * 15  # empty: zero
    assert minutes.errors == (None,) * 15
    figures = lambda_metrics.summarize(minutes, 15)
    assert (figures.invocations, figures.errors, figures.error_rate, figures.throttles) == (5.0, None, None, 0.0)


def test_a_minute_still_inside_cloudwatchs_delay_is_not_shown_as_zero():
    """With `now` 30 s into a minute, that minute and the one before end inside the 60 s
    delay (assumed): empty, their bars are dots; a delivered datapoint there shows; an
    empty complete minute is zero. Totals are unchanged (nothing missing adds anything)."""
    now = now_at_half_minute()
    start, end = lambda_metrics.span_bounds(now, 5)
    minute = lambda i: start + timedelta(minutes=i)  # noqa: E731
    results = MetricResults({"f0_inv": [(minute(12), 4.0)], "f0_err": [], "f0_thr": []})
    minutes = lambda_metrics.minutes_from_results(0, results, start, end, now=now)
    assert minutes.arriving == 2
    figures = lambda_metrics.summarize(minutes, 5)
    assert lambda_metrics.bars(figures, lambda_metrics.invocations_in) == (0.0, 0.0, 4.0, None, None)
    assert figures.invocations == 4.0
    delivered = MetricResults({"f0_inv": [(minute(14), 3.0)], "f0_err": [], "f0_thr": []})
    early = lambda_metrics.summarize(lambda_metrics.minutes_from_results(0, delivered, start, end, now=now), 5)
    assert lambda_metrics.bars(early, lambda_metrics.invocations_in) == (0.0, 0.0, 0.0, None, 3.0)
