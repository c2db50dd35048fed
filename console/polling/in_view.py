"""Per-item reads in the order the user sees them: the items on screen first.

Some figures cost one call per item and AWS has no batch form (EventBridge's
ListTargetsByRule): read in listing order at the quota's pace, the rows a user looks at
wait for every row listed before them (507 rules at 50 a second: ten seconds). Here a
few workers each take, call after call, an item on screen now if one is left (the
screen keeps AwsContext.on_screen current as it scrolls), else the next one listed; the
caller publishes (`shown`) whenever what the screen shows has been read, so the rows in
view are complete first and the rest follows at the quota's pace.
"""

from __future__ import annotations

import asyncio
from typing import Awaitable, Callable, Collection, Hashable, Iterable, TypeVar

from console.aws.clients import CONCURRENCY

K = TypeVar("K", bound=Hashable)


async def read_in_view_first(keys: Iterable[K], read: Callable[[K], Awaitable[None]], *,
                             on_screen: Callable[[], Collection[K]], shown: Callable[[], None],
                             limit: int = CONCURRENCY) -> None:
    """`read` every key, at most `limit` at once, those `on_screen()` first; `shown()` each
    time every key on screen has been read and some were read since the last call (one
    publish a screenful, not one a row). A failed read (throttling, expired credentials)
    stops the others and is raised."""
    pending = dict.fromkeys(keys)  # an ordered set: listing order
    in_flight: set[K] = set()
    unshown: set[K] = set()  # read, not yet published

    def next_key() -> K:
        view = on_screen()
        key = next((k for k in view if k in pending), None)
        return next(iter(pending)) if key is None else key

    def publish_if_screen_read() -> None:
        view = on_screen()
        if unshown & set(view) and not any(k in pending or k in in_flight for k in view):
            unshown.clear()
            shown()

    async def worker() -> None:
        while pending:
            key = next_key()
            del pending[key]
            in_flight.add(key)
            try:
                await read(key)
            finally:
                in_flight.discard(key)
            unshown.add(key)
            publish_if_screen_read()

    workers = [asyncio.ensure_future(worker()) for _ in range(max(1, min(limit, len(pending))))]
    try:
        await asyncio.gather(*workers)
    finally:
        for task in workers:
            task.cancel()
