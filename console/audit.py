"""The append-only audit trail of every mutating action: one JSON object per line.

A run writes `started` (fsynced before its first AWS call), one `step` record per
step tried, and `finished` (fsynced before success is reported). A process that dies
in between leaves `started` without `finished`; `unfinished()` finds those runs and the
steps they applied, so the next start can say what was left half-done.

Only what identifies the change is recorded: who, where, which action on which ARN,
the step's description, the result, an error's class and code. Never payloads, error
messages (AWS echoes parameters in them), or environment values; as a last guard every
string is scrubbed of the values of secret-looking environment variables.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterator

from console.clock import Clock
from console.config import state_dir

AUDIT_FILE = "audit.jsonl"
KINDS = ("started", "step", "finished")
_SECRET_NAME = re.compile(r"SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|PRIVATE|ACCESS_KEY|API_KEY|SESSION", re.I)
_MIN_SECRET = 8  # shorter values would scrub ordinary words (the demo keys are "testing")


def default_path() -> Path:
    return state_dir() / AUDIT_FILE


@dataclass(frozen=True)
class AuditRecord:
    kind: str  # started | step | finished
    run: str  # one id per apply (or undo) run
    time: str  # ISO 8601 UTC, from the Clock
    caller: str | None  # STS caller ARN
    profile: str | None
    region: str | None
    account: str | None
    action: str
    phase: str  # apply | undo
    target: str  # target ARN
    step: str | None = None  # the step's description (step records)
    step_index: int | None = None
    steps: list[str] = field(default_factory=list)  # the plan (started records)
    result: str | None = None  # step: applied | failed; finished: ok | failed | cancelled | verify-failed
    error: dict | None = None  # {"kind", "code", "headline"}
    duration: float | None = None  # seconds (step: the call; finished: the run)
    details: dict | None = None  # started: the plan's details; step: what the step learnt (Progress.details)

    @property
    def at(self) -> datetime:
        return datetime.fromisoformat(self.time)

    @classmethod
    def from_json(cls, data: dict) -> "AuditRecord":
        known = {name: data.get(name) for name in cls.__dataclass_fields__ if name in data}
        known.setdefault("steps", [])
        return cls(**known)


@dataclass(frozen=True)
class UnfinishedRun:
    """A run that started and never finished: the process died (or was killed) mid-way."""

    started: AuditRecord
    steps: list[AuditRecord]

    @property
    def applied(self) -> list[str]:
        return [r.step for r in self.steps if r.result == "applied" and r.step]


def secret_values(environ: dict[str, str] | None = None) -> list[str]:
    """Values of environment variables whose names look secret, longest first."""
    env = os.environ if environ is None else environ
    values = {v for k, v in env.items() if _SECRET_NAME.search(k) and len(v) >= _MIN_SECRET}
    return sorted(values, key=len, reverse=True)


def scrub(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, str):
        for secret in secrets:
            if secret in value:
                value = value.replace(secret, "***")
        return value
    if isinstance(value, list):
        return [scrub(v, secrets) for v in value]
    if isinstance(value, dict):
        return {k: scrub(v, secrets) for k, v in value.items()}
    return value


class AuditLog:
    """Appends records to one JSONL file and reads them back."""

    def __init__(self, path: Path | None, clock: Clock) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.clock = clock

    def new_run(self) -> str:
        return uuid.uuid4().hex

    def now(self) -> str:
        return self.clock.now().isoformat()

    def append(self, record: AuditRecord, *, sync: bool = True) -> None:
        """Write one line; with `sync`, it is on disk (fsync) when this returns."""
        data = scrub(asdict(record), secret_values())
        line = json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode("utf-8"))
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)

    # reading ------------------------------------------------------------------------------
    def records(self) -> Iterator[AuditRecord]:
        """Every record in file order; a torn last line (crash mid-write) is skipped."""
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                line = line.strip()
                if not line:
                    continue
                try:
                    yield AuditRecord.from_json(json.loads(line))
                except (ValueError, TypeError):
                    continue

    def since(self, start: datetime | None) -> list[AuditRecord]:
        return [r for r in self.records() if start is None or r.at >= start]

    def unfinished(self) -> list[UnfinishedRun]:
        """Runs with `started` and no `finished`, each with the step records written after it."""
        started: dict[str, AuditRecord] = {}
        steps: dict[str, list[AuditRecord]] = {}
        for record in self.records():
            if record.kind == "started":
                started[record.run] = record
                steps[record.run] = []
            elif record.kind == "step" and record.run in steps:
                steps[record.run].append(record)
            elif record.kind == "finished":
                started.pop(record.run, None)
                steps.pop(record.run, None)
        return [UnfinishedRun(record, steps[run]) for run, record in started.items()]


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> timedelta:
    """`90s`, `15m`, `12h`, `1d` -> timedelta; ValueError otherwise."""
    match = _DURATION.match(text or "")
    if not match:
        raise ValueError(f"not a duration: {text!r} (use a number with s, m, h or d, e.g. 1d)")
    return timedelta(seconds=float(match.group(1)) * _UNIT[match.group(2)])
