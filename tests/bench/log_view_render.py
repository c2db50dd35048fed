"""How fast the log view draws: N lines a second appended for a while, the event loop's lag
measured beside it. Not a test (figures, not assertions); run it alone:

    .venv/bin/python -m tests.bench.log_view_render [--rate 5000] [--seconds 5] [--batch-ms 20]

Lines arrive as a tail delivers them (a batch every --batch-ms), a realistic mix: Lambda's
START/END/REPORT, runtime lines with request ids, JSON lines, long lines. The view runs in a
real App (headless driver: the compositor renders every frame as it would to a terminal).
Reported: lines appended and drawn, and at what pace (lines over the time to the frame that
drew the last of them; that frame's delay after the last append), frames that added lines,
how long each frame's flush held the loop (median, worst), the loop's lag (a 10 ms ticker:
how late it woke; median, p99, worst: on a loaded machine partly other processes' doing, so
the same ticker's lag over --idle seconds before the first line is given beside it, and the
CPU this process used during a tick), the interpreter's full garbage collections meanwhile
(count, longest), and the CPU used per second.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import statistics
import time
import uuid
from datetime import datetime, timedelta, timezone

from textual.app import App, ComposeResult

from console.cloudwatch.logs import LogEvent
from console.memory import freeze_startup_objects
from widgets.log_view import LogView

T0 = datetime(2026, 12, 1, 12, tzinfo=timezone.utc)


def make_lines(count: int) -> list[str]:
    lines, rid = [], str(uuid.uuid4())
    for i in range(count):
        kind = i % 10
        if kind == 0:
            rid = str(uuid.uuid4())
            lines.append(f"START RequestId: {rid} Version: $LATEST\n")
        elif kind in (1, 2, 3):
            lines.append(f"[INFO]\t2026-12-01T12:00:00.000Z\t{rid}\tprocessing order {i} for customer c-{i % 97}\n")
        elif kind == 4:
            lines.append(json.dumps({"level": "WARN", "requestId": rid, "order": i, "items": list(range(5))}))
        elif kind == 5:
            lines.append(f"[ERROR]\t2026-12-01T12:00:00.000Z\t{rid}\tpayment failed: " + "x" * 180 + "\n")
        elif kind in (6, 7):
            lines.append(f"plain print line {i} \x1b[31m[bold]not markup[/]\n")
        elif kind == 8:
            lines.append(f"END RequestId: {rid}\n")
        else:
            lines.append(f"REPORT RequestId: {rid}\tDuration: 12.3 ms\tBilled Duration: 13 ms\t"
                         "Memory Size: 128 MB\tMax Memory Used: 64 MB\t\n")
    return lines


class Bench(App):
    def compose(self) -> ComposeResult:
        yield LogView(id="view")


class LoopLag:
    """A 10 ms ticker on the running loop: how late it woke, each time (seconds), and the CPU
    this process used meanwhile (a late tick with little CPU: the process waited for a core,
    the machine's load, not the loop's work)."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self.cpu: list[float] = []
        self._stopped = False
        self._task = asyncio.create_task(self._tick())

    async def _tick(self) -> None:
        while not self._stopped:
            before, cpu = time.perf_counter(), time.process_time()
            await asyncio.sleep(0.01)
            self.lags.append(time.perf_counter() - before - 0.01)
            self.cpu.append(time.process_time() - cpu)

    def take(self) -> tuple[list[float], list[float]]:
        """The lags and CPU times so far, each sorted; counting starts again."""
        taken = sorted(self.lags), sorted(self.cpu)
        self.lags, self.cpu = [], []
        return taken

    async def stop(self) -> tuple[list[float], list[float]]:
        self._stopped = True
        await self._task
        return self.take()


