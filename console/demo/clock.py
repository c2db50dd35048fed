"""The embedded AWS's own time: real time, or a simulated time a test sets.

Behaviour that depends on time -- metrics becoming visible after CloudWatch's delay, a
Lambda update staying InProgress, request-rate token buckets refilling, the
simulator's ticks -- reads `now()` here, never the wall clock. In the demo that is real
time; a test moves it through the control API (POST /_opsdeck/clock) in step with the
console's ManualClock, so a delay or a quota costs no real time.
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone

_lock = threading.Lock()
_simulated: datetime | None = None


def now() -> datetime:
    """The server's current time (UTC, aware)."""
    with _lock:
        return _simulated if _simulated is not None else datetime.now(timezone.utc)


def timestamp() -> float:
    return now().timestamp()


def set_now(moment: datetime | None) -> datetime:
    """Freeze the server's time at `moment` (it moves only when set again); None: real time.
    Time never goes backwards while simulated: an earlier moment is refused."""
    global _simulated
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    with _lock:
        if moment is not None and _simulated is not None and moment < _simulated:
            raise ValueError(f"the server's clock is at {_simulated.isoformat()}; it cannot go back to "
                             f"{moment.isoformat()}")
        _simulated = moment
        return _simulated if _simulated is not None else datetime.now(timezone.utc)


def simulated() -> bool:
    with _lock:
        return _simulated is not None
