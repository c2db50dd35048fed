"""Pollers publish Snapshots to one Store; subscriptions decide how often each runs.

- A source's ticks never overlap: each source is one loop that fetches, publishes,
  then sleeps on the injected clock.
- Slow calls are not cancelled for slowness; only `switch_target`, `stop` and a
  source losing its last subscriber (screen closed) cancel them. Results of an older
  generation are dropped by the Store.
- A failed fetch republishes the last items with the error: the UI shows them as stale
  with their age. Throttling doubles the source's interval until a fetch succeeds.
- A source's interval stretches with what its ticks cost, so a regular source stays
  within its part of opsdeck's share of each API quota (console.aws.budget); sweeps
  spend what is left (AwsContext.spare), visible items first (AwsContext.on_screen,
  which screens keep up to date with `show_keys`).
- A first load puts the screen first: costly phases wait for the first paint, and reads
  only rows off screen need wait until every subscribed source has read its part of the
  screen (`screen_completed`; AwsContext.after_screen_complete).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Awaitable, Callable

from console.aws.budget import current_source
from console.aws.clients import ClientPool
from console.aws.context import AwsContext
from console.aws.errors import ErrorClass, Problem, describe_problem
from console.clock import Clock, first_of
from console.target import Target

log = logging.getLogger(__name__)

Fetch = Callable[[AwsContext], Awaitable[tuple[Any, ...]]]
Listener = Callable[["Snapshot"], None]

MAX_BACKOFF = 8  # the interval grows to at most 8x under throttling


@dataclass(frozen=True)
class Snapshot:
    source: str
    target: Target
    generation: int
    fetched_at: datetime | None  # when `items` were fetched (wall clock)
    items: tuple[Any, ...]
    error: Problem | None = None
    fetched_mono: float | None = None  # clock.monotonic() of fetched_at, for ages
    complete: bool = True  # False: a first load's early part (e.g. functions before metrics)

    @property
    def loaded(self) -> bool:
        return self.fetched_at is not None

    @property
    def stale(self) -> bool:
        return self.error is not None and self.loaded

    def age(self, clock: Clock) -> float | None:
        if self.fetched_mono is None:
            return None
        return max(0.0, clock.monotonic() - self.fetched_mono)


class Store:
    """The latest Snapshot of each source; tells listeners about every new one."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.generation = 0
        self._latest: dict[str, Snapshot] = {}
        self._listeners: list[Listener] = []

    def listen(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def latest(self, source: str) -> Snapshot | None:
        return self._latest.get(source)

    def publish(self, snapshot: Snapshot) -> bool:
        """Keep and announce `snapshot` unless it belongs to an older generation."""
        if snapshot.generation != self.generation:
            return False
        self._latest[snapshot.source] = snapshot
        for listener in list(self._listeners):
            listener(snapshot)
        return True

    def forget(self, source: str) -> None:
        """Drop `source`'s snapshot (a source that was unregistered)."""
        self._latest.pop(source, None)

    def reset(self, generation: int) -> None:
        self.generation = generation
        self._latest.clear()

    def oldest_age(self, sources: set[str] | None = None) -> float | None:
        """Age in seconds of the oldest loaded data among `sources` (all when None)."""
        ages = [
            age
            for name, snap in self._latest.items()
            if sources is None or name in sources
            if (age := snap.age(self.clock)) is not None
        ]
        return max(ages) if ages else None


@dataclass
class _Source:
    name: str
    fetch: Fetch
    interval: float
    after: tuple[str, ...] = ()  # sources whose first result this one waits for
    subscribers: set[object] = field(default_factory=set)
    backoff: int = 1
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    asked: bool = False  # the wake was the user's (ctrl+r): the tick is `fresh`
    first_done: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    paced: float = 0.0  # the interval its last tick's cost calls for (console.aws.budget)
    screen_read: bool = False  # its part of the screen is read (AwsContext.screen_read)


class PollingEngine:
    """Runs one loop per subscribed source against the current target."""

    def __init__(self, pool: ClientPool, store: Store, target: Target, ui_paints: bool = False) -> None:
        self.pool = pool
        self.store = store
        self.clock = pool.clock
        self.target = target
        self._sources: dict[str, _Source] = {}
        self._running = False
        # Set once every subscribed primary source (one without `after`) has shown
        # something; fetches hold their costly phase until then (AwsContext.first_paint).
        # With `ui_paints`, "shown" means drawn: the UI says so (painted()), because a
        # costly phase started the moment the data is published (12,000 metric queries to
        # serialize) would hold up drawing it on the same event loop.
        self.ui_paints = ui_paints
        self._first_paint = asyncio.Event()
        self._shown: set[str] = set()
        self._on_screen: dict[str, frozenset[str]] = {}  # source -> keys of the items on screen
        self._moved: dict[str, asyncio.Event] = {}  # source -> set when its rows on screen change
        # Set once every subscribed source has read its part of the screen (or ended its
        # first tick): reads only the rows off screen need wait for it
        # (AwsContext.after_screen_complete).
        self._screen_complete = asyncio.Event()

    def register(self, name: str, fetch: Fetch, interval: float, after: tuple[str, ...] = ()) -> None:
        """Add a source. With `after`, its first tick waits until those sources have
        finished theirs, so a costly secondary source never delays the first paint."""
        self._sources[name] = _Source(name, fetch, interval, tuple(after))

    def unregister(self, name: str) -> None:
        """Remove a source (one a screen brought for itself, when the screen closes): its
        loop is cancelled and its snapshot and cost history forgotten."""
        source = self._sources.pop(name, None)
        if source is None:
            return
        if source.task is not None:
            source.task.cancel()
        self._shown.discard(name)
        self._on_screen.pop(name, None)
        self.store.forget(name)
        self.pool.budget.forget_source(name)
        self._check_screen_complete()

    @property
    def sources(self) -> list[str]:
        return list(self._sources)

    # subscriptions --------------------------------------------------------------
    def subscribe(self, name: str, subscriber: object) -> None:
        source = self._sources[name]
        source.subscribers.add(subscriber)
        if self._running and source.task is None:
            self._start(source)

    def unsubscribe(self, name: str, subscriber: object) -> None:
        source = self._sources[name]
        source.subscribers.discard(subscriber)
        if not source.subscribers and source.task is not None:
            source.task.cancel()
            source.task = None
        self._check_screen_complete()

    # lifecycle --------------------------------------------------------------------
    def start(self) -> None:
        self._running = True
        for source in self._sources.values():
            if source.subscribers and source.task is None:
                self._start(source)

    async def stop(self) -> None:
        self._running = False
        tasks = [s.task for s in self._sources.values() if s.task is not None]
        for source in self._sources.values():
            source.task = None
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def switch_target(self, target: Target) -> None:
        """Cancel everything in flight for the old target and start over on `target`."""
        await self.stop()
        self.target = target
        self.store.reset(self.store.generation + 1)
        for source in self._sources.values():
            source.first_done = asyncio.Event()
            source.screen_read = False
        self._first_paint = asyncio.Event()
        self._screen_complete = asyncio.Event()
        self._shown = set()
        self.start()

    def show_keys(self, name: str, keys: frozenset[str]) -> None:
        """The keys of `name`'s items a screen shows now: sweeps refresh them first. When
        rows come into view, the sources that follow `name` (`after`) run at once, so what
        the user scrolls to is read now, not at their next tick."""
        keys = frozenset(keys)
        before = self._on_screen.get(name, frozenset())
        self._on_screen[name] = keys
        if keys != before and name in self._moved:
            self._moved.pop(name).set()
        if keys - before:
            for source in self._sources.values():
                if name in source.after and source.task is not None:
                    source.wake.set()

    def on_screen(self, name: str) -> frozenset[str]:
        return self._on_screen.get(name, frozenset())

    def interval(self, name: str) -> float:
        """Seconds between `name`'s ticks now: its own, stretched to its API cost, backed off."""
        source = self._sources[name]
        return max(source.interval, source.paced) * source.backoff

    def refresh_now(self, name: str | None = None) -> None:
        """Run the source (or every subscribed one) now instead of at its next tick."""
        for source in self._sources.values():
            if name is None or source.name == name:
                source.backoff = 1
                source.asked = True
                source.wake.set()

    # the loop -------------------------------------------------------------------------
    def _start(self, source: _Source) -> None:
        source.task = asyncio.get_running_loop().create_task(
            self._run(source, self.target, self.store.generation), name=f"poll:{source.name}"
        )

    async def _run(self, source: _Source, target: Target, generation: int) -> None:
        context = AwsContext(self.pool, target)
        for name in source.after:
            before = self._sources[name]
            if before.subscribers:
                await before.first_done.wait()
        while True:
            asked, source.asked = source.asked, False  # asked for (refresh_now), not just due
            source.wake.clear()
            await self.tick(source.name, replace(context, fresh=asked), generation)
            source.first_done.set()
            self._read_screen(source.name, generation)
            await first_of(self.clock.sleep(self.interval(source.name)), source.wake.wait())

    async def tick(self, name: str, context: AwsContext, generation: int) -> Snapshot:
        """Fetch one source once and publish the result (or the error, keeping old items)."""
        source = self._sources[name]
        context = replace(context, partial=lambda items, whole: self._publish_partial(
                              name, context.target, generation, items, whole),
                          first_paint=self._first_paint.wait,
                          peer_items=lambda other: self._items_of(other, context.target, generation),
                          visible=self.on_screen,
                          screen_read_hook=lambda: self._read_screen(name, generation),
                          screen_complete=self._until_screen_complete,
                          view_moved=self._view_moved)
        budget = self.pool.budget
        spent = budget.source_costs(name, context.target)
        token = current_source.set(name)
        try:
            items = tuple(await source.fetch(context))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # every failure becomes a Problem on screen, never a traceback
            log.debug("fetch %s failed", name, exc_info=True)
            problem = describe_problem(exc, profile=context.target.profile, endpoint=context.target.endpoint)
            if problem.kind is ErrorClass.THROTTLED:
                source.backoff = min(source.backoff * 2, MAX_BACKOFF)
            previous = self.store.latest(name)
            if previous is not None and previous.generation == generation:
                snapshot = replace(previous, error=problem)
            else:
                snapshot = Snapshot(name, context.target, generation, None, (), problem)
        else:
            source.backoff = 1
            cost = {q: n - spent.get(q, 0) for q, n in budget.source_costs(name, context.target).items()}
            source.paced = budget.interval_for(context.target, cost, 0.0)
            snapshot = Snapshot(
                name, context.target, generation, self.clock.now(), items, None, self.clock.monotonic()
            )
        finally:
            current_source.reset(token)
        self._publish(snapshot)
        return snapshot

    def _publish(self, snapshot: Snapshot) -> None:
        if self.store.publish(snapshot):
            self._shown.add(snapshot.source)
            if not self.ui_paints and self._all_shown():
                self._first_paint.set()

    def _all_shown(self) -> bool:
        primaries = {s.name for s in self._sources.values() if s.subscribers and not s.after}
        return primaries <= self._shown

    async def _view_moved(self, name: str) -> None:
        await self._moved.setdefault(name, asyncio.Event()).wait()

    def _read_screen(self, name: str, generation: int) -> None:
        source = self._sources.get(name)
        if source is not None and generation == self.store.generation:
            source.screen_read = True
            self._check_screen_complete()

    def _check_screen_complete(self) -> None:
        if all(s.screen_read for s in self._sources.values() if s.subscribers):
            self._screen_complete.set()

    async def _until_screen_complete(self) -> None:
        self._check_screen_complete()  # none subscribed (a tick run directly): nothing to wait for
        await self._screen_complete.wait()

    @property
    def screen_completed(self) -> bool:
        """Every subscribed source has read its part of the screen (or ended a tick)."""
        return self._screen_complete.is_set()

    @property
    def first_painted(self) -> bool:
        return self._first_paint.is_set()

    def painted(self) -> None:
        """The UI has drawn what the sources published: once every primary source has
        published, their costly phases may start."""
        if self._all_shown():
            self._first_paint.set()

    def _items_of(self, name: str, target: Target, generation: int) -> tuple[Any, ...] | None:
        snapshot = self.store.latest(name)
        if snapshot is None or snapshot.generation != generation or snapshot.target != target or not snapshot.loaded:
            return None
        return snapshot.items

    def _publish_partial(self, name: str, target: Target, generation: int, items: tuple[Any, ...],
                         whole: bool = False) -> None:
        """Show early results only while nothing better is on screen: a later part of a
        first load replaces an earlier one, but nothing replaces a complete snapshot (that
        would blank the metrics on every refresh) -- except a `whole` one (a sweep's
        result so far, everything it knew and newer where it has read)."""
        previous = self.store.latest(name)
        if (not whole and previous is not None and previous.generation == generation and previous.loaded
                and previous.complete):
            return
        self._publish(Snapshot(name, target, generation, self.clock.now(), items, None,
                               self.clock.monotonic(), complete=whole))
