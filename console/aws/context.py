"""What a fetch function needs to talk to one target: its clients, the clock, helpers."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, AsyncIterator, Awaitable, Callable, Iterable, Sequence, TypeVar

from console.aws.clients import CONCURRENCY, ClientPool
from console.clock import Clock, first_of
from console.target import Target

T = TypeVar("T")


@dataclass(frozen=True)
class AwsContext:
    pool: ClientPool
    target: Target
    # Set by the polling engine: lets a fetch show what it has so far (e.g. functions
    # before their metrics) on the first load of a source, or (`whole`) a sweep's result
    # so far, as good as its last full one and newer where it has read.
    partial: Callable[[tuple[Any, ...], bool], None] | None = None
    # Also set by the engine: resolves once every panel shows something, so a fetch can
    # hold its costly phase (metrics, task health, executions) behind the first paint.
    first_paint: Callable[[], Awaitable[Any]] | None = None
    # Also set by the engine: the items another source last published for this target,
    # so one source can build on another's listing instead of repeating its calls.
    peer_items: Callable[[str], tuple[Any, ...] | None] | None = None
    # Also set by the engine: keys of a source's items on screen now (sweeps go there first).
    visible: Callable[[str], frozenset[str]] | None = None
    # Also set by the engine: `screen_read` marks this source's part of the screen read;
    # `screen_complete` resolves once every subscribed source's is (or its first tick ended),
    # so work only the rows off screen need waits until the screen is complete.
    screen_read_hook: Callable[[], None] | None = None
    screen_complete: Callable[[], Awaitable[Any]] | None = None
    # Also set by the engine: resolves when a source's rows on screen next change.
    view_moved: Callable[[str], Awaitable[Any]] | None = None
    # True when the user asked for this refresh (ctrl+r, a window switch): skip caches.
    fresh: bool = False

    def publish_partial(self, items: Sequence[Any]) -> None:
        if self.partial is not None:
            self.partial(tuple(items), False)

    def publish_progress(self, items: Sequence[Any]) -> None:
        """A sweep's result so far (what is on screen read first): shown at once."""
        if self.partial is not None:
            self.partial(tuple(items), True)

    async def after_first_paint(self) -> None:
        if self.first_paint is not None:
            await self.first_paint()

    def screen_read(self) -> None:
        """What this source's rows on screen need has been read and published (its first
        tick ending says so too): the rest of its work need not come first."""
        if self.screen_read_hook is not None:
            self.screen_read_hook()

    async def after_screen_complete(self) -> None:
        """Mark this source's screen part read, then wait until every source's is: reads
        only rows off screen need (a sweep's next rows) would otherwise compete with what
        the user is waiting for. (What waits here lands in the minute after the screen is
        complete, which `make bench` counts as steady state: wait only with what fits the
        steady share.)"""
        self.screen_read()
        await self.until_screen_complete()

    async def rest_after_screen(self, source: str) -> bool:
        """after_screen_complete, but back early (False) when `source`'s rows on screen
        change meanwhile (new rows on screen are read first, not after every panel's)."""
        if self.view_moved is None:
            await self.after_screen_complete()
            return True
        complete, _ = await first_of(self.after_screen_complete(), self.view_moved(source))
        return complete.done() and not complete.cancelled()

    async def until_screen_complete(self) -> None:
        """Wait until every source has read its part of the screen, without marking this
        one's (work it starts before its own screen part is read)."""
        if self.screen_complete is not None:
            await self.screen_complete()

    def items_of(self, source: str) -> tuple[Any, ...] | None:
        """What `source` last published for this target; None if unknown here."""
        return self.peer_items(source) if self.peer_items is not None else None

    def on_screen(self, source: str) -> frozenset[str]:
        """Keys of `source`'s items a screen shows now (empty when unknown)."""
        return self.visible(source) if self.visible is not None else frozenset()

    def spare(self, service: str, operation: str) -> int:
        """How many more `operation` calls fit opsdeck's steady-state share of its quota
        (console.aws.budget): what a sweep may spend now."""
        return self.pool.budget.spare(self.target, service, operation)

    @property
    def clock(self) -> Clock:
        return self.pool.clock

    async def client(self, service: str) -> Any:
        return await self.pool.client(self.target, service)

    async def pages(self, service: str, operation: str, **params: Any) -> AsyncIterator[dict]:
        """Every page of a paginated list call (botocore's paginator follows the tokens)."""
        client = await self.client(service)
        async for page in client.get_paginator(operation).paginate(**params):
            yield page

    async def collect(self, service: str, operation: str, key: str, **params: Any) -> list[Any]:
        """All items under `key` across every page."""
        items: list[Any] = []
        async for page in self.pages(service, operation, **params):
            items.extend(page.get(key, []))
        return items


def chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


async def bounded_gather(awaitables: Iterable[Awaitable[T]], limit: int = CONCURRENCY) -> list[T]:
    """gather() with at most `limit` running at once; results in input order."""
    semaphore = asyncio.Semaphore(limit)
    queued = list(awaitables)
    started: set[int] = set()

    async def run(index: int, aw: Awaitable[T]) -> T:
        async with semaphore:
            started.add(index)
            return await aw

    try:
        return list(await asyncio.gather(*(run(i, aw) for i, aw in enumerate(queued))))
    finally:
        # Cancelled (or failed) before some had their turn: close those, never awaited.
        # (A task cancelled before its first step never enters run(), so run() cannot.)
        for index, aw in enumerate(queued):
            if index not in started and asyncio.iscoroutine(aw):
                aw.close()
