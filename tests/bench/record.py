"""Re-record tests/bench/screens/: the real console on the small estate, read the way the
bench reads it (a 160x50 pseudo-terminal through pyte), at three moments: every panel
loading, every panel showing rows with values still to come, and complete.

    .venv/bin/python -m tests.bench.record

Run it when the dashboard's drawing changes on purpose; tests/bench/test_screen.py reads
the recordings (and checks the live app separately).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from console.demo.process import EmbeddedAws
from tests.bench.console_run import console_command, console_env
from tests.bench.screen import panel_titles, read
from tests.bench.terminal import PtyConsole

SCREENS = Path(__file__).with_name("screens")
MOMENTS = ("loading", "partial", "complete")


def moment(reading) -> str | None:
    if reading.all_present and all(p.state == "loading" for p in reading.panels.values()):
        return "loading"
    if reading.all_shown and reading.placeholders:
        return "partial"
    if reading.complete:
        return "complete"
    return None


def record(endpoint: str, timeout: float = 60.0) -> dict[str, str]:
    titles = panel_titles()
    home = Path(tempfile.mkdtemp(prefix="opsdeck-record-"))
    console = PtyConsole(console_command(endpoint), console_env(home, "us-east-1"), str(home))
    found: dict[str, str] = {}
    try:
        deadline = time.monotonic() + timeout
        while len(found) < len(MOMENTS) and time.monotonic() < deadline and not console.exited():
            if console.pump(0.1):
                name = moment(read(console.lines(), titles))
                if name and name not in found:
                    found[name] = console.text()
                if "complete" in found:
                    break
    finally:
        console.stop()
        shutil.rmtree(home, ignore_errors=True)
    return found


def main() -> int:
    with EmbeddedAws.start(size="small", simulate=False) as aws:
        for attempt in range(3):
            found = record(aws.endpoint)
            if set(found) == set(MOMENTS):
                break
            print(f"attempt {attempt + 1}: caught only {sorted(found)}; again", file=sys.stderr)
        else:
            return 1
    SCREENS.mkdir(exist_ok=True)
    for name, text in found.items():
        (SCREENS / f"{name}.txt").write_text(text + "\n")
        print(f"wrote {SCREENS / name}.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
