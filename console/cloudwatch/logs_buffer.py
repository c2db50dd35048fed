"""The lines a log reader keeps: the newest N, the oldest dropped and counted.

A tail left open on a busy group must not grow without bound. `LineBuffer` keeps the
newest `limit` items (log lines and the tail's own markers) and counts what it dropped,
so a reader can say so at the top: "… 40,000 earlier lines dropped". The limit comes from
config.toml (`[logs] buffer_lines`, console.config), 10,000 by default.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Union

from console.cloudwatch.logs import LogEvent
from console.config import DEFAULT_LOG_BUFFER_LINES as DEFAULT_BUFFER_LINES


@dataclass(frozen=True)
class Marker:
    """A line the reader writes itself, between log lines: what happened to the lines
    around it (dropped, sampled and backfilled, the transport changed). Not from AWS."""

    at: datetime  # where it sits in time (the reader's clock)
    kind: str  # "dropped", "sampled", "behind", "fallback", "reconnected", "error", "recovered"
    text: str


Line = Union[LogEvent, Marker]


def dropped_text(count: int) -> str:
    return f"… {count:,} earlier line{'s' if count != 1 else ''} dropped"


class LineBuffer:
    """The newest `limit` lines; `dropped` counts every line pushed out since the start."""

    def __init__(self, limit: int = DEFAULT_BUFFER_LINES) -> None:
        if limit < 1:
            raise ValueError(f"a line buffer holds at least 1 line, not {limit}")
        self.limit = limit
        self._lines: deque[Line] = deque(maxlen=limit)
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._lines)

    def extend(self, lines: Iterable[Line]) -> int:
        """Append `lines` in order; returns how many older lines this pushed out."""
        before = self.dropped
        for line in lines:
            if len(self._lines) == self.limit:
                self.dropped += 1
            self._lines.append(line)
        return self.dropped - before

    def marker(self) -> Marker | None:
        """The "… N earlier lines dropped" line shown above the oldest kept (None: none dropped)."""
        if not self.dropped or not self._lines:
            return None
        oldest = self._lines[0]
        return Marker(oldest.at if isinstance(oldest, Marker) else oldest.timestamp, "dropped",
                      dropped_text(self.dropped))

    def lines(self) -> list[Line]:
        """What a reader shows: the dropped marker (if any), then the kept lines, oldest first."""
        marker = self.marker()
        return ([marker] if marker else []) + list(self._lines)
