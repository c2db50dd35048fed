"""Polling within opsdeck's share of the API quotas (console.aws.budget), against the
embedded server: a regular source's interval stretches with its cost, and a sweep spends
only what is spare, what is on screen first. Request counts are read server-side."""

from __future__ import annotations

from dataclasses import replace

from datetime import datetime, timezone

import pytest

from console.aws.budget import ApiBudget, sweeping
from console.clock import ManualClock
from console.demo import control
from console.polling import PollingEngine, Store
from console.services import dashboard_sources
from console.services.lambda_.sources import AliasSweep
from tests.integration.test_sources import context_for, make_function


@pytest.fixture
def functions(fresh_account, monkeypatch):
    """Six functions with a `live` alias each, in an account of their own."""
    fresh_account.use(monkeypatch)
    lam = fresh_account.client("lambda")
    names = [f"fn-{i}" for i in range(6)]
    for name in names:
        make_function(fresh_account, name)
        lam.publish_version(FunctionName=name)
        lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    return names


def listed_aliases(counts, account) -> int:
    return control.count_of(counts, "lambda", "ListAliases", account.id)


async def test_a_sweep_reads_what_is_on_screen_first_and_everything_within_the_budget(fresh_account, functions):
    """Rows on screen come first, but not past opsdeck's share of the quota (a re-sort that
    brought unread rows into view every minute took Lambda's control plane to 105 calls a
    minute in make bench's soak, its tenth being 90); ctrl+r reads them regardless."""
    clock = ManualClock(datetime.now(timezone.utc))
    ctx = context_for(fresh_account.endpoint, clock)
    store = Store(clock)
    engine = PollingEngine(ctx.pool, store, ctx.target)
    for name in ("lambda", "lambda.aliases"):
        engine.register(name, *dashboard_sources()[name])
    try:
        await engine.tick("lambda", ctx, store.generation)
        listed = store.latest("lambda").items
        on_screen = {f.key for f in listed if f.name in ("fn-4", "fn-5")}
        engine.show_keys("lambda", frozenset(on_screen))
        # another sweep spends what is spare of Lambda's control plane this minute
        budget: ApiBudget = ctx.pool.budget
        with sweeping():
            while budget.spare(ctx.target, "lambda", "ListAliases"):
                await budget.acquire(ctx.target, "lambda", "GetAccountSettings")
                await clock.advance(0.1)  # within the documented 15 a second
        control.reset_request_counts(fresh_account.endpoint)
        first = (await engine.tick("lambda.aliases", ctx, store.generation)).items
        assert first == ()  # nothing spare: even the rows on screen wait
        assert listed_aliases(control.request_counts(fresh_account.endpoint), fresh_account) == 0
        asked = (await engine.tick("lambda.aliases", replace(ctx, fresh=True), store.generation)).items
        assert sorted({a.function_name for a in asked}) == ["fn-4", "fn-5"]  # ctrl+r: on screen, spare or not
        await clock.advance(60)  # that minute is over
        third = (await engine.tick("lambda.aliases", ctx, store.generation)).items
        assert sorted({a.function_name for a in third}) == functions
    finally:
        await ctx.pool.close()


async def test_aliases_mid_deploy_are_watched_before_the_rest(fresh_account, functions):
    lam = fresh_account.client("lambda")
    lam.publish_version(FunctionName="fn-3")
    clock = ManualClock(datetime.now(timezone.utc))
    ctx = context_for(fresh_account.endpoint, clock)
    sweep = AliasSweep(batch=2)
    try:
        for _ in range(3):  # read every function once: fn-0..fn-5, two a tick
            await sweep(ctx)
            await clock.advance(1)  # within Lambda's 15 requests a second
        lam.update_alias(FunctionName="fn-3", Name="live",
                         RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}})
        for _ in range(3):
            await sweep(ctx)
            await clock.advance(1)
        control.reset_request_counts(fresh_account.endpoint)
        aliases = await sweep(ctx)
        counts = control.request_counts(fresh_account.endpoint)
    finally:
        await ctx.pool.close()
    assert [a.weights for a in aliases if a.function_name == "fn-3"] == [(("2", 0.1),)]
    assert listed_aliases(counts, fresh_account) == 2  # fn-3 (moving) and the oldest other


async def test_a_regular_sources_interval_stretches_with_what_its_ticks_cost(fresh_account, functions):
    control.set_page_size(fresh_account.endpoint, 1)  # six ListFunctions pages a listing
    clock = ManualClock(datetime.now(timezone.utc))
    ctx = context_for(fresh_account.endpoint, clock)
    store = Store(clock)
    engine = PollingEngine(ctx.pool, store, ctx.target)
    source = dashboard_sources()["lambda"]
    engine.register("lambda", *source)
    try:
        await engine.tick("lambda", ctx, store.generation)
    finally:
        control.set_page_size(fresh_account.endpoint, None)
        await ctx.pool.close()
    # 6 pages + 1 GetMetricData: Lambda's 15/s, a tenth of it, 40% of that for a regular source
    assert engine.interval("lambda") == pytest.approx(max(source.interval, 6 / (15 * 0.1 * 0.4)))
