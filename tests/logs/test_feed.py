"""LogFeed over HTTP: several groups interleaved, live tail where it streams, polling where
not, gaps backfilled, every line once.

FilterLogEvents and DescribeLogGroups are the embedded server's. Live tail is the embedded
server's too where it is tested as moto answers it (one snapshot, then the stream closes:
an endpoint that does not stream). Until the embedded AWS streams StartLiveTail (branch
i13-embedded), sessions that stream are scripted (`Sessions`): each update carries lines
the test wrote to the server, as AWS would deliver them, so the de-duplication between the
two transports is checked against what FilterLogEvents really returns.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError, EventStreamError

from console.aws.errors import ErrorClass, classify
from console.cloudwatch.logs import LogEvent, to_ms
from console.cloudwatch.logs_buffer import Marker
from console.cloudwatch.logs_feed import LogFeed, ShownLines
from console.cloudwatch.logs_live import LiveUpdate, MissingGroups, SessionStarted, live_session, resolve_arns
from tests.logs.conftest import LogWriter

S = timedelta(seconds=1)


def texts(batch) -> list[str]:
    return [line.message if isinstance(line, LogEvent) else f"<{line.kind}>" if isinstance(line, Marker)
            else line[-1] for line in batch]


async def next_batch(batches, clock=None, step: float = 1.0, rounds: int = 200):
    """The feed's next batch; with `clock`, time moves `step` s whenever the feed sleeps on it."""
    task = asyncio.ensure_future(anext(batches))
    for _ in range(rounds):
        await asyncio.wait({task}, timeout=0.05)
        if task.done():
            return task.result()
        if clock is not None and clock.sleepers:
            await clock.advance(step)
    task.cancel()
    raise AssertionError("the feed produced nothing")


class Sessions:
    """Scripted StartLiveTail sessions: each opened session streams what the test puts in
    its queue (a LiveUpdate, an exception to end it with, or None to close the stream)."""

    def __init__(self) -> None:
        self.queues: list[asyncio.Queue] = []
        self.opened = asyncio.Event()
        self.asked: list[tuple] = []

    def __call__(self, ctx, arns, filter_pattern, streams):
        self.asked.append((dict(arns), filter_pattern, streams))
        queue: asyncio.Queue = asyncio.Queue()
        self.queues.append(queue)
        self.opened.set()
        return self._stream(queue)

    @staticmethod
    async def _stream(queue):
        yield SessionStarted("scripted")
        while True:
            item = await queue.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def send(self, *items) -> None:
        for item in items:
            self.queues[-1].put_nowait(item)


async def live_feed(ctx, groups="/g", **options):
    """A feed on scripted sessions, its history read and its first session open."""
    sessions = Sessions()
    feed = LogFeed(ctx, groups, open_session=sessions, **options)
    batches = feed.batches()
    await next_batch(batches)
    handover = asyncio.ensure_future(next_batch(batches))
    await sessions.opened.wait()
    await handover
    return feed, batches, sessions


def live(lines, sampled: bool = False) -> LiveUpdate:
    """A live update carrying `lines` ((group, stream, at, message)), as AWS sends them: no eventId."""
    return LiveUpdate(tuple(LogEvent(group, stream, at, at, message, f"live-{i}")
                            for i, (group, stream, at, message) in enumerate(lines)), sampled)


def once_each(shown, written) -> None:
    """Every written message shown exactly as many times as it was written."""
    assert Counter(m for m in texts(shown) if not m.startswith("<")) == Counter(written)


# history, several groups -----------------------------------------------------------
async def test_history_interleaves_groups_and_streams_by_time(tail_env, t0):
    account, clock, ctx = tail_env
    a, b = LogWriter(account, "/a"), LogWriter(account, "/b")
    a.put_many([(t0 - 50 * S, "a1"), (t0 - 20 * S, "a3")], stream="x")
    b.put_many([(t0 - 40 * S, "b1"), (t0 - 5 * S, "b3")], stream="y")
    a.put(t0 - 30 * S, "a2-late", stream="z")  # written last, stamped in the middle
    b.put(t0 - 90 * S, "before-start")
    feed = LogFeed(ctx, ["/a", "/b"], since=t0 - 60 * S)
    [batch] = [batch async for batch in feed.batches(follow=False)]
    assert [(e.group, e.message) for e in batch] == [
        ("/a", "a1"), ("/b", "b1"), ("/a", "a2-late"), ("/a", "a3"), ("/b", "b3")]


