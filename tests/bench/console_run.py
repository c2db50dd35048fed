"""One run of the real `opsdeck` process in a pseudo-terminal, measured from the outside.

From the moment the process is started: when every dashboard panel shows a row, when no
placeholder is left on screen (tests/bench/screen.py reads both off the terminal), the
process's CPU time and memory at those moments (/proc), then its CPU and the server-side
requests over a steady window after the screen is complete, and optionally a soak: the
console left open, figures every minute.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Callable

from tests.bench.refresh import server_counts, throttled_counts
from tests.bench.screen import find_panels, read
from tests.bench.screen_figures import ScreenFigure, counted, reached
from tests.bench.terminal import Figures, PtyConsole

SAMPLE_EVERY = 1.0  # seconds between /proc samples
TIMEOUT = 300.0  # seconds for the screen to complete before the run is given up
SETTLE = 15.0  # seconds at most for the screen to settle after keys
KEYS = {"end": "\x1b[F", "home": "\x1b[H", "enter": "\r", "escape": "\x1b", "down": "\x1b[B", "up": "\x1b[A"}


def console_command(endpoint: str) -> list[str]:
    """The installed console script, beside this interpreter (the venv's `opsdeck`)."""
    script = Path(sys.executable).with_name("opsdeck")
    if not script.exists():
        found = shutil.which("opsdeck")
        if not found:
            raise SystemExit("no `opsdeck` console script: run `make .venv/.installed` first")
        script = Path(found)
    return [str(script), "--endpoint-url", endpoint]


def console_env(home: Path, region: str) -> dict[str, str]:
    """The user's environment without their AWS or opsdeck settings: dummy credentials,
    the region, and a home, state and config directory of its own."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "OPSDECK_", "TEXTUAL", "PYTHON", "VIRTUAL_ENV"))}
    env.update({
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": region, "AWS_DEFAULT_REGION": region,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(home / "aws-config"), "AWS_SHARED_CREDENTIALS_FILE": str(home / "aws-credentials"),
        "HOME": str(home), "OPSDECK_STATE_DIR": str(home / "state"), "OPSDECK_CONFIG_DIR": str(home / "config"),
    })
    return env


def _mark(at: float, figures: Figures | None) -> dict:
    return {"s": round(at, 3), **({k: round(v, 2) for k, v in asdict(figures).items()} if figures else {})}


def run_console(endpoint: str, titles: tuple[str, ...], *, steady_s: float = 60.0, soak_minutes: int = 0,
                region: str = "us-east-1", save_screens: Path | None = None, label: str = "run",
                say: Callable[[str], None] = print) -> dict:
    """Start `opsdeck`, measure, quit it; the figures as a dict ("error" when it failed)."""
    home = Path(tempfile.mkdtemp(prefix="opsdeck-bench-"))
    own_cpu = time.process_time()  # the bench's own share (pyte, /proc, the control API)
    console = PtyConsole(console_command(endpoint), console_env(home, region), str(home))
    marks: dict[str, dict] = {}
    screens: dict[str, str] = {}
    samples: list[tuple[float, float, float]] = []  # (s, cpu_s, rss_mb)
    minute_marks: list[tuple[float, Figures | None, Counter[str]]] = []
    last_placeholders: dict | None = None
    steady: dict | None = None
    steady_start: tuple[float, Figures | None, Counter[str], Counter[str] | None] | None = None
    soak_s = soak_minutes * 60.0
    next_sample = 0.0
    error = None
    minute_marks.append((0.0, None, server_counts(endpoint)))
    try:
        while True:
            now = console.elapsed()
            if console.pump(max(0.0, min(0.25, next_sample - now))) and "complete" not in marks:
                at = console.last_output - console.started  # when the screen became what it shows
                reading = read(console.lines(), titles)
                for name, reached in (("dashboard", reading.all_present), ("panels", reading.all_shown),
                                      ("complete", reading.complete)):
                    if reached and name not in marks:
                        marks[name] = _mark(at, console.figures())
                        screens[name] = console.text()
                        say(f"  {label}: {name} at {at:.2f} s")
                if reading.placeholders:
                    last_placeholders = reading.summary()["placeholders"]
                if "complete" in marks:
                    steady_start = (console.elapsed(), console.figures(), server_counts(endpoint),
                                    throttled_counts(endpoint))
            now = console.elapsed()
            if now >= next_sample:
                fig = console.figures()
                if fig:
                    samples.append((round(now, 2), fig.cpu_s, fig.rss_mb))
                next_sample += SAMPLE_EVERY
            if soak_s and len(minute_marks) <= soak_minutes and now >= 60.0 * len(minute_marks):
                minute_marks.append((now, console.figures(), server_counts(endpoint)))
                say(f"  {label}: soak minute {len(minute_marks) - 1}/{soak_minutes}: RSS {samples[-1][2]:.1f} MB")
            if steady_start and steady is None and now - steady_start[0] >= steady_s:
                steady = _steady(steady_start, console.elapsed(), console.figures(),
                                 server_counts(endpoint), throttled_counts(endpoint))
                say(f"  {label}: steady {steady['seconds']:.0f} s: CPU {steady['cpu_pct']:.1f} % of a core, "
                    f"{sum(steady['calls'].values())} calls")
            if console.exited():
                error = f"the console exited (code {console.exit_code})"
                break
            if "complete" not in marks and now > TIMEOUT:
                error = f"the screen was not complete after {TIMEOUT:.0f} s"
                break
            if steady is not None and (not soak_s or len(minute_marks) > soak_minutes):
                break
        screens["last"] = console.text()
        peak = console.figures()
        own_cpu = (time.process_time() - own_cpu) / console.elapsed()
    finally:
        quit_by_keys = _close(console, home)
    _save(screens, save_screens, label)
    result: dict = {
        "dashboard_s": marks.get("dashboard", {}).get("s"),
        "panels_s": marks.get("panels", {}).get("s"),
        "complete_s": marks.get("complete", {}).get("s"),
        "at_panels": marks.get("panels"), "at_complete": marks.get("complete"),
        "placeholders_last_seen": last_placeholders,
        "steady": steady,
        "peak_rss_mb": round(peak.peak_rss_mb, 1) if peak else None,
        "quit_with_q": quit_by_keys,
        "bench_cpu_pct": round(100 * own_cpu, 2),
        "bytes_written_to_terminal": console.bytes_read,
    }
    if soak_s:
        result["soak"] = _soak(minute_marks, samples)
    if error:
        result["error"] = error
        result["screen"] = screens["last"]
    return result


def _close(console: PtyConsole, home: Path) -> bool:
    """Quit the console (True: by its quit key) and remove its home."""
    try:
        return console.stop()
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _save(screens: dict[str, str], folder: Path | None, label: str) -> None:
    if folder is not None:
        for name, text in screens.items():
            (folder / f"{label}-{name}.txt").write_text(text + "\n")


def _steady(start: tuple, end_s: float, end: Figures | None, counts: Counter[str],
            throttled: Counter[str] | None) -> dict:
    start_s, start_fig, start_counts, start_throttled = start
    seconds = end_s - start_s
    cpu = (end.cpu_s - start_fig.cpu_s) if end and start_fig else None
    return {
        "seconds": round(seconds, 2),
        "cpu_s": None if cpu is None else round(cpu, 2),
        "cpu_pct": None if cpu is None else round(100 * cpu / seconds, 2),
        "calls": dict(sorted((counts - start_counts).items())),
        "throttled": None if throttled is None or start_throttled is None
        else dict(sorted((throttled - start_throttled).items())),
        "peak_rss_mb": round(end.peak_rss_mb, 1) if end else None,
        "rss_mb": round(end.rss_mb, 1) if end else None,
    }


def _soak(marks: list[tuple[float, Figures | None, Counter[str]]], samples: list[tuple[float, float, float]]) -> dict:
    """Per minute since the start: RSS (the median of that minute's samples, and at its
    end), CPU as a percentage of one core, and the server-side calls by operation."""
    minutes = []
    for k in range(1, len(marks)):
        (t0, f0, c0), (t1, f1, c1) = marks[k - 1], marks[k]
        rss = [rss for s, _, rss in samples if t0 < s <= t1]
        cpu0 = f0.cpu_s if f0 else next((cpu for s, cpu, _ in samples if s >= t0), None)
        minutes.append({
            "minute": k,
            "rss_mb": round(statistics.median(rss), 2) if rss else None,
            "rss_end_mb": round(f1.rss_mb, 2) if f1 else None,
            "cpu_pct": round(100 * (f1.cpu_s - cpu0) / (t1 - t0), 2) if f1 and cpu0 is not None else None,
            "calls": dict(sorted((c1 - c0).items())),
        })

    def rss_at(minute: int) -> float | None:
        return next((m["rss_mb"] for m in minutes if m["minute"] == minute), None)

    def growth(a: int, b: int) -> float | None:
        ra, rb = rss_at(a), rss_at(b)
        return None if ra is None or rb is None else round(rb - ra, 2)

    last = minutes[-1]["minute"] if minutes else 0
    cpus = [m["cpu_pct"] for m in minutes if m["minute"] >= 2 and m["cpu_pct"] is not None]
    return {
        "minutes": minutes,
        "rss_growth_2_to_7_mb": growth(2, 7),
        "rss_growth_after_7_mb": growth(7, last) if last > 7 else None,
        "cpu_pct_min": min(cpus) if cpus else None,
        "cpu_pct_max": max(cpus) if cpus else None,
        "peak_rss_mb": round(max((f.peak_rss_mb for _, f, _ in marks if f), default=0.0), 1) or None,
    }


def run_screen_figure(endpoint: str, titles: tuple[str, ...], figure: ScreenFigure, rows: int, *,
                      region: str = "us-east-1", save_screens: Path | None = None, label: str = "figure",
                      say: Callable[[str], None] = print) -> dict:
    """Start `opsdeck`; once the dashboard is drawn (and the figure's `from_panel` shows a
    row: focused by its number) press the figure's keys; time until its rows are counted
    and then complete (tests/bench/screen_figures.py); then check the table's last rows
    (`check_keys`) and quit. `figure` is resolved (no "{group}" left)."""
    home = Path(tempfile.mkdtemp(prefix="opsdeck-bench-"))
    console = PtyConsole(console_command(endpoint), console_env(home, region), str(home))
    marks: dict[str, dict] = {}
    screens: dict[str, str] = {}
    error = None
    last_rows_complete = None
    try:
        while "reached" not in marks:
            if console.pump(0.25):
                at = console.last_output - console.started
                lines = console.lines()
                if "keys" not in marks:
                    reading = read(lines, titles)
                    if "dashboard" not in marks and reading.all_present:
                        marks["dashboard"] = _mark(at, console.figures())
                    start = reading.panels.get(figure.from_panel) if figure.from_panel else None
                    if "dashboard" in marks and (figure.from_panel is None or (start is not None and start.shown)):
                        marks["keys"] = _mark(at, console.figures())
                        _focus_panel(console, titles, figure.from_panel)
                        _steps(console, figure.keys)
                elif "counted" not in marks and counted(lines, figure, rows):
                    marks["counted"] = _mark(at, console.figures())
                    say(f"  {label}: {figure.title}: {rows} rows counted at {at:.2f} s")
                if "counted" in marks and reached(lines, figure, rows):
                    marks["reached"] = _mark(at, console.figures())
                    screens["reached"] = console.text()
                    say(f"  {label}: {figure.name} at {at:.2f} s")
            if console.exited():
                error = f"the console exited (code {console.exit_code})"
                break
            if console.elapsed() > TIMEOUT:
                error = f"{figure.title} did not show {rows} complete rows after {TIMEOUT:.0f} s"
                break
        if error is None and figure.check_keys:
            panel = figure.title if figure.count_line is None and not figure.keys else None
            _press(console, (*_focus(titles, panel), *figure.check_keys))
            _settle(console)
            last_rows_complete = reached(console.lines(), figure, rows)
            screens["last-rows"] = console.text()
        screens.setdefault("last", console.text())
    finally:
        _close(console, home)
    _save(screens, save_screens, label)
    result: dict = {
        "s": marks.get("reached", {}).get("s"),
        "dashboard_s": marks.get("dashboard", {}).get("s"),
        "keys_s": marks.get("keys", {}).get("s"),
        "counted_s": marks.get("counted", {}).get("s"),
        "at": marks.get("reached"),
        "last_rows_complete": last_rows_complete,
    }
    if error:
        result["error"] = error
        result["screen"] = screens.get("last", "")
    return result


def focused_panel(console: PtyConsole, titles: tuple[str, ...]) -> str | None:
    """The dashboard panel drawn in the focus colour (themes/opsdeck.tcss: the focused
    panel's border takes $accent, the others share one colour): the one whose top-left
    corner's colour no other panel's has."""
    lines = console.lines()
    corners = {title: console.colour(p.top, p.left) for title, p in find_panels(lines, titles).items() if p}
    alone = [title for title, colour in corners.items() if list(corners.values()).count(colour) == 1]
    return alone[0] if len(alone) == 1 and len(corners) > 2 else None


def _focus_panel(console: PtyConsole, titles: tuple[str, ...], panel: str | None, wait: float = 10.0) -> None:
    """Press the panel's number and wait until it is drawn focused (keys typed before the
    focus has moved go to the panel that had it)."""
    keys = _focus(titles, panel)
    if not keys:
        return
    _press(console, keys)
    deadline = console.elapsed() + wait
    while focused_panel(console, titles) != panel and console.elapsed() < deadline:
        console.pump(0.05)


def _settle(console: PtyConsole, quiet: float = 1.0) -> None:
    """Until the screen above its last two lines (the status bar, whose ages tick every
    second, and the footer) has not changed for `quiet` seconds, or SETTLE went by."""
    deadline = console.elapsed() + SETTLE
    still = console.lines()[:-2]
    since = console.elapsed()
    while console.elapsed() < deadline and console.elapsed() - since < quiet:
        console.pump(0.1)
        now = console.lines()[:-2]
        if now != still:
            still, since = now, console.elapsed()


def _focus(titles: tuple[str, ...], panel: str | None) -> tuple[str, ...]:
    """The number key that focuses a dashboard panel (screens/dashboard.py), if it is one."""
    return (str(titles.index(panel) + 1),) if panel in titles else ()


def _steps(console: PtyConsole, steps: tuple[tuple[str, str | None], ...], wait: float = 10.0) -> None:
    """Press each step's key once the previous step took effect: its text is on screen
    (None: the screen changed), or `wait` seconds went by."""
    for key, then in steps:
        before = console.text()
        console.press(KEYS.get(key, key))
        deadline = console.elapsed() + wait
        while console.elapsed() < deadline:
            console.pump(0.05)
            text = console.text()
            if (then in text) if then is not None else text != before:
                break


def _press(console: PtyConsole, keys: tuple[str, ...]) -> None:
    """Each key in turn, reading the screen a moment after each (a key may open a screen)."""
    for key in keys:
        console.press(KEYS.get(key, key))
        console.pump(0.05)
