"""One tail over several log groups: Live Tail where it streams, FilterLogEvents where not.

`LogFeed(ctx, groups, filter_pattern, since=...)` yields batches of lines, each batch
in time order (timestamp, ingestion time, event id) with the group each line came from:

1. History: every line of the groups from `since` to now (FilterLogEvents, all pages).
2. Following, live: StartLiveTail on the groups' ARNs. Right after the session starts,
   one more overlapping FilterLogEvents read covers what was ingested between the
   history read and the session's start. A session that ends (three hours, a network
   error) is started again with the same overlapping read; nothing between sessions is
   lost. When an update says it `sampled` (over 500 lines a second), or this reader fell
   behind (more than `queue_updates` updates waiting: the oldest are dropped, as AWS
   itself drops for a slow reader), the gap is read back from FilterLogEvents and a
   Marker says so.
3. Following, polling: where live tail is refused (access denied, an endpoint without
   the operation, an endpoint that answers once and closes instead of streaming, more
   than 10 groups, named streams in several groups or over 100), LogTail's overlapping windows,
   de-duplicated by event id, at an adaptive interval, backing off under throttling.
   A Marker says why.

For a view (`keep_trying=True`): a failed first read is retried every interval instead of
raised, a later failure is kept in `error` (and said once as a Marker), and every read
yields a batch, even an empty one, so the view can redraw what it says: `mode` ("live" or
"polling") and `fallback_reason`, `interval`, `error`, `last_success`, `next_read_at`.
`read_now()` cuts the wait short: the next FilterLogEvents read comes at once (while live,
one overlapping read, de-duplicated against what live tail showed).

Live events carry no eventId, so a line read both ways (live and FilterLogEvents) is
recognised by its content: `ShownLines` counts, per (group, stream, timestamp, message),
the distinct event ids polled and the live deliveries, and shows a copy only when one
side has more than the other has shown: every line once, even identical ones. It
remembers lines stamped within the overlap window (plus a margin) and at most MAX_SEEN.

The filter pattern goes to AWS unchanged, both ways: nothing is filtered here.
"""

from __future__ import annotations

import asyncio
import heapq
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import AsyncIterator, Callable, Mapping, Sequence

from console.aws.context import AwsContext
from console.aws.errors import ErrorClass, classify
from console.clock import first_of
from console.cloudwatch.logs import (
    DEFAULT_BACKLOG, DEFAULT_MAX_INTERVAL, DEFAULT_OVERLAP, MAX_SEEN, MAX_STREAMS, LogEvent, LogTail, to_ms)
from console.cloudwatch.logs_buffer import Line, Marker
from console.cloudwatch.logs_live import (
    MAX_LIVE_GROUPS, UPDATE_EVENTS, LiveUpdate, SessionStarted, live_session, refusal, resolve_arns, timed_out)

FOLLOW_INTERVAL = 1.0  # seconds between polls while following and idle (a new line shows within 2 s)
FLOWING_INTERVAL = 0.5  # seconds between polls while lines flow
QUEUE_UPDATES = 10  # live updates waiting for the reader before the oldest is dropped
SHORT_SESSIONS = 3  # sessions in a row failing before their second update: live tail is given up
SILENCE = 15.0  # seconds without a session start or update before a session counts as ended
MEMORY_MARGIN = 60.0  # seconds of timestamps remembered beyond the overlap window
# FilterLogEvents reads end this far after our clock's now: a gap read after a sample takes
# the lines of a writer whose clock is ahead of ours too (no later read may come to find them)
AHEAD = 60.0

ContentKey = tuple[str, str, int, str]
OpenSession = Callable[..., AsyncIterator["SessionStarted | LiveUpdate"]]


