"""Following named streams before they exist, on the embedded server.

FilterLogEvents refuses a call naming a stream the group does not have (ResourceNotFoundException,
tests/contract/test_logs_streams.py), and an ECS task's stream appears only with its
container's first line. The tail reads the streams that exist, keeps the others waiting
(no error), looks for them again every `recheck` seconds and reads them from its start once
they appear.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from botocore.exceptions import ClientError

from console.cloudwatch.logs import LogTail
from tests.lambda_tui.conftest import start_app
from tests.lambda_tui.test_logs import open_logs, step
from tests.logs.conftest import LogWriter

S = timedelta(seconds=1)
GROUP = "/ecs/web"
OLD, NEW = "ecs/app/0aa1", "ecs/app/0bb2"  # a running task's stream, and one whose task just started


def messages(events) -> list[str]:
    return [e.message for e in events]


async def test_a_stream_named_before_it_exists_is_followed_from_its_first_line(tail_env, t0):
    account, clock, ctx = tail_env
    logs = LogWriter(account, GROUP)
    logs.put_many([(t0 - 20 * S, "old 1"), (t0 - 10 * S, "old 2")], stream=OLD)
    # A short overlap and a slow recheck: the new stream's first lines are older than the
    # window by the time it is found, and still read.
    tail = LogTail(ctx, GROUP, streams=[OLD, NEW], since=t0 - 60 * S, overlap=10, interval=10, recheck=60)

    assert messages(await tail.poll()) == ["old 1", "old 2"]
    assert tail.last_error is None
    assert tail.waiting == {GROUP: (NEW,)}
    assert tail.waiting_note() == f"waiting for stream {NEW}: nothing written to it yet"

    logs.put_many([(t0 + 5 * S, "new 1"), (t0 + 6 * S, "new 2")], stream=NEW)  # the container's first lines
    for _ in range(5):  # t0+10 .. t0+50: not looked for again yet, the old stream still read
        await clock.advance(10)
        logs.put(clock.now() - 1 * S, f"old at {clock.now():%S}", stream=OLD)
        assert [e.stream for e in await tail.poll()] == [OLD]
    assert tail.waiting == {GROUP: (NEW,)}

    await clock.advance(10)  # t0+60: looked for again, found, read from the tail's start
    logs.put(t0 + 59 * S, "new 3", stream=NEW)
    found = await tail.poll()
    assert [(e.stream, e.message) for e in found] == [(NEW, "new 1"), (NEW, "new 2"), (NEW, "new 3")]
    assert tail.waiting == {} and tail.waiting_note() is None and tail.last_error is None

    await clock.advance(10)
    logs.put(t0 + 65 * S, "new 4", stream=NEW)
    assert messages(await tail.poll()) == ["new 4"]  # now it follows the window, each line once


async def test_the_existing_named_streams_are_looked_up_in_one_listing_when_they_share_a_prefix(tail_env, t0):
    account, clock, ctx = tail_env
    logs = LogWriter(account, GROUP)
    names = [f"ecs/app/{n:032x}" for n in range(30)]
    logs.put(t0 - 5 * S, "only line", stream=names[7])
    tail = LogTail(ctx, GROUP, streams=names, since=t0 - 60 * S)

    assert messages(await tail.poll()) == ["only line"]
    assert tail.stream_checks == 1  # one DescribeLogStreams of "ecs/app/000…", not 30
    assert tail.waiting == {GROUP: tuple(names[:7] + names[8:])}
    assert tail.waiting_note() == (f"waiting for 29 streams ({names[0]}, {names[1]}, {names[2]} and 26 more): "
                                   "nothing written to them yet")
    await clock.advance(tail.recheck - 1)
    await tail.poll()
    assert tail.stream_checks == 1  # not looked for again before `recheck` seconds
    await clock.advance(1)
    await tail.poll()
    assert tail.stream_checks == 2


async def test_names_under_a_crowded_prefix_are_looked_up_one_by_one(tail_env, t0):
    """More than two pages of streams under the names' common prefix: one call per name instead."""
    account, clock, ctx = tail_env
    logs = LogWriter(account, GROUP)
    for n in range(101):
        logs.logs.create_log_stream(logGroupName=GROUP, logStreamName=f"ecs/app/{n:03d}")
    logs.streams.add("ecs/app/007")
    logs.put(t0 - 5 * S, "seven", stream="ecs/app/007")
    named = ["ecs/app/007", "ecs/app/00", "ecs/app/999"]  # "ecs/app/00" begins 100 names, and is none of them
    tail = LogTail(ctx, GROUP, streams=named, since=t0 - 60 * S)

    assert messages(await tail.poll()) == ["seven"]
    assert tail.waiting == {GROUP: ("ecs/app/00", "ecs/app/999")}
    assert tail.stream_checks == 2 + 3  # the listing gave up after 2 pages; then each name once


async def test_a_group_that_does_not_exist_fails_the_poll_as_before(tail_env, t0):
    _account, _clock, ctx = tail_env
    tail = LogTail(ctx, "/ecs/not-yet", streams=[NEW], since=t0 - 60 * S)
    with pytest.raises(ClientError) as caught:
        await tail.poll()
    assert caught.value.response["Error"]["Message"] == "The specified log group does not exist."
    assert tail.waiting == {}


async def test_the_log_view_shows_no_error_while_a_named_stream_does_not_exist(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    logs = LogWriter(fresh_account, GROUP)
    logs.logs.create_log_stream(logGroupName=GROUP, logStreamName=OLD)  # the task's other container: silent
    app = start_app(fresh_account.endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_logs(pilot, app, [GROUP], streams={GROUP: (OLD, NEW)})
        assert screen.state == "empty" and screen.problem is None
        assert screen.tail.waiting == {GROUP: (NEW,)}
        assert f"waiting for stream {NEW}" in str(screen.query_one("#logs-notice").render())

        first = app.clock.now()
        logs.put_many([(first, "listening on :8080"), (first + 1 * S, "ready")], stream=NEW)
        await step(pilot, screen, app.clock, screen.tail.recheck)
        assert screen.state == "ok" and screen.problem is None
        assert [shown.split(" ", 1)[1] for shown in screen.view.shown_lines()] == ["listening on :8080", "ready"]
        assert screen.tail.waiting == {}
