"""health() in words and the jump rule, on per-minute figures built here and on
figures fetched from datapoints the test wrote."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from console.services.lambda_ import metrics as lambda_metrics
from console.services.lambda_.health import health, health_of, jump_of
from console.services.lambda_.metrics import summarize
from console.services.lambda_.models import LambdaMinutes
from console.services import dashboard_sources
from tests.integration.test_sources import make_function
from tests.lambda_panel.conftest import ago, context_for, now_at_half_minute, put_minute
from console.clock import ManualClock
from widgets import cells

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


def minutes(invocations, errors=None, throttles=None, dmax=None, span=15) -> LambdaMinutes:
    """15 minutes of figures; lists shorter than the span are the newest minutes."""
    def pad(values, fill):
        values = list(values or [])
        return tuple([fill] * (span - len(values)) + values)

    inv = pad(invocations, 0.0)
    return LambdaMinutes(T0, inv, pad(errors, 0.0), pad(throttles, 0.0), pad(None, None), pad(dmax, None),
                         pad(None, None))


def metrics(m: LambdaMinutes, window: int = 15):
    return summarize(m, window)


def test_an_error_rate_jump_is_said_with_what_it_was():
    # 10 minutes at 100 invocations with 1 error in all (0.1%), then 5 minutes with 12% errors
    m = minutes([100] * 15, errors=[1] + [0] * 9 + [12] * 5)
    result = health_of(metrics(m), timeout_s=30)
    assert jump_of(metrics(m)).errors
    assert result.words == "12% errors, was 0.1%"
    assert not result.healthy


def test_throttles_in_the_last_five_minutes_and_a_duration_near_the_timeout():
    m = minutes([10] * 15, throttles=[0] * 10 + [2, 3, 4, 5, 0], dmax=[100] * 14 + [2900])
    result = health_of(metrics(m), timeout_s=3)
    assert result.problems == ("throttled 14 times in 5 min", "max duration 2.9 s of 3 s timeout")
    assert jump_of(metrics(m)).throttles  # none before, some now


def test_steady_small_errors_are_healthy_and_steady_large_ones_are_said_without_a_jump():
    steady_small = minutes([1000] * 15, errors=[1] * 15)  # 0.1% throughout
    assert health_of(metrics(steady_small), 30).words == "healthy"
    assert not jump_of(metrics(steady_small))
    steady_large = minutes([100] * 15, errors=[10] * 15)  # 10% throughout: bad, but no jump
    assert not jump_of(metrics(steady_large))
    assert health_of(metrics(steady_large), 30).words == "10% errors (150 of 1,500) in 15 min"


def test_the_jump_thresholds():
    """At least 3 errors, 5 points and twice the earlier rate (100 invocations a minute)."""
    def rate_jump(before_errors, recent_errors, invocations=100):
        m = minutes([invocations] * 15, errors=[before_errors] * 10 + [recent_errors] * 5)
        return jump_of(metrics(m)).errors

    assert not rate_jump(0, 0)
    assert not rate_jump(0, 4)  # 4%: under 5 points
    assert rate_jump(0, 5)  # 5%, from 0%
    assert rate_jump(10, 20)  # 20% from 10%: +10 points and twice
    assert not rate_jump(10, 19)  # +9 points but not twice
    few = minutes([1] * 15, errors=[0] * 13 + [1, 1])  # 2 of 5 failed: 40%, but only 2 errors
    assert not jump_of(metrics(few)).errors

    def throttle_jump(before, recent):
        m = minutes([100] * 15, throttles=[before] * 10 + [recent] * 5)
        return jump_of(metrics(m)).throttles

    assert throttle_jump(0, 1)  # throttles where there were none
    assert not throttle_jump(1, 1)  # same pace
    assert throttle_jump(1, 2)  # 10 in 5 min, twice the pace of before
    assert not throttle_jump(0, 0)


def test_no_metrics_yet_is_not_healthy():
    assert health_of(None, 3).words == "no metrics yet"
    assert not health_of(None, 3).healthy


def test_sparkline_scaling():
    assert cells.spark([0, 50, 0, 0, 100]) == "▁▅▁▁█"
    assert cells.spark([None, 0.1, None]) == "·█·"  # relative: a lone 0.1 is the top
    assert cells.spark([None, 0.1, None], floor=10) == "·▂·"  # error rates: scaled to at least 10%
    assert cells.spark([0, 0]) == "▁▁"
    assert cells.spark([1, 1000]) == "▂█"  # anything above zero shows


def test_bars_fold_minutes_into_five_runs_per_window():
    m = minutes(list(range(1, 61)), span=60)
    assert lambda_metrics.bars(summarize(m, 60), lambda_metrics.invocations_in) == (
        sum(range(1, 13)), sum(range(13, 25)), sum(range(25, 37)), sum(range(37, 49)), sum(range(49, 61)))
    assert lambda_metrics.bars(summarize(m, 15), lambda_metrics.invocations_in) == (
        sum(range(46, 49)), sum(range(49, 52)), sum(range(52, 55)), sum(range(55, 58)), sum(range(58, 61)))
    assert lambda_metrics.bars(summarize(m, 5), lambda_metrics.invocations_in) == (56, 57, 58, 59, 60)


async def test_health_of_a_fetched_function(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    make_function(fresh_account, "checkout")  # moto's default timeout: 3 s
    now = now_at_half_minute()
    cw = fresh_account.client("cloudwatch")
    put_minute(cw, "checkout", ago(now, 12), invocations=1000, errors=1, duration_avg=100, duration_max=300)
    put_minute(cw, "checkout", ago(now, 1), invocations=100, errors=12, throttles=14, duration_avg=500,
               duration_max=2900)
    ctx = context_for(fresh_account.endpoint, ManualClock(now))
    try:
        (function,) = await dashboard_sources()["lambda"].fetch(ctx)
    finally:
        await ctx.pool.close()
    assert function.timeout_s == 3
    assert health(function).words == (
        "12% errors, was 0.1%; throttled 14 times in 5 min; max duration 2.9 s of 3 s timeout")
    # the same minutes seen over the last 5 minutes only: still a jump (the span is 15)
    five = replace(function, metrics=summarize(function.metrics.minutes, 5))
    assert health(five).words == health(function).words


def test_a_jump_says_when_it_began():
    """The first minute of the run of minutes that jumped; empty minutes neither break nor
    start it; a run reaching the oldest minute fetched may have begun before it."""
    from console.services.lambda_.health import jump_start

    # quiet until 12:11 (the 12th minute), errors from 12:11 on, one empty minute at 12:13
    m = minutes([100] * 11 + [100, 100, 0, 100], errors=[0] * 11 + [20, 30, 0, 25])
    since = jump_start(metrics(m))
    assert (since.what, since.at, since.words) == ("errors", T0.replace(minute=11), "errors up since 12:11")
    assert jump_start(metrics(minutes([100] * 15, errors=[1] * 15))) is None  # no jump
    throttled = minutes([10] * 15, throttles=[0] * 12 + [4, 5, 6])
    assert jump_start(metrics(throttled)).words == "throttles up since 12:12"
    # unknown minutes (a failed read) give no jump at all, never one from zeros
    unknown = replace(m, errors=m.errors[:-1] + (None,))
    assert jump_of(metrics(unknown)) is None and jump_start(metrics(unknown)) is None


def test_worse_compares_the_new_version_with_the_others_of_its_alias():
    from console.services.lambda_.models import VersionFigures, worse

    old = VersionFigures("live", "1", 0.9, 1000, 2)
    failing = VersionFigures("live", "2", 0.1, 100, 8, new=True)
    fine = VersionFigures("live", "2", 0.1, 100, 0, new=True)
    quiet = VersionFigures("live", "2", 0.1, 0, 0, new=True)
    unknown = VersionFigures("live", "2", 0.1, None, None, new=True)
    assert worse(failing, [old, failing]) and not worse(fine, [old, fine])
    assert not worse(quiet, [old, quiet]) and not worse(unknown, [old, unknown])
    assert (failing.error_rate, unknown.error_rate, quiet.error_rate) == (8.0, None, None)
