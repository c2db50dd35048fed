"""Describe while listing: ECS lists ARNs page by page (each page needs the last one's
token) and describes them in batches (DescribeServices 10, DescribeTasks 100). Waiting for
the last page before the first describe adds the whole listing to the time until rows
appear; here each full batch is described as soon as its ARNs are listed, while the next
page is fetched, and the calls stay as few as batching after the listing would make.

Several listings (one per cluster) may share one bound on their describes (`Turns`), which
lets the describes of the clusters a screen shows go first: the largest cluster's services
complete at its own quota floor, not after every other cluster's. Then those of listings
still listing: the longest listing (the largest cluster, whose pages follow each other)
ends last, so its describes keep up with its pages and the listings done fill the gaps
while it waits for its next page, instead of taking the quota first in the order their
single pages came (a first load spent 45 of the service-reads bucket's 100 calls on the
small clusters before the largest one's second page was in). The describes of listings
done wait until no listing is still listing: on the budget's clock the largest cluster of
the large estate was complete after 203 of the 222 service reads, now after 171."""

from __future__ import annotations

import asyncio
from collections import Counter
from contextlib import AbstractAsyncContextManager
from typing import Any, AsyncIterator, Awaitable, Callable, TypeVar

from console.aws.clients import CONCURRENCY

T = TypeVar("T")


async def described_as_listed(pages: AsyncIterator[dict], key: str, batch: int,
                              describe: Callable[[list[str]], Awaitable[list[T]]],
                              wanted: Callable[[str], bool] = lambda arn: True,
                              listed: Callable[[], None] | None = None,
                              bound: AbstractAsyncContextManager[Any] | None = None) -> tuple[list[str], list[T]]:
    """(every ARN the pages list under `key`, in order; what `describe` gave for the
    `wanted` ones, batch by batch). At most CONCURRENCY describes run at once, or as many
    as `bound` lets through (`Turns.of`, shared by several listings: told when the last
    page is in); `listed` is called then; a failure leaves no describe running."""
    bound = bound or asyncio.Semaphore(CONCURRENCY)
    running: list[asyncio.Future[list[T]]] = []
    arns: list[str] = []
    waiting: list[str] = []

    async def one(items: list[str]) -> list[T]:
        async with bound:
            return await describe(items)

    def send(items: list[str]) -> None:
        running.append(asyncio.ensure_future(one(items)))

    turn = bound if isinstance(bound, Turn) else None
    try:
        try:
            if turn is not None:
                turn.listing()
            async for page in pages:
                found = page.get(key, [])
                arns.extend(found)
                waiting.extend(arn for arn in found if wanted(arn))
                while len(waiting) >= batch:
                    send(waiting[:batch])
                    del waiting[:batch]
            if waiting:
                send(waiting)
        finally:
            if turn is not None:  # listed, or failed: it holds no describe back any more
                turn.listed()
        if listed is not None:
            listed()
        results: list[Any] = await asyncio.gather(*running)
    finally:
        for future in running:
            future.cancel()
    return arns, [item for result in results for item in result]


class Turns:
    """At most `limit` describes at once across several listings, the largest cluster's
    first: `size(name)` is what a listing is expected to hold (a cluster's
    activeServicesCount), 0 when unknown.

    A describe waits, even with a turn free, while a larger listing is still listing (or
    one as large, once its own listing is done), unless `first()` names it (a cluster
    whose rows are on screen now): the bucket's first hundred calls went to the small
    clusters, listed in one page, while the largest one's pages came. When a turn is free,
    a waiting describe of a listing `first()` names goes first, then the largest
    listing's, then one of a listing still listing, then one of the listing with the most
    describes left (its screen would wait longest), the one waiting longest among them."""

    def __init__(self, limit: int, first: Callable[[], set[str]], size: Callable[[str], int] = lambda name: 0,
                 ) -> None:
        self.free = limit
        self.first = first
        self.size = size
        self.waiting: list[tuple[str, asyncio.Future[None]]] = []
        self.started: set[str] = set()  # listings that began listing
        self.listed: set[str] = set()  # listings whose last page is in (or that failed)

    def of(self, name: str) -> "Turn":
        """Turns for listing `name`'s describes: `async with turns.of(name): ...`, again and again."""
        return Turn(self, name)

    async def take(self, name: str) -> None:
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting.append((name, turn))
        self._hand_out()
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.give()  # handed a turn it will not use: to the next one
            else:
                self.waiting.remove((name, turn))
            raise

    def give(self) -> None:
        self.free += 1
        self._hand_out()

    def _hand_out(self) -> None:
        while self.free and self.waiting:
            index = self._pick()
            if index is None:  # every one waiting is held back until the listings are done
                return
            self.free -= 1
            _, turn = self.waiting.pop(index)
            turn.set_result(None)

    def _pick(self) -> int | None:
        first = self.first()
        listing = self.started - self.listed

        def held(name: str) -> bool:
            size, done = self.size(name), name in self.listed
            return name not in first and any(
                other != name and (self.size(other) > size or (self.size(other) == size and done))
                for other in listing)

        eligible = [(i, name) for i, (name, _) in enumerate(self.waiting) if not held(name)]
        if not eligible:
            return None
        left = Counter(name for _, name in eligible)
        return max(eligible, key=lambda e: (e[1] in first, self.size(e[1]), e[1] not in self.listed,
                                            left[e[1]], -e[0]))[0]


class Turn(AbstractAsyncContextManager):
    """One listing's way into its Turns."""

    def __init__(self, turns: Turns, name: str) -> None:
        self.turns = turns
        self.name = name

    def listing(self) -> None:
        """The listing began: describes of listings done wait until it is done too."""
        self.turns.started.add(self.name)

    def listed(self) -> None:
        """The listing's last page is in (or it failed): it holds no describe back."""
        self.turns.listed.add(self.name)
        self.turns._hand_out()

    async def __aenter__(self) -> None:
        await self.turns.take(self.name)

    async def __aexit__(self, *exc: object) -> None:
        self.turns.give()