async def test_filter_pattern_goes_to_aws_unchanged(tail_env, t0):
    account, clock, ctx = tail_env
    a = LogWriter(account, "/a")
    a.put_many([(t0 - 3 * S, "ERROR card declined"), (t0 - 2 * S, "INFO ok"), (t0 - 1 * S, "error lower")])
    feed = LogFeed(ctx, ["/a"], "ERROR", since=t0 - 60 * S)
    [batch] = [batch async for batch in feed.batches(follow=False)]
    # CloudWatch terms are case-sensitive: "error lower" does not match ERROR
    assert texts(batch) == ["ERROR card declined"]


async def test_missing_group_is_named(tail_env, t0):
    account, clock, ctx = tail_env
    LogWriter(account, "/here")
    with pytest.raises(MissingGroups) as raised:
        await resolve_arns(ctx, ["/here", "/gone", "/also-gone"])
    assert raised.value.names == ("/gone", "/also-gone")
    assert "/gone, /also-gone do not exist" in str(raised.value)


# live tail end to end: the embedded AWS streams StartLiveTail (one update a wall-clock second)
async def test_live_session_parses_the_event_stream(tail_env, t0):
    account, clock, ctx = tail_env
    a, b = LogWriter(account, "/a"), LogWriter(account, "/b")
    a.put(t0 - 5 * S, "before the session")
    arns = await resolve_arns(ctx, ["/a", "/b"])
    assert all(arn.startswith("arn:aws:logs:us-east-1:") and not arn.endswith(":*") for arn in arns.values())
    session = live_session(ctx, arns)
    events: list[LogEvent] = []
    try:
        assert isinstance(await anext(session), SessionStarted)
        a.put(t0 - 1 * S, "one")
        b.put(t0 - 2 * S, "two\x1b[31m", stream="other")
        async with asyncio.timeout(10):
            while len(events) < 2:
                update = await anext(session)
                assert isinstance(update, LiveUpdate) and not update.sampled
                events += update.events
    finally:
        await session.aclose()
    assert sorted((e.group, e.stream, e.message, e.timestamp) for e in events) == [
        ("/a", "s1", "one", t0 - 1 * S), ("/b", "other", "two\x1b[31m", t0 - 2 * S)]
    assert len({e.event_id for e in events}) == 2


async def until(batches, wanted, seconds: float = 15.0) -> list:
    """Batches until every message in `wanted` was shown (live updates come each second)."""
    shown: list = []
    async with asyncio.timeout(seconds):
        while not set(wanted) <= set(texts(shown)):
            shown += await anext(batches)
    return shown


async def test_live_tail_end_to_end_each_line_once_across_groups_streams_and_late_ones(tail_env, t0):
    account, clock, ctx = tail_env
    a, b = LogWriter(account, "/a"), LogWriter(account, "/b")
    a.put(t0 - 20 * S, "history")
    feed = LogFeed(ctx, ["/a", "/b"], since=t0 - 60 * S)
    batches = feed.batches()
    try:
        shown = list(await anext(batches))
        a.put(t0 - 15 * S, "between")  # after the history read, before the session: the handover finds it
        shown += await anext(batches)
        assert feed.mode == "live" and feed.sessions == 1
        a.put(t0 - 2 * S, "a-live", stream="x")
        b.put(t0 - 1 * S, "b-live", stream="y")
        b.put(t0 - 50 * S, "b-late-by-50s", stream="z")
        shown += await until(batches, ["a-live", "b-live", "b-late-by-50s"])
        once_each(shown, ["history", "between", "a-live", "b-live", "b-late-by-50s"])
        assert feed.backfills == 0 and feed.tail.requests == 4  # history + handover, two groups each
    finally:
        await batches.aclose()


async def test_live_tail_sampling_is_backfilled_end_to_end(tail_env, t0):
    """1,500 lines in one second: the embedded AWS sends a sample of 500, marked sampled; the
    feed reads the rest from FilterLogEvents and says so."""
    account, clock, ctx = tail_env
    logs = LogWriter(account, "/g")
    feed = LogFeed(ctx, "/g", since=t0 - 60 * S)
    batches = feed.batches()
    try:
        await anext(batches)
        await anext(batches)  # the session started
        burst = [f"burst-{i}" for i in range(1500)]
        for stream in range(3):
            logs.put_many([(t0 - (10 - stream) * S, m) for m in burst[stream::3]], stream=f"s{stream}")
        shown = await until(batches, burst)
        markers = [line for line in shown if isinstance(line, Marker)]
        assert [m.kind for m in markers] == ["sampled"] and "over 500 lines a second" in markers[0].text
        once_each(shown, burst)
        assert feed.backfills == 1
    finally:
        await batches.aclose()


