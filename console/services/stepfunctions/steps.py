"""What happened to each state of an execution: the vocabulary the history reader
produces and the graph draws (a glyph as well as a colour, for colour-blind users)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class StepStatus(str, Enum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # failed and nothing caught it: the execution failed here
    CAUGHT = "caught"  # failed, and a Catch moved the execution on
    RETRIED = "retried"  # failed at least once, then a retry succeeded
    RUNNING = "running"
    NOT_REACHED = "not reached"


GLYPHS: dict[StepStatus, str] = {
    StepStatus.SUCCEEDED: "✓",
    StepStatus.FAILED: "✗",
    StepStatus.CAUGHT: "↷",
    StepStatus.RETRIED: "↻",
    StepStatus.RUNNING: "▶",
    StepStatus.NOT_REACHED: "·",
}


@dataclass(frozen=True)
class StateOutcome:
    """One state's outcome over a whole execution (every visit, iteration and branch)."""

    status: StepStatus
    attempts: int = 1  # tries of its last visit: 1 + the retries
