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
small clusters before the largest one's second page was in)."""

from __future__ import annotations

import asyncio
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

    try:
        async for page in pages:
            found = page.get(key, [])
            arns.extend(found)
            waiting.extend(arn for arn in found if wanted(arn))
            while len(waiting) >= batch:
                send(waiting[:batch])
                del waiting[:batch]
        if waiting:
            send(waiting)
        if isinstance(bound, Turn):
            bound.listed()
        if listed is not None:
            listed()
        results: list[Any] = await asyncio.gather(*running)
    finally:
        for future in running:
            future.cancel()
    return arns, [item for result in results for item in result]


class Turns:
    """At most `limit` describes at once across several listings; when one ends, a waiting
    describe of a listing `first()` names (a cluster whose rows are on screen now) goes
    before those waiting longer, else one of a listing still listing, else the one waiting
    longest."""

    def __init__(self, limit: int, first: Callable[[], set[str]]) -> None:
        self.free = limit
        self.first = first
        self.waiting: list[tuple[str, asyncio.Future[None]]] = []
        self.listed: set[str] = set()  # listings whose last page is in

    def of(self, name: str) -> "Turn":
        """Turns for listing `name`'s describes: `async with turns.of(name): ...`, again and again."""
        return Turn(self, name)

    async def take(self, name: str) -> None:
        if self.free and not self.waiting:
            self.free -= 1
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting.append((name, turn))
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.give()  # handed a turn it will not use: to the next one
            else:
                self.waiting.remove((name, turn))
            raise

    def give(self) -> None:
        if not self.waiting:
            self.free += 1
            return
        first = self.first()
        index = next((i for i, (name, _) in enumerate(self.waiting) if name in first), None) if first else None
        if index is None:
            index = next((i for i, (name, _) in enumerate(self.waiting) if name not in self.listed), 0)
        _, turn = self.waiting.pop(index)
        turn.set_result(None)


class Turn(AbstractAsyncContextManager):
    """One listing's way into its Turns."""

    def __init__(self, turns: Turns, name: str) -> None:
        self.turns = turns
        self.name = name

    def listed(self) -> None:
        """The listing's last page is in: its describes wait behind those still listing."""
        self.turns.listed.add(self.name)

    async def __aenter__(self) -> None:
        await self.turns.take(self.name)

    async def __aexit__(self, *exc: object) -> None:
        self.turns.give()