async def test_endpoint_that_does_not_stream_falls_back_to_polling_and_repeats_nothing(tail_env, t0):
    """An endpoint that answers one update (moto's snapshot of every stored line, old ones
    included) and closes does not stream: the feed says so, polls, and shows none of those
    lines again. Scripted: the embedded AWS streams."""
    account, clock, ctx = tail_env
    logs = LogWriter(account, "/g")
    logs.put_many([(t0 - 30 * S, "old-1"), (t0 - 10 * S, "old-2")])
    sessions = Sessions()
    feed = LogFeed(ctx, "/g", since=t0 - 60 * S, open_session=sessions)
    batches = feed.batches()
    assert texts(await next_batch(batches)) == ["old-1", "old-2"]
    handover = asyncio.ensure_future(next_batch(batches))
    await sessions.opened.wait()
    assert await handover == []
    snapshot = [("/g", "s1", t0 - 90 * S, "older-than-since"), ("/g", "s1", t0 - 30 * S, "old-1"),
                ("/g", "s1", t0 - 10 * S, "old-2")]
    sessions.send(live(snapshot), None)
    fallback = await next_batch(batches)
    assert texts(fallback) == ["<fallback>"] and "does not stream" in fallback[0].text
    assert feed.mode == "polling" and feed.sessions == 1
    logs.put(t0 + 1 * S, "new")
    logs.put(t0 - 5 * S, "late", stream="s2")
    assert texts(await next_batch(batches, clock)) == ["late", "new"]
    # idle for 10 s (polls find nothing), then a line: shown within a second of clock time
    polls = feed.tail.requests
    waiting = asyncio.ensure_future(anext(batches))
    for _ in range(40):
        await clock.advance(0.25)
        await asyncio.sleep(0.02)
    assert not waiting.done() and feed.tail.requests > polls
    written_at = clock.monotonic()
    logs.put(clock.now(), "newer")
    for _ in range(200):
        if waiting.done():
            break
        await asyncio.sleep(0.02)
        if clock.sleepers:
            await clock.advance(0.25)
    assert texts(waiting.result()) == ["newer"]
    assert clock.monotonic() - written_at <= 1.0, "following polls at most a second apart"
    await batches.aclose()


async def test_refused_live_tail_falls_back_with_the_reason(tail_env, t0):
    account, clock, ctx = tail_env
    logs = LogWriter(account, "/g")

    async def denied(*_args):
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "StartLiveTail")
        yield  # an async generator, as a session is

    feed = LogFeed(ctx, "/g", since=t0 - 60 * S, open_session=denied)
    batches = feed.batches()
    assert await next_batch(batches) == []
    fallback = await next_batch(batches)
    assert "access denied to StartLiveTail" in fallback[0].text and feed.fallback_reason
    logs.put(t0, "polled")
    assert texts(await next_batch(batches, clock)) == ["polled"]
    await batches.aclose()


async def test_more_than_ten_groups_or_100_streams_poll(tail_env, t0):
    account, clock, ctx = tail_env
    groups = [f"/g{i}" for i in range(11)]
    for group in groups:
        LogWriter(account, group)
    sessions = Sessions()
    batches = LogFeed(ctx, groups, since=t0, open_session=sessions).batches()
    await next_batch(batches)
    fallback = await next_batch(batches)
    assert "at most 10 log groups" in fallback[0].text and sessions.asked == []
    await batches.aclose()
    many = [f"task/{i}" for i in range(101)]  # StartLiveTail's logStreamNames: at most 100
    batches = LogFeed(ctx, "/g0", since=t0, streams=many, open_session=sessions).batches()
    await next_batch(batches)
    assert "at most 100 streams" in (await next_batch(batches))[0].text and sessions.asked == []
    await batches.aclose()


