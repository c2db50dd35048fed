"""LogTail over HTTP against the embedded server: every line once, in order, across polls."""

from __future__ import annotations

import math
from datetime import timedelta

from console.demo import control
from console.cloudwatch.logs import LogTail, from_ms, to_ms
from tests.logs.conftest import LogWriter

S = timedelta(seconds=1)
MS = timedelta(milliseconds=1)


def messages(events) -> list[str]:
    return [e.message for e in events]


async def test_each_line_once_across_polls_including_late_ones(tail_env, t0):
    account, clock, ctx = tail_env
    logs = LogWriter(account, "/aws/lambda/pay")
    tail = LogTail(ctx, "/aws/lambda/pay", since=t0 - 60 * S, overlap=120, interval=5)
    logs.put_many([(t0 - 50 * S, "a1"), (t0 - 40 * S, "a2"), (t0 - 30 * S, "a3")])
    logs.put(t0 + 5 * S, "future")  # stamped after the poll's end: not yet, but not lost
    first = await tail.poll()
    assert messages(first) == ["a1", "a2", "a3"]

    await clock.advance(60)  # poll 2 at t0+60 re-reads from t0-120
    # Late ingestion: written after poll 1, stamped before poll 1's end (inside the overlap).
    logs.put(t0 - 35 * S, "late-1", stream="s2")
    logs.put(t0 - 0 * S, "late-at-poll-1-end", stream="s3")  # exactly poll 1's endTime
    logs.put_many([(t0 + 10 * S, "b1"), (t0 + 50 * S, "b2")])
    second = await tail.poll()
    assert messages(second) == ["late-1", "late-at-poll-1-end", "future", "b1", "b2"]

    await clock.advance(60)  # poll 3 at t0+120: nothing new, everything re-read
    assert await tail.poll() == []

    written = messages(first) + messages(second)
    assert len(written) == len(set(written)) == 8
    for batch in (first, second):
        assert [e.sort_key for e in batch] == sorted(e.sort_key for e in batch)
        assert all(e.group == "/aws/lambda/pay" for e in batch)


async def test_window_boundary_is_inclusive_and_old_ids_are_forgotten(tail_env, t0):
    account, clock, ctx = tail_env
    logs = LogWriter(account, "/g")
    tail = LogTail(ctx, "/g", since=t0 - 200 * S, overlap=120)
    logs.put(t0 - 5 * S, "before")
    assert messages(await tail.poll()) == ["before"]
    await clock.advance(300)  # poll 2 at t0+300 reads from t0-120 (poll 1's end - overlap)
    assert tail.window_start == t0 - 120 * S
    boundary = t0 + 300 * S - 120 * S  # poll 3's window start
    logs.put_many([(boundary - MS, "just-before-next-start"), (boundary, "at-next-start"),
                   (t0 + 300 * S, "at-end")])
    assert messages(await tail.poll()) == ["just-before-next-start", "at-next-start", "at-end"]
    assert tail.window_start == boundary
    # ids stamped before the window start can never come back, so they are forgotten
    assert len(tail.seen) == 2
    await clock.advance(10)
    # Written after poll 2, stamped exactly at the new window start (late by the whole overlap).
    logs.put(boundary, "late-by-exactly-overlap", stream="s2")
    assert messages(await tail.poll()) == ["late-by-exactly-overlap"]


async def test_polls_show_every_line_once_in_order_with_settle(tail_env, t0):
    """A poll each 10 s on the clock, lines written between polls, some late: with settle >=
    the worst lateness, the whole stream comes out in timestamp order, each line once."""
    account, clock, ctx = tail_env
    logs = LogWriter(account, "/g")
    tail = LogTail(ctx, "/g", since=t0, overlap=60, interval=10, settle=30)
    seen = await tail.poll()
    written = []
    for step in range(12):
        now = clock.now()
        lines = [(now - 25 * S, f"late-{step}"), (now - 3 * S, f"line-{step}")]
        logs.put(*lines[1], stream="main")
        logs.put(*lines[0], stream=f"late-{step}")  # ingested now, stamped 25 s ago
        written += lines
        await clock.advance(10)
        seen += await tail.poll()
    for _ in range(6):  # let the last lines settle, one poll at a time
        await clock.advance(10)
        seen += await tail.poll()
    expected = [m for at, m in sorted(written, key=lambda line: line[0]) if at >= t0]
    assert messages(seen) == expected
    assert len(expected) == 20  # 24 written, 4 stamped before the tail's start


async def test_pages_are_followed_to_the_end(tail_env, t0):
    account, clock, ctx = tail_env
    logs = LogWriter(account, "/g")
    lines = [(t0 - (60 - i) * S, f"l{i}") for i in range(7)]
    logs.put_many(lines[0::2], stream="even")
    logs.put_many(lines[1::2], stream="odd")
    control.reset_request_counts(account.endpoint)
    tail = LogTail(ctx, "/g", since=t0 - 120 * S, page_limit=2)
    events = await tail.poll()
    assert messages(events) == [m for _, m in lines]
    pages = control.count_of(control.request_counts(account.endpoint), "logs", "FilterLogEvents", account.id)
    assert pages == tail.requests == math.ceil(7 / 2)


async def test_several_groups_merge_in_order(tail_env, t0):
    account, clock, ctx = tail_env
    a, b = LogWriter(account, "/a"), LogWriter(account, "/b")
    a.put_many([(t0 - 30 * S, "a1"), (t0 - 10 * S, "a2")])
    b.put_many([(t0 - 20 * S, "b1"), (t0 - 5 * S, "b2")])
    events = await LogTail(ctx, ["/a", "/b"], since=t0 - 60 * S).poll()
    assert [(e.group, e.message) for e in events] == [("/a", "a1"), ("/b", "b1"), ("/a", "a2"), ("/b", "b2")]
    assert all(e.timestamp == from_ms(to_ms(e.timestamp)) and e.stream == "s1" for e in events)


async def test_filter_pattern_is_passed_through(tail_env, t0):
    account, clock, ctx = tail_env
    logs = LogWriter(account, "/g")
    logs.put_many([(t0 - 3 * S, "payment ok"), (t0 - 2 * S, "payment declined"), (t0 - 1 * S, "other")])
    events = await LogTail(ctx, "/g", "declined", since=t0 - 60 * S).poll()
    assert messages(events) == ["payment declined"]


async def test_a_failed_poll_changes_nothing(tail_env, t0):
    """A missing group fails the whole poll: nothing is marked seen, the window stays put."""
    account, clock, ctx = tail_env
    logs = LogWriter(account, "/g")
    logs.put(t0 - 1 * S, "x")
    tail = LogTail(ctx, ["/g", "/missing"], since=t0 - 60 * S)
    start = tail.window_start
    try:
        await tail.poll()
    except Exception as exc:  # noqa: BLE001
        assert "ResourceNotFound" in type(exc).__name__ or "ResourceNotFound" in str(exc)
    else:
        raise AssertionError("a missing group must fail the poll")
    assert tail.window_start == start and len(tail.seen) == 0 and tail.last_error is not None
    tail.groups = ("/g",)
    assert messages(await tail.poll()) == ["x"]