class FullCollections:
    """The interpreter's full (generation 2) garbage collections while in use, in seconds each:
    they stop the loop, and a view holding 10,000 lines of Rich objects makes them long."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._started = 0.0

    def _note(self, phase: str, info: dict) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append(time.perf_counter() - self._started)

    def __enter__(self) -> "FullCollections":
        gc.callbacks.append(self._note)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._note)

    def figures(self) -> dict:
        return {"full_gc_count": len(self.pauses),
                "full_gc_ms_max": round(max(self.pauses) * 1000, 1) if self.pauses else None}


def _p99(values: list[float]) -> float:
    return values[max(0, math.ceil(len(values) * 0.99) - 1)]


def lag_figures(ticks: tuple[list[float], list[float]], prefix: str = "") -> dict:
    """Median, p99 and worst of sorted lags in ms, and the p99 and worst of the CPU used
    during a tick (None without any)."""
    lags, cpu = ticks
    if not lags:
        return {f"{prefix}lag_ms_{k}": None for k in ("median", "p99", "max")}
    return {f"{prefix}lag_ms_median": round(statistics.median(lags) * 1000, 1),
            f"{prefix}lag_ms_p99": round(_p99(lags) * 1000, 1), f"{prefix}lag_ms_max": round(lags[-1] * 1000, 1),
            f"{prefix}tick_cpu_ms_p99": round(_p99(cpu) * 1000, 1), f"{prefix}tick_cpu_ms_max": round(cpu[-1] * 1000, 1)}


async def run(rate: int, seconds: float, batch_ms: float, idle_s: float = 2.0) -> dict:
    lines = make_lines(rate * int(seconds))
    events = [LogEvent("/bench", f"s{i % 4}", T0 + timedelta(microseconds=i * 200), T0, m, str(i))
              for i, m in enumerate(lines)]
    app = Bench()
    async with app.run_test(size=(160, 50)) as pilot:
        view = app.query_one(LogView)
        await pilot.pause()
        freeze_startup_objects()  # as opsdeck does once its dashboard is up (console/app.py)
        flush_times: list[float] = []
        drawn_at = [0.0]  # when the last frame that added lines was done
        flush = view._flush

        def timed_flush(everything: bool = False) -> None:  # how long each frame's work holds the loop
            started = time.perf_counter()
            pending = bool(view._pending)
            flush(everything)
            flush_times.append(time.perf_counter() - started)
            if pending:
                drawn_at[0] = time.perf_counter()

        view._flush = timed_flush

        ticker = LoopLag()
        await asyncio.sleep(idle_s)  # the same app, no lines: the lag the machine's load alone causes
        idle_lags = ticker.take()
        per_batch = max(1, int(rate * batch_ms / 1000))
        cpu0, wall0 = time.process_time(), time.perf_counter()
        sent = 0
        with FullCollections() as collections:
            while sent < len(events):
                due = wall0 + sent / rate
                delay = due - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                view.append(events[sent:sent + per_batch])
                sent += per_batch
            appended_at = time.perf_counter()
            await pilot.pause(0.1)
        wall = time.perf_counter() - wall0
        cpu = time.process_time() - cpu0
        lags = await ticker.stop()
        drawn = len(view.entries) + view.dropped
        following = view.following and view.scroll_y == view.max_scroll_y
    flush_times.sort()
    return {
        "rate_asked": rate, "lines": len(events), "drawn": drawn, "seconds": round(wall, 2),
        "achieved_lines_per_s": round(drawn / wall), "frames_with_lines": view.flushes,
        # the view's own pace: every line fed drawn by its last frame; that frame's delay after the last append
        "drawn_lines_per_s": round(drawn / (drawn_at[0] - wall0)) if drawn_at[0] else None,
        "last_frame_ms_after_last_append": round((drawn_at[0] - appended_at) * 1000, 1) if drawn_at[0] else None,
        **lag_figures(lags), **lag_figures(idle_lags, "idle_"),
        "flush_ms_median": round(statistics.median(flush_times) * 1000, 1),
        "flush_ms_max": round(flush_times[-1] * 1000, 1),
        **collections.figures(),
        "cpu_share": round(cpu / wall, 2), "at_end_and_following": following,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--batch-ms", type=float, default=20.0)
    parser.add_argument("--idle", type=float, default=2.0)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.rate, args.seconds, args.batch_ms, args.idle)), indent=2))


if __name__ == "__main__":
    main()