class LiveUnavailable(Exception):
    """Live tail cannot be used for this feed; the reason is said to the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Shown:
    ids: set[str] = field(default_factory=set)
    live: int = 0


class ShownLines:
    """Lines shown, by content, so that two transports never show one line twice."""

    def __init__(self, limit: int = MAX_SEEN) -> None:
        self._lines: dict[ContentKey, _Shown] = {}
        self._by_time: list[tuple[int, ContentKey]] = []
        self._limit = limit

    def __len__(self) -> int:
        return len(self._lines)

    def _entry(self, event: LogEvent) -> _Shown:
        key = (event.group, event.stream, event.timestamp_ms, event.message)
        entry = self._lines.get(key)
        if entry is None:
            entry = self._lines[key] = _Shown()
            heapq.heappush(self._by_time, (event.timestamp_ms, key))
            while len(self._lines) > self._limit:
                _, old = heapq.heappop(self._by_time)
                self._lines.pop(old, None)
        return entry

    def add_polled(self, event: LogEvent) -> bool:
        """A line FilterLogEvents returned: True when it is to be shown."""
        entry = self._entry(event)
        if event.event_id in entry.ids:
            return False
        entry.ids.add(event.event_id)
        return len(entry.ids) > entry.live

    def add_live(self, event: LogEvent) -> bool:
        """A line live tail delivered (each exactly once): True when it is to be shown."""
        entry = self._entry(event)
        entry.live += 1
        return entry.live > len(entry.ids)

    def forget_before(self, ms: int) -> None:
        while self._by_time and self._by_time[0][0] < ms:
            _, old = heapq.heappop(self._by_time)
            self._lines.pop(old, None)


@dataclass
class _Gap:
    """Lines live tail did not deliver: sampled away, or dropped for a slow reader."""

    sampled: bool = False
    dropped: int = 0  # events in updates this reader dropped

    def __bool__(self) -> bool:
        return self.sampled or bool(self.dropped)


class LogFeed:
    """Every line of `groups` from `since`, once, in batches; see the module docstring."""

    def __init__(
        self,
        ctx: AwsContext,
        groups: str | Sequence[str],
        filter_pattern: str | None = None,
        *,
        since: datetime | None = None,
        backlog: float = DEFAULT_BACKLOG,
        live: bool = True,
        poll_because: str | None = None,
        keep_trying: bool = False,
        interval: float = FOLLOW_INTERVAL,
        fast_interval: float | None = FLOWING_INTERVAL,
        max_interval: float = DEFAULT_MAX_INTERVAL,
        overlap: float = DEFAULT_OVERLAP,
        streams: Sequence[str] | Mapping[str, Sequence[str]] | None = None,
        queue_updates: int = QUEUE_UPDATES,
        open_session: OpenSession = live_session,
    ) -> None:
        """`poll_because`: poll instead of trying live tail, for this reason (said to the
        user); `keep_trying`: a view's feed (module docstring)."""
        self.ctx = ctx
        self.tail = LogTail(ctx, groups, filter_pattern, since=since, backlog=backlog, overlap=overlap,
                            interval=interval, fast_interval=fast_interval, max_interval=max_interval,
                            streams=streams, ahead=AHEAD)
        self.groups = self.tail.groups
        self.filter_pattern = filter_pattern
        self.live = live and poll_because is None
        self.keep_trying = keep_trying
        self.overlap = overlap
        self.queue_updates = queue_updates
        self.open_session = open_session
        # "live" while a session streams, "polling" otherwise ("starting": live tail not tried yet)
        self.mode = "starting" if self.live else "polling"
        self.fallback_reason: str | None = poll_because
        self.sessions = 0  # live tail sessions started
        self.backfills = 0  # FilterLogEvents reads made to fill a live tail gap
        self.reads = 0  # reads finished, good or not: FilterLogEvents reads and live updates
        self.error: BaseException | None = None  # the last read's failure (None: it succeeded)
        self.last_success: float | None = None  # clock.monotonic() of the last good read or update
        self.last_read_at: datetime | None = None  # clock.now() of it
        self.next_read_at: float | None = None  # clock.monotonic() of the next polling read
        self.shown = ShownLines()
        self._start_ms = to_ms(self.tail.window_start)
        self._failing: str | None = None  # the last error said, until a read succeeds again
        self._wake = asyncio.Event()  # read_now() was asked

    @property
    def clock(self):
        return self.ctx.clock

    @property
    def interval(self) -> float:
        """Seconds between polling reads now (backed off under throttling)."""
        return self.tail.interval

    def read_now(self) -> None:
        """Read FilterLogEvents at once instead of at the end of the wait (ctrl+r in a view)."""
        self._wake.set()

    def _marker(self, kind: str, text: str) -> Marker:
        return Marker(self.clock.now(), kind, text)

    def _succeeded(self) -> None:
        self.reads += 1
        self.error = None
        self.last_success = self.clock.monotonic()
        self.last_read_at = self.clock.now()

    def _failed(self, exc: BaseException) -> None:
        self.reads += 1
        self.error = exc

    async def _pause(self) -> None:
        """Until the next polling read: `interval` seconds on the clock, or read_now()."""
        self.next_read_at = self.clock.monotonic() + self.tail.interval
        await first_of(self.clock.sleep(self.tail.interval), self._wake.wait())
        self._wake.clear()
        self.next_read_at = None

    # reading ------------------------------------------------------------------------
    async def history(self) -> list[LogEvent]:
        """The lines from `since` to now, in order (one FilterLogEvents read, all pages)."""
        try:
            events = self._keep_polled(await self.tail.poll())
        except Exception as exc:
            self._failed(exc)
            raise
        self._succeeded()
        return events

    async def _history(self) -> AsyncIterator[list[Line]]:
        """The history; keeping trying, each failed attempt is an empty batch (the failure
        in `error`) and the read is made again after the interval (or read_now)."""
        while True:
            try:
                events = await self.history()
            except Exception:
                if not self.keep_trying:
                    raise
            else:
                yield events
                return
            yield []
            await self._pause()

    def _keep_polled(self, events: list[LogEvent]) -> list[LogEvent]:
        kept = [event for event in events if self.shown.add_polled(event)]
        # a read never goes back before the tail's window: what is older cannot come again
        self.shown.forget_before(to_ms(self.tail.window_start) - int(MEMORY_MARGIN * 1000))
        return kept

    async def batches(self, follow: bool = True) -> AsyncIterator[list[Line]]:
        """The history, then (following) every new line, forever. Errors of the history
        read are raised (keeping trying: retried); later ones become Markers and reading
        goes on."""
        async for batch in self._history():
            yield batch
        if not follow:
            return
        if self.live:
            try:
                async for batch in self._live():
                    yield batch
            except LiveUnavailable as exc:
                yield [self._fall_back(exc.reason)]
            except Exception as exc:  # noqa: BLE001 - a view goes on polling; the reads say what is wrong
                if not self.keep_trying:
                    raise
                yield [self._fall_back(f"live tail failed ({type(exc).__name__}: {exc})")]
        self.mode = "polling"
        async for batch in self._poll_forever():
            yield batch

    def _fall_back(self, reason: str) -> Marker:
        self.fallback_reason = reason
        self.mode = "polling"
        return self._marker("fallback", f"{reason}: polling FilterLogEvents every {self.tail.backoff.base:g} s instead")

    async def _poll_forever(self) -> AsyncIterator[list[Line]]:
        while True:
            await self._pause()
            batch = await self._read_window()
            if batch or self.keep_trying:
                yield batch or []

    async def _read_window(self, markers: Sequence[Marker] = ()) -> list[Line] | None:
        """One overlapping FilterLogEvents read: markers then the new lines; a failure is a
        Marker (once until it changes), throttling only slows the next read."""
        try:
            events = self._keep_polled(await self.tail.poll())
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - said as a marker; the next read retries
            self._failed(exc)
            if classify(exc) is ErrorClass.THROTTLED:
                return None
            said = f"reading failed, retrying: {type(exc).__name__}: {exc}"
            if said == self._failing:
                return None
            self._failing = said
            return [self._marker("error", said)]
        self._succeeded()
        batch: list[Line] = list(markers)
        if self._failing is not None:
            self._failing = None
            batch.append(self._marker("recovered", "reading again"))
        return batch + events

    # live tail ----------------------------------------------------------------------
    def _why_not_live(self) -> str | None:
        if len(self.groups) > MAX_LIVE_GROUPS:
            return f"live tail takes at most {MAX_LIVE_GROUPS} log groups ({len(self.groups)} asked)"
        if self.tail.streams and len(self.groups) > 1:
            return "live tail names streams of one log group only"
        if len(self.tail.streams_of(self.groups[0]) or ()) > MAX_STREAMS:
            return f"live tail names at most {MAX_STREAMS} streams"
        return None

    def _recent_window(self) -> None:
        """Live reads go back no further than the overlap: the lines live tail showed are
        remembered that far (ShownLines), so anything read again is recognised."""
        now = self.clock.now()
        self.tail.skip_to(now - timedelta(seconds=self.overlap))
        self.shown.forget_before(to_ms(now - timedelta(seconds=self.overlap + MEMORY_MARGIN)))

    async def _live(self) -> AsyncIterator[list[Line]]:
        why = self._why_not_live()
        if why:
            raise LiveUnavailable(why)
        try:
            arns = await resolve_arns(self.ctx, self.groups)
        except LookupError as exc:
            if self.keep_trying:  # the polling reads say which group is missing, and find it when it comes
                raise LiveUnavailable(str(exc)) from None
            raise
        except Exception as exc:  # noqa: BLE001 - cannot name ARNs: poll instead
            raise LiveUnavailable(refusal(exc) or str(exc)) from None
        streams = self.tail.streams_of(self.groups[0]) if len(self.groups) == 1 else None
        reconnect: Marker | None = None
        short = 0  # sessions in a row that failed before their second update
        while True:
            updates: deque[LiveUpdate] = deque()
            arrived = asyncio.Event()
            state: dict = {"started": False, "ended": False, "error": None, "gap": _Gap()}
            reader = asyncio.create_task(self._read_session(arns, streams, updates, arrived, state))
            try:
                await self._wait(arrived, state)
                if not state["started"]:
                    exc = state["error"]
                    if exc is None:
                        raise LiveUnavailable("StartLiveTail answered with no session")
                    reason = refusal(exc)
                    if reason is None:
                        raise exc
                    raise LiveUnavailable(reason)
                self.sessions += 1
                # what was ingested before the session started: one overlapping read
                self._recent_window()
                handover = await self._read_window([reconnect] if reconnect else []) or []
                self.mode = "live"  # once the handover is read: from here on, lines come live
                yield handover  # (always a batch, even empty: the reader sees that the session is live)
                async for batch in self._session_batches(updates, arrived, state):
                    yield batch
            finally:
                reader.cancel()
            exc = state["error"]
            if exc is not None and refusal(exc) is None:
                raise exc
            why = "three-hour session limit" if exc is not None and timed_out(exc) else (
                f"{type(exc).__name__}" if exc is not None else "the stream closed")
            short = short + 1 if state.get("updates", 0) < 2 and not (exc is not None and timed_out(exc)) else 0
            if short >= SHORT_SESSIONS:
                raise LiveUnavailable(f"live tail sessions keep failing ({why})")
            if short:  # failing fast: not a tight loop of StartLiveTail calls
                await self.clock.sleep(self.tail.backoff.base * 2 ** short)
            reconnect = self._marker("reconnected", f"live tail session ended ({why}); reconnected, "
                                                    f"lines between sessions read from FilterLogEvents")

    async def _wait(self, arrived: asyncio.Event, state: dict, wakeable: bool = False) -> None:
        """Until the reader has news, or SILENCE seconds without any (on the injected
        clock): AWS sends an update every second, so silence ends the session.
        `wakeable`: read_now() ends the wait too."""
        _, silence, *_ = await first_of(arrived.wait(), self.clock.sleep(SILENCE),
                                        *([self._wake.wait()] if wakeable else []))
        if silence.done() and not silence.cancelled() and not arrived.is_set() and not state["ended"]:
            state["ended"] = True
            state["error"] = state["error"] or TimeoutError(f"no word from live tail in {SILENCE:g} s")
        arrived.clear()

    async def _read_session(self, arns: Mapping[str, str], streams: Sequence[str] | None,
                            updates: deque[LiveUpdate], arrived: asyncio.Event, state: dict) -> None:
        """Reads the stream as fast as it comes (never waiting for the consumer), keeping at
        most `queue_updates` updates: a slow consumer loses the oldest, counted as a gap."""
        try:
            async for item in self.open_session(self.ctx, arns, self.filter_pattern, streams):
                if isinstance(item, SessionStarted):
                    state["started"] = True
                else:
                    updates.append(item)
                    while len(updates) > self.queue_updates:
                        state["gap"].dropped += len(updates.popleft().events)
                arrived.set()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the consumer decides: refused, reconnect or raise
            state["error"] = exc
        state["ended"] = True
        arrived.set()

    async def _session_batches(self, updates: deque[LiveUpdate], arrived: asyncio.Event,
                               state: dict) -> AsyncIterator[list[Line]]:
        """The session's updates as batches. The first update is held until a second comes:
        an endpoint that answers one update and closes does not stream (moto answers a
        snapshot of old lines), and its lines are not shown live."""
        received = 0
        held: LiveUpdate | None = None
        next_backfill = -float("inf")
        while True:
            if not updates and not state["ended"]:
                await self._wait(arrived, state, wakeable=True)
            if self._wake.is_set():  # read now: one overlapping read beside the session
                self._wake.clear()
                self._recent_window()
                batch = await self._read_window()
                if batch or self.keep_trying:
                    yield batch or []
            while updates:
                update = updates.popleft()
                received += 1
                self._succeeded()
                if received == 1:
                    held = update
                    continue
                events: list[LogEvent] = []
                for pending in ((held, update) if held is not None else (update,)):
                    events += self._keep_live(pending, state["gap"])
                held = None
                events.sort(key=lambda event: event.sort_key)
                batch: list[Line] = list(events)
                if any([self.tail.written_to(event.group, event.stream) for event in events]):
                    # a followed stream written for the first time: its earlier lines are read
                    batch += await self._read_window() or []
                gap = state["gap"]
                now = self.clock.monotonic()
                if gap and (not update.sampled or now >= next_backfill):
                    filled = await self._backfill(gap)
                    if filled is not None:
                        batch += filled
                        state["gap"] = _Gap()
                        next_backfill = now + self.tail.backoff.base
                if batch or self.keep_trying:
                    yield batch
            if state["ended"] and not updates:
                state["updates"] = received
                if received < 2 and state["error"] is None:
                    raise LiveUnavailable("this endpoint does not stream live tail (it answered once and closed)")
                return

    def _keep_live(self, update: LiveUpdate, gap: _Gap) -> list[Line]:
        if update.sampled:
            gap.sampled = True
        return [event for event in update.events
                if event.timestamp_ms >= self._start_ms and self.shown.add_live(event)]

    async def _backfill(self, gap: _Gap) -> list[Line] | None:
        """The gap read back from FilterLogEvents (the overlap window): a Marker, then the
        lines live tail did not deliver. None when the read failed (tried again later)."""
        self._recent_window()
        before = self.tail.requests
        try:
            events = self._keep_polled(await self.tail.poll())
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - the gap stays; the next update tries again
            return None
        self.backfills += 1
        if gap.sampled:
            why = f"live tail sampled (over {UPDATE_EVENTS} lines a second)"
        else:
            why = f"this reader fell behind live tail ({gap.dropped:,} lines dropped)"
        calls = self.tail.requests - before
        marker = self._marker("sampled" if gap.sampled else "behind",
                              f"{why}: {len(events):,} more backfilled from FilterLogEvents "
                              f"({calls} call{'s' if calls != 1 else ''})")
        return [marker, *events]