# live tail that streams (scripted) --------------------------------------------------
async def test_live_lines_once_across_handover_sampling_and_late_ingestion(tail_env, t0):
    account, clock, ctx = tail_env
    a, b = LogWriter(account, "/a"), LogWriter(account, "/b")
    a.put(t0 - 20 * S, "history")
    sessions = Sessions()
    feed = LogFeed(ctx, ["/a", "/b"], "", since=t0 - 60 * S, open_session=sessions)
    batches = feed.batches()
    shown = list(await next_batch(batches))
    # ingested between the history read and the session's start: the handover read finds it
    a.put(t0 - 1 * S, "between")
    handover = asyncio.ensure_future(next_batch(batches))
    await sessions.opened.wait()
    shown += await handover
    assert feed.mode == "live" and sessions.asked[0][0].keys() == {"/a", "/b"}
    await clock.advance(3)  # the burst runs to 3 s after our clock: its writer's clock is ahead
    # 'between' again from live tail (ingested after the session started, as AWS may say)
    burst = [("/a" if i % 2 else "/b", f"s{i % 3}", t0 + (i % 7) * S, f"burst-{i}") for i in range(1200)]
    for group, writer in (("/a", a), ("/b", b)):
        for stream in ("s0", "s1", "s2"):
            writer.put_many(sorted((at, m) for g, s, at, m in burst if g == group and s == stream), stream=stream)
    sessions.send(live([("/a", "s1", t0 - 1 * S, "between")]),  # held until a second update shows it streams
                  live(burst[:500], sampled=True))  # 1200 matched this second: a sample of 500
    got = await next_batch(batches)
    marker = [line for line in got if isinstance(line, Marker)]
    assert [m.kind for m in marker] == ["sampled"] and "backfilled from FilterLogEvents" in marker[0].text
    shown += got
    # ingested now, stamped 40 s ago, in a new stream: live tail delivers it, once
    late = ("/b", "late-stream", t0 - 40 * S, "late-by-40s")
    b.put(late[2], late[3], stream=late[1])
    sessions.send(live([late]))
    assert texts(await next_batch(batches)) == ["late-by-40s"]
    shown += [late]
    once_each(shown, ["history", "between", *(m for *_, m in burst), "late-by-40s"])
    assert feed.backfills == 1
    await batches.aclose()


async def test_identical_lines_are_shown_as_often_as_written(tail_env, t0):
    account, clock, ctx = tail_env
    logs = LogWriter(account, "/g")
    feed, batches, sessions = await live_feed(ctx, since=t0 - 60 * S)
    same = [(t0, "retrying"), (t0, "retrying"), (t0, "retrying")]
    logs.put_many(same)
    # live tail delivered two of the three (sampled): the backfill adds exactly one more
    sessions.send(live([]), live([("/g", "s1", t0, "retrying")] * 2, sampled=True))
    got = await next_batch(batches)
    assert texts(got).count("retrying") == 3
    await batches.aclose()


async def test_a_reader_that_falls_behind_loses_nothing(tail_env, t0):
    """More updates waiting than `queue_updates`: the oldest are dropped (as AWS drops for a
    slow reader) and read back from FilterLogEvents, with a marker."""
    account, clock, ctx = tail_env
    logs = LogWriter(account, "/g")
    feed, batches, sessions = await live_feed(ctx, since=t0 - 60 * S, queue_updates=2)
    await clock.advance(10)
    written = []
    for second in range(6):  # six updates arrive while nobody reads
        lines = [(t0 + second * S, f"u{second}-{i}") for i in range(3)]
        logs.put_many(lines, stream=f"s{second % 2}")
        written += [m for _, m in lines]
        sessions.send(live([("/g", f"s{second % 2}", at, m) for at, m in lines]))
    for _ in range(20):
        await asyncio.sleep(0)
    got = await next_batch(batches)
    assert [line.kind for line in got if isinstance(line, Marker)] == ["behind"]
    assert "12 lines dropped" in next(line.text for line in got if isinstance(line, Marker))
    once_each(got, written)
    await batches.aclose()


async def test_a_session_that_ends_reconnects_and_reads_the_gap(tail_env, t0):
    account, clock, ctx = tail_env
    logs = LogWriter(account, "/g")
    feed, batches, sessions = await live_feed(ctx, since=t0 - 60 * S)
    logs.put(t0, "first")
    sessions.send(live([]), live([("/g", "s1", t0, "first")]))
    shown = list(await next_batch(batches))
    # three hours on: AWS ends the session; a line is ingested before the next one starts
    await clock.advance(5)
    logs.put(t0 + 2 * S, "in-the-gap", stream="s2")
    sessions.opened.clear()
    timeout = EventStreamError({"Error": {"Code": "SessionTimeoutException", "Message": "3 h"}}, "StartLiveTail")
    sessions.send(timeout)
    reconnected = await next_batch(batches)
    assert texts(reconnected) == ["<reconnected>", "in-the-gap"]
    assert "three-hour session limit" in reconnected[0].text and feed.sessions == 2
    shown += reconnected
    logs.put(t0 + 3 * S, "after")
    sessions.send(live([("/g", "s2", t0 + 2 * S, "in-the-gap")]), live([("/g", "s1", t0 + 3 * S, "after")]))
    shown += await next_batch(batches)
    once_each(shown, ["first", "in-the-gap", "after"])
    await batches.aclose()


