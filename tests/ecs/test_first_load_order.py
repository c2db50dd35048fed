"""The order of a first load's calls within one quota (console.aws.budget), counted as they
are sent to the embedded ECS: a listing's next page goes before the describes already
waiting for a token (each page unlocks ten more), and nothing waits behind pages for
longer than PATIENCE.

Time moves only when every request sent has been answered and something waits on the
clock (`quiet_time`): the order then depends on the budget alone, not on how fast the
server answers."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import AsyncIterator

from console.aws.budget import PACE, PATIENCE, SLACK
from console.aws.limits import quota_for
from console.demo import control
from console.services.ecs.batches import Turns
from console.services.ecs.sources import cluster_services, resolve_cluster

SERVICES = 40
PAGE = 10  # the server's page size here: 4 ListServices pages, one DescribeServices each
QUEUED = 20  # DescribeServices already waiting when the listing starts
QUOTA = quota_for("ecs", "DescribeServices")
TOKEN = 1 / (QUOTA.rate * PACE)  # seconds between two tokens of an empty bucket


def make_services(estate) -> list[str]:
    estate.cluster("big")
    definition = estate.definition()
    return [estate.ecs.create_service(cluster="big", serviceName=f"svc-{i:02d}", taskDefinition=definition,
                                      desiredCount=0, launchType="FARGATE")["service"]["serviceName"]
            for i in range(SERVICES)]


def record_sends(ctx, clock) -> list[tuple[str, float]]:
    """(operation, clock time) of each request the pool sends, in order."""
    sent: list[tuple[str, float]] = []
    acquire = ctx.pool.budget.acquire

    async def counted(target, service, operation):
        await acquire(target, service, operation)
        sent.append((operation, clock.monotonic()))

    ctx.pool.budget.acquire = counted
    return sent


async def drain(ctx) -> None:
    """Spend the quota's whole bucket, as a dashboard's first reads would."""
    for _ in range(int(QUOTA.burst - SLACK)):  # opsdeck keeps one token back
        await ctx.pool.budget.acquire(ctx.target, "ecs", "DescribeServices")


@asynccontextmanager
async def quiet_time(ctx, clock) -> AsyncIterator[None]:
    """While inside, move the clock to its next deadline whenever no request is in flight
    (three polls running) and something sleeps on it."""

    async def move() -> None:
        quiet = 0
        while True:
            await asyncio.sleep(0.003)
            quiet = quiet + 1 if ctx.pool.stats.in_flight == 0 else 0
            deadlines = [d for d, _, future in clock._sleepers if not future.done()]
            if quiet >= 3 and deadlines:
                quiet = 0
                await clock.advance(max(0.0, min(deadlines) - clock.monotonic()))

    mover = asyncio.ensure_future(move())
    try:
        yield
    finally:
        mover.cancel()


async def listing_behind_describes(estate, aws, clock, page: int):
    """With the bucket empty and QUEUED DescribeServices waiting for a token, the listing
    of a cluster of SERVICES services in pages of `page`: (each request sent, with its
    time; when the listing started; when the queued describes were all sent; what the
    listing gave)."""
    names = make_services(estate)
    ctx = aws()
    cluster = await resolve_cluster(ctx, "big")
    ecs = await ctx.client("ecs")
    control.set_page_size(estate.account.endpoint, page)
    try:
        await drain(ctx)
        sent = record_sends(ctx, clock)
        start = clock.monotonic()
        queued = [asyncio.ensure_future(ecs.describe_services(cluster="big", services=names[:10]))
                  for _ in range(QUEUED)]
        await asyncio.sleep(0.05)  # all of them waiting for a token (time stands still)
        listing = asyncio.ensure_future(cluster_services(ctx, cluster))
        await asyncio.sleep(0.05)  # its first page too
        async with quiet_time(ctx, clock):
            await asyncio.gather(*queued)
            queued_done = clock.monotonic()
            services = await listing
    finally:
        control.set_page_size(estate.account.endpoint, None)
    return sent, start, queued_done, services


async def test_a_listings_next_page_goes_before_the_describes_waiting(estate, aws, shared_clock):
    sent, start, _, services = await listing_behind_describes(estate, aws, shared_clock, PAGE)

    assert len(services) == SERVICES
    operations = [operation for operation, _ in sent]
    assert operations.count("ListServices") == SERVICES // PAGE
    assert operations.count("DescribeServices") == QUEUED + SERVICES // PAGE
    # every page as soon as a token came, ahead of the 20 describes queued before the listing
    # (first come first served, the first page went 21st and the last after 24 tokens)
    assert [i for i, op in enumerate(operations) if op == "ListServices"] == [0, 1, 2, 3]
    last_page = max(at for op, at in sent if op == "ListServices")
    assert last_page - start <= 4 * TOKEN + 1e-6
    # the describes the pages unlocked wait their turn behind those queued before them
    assert operations[4:] == ["DescribeServices"] * (QUEUED + SERVICES // PAGE)


async def test_a_call_waiting_patience_goes_before_later_pages(estate, aws, shared_clock):
    """Pages never hold the rest back for long: a listing of 40 pages of one service, with
    describes queued before it, sends its pages first only until the describes have waited
    PATIENCE; then they go."""
    sent, start, queued_done, _ = await listing_behind_describes(estate, aws, shared_clock, 1)

    operations = [operation for operation, _ in sent]
    first_describe = operations.index("DescribeServices")
    assert first_describe == int(PATIENCE / TOKEN)  # pages while the describes waited less than PATIENCE
    # then the 20 queued describes, which all waited as long, go one after the other
    assert operations[first_describe:first_describe + QUEUED] == ["DescribeServices"] * QUEUED
    assert queued_done - start <= PATIENCE + (QUEUED + 1) * TOKEN


async def test_a_waiter_cancelled_waiting_serving_or_just_served_leaves_the_rest_served():
    """The queue survives its waiters' cancellation: the one serving the bucket hands the
    serving on, a cancelled one is skipped, and nobody is left asleep on the clock."""
    from console.aws.budget import ApiBudget
    from console.clock import ManualClock
    from console.target import Target

    clock = ManualClock()
    budget = ApiBudget(clock)
    target = Target(None, "us-east-1", "http://127.0.0.1:1", account="111111111111")
    for _ in range(int(QUOTA.burst - SLACK)):
        await budget.acquire(target, "ecs", "DescribeServices")
    waiters = [asyncio.ensure_future(budget.acquire(target, "ecs", op))
               for op in ("DescribeServices", "DescribeServices", "ListServices", "DescribeServices")]
    await asyncio.sleep(0)
    waiters[0].cancel()  # the one serving the bucket
    waiters[1].cancel()  # one waiting
    await asyncio.sleep(0)
    await clock.advance(1.1 * TOKEN)  # a refill can land a hair short of a whole token
    await asyncio.sleep(0)
    assert waiters[2].done() and not waiters[3].done()  # the page first
    await clock.advance(TOKEN)
    await asyncio.sleep(0)
    assert waiters[3].done() and not waiters[3].cancelled()
    assert clock.sleepers == 0


async def test_a_small_clusters_describes_wait_while_the_large_one_lists(estate, aws, shared_clock):
    """Two clusters listed side by side, one describe bound (batches.Turns) as the services
    source's first load shares: the small cluster, listed in one page, is described only
    once the large one's four pages are in (before, it took the bucket's tokens while they
    came), and the large one's rows are complete first."""
    make_services(estate)
    definition = estate.definition()
    estate.cluster("small")
    for i in range(5):
        estate.ecs.create_service(cluster="small", serviceName=f"small-{i}", taskDefinition=definition,
                                  desiredCount=0, launchType="FARGATE")
    ctx = aws()
    big, small = await resolve_cluster(ctx, "big"), await resolve_cluster(ctx, "small")
    described: list[str] = []
    turns = Turns(16, set)

    def read(cluster):
        return cluster_services(ctx, cluster, each_batch=lambda batch: described.append(cluster.name),
                                bound=turns.of(cluster.name))

    control.set_page_size(estate.account.endpoint, PAGE)
    try:
        await drain(ctx)
        sent = record_sends(ctx, shared_clock)
        async with quiet_time(ctx, shared_clock):
            found = await asyncio.gather(read(big), read(small))
    finally:
        control.set_page_size(estate.account.endpoint, None)

    assert [len(services) for services in found] == [SERVICES, 5]
    assert [op for op, _ in sent].count("DescribeServices") == SERVICES // PAGE + 1
    assert described == ["big"] * (SERVICES // PAGE) + ["small"]
