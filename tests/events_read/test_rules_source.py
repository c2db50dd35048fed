"""What the "events" source publishes and what it computes again, tick by tick, against the
embedded AWS in an account of the test's own (issue 8's bench: the panel's first row came
last of all panels, and the source cost 3.1 s of CPU a refresh of 507 rules)."""

from __future__ import annotations

from datetime import datetime, timezone

from console.aws.clients import ClientPool
from console.aws.context import AwsContext
from console.clock import ManualClock
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
        events.put_targets(Rule=name, Targets=[{"Id": "1", "Arn": f"arn:aws:sqs:us-east-1:{fresh_account.id}:q"}])
    events.put_rule(Name="on-order", EventPattern='{"source": ["shop"]}')
    clock = ManualClock(datetime.now(timezone.utc))  # three ticks' calls fit the quota's burst
    ctx = context(fresh_account, clock, [])
    source = RulesSource()
    try:
        first = await source(ctx)
        phases = source.judge.judged_phases
        assert phases == 1 + 5 + 288  # the enabled schedules, every phase of each rate()
        await clock.advance(METRICS_EVERY / 2)
        second = await source(ctx)
        assert source.judge.judged_phases == phases  # same figures, same verdicts
        assert [r.fired for r in second] == [r.fired for r in first]
        await clock.advance(METRICS_EVERY)
        await source(ctx)
        assert 0 < source.judge.judged_phases - phases < 20  # read again: only the phases whose fires moved
    finally:
        await ctx.pool.close()


async def test_after_a_read_of_every_rule_the_next_target_reads_come_spread_over_the_ticks(fresh_account,
                                                                                           monkeypatch):
    """A tenth of the events quota is 300 calls a minute: the large estate's 507 rules, all
    read at once on the first look, came due again in the same minute five minutes later
    (455 calls in it). After the first look they are a sweep: at most a tick's batch,
    longest unread first, each read again once a period."""
    from console.demo import control
    from console.services.events.sources import TARGETS_EVERY

    fresh_account.use(monkeypatch)
    events = fresh_account.client("events")
    for i in range(40):
        events.put_rule(Name=f"rule-{i:03d}", EventPattern='{"source": ["shop"]}')
    clock = ManualClock(datetime.now(timezone.utc))
    ctx = context(fresh_account, clock, [])
    source = RulesSource(targets_batch=10)

    def target_reads() -> int:
        return control.count_of(control.request_counts(fresh_account.endpoint), "events", "ListTargetsByRule",
                                fresh_account.id)

    try:
        async with time_flies(clock):
            await source(ctx)  # every rule's targets, at once
            assert target_reads() == 40
            per_minute = []
            for _ in range(int(TARGETS_EVERY // 60) * 2):
                before = target_reads()
                await clock.advance(60)
                await source(ctx)
                per_minute.append(target_reads() - before)
    finally:
        await ctx.pool.close()
    assert per_minute[:4] == [0, 0, 0, 0]  # none before its period is over
    assert per_minute[4:8] == [10, 10, 10, 10]  # then ten a tick, not forty at once
    assert per_minute[8:] == [0, 10]  # the first ten again, a period after their last read


async def test_a_rule_that_did_not_change_is_published_as_the_same_object(fresh_account, monkeypatch):
    """Each tick builds every rule anew; one equal to what was published last is published
    as that very object (no long-lived replacement every 30 s, and the screen tells it
    unchanged by identity); a changed rule is the new one."""
    fresh_account.use(monkeypatch)
    events = fresh_account.client("events")
    for name in ("on-order", "on-refund"):
        events.put_rule(Name=name, EventPattern='{"source": ["shop"]}')
    clock = ManualClock(datetime.now(timezone.utc))
    ctx = context(fresh_account, clock, [])
    source = RulesSource()
    try:
        first = {r.name: r for r in await source(ctx)}
        await clock.advance(30)
        second = {r.name: r for r in await source(ctx)}
        events.disable_rule(Name="on-refund")
        await clock.advance(20)  # figures are read again once a minute: not yet
        third = {r.name: r for r in await source(ctx)}
    finally:
        await ctx.pool.close()
    assert second["on-order"] is first["on-order"] and second["on-refund"] is first["on-refund"]
    assert third["on-order"] is first["on-order"]
    assert third["on-refund"] is not first["on-refund"] and third["on-refund"].state == "DISABLED"
