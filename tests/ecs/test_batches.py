"""Describes shared by several listings (console.services.ecs.batches.Turns): at most so
many at once, those of the clusters a screen shows first, then those of listings still
listing."""

from __future__ import annotations

import asyncio

from console.services.ecs.batches import Turns, described_as_listed


async def test_the_clusters_on_screen_are_described_first_within_the_bound():
    on_screen: set[str] = set()
    turns = Turns(2, lambda: on_screen)
    started: list[str] = []
    release = asyncio.Event()
    running = 0
    most = 0

    async def describe(cluster: str, batch: int) -> None:
        nonlocal running, most
        async with turns.of(cluster):
            running += 1
            most = max(most, running)
            started.append(f"{cluster}{batch}")
            await release.wait()
            running -= 1

    # two clusters' batches queue in the order their pages were listed, "small" first
    work = [asyncio.ensure_future(describe(c, b)) for b in range(3) for c in ("small", "big")]
    await asyncio.sleep(0)
    assert started == ["small0", "big0"]  # the bound: two at once
    on_screen.add("big")  # the screen now shows the big cluster's first rows
    release.set()
    await asyncio.gather(*work)

    assert most == 2
    assert started == ["small0", "big0", "big1", "big2", "small1", "small2"]


async def test_the_describes_of_a_listing_still_listing_go_before_those_of_listings_done():
    """The largest cluster's pages follow each other: its describes go before those of the
    small clusters listed in one page (theirs fill the gaps while it waits for a page), a
    cluster on screen before both; once every listing is done, the one with most left."""
    on_screen: set[str] = set()
    turns = Turns(1, lambda: on_screen)
    started: list[str] = []
    release = asyncio.Event()

    async def describe(cluster: str, batch: int) -> None:
        async with turns.of(cluster):
            started.append(f"{cluster}{batch}")
            await release.wait()

    turns.of("small").listed()  # its one page is in; "big" has more to come
    turns.of("shown").listed()
    work = [asyncio.ensure_future(describe(c, b)) for b in range(2) for c in ("small", "big")]
    await asyncio.sleep(0)
    assert started == ["small0"]  # the first to ask, with turns free
    release.set()
    await asyncio.gather(*work)
    assert started == ["small0", "big0", "big1", "small1"]

    release.clear()
    started.clear()
    work = [asyncio.ensure_future(describe(c, 0)) for c in ("small", "big", "shown", "big")]
    await asyncio.sleep(0)
    on_screen.add("shown")
    release.set()
    await asyncio.gather(*work)
    assert started == ["small0", "shown0", "big0", "big0"]

    # every listing done: the one with the most describes left first (the largest cluster,
    # whose screen waits longest), the one waiting longest on a tie
    on_screen.clear()
    turns.of("big").listed()
    release.clear()
    started.clear()
    work = [asyncio.ensure_future(describe(c, b)) for c, b in
            (("small", 0), ("small", 1), ("shown", 0), ("big", 0), ("big", 1), ("big", 2), ("shown", 1))]
    await asyncio.sleep(0)
    release.set()
    await asyncio.gather(*work)
    assert started == ["small0", "big0", "shown0", "big1", "small1", "big2", "shown1"]


async def test_a_describe_cancelled_while_waiting_or_just_let_in_gives_its_turn_on():
    turns = Turns(1, set)
    hold = asyncio.Event()
    done: list[str] = []

    async def describe(name: str) -> None:
        async with turns.of(name):
            await hold.wait()
            done.append(name)

    first, waiting, last = (asyncio.ensure_future(describe(n)) for n in ("a", "b", "c"))
    await asyncio.sleep(0)
    waiting.cancel()  # cancelled while it waits
    hold.set()
    await asyncio.gather(first, last, waiting, return_exceptions=True)
    assert done == ["a", "c"] and turns.free == 1 and not turns.waiting

    hold.clear()
    first, let_in = asyncio.ensure_future(describe("d")), asyncio.ensure_future(describe("e"))
    await asyncio.sleep(0)
    hold.set()
    await asyncio.sleep(0)  # d ends and hands its turn to e ...
    let_in.cancel()  # ... which is cancelled before it runs
    await asyncio.gather(first, let_in, return_exceptions=True)
    assert turns.free == 1 and not turns.waiting


async def test_a_listing_tells_its_turns_when_its_last_page_is_in():
    turns = Turns(2, set)
    seen: list[set[str]] = []

    async def pages():
        for page in (["a", "b"], ["c"]):
            seen.append(set(turns.listed))
            yield {"arns": page}

    async def describe(arns: list[str]) -> list[str]:
        return arns

    arns, described = await described_as_listed(pages(), "arns", 2, describe, bound=turns.of("cluster"))
    assert arns == described == ["a", "b", "c"]
    assert seen == [set(), set()] and turns.listed == {"cluster"}



async def test_a_listing_done_waits_while_another_is_still_listing_unless_on_screen():
    """The small clusters' describes do not spend the bucket while the largest cluster's
    pages come; a cluster on screen is never held back; a listing that fails holds nothing."""
    on_screen: set[str] = set()
    turns = Turns(4, lambda: on_screen)
    started: list[str] = []

    async def describe(cluster: str) -> None:
        async with turns.of(cluster):
            started.append(cluster)

    big, small, shown = turns.of("big"), turns.of("small"), turns.of("shown")
    for listing in (big, small, shown):
        listing.listing()
    small.listed()
    shown.listed()
    on_screen.add("shown")
    work = [asyncio.ensure_future(describe(c)) for c in ("small", "shown", "big", "small")]
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert started == ["shown", "big"]  # free turns, yet "small" waits for "big"'s listing
    big.listed()  # its last page is in (or it failed)
    await asyncio.gather(*work)
    assert started == ["shown", "big", "small", "small"] and turns.free == 4


async def test_a_smaller_listing_waits_for_a_larger_one_still_listing():
    """With the clusters' sizes known (activeServicesCount), a small cluster's describes wait
    even while its own listing goes on, as long as a larger one's does."""
    turns = Turns(4, set, {"big": 1498, "small": 100}.__getitem__)
    started: list[str] = []

    async def describe(cluster: str) -> None:
        async with turns.of(cluster):
            started.append(cluster)

    big, small = turns.of("big"), turns.of("small")
    big.listing()
    small.listing()
    work = [asyncio.ensure_future(describe(c)) for c in ("small", "big", "small", "big")]
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert started == ["big", "big"]
    big.listed()
    await asyncio.gather(*work)
    assert started == ["big", "big", "small", "small"]