def test_shown_lines_counts_each_side_and_forgets_old_stamps():
    from console.cloudwatch.logs import from_ms

    def event(event_id: str, ms: int = 1000) -> LogEvent:
        return LogEvent("/g", "s", from_ms(ms), from_ms(ms), "same", event_id)

    shown = ShownLines()
    assert shown.add_live(event("live-0")) is True
    assert shown.add_polled(event("1")) is False  # the copy live tail already showed
    assert shown.add_polled(event("1")) is False  # the same event read again
    assert shown.add_polled(event("2")) is True  # a second, identical line
    assert shown.add_live(event("live-1")) is False
    assert shown.add_live(event("live-2")) is True
    shown.add_polled(event("9", ms=5000))
    shown.forget_before(to_ms(from_ms(2000)))
    assert len(shown) == 1


async def test_memory_of_shown_lines_stays_within_the_window(tail_env, t0):
    """Hours of following keep only the lines a later read could return again."""
    account, clock, ctx = tail_env
    logs = LogWriter(account, "/g")
    logs.put_many([(t0 - (50 - i) * S, f"old-{i}") for i in range(50)])
    feed = LogFeed(ctx, "/g", since=t0 - 60 * S, live=False, overlap=30)
    batches = feed.batches()
    assert len(await next_batch(batches)) == 50
    await clock.advance(300)
    logs.put(clock.now(), "much later")
    assert texts(await next_batch(batches, clock)) == ["much later"]
    assert len(feed.shown) == 1 and len(feed.tail.seen) == 1
    await batches.aclose()


@pytest.mark.long
async def test_a_burst_of_50000_lines_through_the_feed_keeps_the_buffer_bound(tail_env, t0):
    from console.cloudwatch.logs_buffer import LineBuffer

    account, clock, ctx = tail_env
    logs = LogWriter(account, "/g")
    for part in range(5):  # PutLogEvents takes at most 10,000 events a call
        logs.put_many([(t0 - 50 * S + (part * 10_000 + i) * timedelta(milliseconds=1), f"burst {part * 10_000 + i}")
                       for i in range(10_000)], stream=f"s{part}")
    buffer = LineBuffer()
    async for batch in LogFeed(ctx, "/g", since=t0 - 60 * S).batches(follow=False):
        buffer.extend(batch)
    shown = buffer.lines()
    assert len(buffer) == 10_000 and buffer.dropped == 40_000
    assert shown[0].text == "… 40,000 earlier lines dropped"
    assert [shown[1].message, shown[-1].message] == ["burst 40000", "burst 49999"]


async def test_sessions_that_fail_at_once_are_retried_then_given_up(tail_env, t0):
    """A session cut by the network before its second update is started again (after a
    pause on the clock); three in a row and the feed polls instead."""
    account, clock, ctx = tail_env
    logs = LogWriter(account, "/g")
    sessions = Sessions()
    feed = LogFeed(ctx, "/g", since=t0 - 60 * S, open_session=sessions)
    batches = feed.batches()
    await next_batch(batches)
    cut = ConnectionResetError("connection reset by peer")
    for attempt in range(3):
        sessions.opened.clear()
        handover = asyncio.ensure_future(next_batch(batches, clock))
        await sessions.opened.wait()
        assert texts(await handover) == (["<reconnected>"] if attempt else [])
        sessions.send(live([]), cut)
    fallback = await next_batch(batches, clock)
    assert "live tail sessions keep failing (ConnectionResetError)" in fallback[0].text
    assert len(sessions.queues) == 3 and feed.mode == "polling"
    logs.put(clock.now(), "polled")
    assert texts(await next_batch(batches, clock)) == ["polled"]
    await batches.aclose()


async def test_a_views_feed_retries_a_failed_first_read_and_keeps_its_error(tail_env, t0):
    """keep_trying (the app's log view): the group that does not exist yet is no exception
    but the feed's `error`, read again each interval until it is there."""
    account, clock, ctx = tail_env
    feed = LogFeed(ctx, "/later", since=t0 - 60 * S, keep_trying=True, live=False)
    batches = feed.batches()
    try:
        assert await next_batch(batches) == []
        assert classify(feed.error) is ErrorClass.NOT_FOUND and feed.last_success is None
        assert await next_batch(batches, clock) == [] and feed.reads == 2  # tried again, on the clock
        LogWriter(account, "/later").put(t0 - 5 * S, "here now")
        assert texts(await next_batch(batches, clock)) == ["here now"]
        assert feed.error is None and feed.last_success is not None and feed.mode == "polling"
    finally:
        await batches.aclose()
