"""What the "events" source publishes and what it computes again, tick by tick, against the
embedded AWS in an account of the test's own (issue 8's bench: the panel's first row came
last of all panels, and the source cost 3.1 s of CPU a refresh of 507 rules)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timezone

from console.aws.clients import ClientPool
from console.aws.context import AwsContext
from console.clock import ManualClock
from console.services.events import fires
from console.services.events.metrics import METRICS_EVERY
from console.services.events.sources import RulesSource
from console.target import Target
from tests.clock import time_flies


def context(account, clock: ManualClock, published: list[tuple[int, bool]]) -> AwsContext:
    """A context in `account` that records each early publish: (how many rules, whole)."""
    return AwsContext(ClientPool(clock), Target(None, "us-east-1", account.endpoint, account.id),
                      partial=lambda items, whole: published.append((len(items), whole)))


async def test_the_first_page_of_rules_is_published_before_the_rest_are_listed(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    events = fresh_account.client("events")
    for i in range(130):  # two pages of ListRules (100 a page)
        events.put_rule(Name=f"rule-{i:03d}", EventPattern='{"source": ["shop"]}')
    published: list[tuple[int, bool]] = []
    clock = ManualClock(datetime.now(timezone.utc))
    ctx = context(fresh_account, clock, published)
    try:
        async with time_flies(clock):  # 130 ListTargetsByRule: past the quota's burst
            rules = await RulesSource()(ctx)
    finally:
        await ctx.pool.close()
    assert len(rules) == 130
    assert published[:2] == [(100, False), (130, False)]  # the first page, then every rule


async def test_a_rules_fires_are_judged_again_only_when_its_figures_are_read_again(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    events = fresh_account.client("events")
    for name, expression in (("nightly", "cron(0 3 * * ? *)"), ("often", "rate(5 minutes)"),
                             ("daily", "rate(1 day)")):
        events.put_rule(Name=name, ScheduleExpression=expression)
    events.put_rule(Name="on-order", EventPattern='{"source": ["shop"]}')
    judged: list[str] = []
    judge = fires.judge
    monkeypatch.setattr(fires, "judge", lambda rule, *args, **kw: judged.append(rule.name) or judge(rule, *args, **kw))
    clock = ManualClock(datetime.now(timezone.utc))  # three ticks' calls fit the quota's burst
    ctx = context(fresh_account, clock, [])
    source = RulesSource()
    try:
        first = await source(ctx)
        assert sorted(judged) == ["daily", "nightly", "often"]  # the enabled schedules
        judged.clear()
        await clock.advance(METRICS_EVERY / 2)
        second = await source(ctx)
        assert judged == []  # same figures, same verdicts (a rate() costs up to 288 phases)
        assert [r.fired for r in second] == [r.fired for r in first]
        await clock.advance(METRICS_EVERY)
        await source(ctx)
        assert sorted(judged) == ["daily", "nightly", "often"]  # figures read again
    finally:
        await ctx.pool.close()


async def test_after_a_read_of_every_rule_the_next_target_reads_come_spread_over_the_period(fresh_account,
                                                                                           monkeypatch):
    """A tenth of the events quota is 300 calls a minute: 507 rules whose targets were all
    read at once must not all be read again in the same minute five minutes later."""
    from console.demo import control
    from console.services.events.sources import TARGETS_EVERY

    fresh_account.use(monkeypatch)
    events = fresh_account.client("events")
    for i in range(40):
        events.put_rule(Name=f"rule-{i:03d}", EventPattern='{"source": ["shop"]}')
    clock = ManualClock(datetime.now(timezone.utc))
    ctx = context(fresh_account, clock, [])
    source = RulesSource()

    def target_reads() -> int:
        return control.count_of(control.request_counts(fresh_account.endpoint), "events", "ListTargetsByRule",
                                fresh_account.id)

    try:
        async with time_flies(clock):
            await source(ctx)  # every rule's targets, at once
            per_minute = []
            for _ in range(int(TARGETS_EVERY // 60) * 2):
                before = target_reads()
                await clock.advance(60)
                await source(ctx)
                per_minute.append(target_reads() - before)
    finally:
        await ctx.pool.close()
    assert sum(per_minute[:5]) == 40  # every rule read again within the period, once
    assert max(per_minute) <= 40 // 2, per_minute  # not all in one minute
    assert sum(per_minute) == 80  # and again in the next period


async def test_rules_off_screen_have_their_targets_read_only_once_every_panels_screen_is(
        fresh_account, monkeypatch):
    """The bench's first load: 507 ListTargetsByRule, nearly all for rules off screen, were
    half of every request made before the dashboard was complete. The screen's rules are
    read at once; the others wait until every source has read its part of the screen."""
    fresh_account.use(monkeypatch)
    events = fresh_account.client("events")
    for i in range(12):
        events.put_rule(Name=f"rule-{i:02d}", EventPattern='{"source": ["shop"]}')
    clock = ManualClock(datetime.now(timezone.utc))  # 12 calls fit the quota's burst
    published: list[tuple[int, bool]] = []
    complete, marked = asyncio.Event(), []
    on_screen: set[str] = set()
    ctx = replace(context(fresh_account, clock, published), visible=lambda source: frozenset(on_screen),
                  screen_read_hook=lambda: marked.append(True), screen_complete=complete.wait)

    def read_targets() -> int:
        return ctx.pool.stats.by_operation[("eventbridge", "ListTargetsByRule")]

    source = RulesSource()
    try:
        listed = {rule.name: rule.key for rule in await RulesSource()(replace(ctx, screen_complete=None))}
        before = read_targets()
        on_screen.update(listed[f"rule-{i:02d}"] for i in (3, 7))
        tick = asyncio.ensure_future(source(ctx))
        for _ in range(200):
            await asyncio.sleep(0.01)
            if marked:
                break
        await asyncio.sleep(0.2)  # time for any read that would not wait
        assert read_targets() - before == 2 and not tick.done()
        assert published[-1] == (12, True)  # the screen's rules, published at once
        complete.set()
        rules = await asyncio.wait_for(tick, 30)
    finally:
        await ctx.pool.close()
    assert read_targets() - before == 12 and all(rule.targets_known for rule in rules)
