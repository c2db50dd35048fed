"""`opsdeck logs tail` against the embedded server: output, order, escaping, exit codes.

CliRunner runs the command in-process; one test runs the real `opsdeck` in a subprocess,
for what only a real process shows (a closed pipe, Ctrl-C)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
from datetime import timedelta

import pytest
from click.testing import CliRunner

from console.cli import main
from console.clock import ManualClock
from console.cloudwatch.cli_logs import _Output, escaped, tail_groups
from console.demo.control import count_of, request_counts
from tests.logs.conftest import LogWriter, context_for, real_now

S = timedelta(seconds=1)
OPSDECK = os.path.join(os.path.dirname(sys.executable), "opsdeck")
RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]")


def tail(account, monkeypatch, *args: str):
    account.use(monkeypatch)
    return CliRunner().invoke(
        main, ["--endpoint-url", account.endpoint, "logs", "tail", *args], catch_exceptions=False)


def test_every_line_once_in_time_order_across_groups_and_streams(fresh_account, monkeypatch):
    now = real_now()
    a, b = LogWriter(fresh_account, "/aws/lambda/a"), LogWriter(fresh_account, "/ecs/b")
    a.put_many([(now - 50 * S, "a-first"), (now - 20 * S, "a-third")], stream="2026/12/01/[1]x")
    b.put_many([(now - 40 * S, "b-second"), (now - 10 * S, "b-fourth")], stream="web/web/t1")
    a.put(now - 30 * S, "a-late-other-stream", stream="2026/12/01/[1]y")  # written last, stamped earlier
    b.put(now - 3600 * S, "too-old")
    result = tail(fresh_account, monkeypatch, "/aws/lambda/a", "/ecs/b", "--since", "-5m")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(" ", 3)[1:] for line in lines] == [
        ["/aws/lambda/a", "2026/12/01/[1]x", "a-first"],
        ["/ecs/b", "web/web/t1", "b-second"],
        ["/aws/lambda/a", "2026/12/01/[1]y", "a-late-other-stream"],
        ["/aws/lambda/a", "2026/12/01/[1]x", "a-third"],
        ["/ecs/b", "web/web/t1", "b-fourth"],
    ]
    assert lines[0].split(" ")[0] == (now - 50 * S).strftime("%Y-%m-%dT%H:%M:%S.000Z")


HOSTILE = "alert\x1b[31mred\x1b[0m \x1b]52;c;cGF3bmVk\x07 over\rwrite \x9b2J \u202eevil\n  next line\n"


def test_control_characters_are_escaped_and_json_keeps_the_exact_text(fresh_account, monkeypatch):
    now = real_now()
    logs = LogWriter(fresh_account, "/g")
    logs.put_many([(now - 2 * S, HOSTILE), (now - 1 * S, "plain\tline [bold]not markup[/]\n")])
    short = tail(fresh_account, monkeypatch, "/g", "--format", "short", "--since", "5m")
    assert short.exit_code == 0
    assert not RAW_CONTROLS.search(short.stdout)
    first, second = short.stdout.splitlines()
    assert first.split(" ", 1)[1] == ("alert\\x1b[31mred\\x1b[0m \\x1b]52;c;cGF3bmVk\\x07 over\\rwrite "
                                      "\\x9b2J \\u202eevil\\n  next line")
    assert second.split(" ", 1)[1] == "plain\tline [bold]not markup[/]"
    as_json = tail(fresh_account, monkeypatch, "/g", "--format", "json", "--since", "5m")
    assert as_json.stdout.isascii() and not RAW_CONTROLS.search(as_json.stdout)
    records = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [r["message"] for r in records] == [HOSTILE, "plain\tline [bold]not markup[/]\n"]
    assert records[0]["group"] == "/g" and records[0]["stream"] == "s1" and records[0]["eventId"]
    assert records[0]["timestamp"] == int((now - 2 * S).timestamp() * 1000)


def test_filter_pattern_is_aws_s(fresh_account, monkeypatch):
    now = real_now()
    LogWriter(fresh_account, "/g").put_many([(now - 2 * S, "ERROR boom"), (now - 1 * S, "INFO fine")])
    result = tail(fresh_account, monkeypatch, "/g", "--filter", "ERROR", "--format", "short")
    assert [line.split(" ", 1)[1] for line in result.stdout.splitlines()] == ["ERROR boom"]


def test_a_missing_group_exits_2_naming_it(fresh_account, monkeypatch):
    LogWriter(fresh_account, "/here")
    result = tail(fresh_account, monkeypatch, "/here", "/not-here")
    assert result.exit_code == 2
    assert "/not-here" in result.stderr and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_a_bad_since_exits_2_saying_what_is_expected(fresh_account, monkeypatch):
    result = tail(fresh_account, monkeypatch, "/g", "--since", "yesterday-ish")
    assert result.exit_code == 2
    assert "--since" in result.stderr and "-5m" in result.stderr and "yesterday-ish" in result.stderr


def test_escaped_leaves_ordinary_text_alone():
    assert escaped("naïve café — 東京 \\ path\t{\"a\": 1}") == "naïve café — 東京 \\ path\t{\"a\": 1}"
    assert escaped("one\n") == "one" and escaped("a\r\n") == "a\\r" and escaped("\x00\x7f") == "\\x00\\x7f"


@pytest.mark.parametrize("live", [True, False], ids=["live-tail", "no-live"])
async def test_follow_writes_new_lines_as_live_tail_delivers_them(fresh_account, monkeypatch, capsys, live):
    """--follow end to end: the embedded AWS streams StartLiveTail (an update each second),
    so a line written shows up about a second later, once. With --no-live no session is
    started: FilterLogEvents polls find the line (a second apart: tests/logs/test_feed.py)."""
    fresh_account.use(monkeypatch)
    clock = ManualClock(real_now())
    ctx = context_for(fresh_account.endpoint, clock)
    logs = LogWriter(fresh_account, "/g")
    logs.put(clock.now() - 5 * S, "before")
    task = asyncio.ensure_future(tail_groups(ctx, ["/g"], clock.now() - 60 * S, None, True, _Output("short"),
                                             live=live))
    seen: list[str] = []

    async def written_until(text: str) -> str:
        async with asyncio.timeout(10):
            while text not in "".join(seen):
                await asyncio.sleep(0.05)
                if not live:  # polls wait on opsdeck's clock; live tail streams in the server's time
                    await clock.advance(0.5)
                seen.append(capsys.readouterr().out)
        return "".join(seen)

    try:
        await written_until("before")
        logs.put(clock.now() - 1 * S, "fresh\x1b[2J")
        out = await written_until("fresh")
        assert out.count("before") == 1 and out.count("fresh") == 1 and "fresh\\x1b[2J" in out
        sessions = count_of(request_counts(fresh_account.endpoint), "logs", "StartLiveTail", fresh_account.id)
        assert (sessions >= 1) if live else (sessions == 0)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await ctx.pool.close()


def test_a_closed_pipe_and_ctrl_c_end_quietly(fresh_account):
    """The real command: `| head -1` closes its stdout mid-output, Ctrl-C stops --follow;
    both exit 0 with nothing on stderr but what the tail says itself."""
    now = real_now()
    logs = LogWriter(fresh_account, "/g")
    for part in range(3):  # ~330 KB of output, more than a pipe holds
        logs.put_many([(now - (60 - part) * S, f"line {part}-{i} " + "x" * 40) for i in range(2000)],
                      stream=f"s{part}")
    env = {**os.environ, "AWS_ACCESS_KEY_ID": fresh_account.access_key,
           "AWS_SECRET_ACCESS_KEY": fresh_account.secret_key, "AWS_ENDPOINT_URL": fresh_account.endpoint,
           "AWS_REGION": "us-east-1"}
    head = subprocess.Popen([OPSDECK, "logs", "tail", "/g", "--since", "5m"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    first = head.stdout.readline()
    head.stdout.close()
    _, err = head.communicate(timeout=60)
    assert b"line 0-0" in first
    assert head.returncode == 0 and b"Traceback" not in err and b"Broken pipe" not in err, err

    follow = subprocess.Popen([OPSDECK, "logs", "tail", "/g", "--since", "5m", "--follow", "--format", "json"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert b"line 0-0" in follow.stdout.readline()
    follow.send_signal(signal.SIGINT)
    out, err = follow.communicate(timeout=60)
    assert follow.returncode == 0 and b"Traceback" not in err and b"KeyboardInterrupt" not in err, err
