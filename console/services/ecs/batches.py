"""Describe while listing: ECS lists ARNs page by page (each page needs the last one's
token) and describes them in batches (DescribeServices 10, DescribeTasks 100). Waiting for
the last page before the first describe adds the whole listing to the time until rows
appear; here each full batch is described as soon as its ARNs are listed, while the next
page is fetched, and the calls stay as few as batching after the listing would make."""

from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator, Awaitable, Callable, TypeVar

from console.aws.clients import CONCURRENCY

T = TypeVar("T")


async def described_as_listed(pages: AsyncIterator[dict], key: str, batch: int,
                              describe: Callable[[list[str]], Awaitable[list[T]]],
                              wanted: Callable[[str], bool] = lambda arn: True,
                              listed: Callable[[], None] | None = None) -> tuple[list[str], list[T]]:
    """(every ARN the pages list under `key`, in order; what `describe` gave for the
    `wanted` ones, batch by batch). At most CONCURRENCY describes run at once; `listed` is
    called when the last page is in; a failure leaves no describe running."""
    bound = asyncio.Semaphore(CONCURRENCY)
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
        if listed is not None:
            listed()
        results: list[Any] = await asyncio.gather(*running)
    finally:
        for future in running:
            future.cancel()
    return arns, [item for result in results for item in result]
