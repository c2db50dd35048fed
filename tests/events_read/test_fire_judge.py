"""FireJudge: "did it fire" judged again only where its inputs moved, with the verdicts
`fires.judge` gives afresh (issue 8: judging every scheduled rule afresh each minute, up to
288 phases of a rate() each, was the largest cost of the steady console's own code).

The first test walks the clock minute by minute over a day's worth of changes, pure; the
second runs the events source against the embedded AWS, moving the shared clock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from console.aws.clients import ClientPool
from console.aws.context import AwsContext
from console.services.events import fires
from console.services.events.metrics import METRICS_EVERY
from console.services.events.sources import RulesSource
from console.target import Target
from tests.events_read.test_fires import rule

UTC = timezone.utc
START = datetime(2026, 12, 1, 10, 17, 30, tzinfo=UTC)


def series(stamps, value: float = 1.0):
    return [(at, value) for at in sorted(stamps)]


def period_of(at: datetime) -> datetime:
    return at.replace(minute=at.minute // 5 * 5, second=0, microsecond=0)


def test_kept_verdicts_are_the_verdicts_judged_afresh_minute_by_minute():
    """Three hours of minutes, rules whose fires come due, go missing, arrive late, whose
    series gain points where they are judged and lose them where they are not, a rule
    disabled and enabled again: at every minute each kept verdict is the fresh one, and
    the phases judged again are a small part of those judged afresh."""
    judge = fires.FireJudge()
    rules = {"every-ten": rule("every-ten", "cron(0/10 * * * ? *)"),
             "quarter": rule("quarter", "rate(15 minutes)"),
             "daily": rule("daily", "rate(1 day)"),
             "seven": rule("seven", "rate(7 minutes)")}
    landed: dict[str, set[datetime]] = {name: set() for name in rules}
    # every-ten fired all day but 09:40; quarter fired at :07 (its phase) until 10:00; daily at 03:25
    for minutes in range(0, 24 * 60, 10):
        at = START.replace(minute=0, second=0) - timedelta(minutes=minutes)
        if at.strftime("%H:%M") != "09:40":
            landed["every-ten"].add(period_of(at))
    for minutes in range(0, 24 * 60, 15):
        at = START.replace(hour=10, minute=7, second=0) - timedelta(minutes=minutes)
        landed["quarter"].add(period_of(at))
    landed["daily"].add(datetime(2026, 12, 1, 3, 25, tzinfo=UTC))
    fresh_phases = 0
    for minute in range(180):
        now = START + timedelta(minutes=minute)
        if minute == 30:
            rules["seven"] = rule("seven", "rate(7 minutes)", state="DISABLED")
        if minute == 50:
            rules["seven"] = rule("seven", "rate(7 minutes)")
        if minute % 10 == 3 and minute < 120:  # every-ten keeps firing, its invocation lands a few minutes late
            landed["every-ten"].add(period_of(now - timedelta(minutes=3)))
        if minute == 40:  # a late invocation in a period already judged: 09:40's, no longer missed
            landed["every-ten"].add(datetime(2026, 12, 1, 9, 40, tzinfo=UTC))
        for name, item in rules.items():
            points = series(at for at in landed[name] if now - timedelta(hours=24, minutes=5) <= at <= now)
            kept = judge(name, item, points, now)
            assert kept == fires.judge(item, points, now), (name, now)
            if fires.judgeable(item):
                fresh_phases += len(fires.rate_phases(item.schedule, now))
    assert fires.judge(rules["every-ten"], series(landed["every-ten"]), START + timedelta(minutes=179)).missed
    assert judge.judged_phases < fresh_phases / 5  # 96 phases a minute afresh


async def test_the_sources_verdicts_move_with_a_missed_fire_a_late_invocation_and_a_disabled_rule(
        fresh_account, monkeypatch, shared_clock):
    """Through the embedded AWS (which fires scheduled rules on the shared clock), the clock
    moved: a fire comes due while the rule has no targets, so nothing is invoked (missed,
    once judged); its invocation's datapoint lands late, in the period already judged (no
    longer missed); the rule is disabled (no verdict). A rule whose inputs did not move
    keeps most of its verdicts meanwhile."""
    fresh_account.use(monkeypatch)
    clock = shared_clock
    events = fresh_account.client("events")
    cloudwatch = fresh_account.client("cloudwatch")
    target = [{"Id": "1", "Arn": f"arn:aws:sqs:us-east-1:{fresh_account.id}:sweeps"}]
    fresh_account.client("sqs").create_queue(QueueName="sweeps")
    for name, expression in (("every-ten", "cron(0/10 * * * ? *)"), ("daily", "rate(1 day)")):
        events.put_rule(Name=name, ScheduleExpression=expression)
        events.put_targets(Rule=name, Targets=target)

    def invocations(*stamps: datetime) -> None:
        data = [{"MetricName": "Invocations", "Dimensions": [{"Name": "RuleName", "Value": "every-ten"}],
                 "Timestamp": at, "Value": 1, "Unit": "Count"} for at in stamps]
        for start in range(0, len(data), 20):
            cloudwatch.put_metric_data(Namespace="AWS/Events", MetricData=data[start:start + 20])

    now = clock.now()
    last_fire = now.replace(minute=now.minute // 10 * 10, second=0)
    invocations(*(last_fire - timedelta(minutes=10 * i) for i in range(145)))  # the day before the test
    ctx = AwsContext(ClientPool(clock), Target(None, "us-east-1", fresh_account.endpoint, fresh_account.id))
    source = RulesSource()

    async def verdicts_after(seconds: float) -> dict:
        await clock.advance(seconds)
        return {r.name: r.fired for r in await source(ctx)}

    try:
        first = await verdicts_after(0)
        assert first["every-ten"].missed == () and first["every-ten"].due >= 140
        assert first["daily"] is not None
        next_fire = last_fire + timedelta(minutes=10)
        events.remove_targets(Rule="every-ten", Ids=["1"])  # it fires with nothing to invoke
        await clock.advance((next_fire - clock.now()).total_seconds() + 30)
        events.put_targets(Rule="every-ten", Targets=target)  # this request played the fire
        judged_before = source.judge.judged_phases
        missed = await verdicts_after((next_fire + fires.NOT_JUDGED - clock.now()).total_seconds() + 1)
        assert missed["every-ten"].missed == (next_fire,)
        assert source.judge.judged_phases - judged_before < 50  # of daily's 288 phases, most kept
        invocations(next_fire + timedelta(seconds=40))  # its datapoint arrives late, in the fire's period
        late = await verdicts_after(METRICS_EVERY)
        assert late["every-ten"].missed == () and late["every-ten"].due == missed["every-ten"].due
        events.disable_rule(Name="every-ten")
        disabled = await verdicts_after(METRICS_EVERY)
        assert disabled["every-ten"] is None and disabled["daily"] is not None
    finally:
        await ctx.pool.close()
