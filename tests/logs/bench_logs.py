"""The logs figures of `make bench` (issue 13, Speed), on an embedded AWS of their own, in real time:

1. render: tests/bench/log_view_render.py: 5,000 lines a second appended to the LogView in a
   running Textual app (headless driver: the compositor renders every frame as it would to a
   terminal), lines drawn per second and the event loop's lag (median, p99).
2. latency: a writer puts one line every 100 ms for 20 s, round robin over 3 streams of one
   group, while three readers tail the group at once, each a process of its own:
   - live tail: `opsdeck logs tail GROUP --follow --format json`, what a user runs;
   - polling: the same command with `--no-live` (FilterLogEvents polling);
   - awslogs (PyPI, `awslogs get GROUP --watch --aws-endpoint-url`), the peer, installed by
     `make bench` from the `bench` extra; "not measured" where it is not installed.
   Each line carries its sequence number; a reader's stdout line is stamped (time.monotonic)
   as it arrives on the pipe, by a thread of this process, the writer's clock. Per reader:
   lines missed, lines doubled, lag from PutLogEvents' answer to the line's arrival (median,
   p95, max). Warm-up lines are written until every reader has shown one, then 3 s more,
   before the measured lines. Then each reader alone (one reading 50,000 lines slows the
   server for the others) on a new group through a burst of 50,000 lines (5 PutLogEvents
   of 10,000): missed, doubled, how long until the last.
   (awslogs --watch repeats FilterLogEvents with the last nextToken it got, else from its
   start time, and forgets all but the last 10,000 event ids it printed.)
3. bound: 50,000 lines in one burst into a group that a LogFeed (live tail) follows into a
   LogView (the default bound, 10,000) in a running app (headless): lines received, each
   once?, what the view then holds, its first row (the dropped-lines row, as drawn when
   scrolled to the top), the loop's lag meanwhile.

`python -m tests.logs.bench_logs` prints the figures alone. Nothing here asserts a time; the
counting is tested in tests/bench/test_logs_figures.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

REGION = "us-east-1"
ROOT = Path(__file__).resolve().parents[2]
TAG = "opsdeck-bench"  # every line the bench writes: "opsdeck-bench <phase> <seq> <stream>"
RENDER_RATE = 5000  # lines a second
TARGETS = {"lines_per_s": 5000, "lag_ms": 50.0, "polling_s": 2.0, "live_s": 1.5, "bound": 10_000}
WRITE_EVERY = 0.1
WRITE_SECONDS = 20.0
STREAMS = ("api", "worker", "cron")
READERS = ("opsdeck live tail", "opsdeck polling", "awslogs")
GRACE_SECONDS = 6.0  # after the last line, for the slowest reader
BURST = 50_000
PUT_BATCH = 10_000  # PutLogEvents: at most 10,000 events a call


# parsing and counting (tested) -----------------------------------------------------------
def line_text(phase: str, seq: int, stream: str) -> str:
    return f"{TAG} {phase} {seq} {stream}"


def parse_message(message: str) -> tuple[str, int] | None:
    """(phase, seq) of a line the bench wrote; None for any other text."""
    parts = message.strip().split(" ")
    if len(parts) != 4 or parts[0] != TAG or not parts[2].isdigit():
        return None
    return parts[1], int(parts[2])


def opsdeck_message(line: str) -> str | None:
    """The message of one `opsdeck logs tail --format json` output line."""
    try:
        return json.loads(line)["message"]
    except (ValueError, KeyError, TypeError):
        return None


def awslogs_message(line: str) -> str | None:
    """The message of one `awslogs get --no-group --no-stream --color never` output line."""
    return line.rstrip("\n") or None


@dataclass
class Tally:
    """What one reader showed of the measured lines."""

    missed: int
    doubled: int
    lags_s: list[float] = field(default_factory=list)  # of each line's first arrival

    def as_dict(self) -> dict[str, Any]:
        lags = sorted(self.lags_s)
        return {"missed": self.missed, "doubled": self.doubled, "shown": len(lags),
                "lag_s_median": round(statistics.median(lags), 3) if lags else None,
                "lag_s_p95": round(percentile(lags, 0.95), 3) if lags else None,
                "lag_s_max": round(lags[-1], 3) if lags else None}


def percentile(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted values."""
    rank = max(1, -(-len(ordered) * share // 1))  # ceil
    return ordered[int(rank) - 1]


def tally(written: dict[int, float], arrivals: list[tuple[float, int]]) -> Tally:
    """Lines written (seq: when PutLogEvents answered) beside the lines a reader showed
    ((arrival time, seq), in arrival order): missed, doubled, each line's lag."""
    first: dict[int, float] = {}
    seen: Counter[int] = Counter()
    for at, seq in arrivals:
        if seq not in written:
            continue
        seen[seq] += 1
        first.setdefault(seq, at)
    return Tally(missed=len(set(written) - set(first)), doubled=sum(n - 1 for n in seen.values()),
                 lags_s=[first[seq] - written[seq] for seq in sorted(first)])


# the processes ---------------------------------------------------------------------------
def _aws_env() -> dict[str, str]:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": REGION, "AWS_EC2_METADATA_DISABLED": "true", "PYTHONPATH": str(ROOT),
           "PYTHONUNBUFFERED": "1"}
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        env.pop(name, None)
    return env


def awslogs_command() -> list[str] | None:
    """awslogs beside this interpreter (the `bench` extra), or on PATH; None: not installed."""
    beside = Path(sys.executable).parent / "awslogs"
    found = str(beside) if beside.exists() else shutil.which("awslogs")
    return [found] if found else None


def reader_commands(endpoint: str, group: str) -> dict[str, tuple[list[str] | None, Callable[[str], str | None]]]:
    opsdeck = str(Path(sys.executable).parent / "opsdeck")
    awslogs = awslogs_command()
    return {
        "opsdeck live tail": ([opsdeck, "--endpoint-url", endpoint, "--region", REGION, "logs", "tail", group,
                               "--follow", "--format", "json", "--since", "1m"], opsdeck_message),
        "opsdeck polling": ([opsdeck, "--endpoint-url", endpoint, "--region", REGION, "logs", "tail", group,
                             "--follow", "--no-live", "--format", "json", "--since", "1m"], opsdeck_message),
        "awslogs": (None if awslogs is None else
                    [*awslogs, "get", group, "ALL", "--watch", "--start", "1m", "--no-group", "--no-stream",
                     "--color", "never", "--aws-endpoint-url", endpoint, "--aws-region", REGION],
                    awslogs_message),
    }


class Reader:
    """A tailing process; each stdout line stamped on arrival, stderr kept."""

    def __init__(self, name: str, command: list[str], parse: Callable[[str], str | None]) -> None:
        self.name = name
        self.parse = parse
        self.arrivals: list[tuple[float, str, int]] = []  # (monotonic, phase, seq)
        self.proc = subprocess.Popen(command, cwd=ROOT, env=_aws_env(), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
        self.stderr: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=lambda: self.stderr.extend(self.proc.stderr), daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            at = time.monotonic()
            message = self.parse(line)
            parsed = parse_message(message) if message else None
            if parsed:
                self.arrivals.append((at, *parsed))

    def shown(self, phase: str) -> list[tuple[float, int]]:
        return [(at, seq) for at, p, seq in list(self.arrivals) if p == phase]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _logs_client(endpoint: str):
    import boto3

    return boto3.client("logs", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="testing",
                        aws_secret_access_key="testing")


def _new_group(logs, name: str) -> str:
    group = f"/bench/{name}-{uuid.uuid4().hex[:8]}"
    logs.create_log_group(logGroupName=group)
    for stream in STREAMS:
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    return group


def _put(logs, group: str, stream: str, messages: list[str]) -> None:
    now = int(time.time() * 1000)
    logs.put_log_events(logGroupName=group, logStreamName=stream,
                        logEvents=[{"timestamp": now, "message": m} for m in messages])


def _steady(logs, group: str, seconds: float = WRITE_SECONDS) -> dict[int, float]:
    """One line every WRITE_EVERY, round robin over the streams: seq -> when PutLogEvents answered."""
    written: dict[int, float] = {}
    start = time.monotonic()
    for n in range(int(seconds / WRITE_EVERY)):
        time.sleep(max(0.0, start + n * WRITE_EVERY - time.monotonic()))
        stream = STREAMS[n % len(STREAMS)]
        _put(logs, group, stream, [line_text("measured", n, stream)])
        written[n] = time.monotonic()
    return written


def _burst(logs, group: str, total: int = BURST) -> dict[int, float]:
    """`total` lines in PutLogEvents of PUT_BATCH, round robin over the streams."""
    written: dict[int, float] = {}
    for n, first in enumerate(range(0, total, PUT_BATCH)):
        stream = STREAMS[n % len(STREAMS)]
        seqs = range(first, min(total, first + PUT_BATCH))
        _put(logs, group, stream, [line_text("measured", seq, stream) for seq in seqs])
        answered = time.monotonic()
        written.update((seq, answered) for seq in seqs)
    return written


def race(endpoint: str, name: str, write: Callable[[Any, str], dict[int, float]], say=print,
         wait_s: float = GRACE_SECONDS, give_up_s: float = 0.0, only: str | None = None) -> dict[str, Any]:
    """The three readers (or `only` one) on a new group, then `write` (see the module docstring, 2):
    after it, `wait_s` more, or (give_up_s) until every reader has every line plus `wait_s`, at
    most give_up_s."""
    logs = _logs_client(endpoint)
    group = _new_group(logs, name)
    readers: dict[str, Reader] = {}
    results: dict[str, Any] = {}
    for reader, (command, parse) in reader_commands(endpoint, group).items():
        if only is not None and reader != only:
            continue
        if command is None:
            results[reader] = {"error": "not measured: awslogs is not installed (pip install -e '.[bench]')"}
        else:
            readers[reader] = Reader(reader, command, parse)

    def warm(seq: int) -> None:
        stream = STREAMS[seq % len(STREAMS)]
        _put(logs, group, stream, [line_text("warm", seq, stream)])
        time.sleep(0.2)

    try:
        seq, deadline = 0, time.monotonic() + 60
        while time.monotonic() < deadline and not all(r.shown("warm") or r.proc.poll() is not None
                                                      for r in readers.values()):
            warm(seq)
            seq += 1
        ready = {reader: bool(r.shown("warm")) for reader, r in readers.items()}
        for _ in range(15):  # 3 s: live tail holds a session's first update until a second one comes
            warm(seq)
            seq += 1
        say(f"logs {name}: readers ready {ready} after {seq} warm-up lines; writing to {group}")
        written = write(logs, group)
        end = time.monotonic() + give_up_s
        while time.monotonic() < end and not all(len({s for _, s in r.shown("measured")}) >= len(written)
                                                 for r in readers.values()):
            time.sleep(0.2)
        time.sleep(wait_s)  # late lines, and late doubles
    finally:
        for reader in readers.values():
            reader.stop()
    for reader_name, reader in readers.items():
        figure = tally(written, reader.shown("measured")).as_dict()
        figure["lines"] = len(written)
        figure["stderr"] = "".join(reader.stderr)[-600:]
        figure["said"] = [line.strip() for line in reader.stderr if line.startswith("-- ")][:5]  # the tail's notes
        if reader.proc.returncode not in (0, -15, None) and not figure["shown"]:
            figure["error"] = f"exited {reader.proc.returncode}: {figure['stderr'][-300:]}"
        results[reader_name] = figure
    return results


# the bound ---------------------------------------------------------------------------------
def write_burst(endpoint: str, group: str, total: int = BURST) -> int:
    """`total` lines in PutLogEvents of PUT_BATCH, round robin over the streams (a process of its own)."""
    logs = _logs_client(endpoint)
    for n, first in enumerate(range(0, total, PUT_BATCH)):
        stream = STREAMS[n % len(STREAMS)]
        _put(logs, group, stream, [line_text("burst", seq, stream) for seq in range(first, min(total, first + PUT_BATCH))])
    return 0


async def _bound(endpoint: str, group: str, say) -> dict[str, Any]:
    from textual.app import App, ComposeResult

    from console.aws.clients import ClientPool
    from console.aws.context import AwsContext
    from console.clock import SystemClock
    from console.cloudwatch.logs import LogEvent
    from console.cloudwatch.logs_feed import LogFeed
    from console.target import Target
    from tests.bench.log_view_render import FullCollections, LoopLag, lag_figures
    from widgets.log_view import LogView

    class Burst(App):
        def compose(self) -> ComposeResult:
            yield LogView(id="view")

    clock = SystemClock()
    pool = ClientPool(clock)
    feed = LogFeed(AwsContext(pool, Target(None, REGION, endpoint)), [group], since=clock.now())
    received: Counter[int] = Counter()
    markers: list[str] = []
    app = Burst()
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            view = app.query_one(LogView)

            async def pump() -> None:
                async for batch in feed.batches(follow=True):
                    for line in batch:
                        if isinstance(line, LogEvent):
                            parsed = parse_message(line.message)
                            if parsed and parsed[0] == "burst":
                                received[parsed[1]] += 1
                        else:
                            markers.append(line.text)
                    view.append(batch)

            reading = asyncio.create_task(pump())
            for _ in range(300):  # the session started, and its first update is past
                if feed.mode == "live" and feed.sessions:
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(2.5)
            mode = feed.mode
            async def burst() -> tuple[float, float]:
                """Seconds to write the burst, and until the feed had every line."""
                started = time.monotonic()
                writer = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "tests.logs.bench_logs", "burst", endpoint, group, cwd=ROOT, env=_aws_env())
                await writer.wait()
                written_s = time.monotonic() - started
                say(f"logs bound: {BURST:,} lines written in {written_s:.1f} s (mode {mode}); waiting for the feed")
                deadline = time.monotonic() + 180
                while len(received) < BURST and time.monotonic() < deadline:
                    await asyncio.sleep(0.1)
                return written_s, time.monotonic() - started

            with FullCollections() as collections:
                ticker = LoopLag()
                written_s, all_in_s = await burst()
                await asyncio.sleep(2.0)  # a late doubled copy would come by now
                await pilot.pause()
                view.flush()
                await pilot.pause()
                lags = await ticker.stop()
            reading.cancel()
            shown = view.shown_lines()
            view.scroll_home(animate=False, immediate=True)  # the first row, as a user scrolling up sees it
            await pilot.pause()
            top = view.render_line(0).text.rstrip()
            figure = {
                "lines": BURST, "mode": mode, "received": len(received),
                "doubled": sum(n - 1 for n in received.values()),
                "missed": BURST - len(received), "written_s": round(written_s, 2),
                "all_received_s": round(all_in_s, 2),
                "view_entries": len(view.entries), "view_bound": view.max_lines, "view_dropped": view.dropped,
                "view_appended": view.events_shown,  # log lines (the feed's markers are counted apart)
                "view_rows_shown": len(shown) - (1 if view.dropped else 0),
                "dropped_row": top, "markers": markers[-5:], "marker_count": len(markers),
                "feed_backfills": feed.backfills, "feed_remembered": len(feed.shown),
                **lag_figures(lags), **collections.figures(),
            }
    finally:
        await pool.close()
    return figure


# the figure --------------------------------------------------------------------------------
def measure(say=print) -> dict[str, Any]:
    from console.demo.process import EmbeddedAws
    from tests.bench.log_view_render import run as render_run

    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"})
    figure: dict[str, Any] = {"targets": TARGETS, "uptime": _uptime()}
    say(f"logs render: {RENDER_RATE} lines/s into the LogView for 5 s (headless app)")
    figure["render"] = asyncio.run(render_run(RENDER_RATE, 5.0, 20.0))
    with EmbeddedAws.start(size="none", simulate=False, realism="off") as server:
        say(f"logs figures: embedded AWS at {server.endpoint}")
        figure["latency"] = race(server.endpoint, "latency", _steady, say=say)
        figure["burst_readers"] = {}
        for reader in READERS:  # one at a time: a reader reading 50,000 lines slows the server for the others
            figure["burst_readers"].update(race(server.endpoint, "burst", _burst, say=say, wait_s=5.0,
                                                give_up_s=90.0, only=reader))
        logs = _logs_client(server.endpoint)
        figure["bound"] = asyncio.run(_bound(server.endpoint, _new_group(logs, "burst"), say))
    figure["uptime_after"] = _uptime()
    return figure


def _uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _ok(value: float | None, target: float, above: bool = False) -> str:
    if value is None:
        return "–"
    return "ok" if (value >= target if above else value <= target) else "over" if not above else "under"


def _latency_cell(name: str, row: dict[str, Any], target_s: float | None) -> str:
    if "error" in row:
        return f"  {name:18} {row['error']}"
    target = ""
    if target_s:
        within = row["lag_s_max"] is not None and row["lag_s_max"] <= target_s
        verdict = "ok" if within and not row["missed"] and not row["doubled"] else "over"
        target = f" (target: every line ≤ {target_s:g} s, once) {verdict}"
    fell_back = [note for note in row.get("said", ()) if "instead" in note]  # LogFeed's fallback marker
    return (f"  {name:18} lag median {row['lag_s_median']} s, p95 {row['lag_s_p95']} s, max {row['lag_s_max']} s"
            f"{target}; missed {row['missed']}/{row['lines']}, doubled {row['doubled']}"
            + (f"; it said: {fell_back[0]}" if fell_back else ""))


KEPT_UP_MS = 100.0  # the view kept up: its last frame this soon after the last append (a few frames)


def _render_line(r: dict[str, Any]) -> str:
    last = r.get("last_frame_ms_after_last_append")
    kept_up = r["drawn"] == r["lines"] and last is not None and last <= KEPT_UP_MS
    return (f"  render (LogView in a headless Textual app): fed {r['rate_asked']:,} lines/s for {r['seconds']:.0f} s, "
            f"{r['drawn']:,}/{r['lines']:,} drawn, the last {last} ms after the last append (target: keeps up with "
            f"{TARGETS['lines_per_s']:,}/s, the last frame ≤ {KEPT_UP_MS:g} ms after) {'ok' if kept_up else 'behind'}"
            f" (pace from the first append to the last frame {r.get('drawn_lines_per_s') or 0:,}/s); loop lag median "
            f"{r['lag_ms_median']} ms, p99 {r['lag_ms_p99']} ms (target < {TARGETS['lag_ms']:g} ms) "
            f"{_ok(r['lag_ms_p99'], TARGETS['lag_ms'])}, worst {r['lag_ms_max']} ms, CPU used in a tick p99 "
            f"{r.get('tick_cpu_ms_p99')} ms [the same app idle: lag median {r.get('idle_lag_ms_median')} ms, p99 "
            f"{r.get('idle_lag_ms_p99')} ms]; a frame's flush median {r['flush_ms_median']} ms, worst "
            f"{r['flush_ms_max']} ms; full garbage collections {r.get('full_gc_count')}, the longest "
            f"{r.get('full_gc_ms_max')} ms")


def report_line(figure: dict[str, Any]) -> str:
    r, b = figure["render"], figure.get("bound") or {}
    lines = [f"logs (issue 13; load before: {figure.get('uptime', '')}; after: {figure.get('uptime_after', '')})",
             _render_line(r)]
    lat = figure.get("latency") or {}
    lines.append(f"  latency, one line every {WRITE_EVERY * 1000:.0f} ms for {WRITE_SECONDS:.0f} s over "
                 f"{len(STREAMS)} streams, from PutLogEvents' answer to the line on the reader's stdout:")
    for name, target in (("opsdeck live tail", TARGETS["live_s"]), ("opsdeck polling", TARGETS["polling_s"]),
                         ("awslogs", None)):
        if name in lat:
            lines.append(_latency_cell(name, lat[name], target))
    burst = figure.get("burst_readers") or {}
    if burst:
        lines.append(f"  each reader alone through a burst of {BURST:,} lines ({BURST // PUT_BATCH} PutLogEvents "
                     f"of {PUT_BATCH:,}), lag to each line:")
        for name in READERS:
            if name in burst:
                lines.append(_latency_cell(name, burst[name], None))
    if b:
        # the view's entries are lines and the feed's marker rows: a marker kept is a line less
        held = (b["view_entries"] == b["view_bound"]
                and b["view_dropped"] == b["view_appended"] + b.get("marker_count", 0) - b["view_bound"]
                and f"{b['view_dropped']:,} older lines dropped" in b["dropped_row"])
        lines.append(f"  bound, {b['lines']:,} lines in one burst into a LogFeed (mode {b['mode']}) feeding a LogView "
                     f"(headless app): received {b['received']:,}, missed {b['missed']}, doubled {b['doubled']}, all "
                     f"in {b['all_received_s']} s; the view holds {b['view_entries']:,} (bound {b['view_bound']:,}), "
                     f"top row '{b['dropped_row']}' {'ok' if held else 'NOT HELD'}; loop lag meanwhile p99 "
                     f"{b['lag_ms_p99']} ms, worst {b['lag_ms_max']} ms (full garbage collections "
                     f"{b.get('full_gc_count')}, the longest {b.get('full_gc_ms_max')} ms)")
    return "\n".join(lines)


if __name__ == "__main__":
    command = sys.argv[1:2]
    if command == ["burst"]:
        sys.exit(write_burst(*sys.argv[2:4]))
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"})
    result = measure()
    print(json.dumps(result, indent=2, default=str), file=sys.stderr)
    print(report_line(result))
