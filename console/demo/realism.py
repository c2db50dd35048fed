"""How closely the embedded AWS imitates AWS's timing and limits: one set of knobs.

Each knob is a documented AWS behaviour moto skips. Tests start with all of them off
(exact, immediate answers) and turn on what a test is about; the demo turns them on
(see DEMO). Extensions read `current()` on every request, so a change applies at once.
Set through the control API: POST /_opsdeck/realism {"metric_delay": 60, ...}.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, fields, replace


@dataclass(frozen=True)
class Realism:
    # Seconds between a datapoint being written and GetMetricData returning it (CloudWatch
    # ingestion; AWS documents no figure: the demo assumes 60 s).
    metric_delay: float = 0.0
    # Seconds a Lambda code or configuration update stays LastUpdateStatus InProgress (AWS
    # documents no duration; functions in a VPC can take a minute).
    lambda_update_seconds: float = 0.0
    # Enforce the documented per-account API request rates (console.demo.extensions.quotas).
    throttling: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


OFF = Realism()
DEMO = Realism(metric_delay=60.0, lambda_update_seconds=3.0, throttling=True)

_lock = threading.Lock()
_current = OFF


def current() -> Realism:
    with _lock:
        return _current


def configure(**changes: object) -> Realism:
    """Change some knobs; unknown names raise ValueError (naming the knob and the known ones)."""
    global _current
    known = {f.name: f.type for f in fields(Realism)}
    unknown = sorted(set(changes) - set(known))
    if unknown:
        raise ValueError(f"unknown realism setting(s) {', '.join(unknown)}; known: {', '.join(known)}")
    typed: dict[str, object] = {}
    for name, value in changes.items():
        if name == "throttling":
            if not isinstance(value, bool):
                raise ValueError(f"throttling: expected true or false, got {value!r}")
            typed[name] = value
        else:
            try:
                number = float(value)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                raise ValueError(f"{name}: expected a number of seconds, got {value!r}") from None
            if number < 0:
                raise ValueError(f"{name}: expected 0 or more seconds, got {number:g}")
            typed[name] = number
    with _lock:
        _current = replace(_current, **typed)
        return _current


def reset(to: Realism = OFF) -> Realism:
    global _current
    with _lock:
        _current = to
        return _current
