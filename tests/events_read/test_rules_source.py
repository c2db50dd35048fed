"""What the "events" source publishes and what it computes again, tick by tick, against the
embedded AWS in an account of the test's own (issue 8's bench: the panel's first row came
last of all panels, and the source cost 3.1 s of CPU a refresh of 507 rules)."""

from __future__ import annotations

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
