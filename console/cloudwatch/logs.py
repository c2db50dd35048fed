"""CloudWatch Logs: a tail that never shows a line twice or skips one, and what lines mean.

CloudWatch ingests late: a line stamped 12:00:00 may only become visible to
FilterLogEvents at 12:00:40. A tail that asks for "everything after the last poll"
therefore skips lines. `LogTail` re-reads an overlapping window on every poll, from
`previous poll's end - overlap` to now, and drops what it has already seen by
(group, eventId). The set of seen ids is bounded: an id whose timestamp falls before
the start of the current window can never be returned again and is forgotten.

Pieces, each usable on its own so the later Logs issue can extend them:

- `LogEvent`: the frozen model of one line (the message stays raw; display code passes
  it through `console.text.inert`).
- `SeenEvents`: the window-bounded de-duplication set. A StartLiveTail source can feed
  its events through the same set, so switching from live tail to polling (or running
  both across a reconnect) never shows a line twice.
- `Backoff`: the poll interval as a state machine: doubled on throttling up to a cap,
  reset on success; adaptive with `fast`: short while lines flow, back to the base when idle.
- `LogTail(ctx, groups, filter_pattern=None, ...)`: one or several groups, optional
  filter pattern, optionally only named streams; `poll()` is one read of the window.
  Following (a read every `interval` on the injected clock, live tail where it streams)
  is `console.cloudwatch.logs_feed.LogFeed`'s: one follower for the app and the CLI.
- `parse_report` / `Report`: Lambda's REPORT line (init duration = cold start).
- `level_of`: ERROR / WARN / INFO / DEBUG / PLATFORM / OTHER for colouring.

Named streams that do not exist yet: FilterLogEvents refuses the whole call when one of its
logStreamNames is not a stream of the group (ResourceNotFoundException, "The specified log
stream does not exist."), and an ECS task's stream appears only with the container's first
line. The tail then asks DescribeLogStreams which of the names exist, reads those, and
keeps the others `waiting`: looked for again every `recheck` seconds, and read from the
tail's start once they appear, so none of their lines is missed. A group that does not
exist fails the poll as before.

Ordering: each poll's events are returned sorted by (timestamp, ingestion time,
eventId). A line that arrives late, stamped before lines already returned, comes in a
later batch; pass `settle=` seconds to hold lines back until they are that old, which
makes the whole stream strictly ordered whenever ingestion is faster than `settle`.
"""

from __future__ import annotations

import enum
import heapq
import json
import math
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping, Sequence

from console.aws.context import AwsContext, bounded_gather, chunks
from console.aws.errors import ErrorClass, classify

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
DEFAULT_OVERLAP = 120.0  # seconds re-read on every poll (CloudWatch's ingestion delay)
DEFAULT_INTERVAL = 2.0  # seconds between polls when all is well
DEFAULT_MAX_INTERVAL = 60.0  # backoff cap under throttling
DEFAULT_BACKLOG = 300.0  # how far back the first poll reads when no `since` is given
MAX_SEEN = 200_000  # hard bound on remembered ids, whatever the window holds
# FilterLogEvents' logStreamNames: "Minimum number of 1 item. Maximum number of 100 items."
MAX_STREAMS = 100
DEFAULT_RECHECK = 10.0  # seconds between looks for followed streams that do not exist yet
# DescribeLogStreams: a page holds at most 50 streams. Names sharing a prefix are looked up
# with one listing of that prefix when it fits in this many pages, else one call per name.
STREAMS_PAGE = 50
PREFIX_PAGES = 2


def to_ms(moment: datetime) -> int:
    """Milliseconds since the epoch, exactly (CloudWatch's unit)."""
    return (moment - EPOCH) // timedelta(milliseconds=1)


def from_ms(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


# Models ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class LogEvent:
    """One log line. `message` is raw text from AWS: show it only through inert().

    Its times in milliseconds and its sort key are worked out once: a burst read back from
    FilterLogEvents (50,000 lines) is compared and sorted by them hundreds of thousands of
    times. Slots: the view keeps 10,000 of these, and every full collection scans them."""

    group: str
    stream: str
    timestamp: datetime  # when the line was written (UTC)
    ingestion_time: datetime  # when CloudWatch stored it
    message: str
    event_id: str
    timestamp_ms: int = field(init=False, repr=False, compare=False)
    # timestamp, then ingestion order, then eventId (numeric strings: shorter first)
    sort_key: tuple[int, int, int, str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ms = to_ms(self.timestamp)
        object.__setattr__(self, "timestamp_ms", ms)
        object.__setattr__(self, "sort_key",
                           (ms, to_ms(self.ingestion_time), len(self.event_id), self.event_id, self.group))

    @property
    def key(self) -> tuple[str, str]:
        """Identity across polls: eventIds are unique within a log group."""
        return (self.group, self.event_id)

    @property
    def level(self) -> "Level":
        return level_of(self.message)

    @property
    def report(self) -> "Report | None":
        return parse_report(self.message)

    @classmethod
    def from_api(cls, group: str, raw: dict[str, Any]) -> "LogEvent":
        """From one FilterLogEvents `events` entry."""
        timestamp = int(raw.get("timestamp") or 0)
        return cls(
            group=group,
            stream=raw.get("logStreamName") or "",
            timestamp=from_ms(timestamp),
            ingestion_time=from_ms(int(raw.get("ingestionTime") or timestamp)),
            message=raw.get("message") or "",
            event_id=str(raw.get("eventId") or ""),
        )


# REPORT lines ------------------------------------------------------------------------
@dataclass(frozen=True)
class Report:
    """What Lambda's REPORT line says about one invocation."""

    request_id: str
    duration_ms: float
    billed_ms: float
    memory_mb: int
    max_memory_mb: int
    init_ms: float | None = None  # present only on a cold start
    restore_ms: float | None = None  # SnapStart restores
    status: str | None = None  # newer runtimes: "timeout", "error" ...

    @property
    def cold_start(self) -> bool:
        return self.init_ms is not None


_REPORT = re.compile(r"^\s*REPORT\s+RequestId:\s*(?P<rid>\S+)(?P<rest>.*)$", re.DOTALL)
_FIELD = re.compile(r"([A-Z][A-Za-z ]*?):\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|MB)\b")
_STATUS = re.compile(r"\bStatus:\s*(\w+)")
_REQUIRED = ("Duration", "Billed Duration", "Memory Size", "Max Memory Used")


def parse_report(message: str) -> Report | None:
    """The Report in a `REPORT RequestId: ...` line (tab- or space-separated), else None."""
    match = _REPORT.match(message)
    if not match:
        return None
    fields = {name.strip(): float(value) for name, value, _unit in _FIELD.findall(match.group("rest"))}
    if any(name not in fields for name in _REQUIRED):
        return None
    status = _STATUS.search(match.group("rest"))
    return Report(
        request_id=match.group("rid"),
        duration_ms=fields["Duration"],
        billed_ms=fields["Billed Duration"],
        memory_mb=int(fields["Memory Size"]),
        max_memory_mb=int(fields["Max Memory Used"]),
        init_ms=fields.get("Init Duration"),
        restore_ms=fields.get("Restore Duration"),
        status=status.group(1) if status else None,
    )


# Levels ------------------------------------------------------------------------------
class Level(str, enum.Enum):
    ERROR = "ERROR"
    WARN = "WARN"
    INFO = "INFO"
    DEBUG = "DEBUG"
    PLATFORM = "PLATFORM"  # START / END / REPORT / INIT_START ... written by Lambda itself
    OTHER = "OTHER"  # nothing says what it is


_LEVEL_WORDS = {
    "ERROR": Level.ERROR, "ERR": Level.ERROR, "CRITICAL": Level.ERROR, "FATAL": Level.ERROR,
    "EXCEPTION": Level.ERROR, "ALERT": Level.ERROR, "EMERGENCY": Level.ERROR, "SEVERE": Level.ERROR,
    "WARN": Level.WARN, "WARNING": Level.WARN,
    "INFO": Level.INFO, "NOTICE": Level.INFO,
    "DEBUG": Level.DEBUG, "TRACE": Level.DEBUG, "FINE": Level.DEBUG,
}
_LEVEL_KEYS = ("level", "levelname", "log_level", "loglevel", "severity", "lvl", "levelName", "logLevel")
_PLATFORM = re.compile(
    r"^(?:START RequestId:|END RequestId:|REPORT RequestId:|INIT_START\b|INIT_REPORT\b|INIT_RUNTIME_DONE\b"
    r"|RESTORE_START\b|RESTORE_REPORT\b|EXTENSION\b|TELEMETRY\b|PLATFORM\b)"
)
_BRACKET = re.compile(r"^\[(\w+)\]")  # [ERROR]\t... (Python runtime), [WARN] ...
_PREFIX_WORD = re.compile(r"^(\w+)(?::|\s)")  # ERROR:root:..., WARNING something
_MAX_JSON = 256 * 1024


def _word(value: object) -> Level | None:
    if isinstance(value, str):
        return _LEVEL_WORDS.get(value.strip().upper())
    return None


def level_of(message: str) -> Level:
    """How bad a line is, from its JSON level field, its [LEVEL] prefix, or its runtime's layout."""
    text = message.lstrip()
    if _PLATFORM.match(text):
        return Level.PLATFORM
    if text.startswith("{") and len(text) <= _MAX_JSON:
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict):
            if str(data.get("type", "")).startswith("platform."):  # Lambda's JSON log format
                return Level.PLATFORM
            for key in _LEVEL_KEYS:
                if (level := _word(data.get(key))) is not None:
                    return level
            return Level.OTHER
    match = _BRACKET.match(text)
    if match and (level := _word(match.group(1))):
        return level
    parts = text.split("\t", 3)  # Node/Java layout: timestamp \t requestId \t LEVEL \t message
    if len(parts) >= 3 and (level := _word(parts[2])):
        return level
    match = _PREFIX_WORD.match(text)
    if match and match.group(1).isupper() and (level := _word(match.group(1))):
        return level
    if text.startswith("Traceback (most recent call last)") or re.search(r"\bTask timed out after\b", text):
        return Level.ERROR
    return Level.OTHER


# De-duplication ----------------------------------------------------------------------
class SeenEvents:
    """Ids already shown, forgotten once their timestamp is older than the read window."""

    def __init__(self, limit: int = MAX_SEEN) -> None:
        self._ids: set[tuple[str, str]] = set()
        self._by_time: list[tuple[int, tuple[str, str]]] = []
        self._limit = limit

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, key: object) -> bool:
        return key in self._ids

    def add(self, event: LogEvent) -> bool:
        """Remember `event`; False if it was already seen."""
        key = event.key
        if key in self._ids:
            return False
        self._ids.add(key)
        heapq.heappush(self._by_time, (event.timestamp_ms, key))
        while len(self._ids) > self._limit:  # safety bound: drop the oldest
            _, old = heapq.heappop(self._by_time)
            self._ids.discard(old)
        return True

    def forget_before(self, ms: int) -> None:
        """Drop ids stamped before `ms`: a window starting at `ms` cannot return them."""
        while self._by_time and self._by_time[0][0] < ms:
            _, old = heapq.heappop(self._by_time)
            self._ids.discard(old)


# Backoff -----------------------------------------------------------------------------
@dataclass
class Backoff:
    """Poll interval: doubled on each throttled outcome up to `cap`, back to `base` on success.

    Adaptive when `fast` is set: a poll that found lines makes the next one come after
    `fast` seconds (lines are flowing); each quiet poll after that doubles the interval
    back up to `base` (idle). Other failures leave the interval as it is (the caller
    decides whether to go on).
    """

    base: float = DEFAULT_INTERVAL
    cap: float = DEFAULT_MAX_INTERVAL
    factor: float = 2.0
    fast: float | None = None
    interval: float = field(init=False)

    def __post_init__(self) -> None:
        self.interval = self.base

    def success(self, lines: int = 0) -> float:
        """After a good poll that found `lines` new lines."""
        if self.fast is not None and lines:
            self.interval = min(self.fast, self.base)
        elif self.fast is not None and self.interval < self.base:
            self.interval = min(self.base, self.interval * self.factor)
        else:
            self.interval = self.base
        return self.interval

    def throttled(self) -> float:
        self.interval = min(self.cap, self.interval * self.factor)
        return self.interval

    def record(self, error: BaseException | None) -> float:
        """The interval after an outcome: None is success, else the exception raised."""
        if error is None:
            return self.success()
        if classify(error) is ErrorClass.THROTTLED:
            return self.throttled()
        return self.interval


def intervals(outcomes: Sequence[BaseException | None], base: float, cap: float) -> list[float]:
    """The interval after each outcome in turn (Backoff as a pure function)."""
    backoff = Backoff(base, cap)
    return [backoff.record(outcome) for outcome in outcomes]


# The tail ----------------------------------------------------------------------------
class LogTail:
    """Follow one or more log groups with FilterLogEvents polling.

    Each `poll()` reads [window start, now] of every group (all pages), keeps the lines
    not seen before, and moves the window start to `now - overlap`: a line that
    CloudWatch ingests up to `overlap` seconds late is still found; none is returned twice.
    A failed poll (any group) changes nothing but the backoff: the next one re-reads
    the same window.
    """

    def __init__(
        self,
        ctx: AwsContext,
        groups: str | Sequence[str],
        filter_pattern: str | None = None,
        *,
        overlap: float = DEFAULT_OVERLAP,
        interval: float = DEFAULT_INTERVAL,
        max_interval: float = DEFAULT_MAX_INTERVAL,
        since: datetime | None = None,
        backlog: float = DEFAULT_BACKLOG,
        settle: float = 0.0,
        page_limit: int | None = None,
        streams: Sequence[str] | Mapping[str, Sequence[str]] | None = None,
        recheck: float = DEFAULT_RECHECK,
        fast_interval: float | None = None,
        ahead: float = 0.0,
    ) -> None:
        self.ctx = ctx
        self.groups: tuple[str, ...] = (groups,) if isinstance(groups, str) else tuple(groups)
        if not self.groups:
            raise ValueError("LogTail needs at least one log group")
        self.filter_pattern = filter_pattern
        self.overlap_ms = int(overlap * 1000)
        self.settle_ms = int(settle * 1000)
        self.page_limit = page_limit  # None: AWS's default, its maximum (10,000 events a page)
        # Only these streams: the same for every group, or (a mapping) per group.
        if isinstance(streams, Mapping):
            self.streams: tuple[str, ...] | dict[str, tuple[str, ...]] | None = {
                group: tuple(names) for group, names in streams.items()}
        else:
            self.streams = tuple(streams) if streams else None
        self.backoff = Backoff(interval, max_interval, fast=fast_interval)
        # Each read also takes lines stamped up to `ahead` seconds after this machine's now
        # (a writer's clock ahead of ours): read now, not only by a later overlapping read.
        self.ahead_ms = int(ahead * 1000)
        self.seen = SeenEvents()
        self.last_error: BaseException | None = None
        self.requests = 0  # FilterLogEvents calls made (pages), for the status bar and tests
        self.stream_checks = 0  # DescribeLogStreams calls made looking for streams not there yet
        self.recheck = recheck
        start = since if since is not None else ctx.clock.now() - timedelta(seconds=backlog)
        self._window_start = to_ms(start)
        self._origin_ms = self._window_start  # the first window's start: appearing streams are read from here
        self._pending: list[LogEvent] = []  # new but not yet settled (settle > 0)
        self._absent: dict[str, set[str]] = {}  # group -> followed names that are no stream yet
        self._appeared: dict[str, set[str]] = {}  # group -> names found since the last good poll
        self._looked_at: dict[str, float] = {}  # group -> clock.monotonic() of the last look for absent names

    @property
    def interval(self) -> float:
        """Seconds until the next poll should run."""
        return self.backoff.interval

    @property
    def window_start(self) -> datetime:
        return from_ms(self._window_start)

    def skip_to(self, moment: datetime) -> None:
        """Read no earlier than `moment` from now on (a window never moves back: the ids
        seen before it are forgotten)."""
        self._window_start = max(self._window_start, to_ms(moment))

    def streams_of(self, group: str) -> tuple[str, ...] | None:
        """The streams read in `group` (None: all of them)."""
        if isinstance(self.streams, dict):
            return self.streams.get(group) or None
        return self.streams

    def written_to(self, group: str, stream: str) -> bool:
        """Live tail saw a line in `stream`: if it was waited for (absent), the next poll
        reads it from the tail's start, like a stream found by a look. True when it was."""
        absent = self._absent.get(group)
        if not absent or stream not in absent:
            return False
        absent.discard(stream)
        self._appeared.setdefault(group, set()).add(stream)
        return True

    @property
    def waiting(self) -> dict[str, tuple[str, ...]]:
        """Followed streams that do not exist yet (no line written), per group: not an error."""
        waiting = {}
        for group in self.groups:
            absent = self._absent.get(group, ())
            names = tuple(name for name in self.streams_of(group) or () if name in absent)
            if names:
                waiting[group] = names
        return waiting

    def waiting_note(self, shown: int = 3) -> str | None:
        """What a view says about `waiting` streams (None: none): they are expected, not an error."""
        names = [name for names in self.waiting.values() for name in names]
        if not names:
            return None
        if len(names) == 1:
            return f"waiting for stream {names[0]}: nothing written to it yet"
        listed = ", ".join(names[:shown]) + (f" and {len(names) - shown} more" if len(names) > shown else "")
        return f"waiting for {len(names)} streams ({listed}): nothing written to them yet"

    def _params(self, group: str, start_ms: int, end_ms: int) -> dict[str, Any]:
        params: dict[str, Any] = {"startTime": start_ms, "endTime": end_ms}
        if group.startswith("arn:"):
            params["logGroupIdentifier"] = group
        else:
            params["logGroupName"] = group
        if self.filter_pattern:
            params["filterPattern"] = self.filter_pattern
        if self.page_limit:
            params["limit"] = self.page_limit
        return params

    async def _read_group(self, group: str, start_ms: int, end_ms: int) -> list[LogEvent]:
        """Every event of one group in [start, end]: its streams (when named) in calls of
        at most MAX_STREAMS names each; streams that appeared since the last good poll from
        the tail's start; streams that do not exist yet not at all."""
        streams = self.streams_of(group)
        if not streams:
            return await self._read(group, self._params(group, start_ms, end_ms))
        absent = self._absent.setdefault(group, set())
        absent &= set(streams)  # names no longer followed are forgotten
        if absent and self.ctx.clock.monotonic() - self._looked_at.get(group, -math.inf) >= self.recheck:
            found = await self._existing(group, sorted(absent))
            absent -= found
            self._appeared.setdefault(group, set()).update(found)
        appeared = self._appeared.get(group, set())
        present = [name for name in streams if name not in absent and name not in appeared]
        fresh = [name for name in streams if name in appeared and name not in absent]
        batches = await bounded_gather(
            [*(self._read_streams(group, batch, start_ms, end_ms) for batch in chunks(present, MAX_STREAMS)),
             *(self._read_streams(group, batch, self._origin_ms, end_ms) for batch in chunks(fresh, MAX_STREAMS))])
        return [event for batch in batches for event in batch]

    async def _read_streams(self, group: str, names: Sequence[str], start_ms: int, end_ms: int) -> list[LogEvent]:
        """The events of the streams `names` of `group`. When AWS refuses because one of them
        does not exist, the ones that do are read and the others wait."""
        params = self._params(group, start_ms, end_ms)
        try:
            return await self._read(group, {**params, "logStreamNames": list(names)})
        except Exception as exc:
            if classify(exc) is not ErrorClass.NOT_FOUND:
                raise
            try:
                found = await self._existing(group, names)
            except Exception as again:
                if classify(again) is ErrorClass.NOT_FOUND:  # the group itself is missing
                    raise exc from None
                raise
        self._absent.setdefault(group, set()).update(name for name in names if name not in found)
        existing = [name for name in names if name in found]
        if not existing:
            return []
        return await self._read(group, {**params, "logStreamNames": existing})

    async def _existing(self, group: str, names: Sequence[str]) -> set[str]:
        """Which of `names` are streams of `group`: one DescribeLogStreams listing of their
        common prefix when it is short, else one call per name. Raises
        ResourceNotFoundException when the group does not exist."""
        self._looked_at[group] = self.ctx.clock.monotonic()
        client = await self.ctx.client("logs")
        where = {"logGroupIdentifier": group} if group.startswith("arn:") else {"logGroupName": group}
        wanted = sorted(set(names))

        async def listed(prefix: str) -> set[str] | None:
            """The streams starting with `prefix`; None when there are more than PREFIX_PAGES pages."""
            found: set[str] = set()
            token: str | None = None
            for _ in range(PREFIX_PAGES):
                page = await client.describe_log_streams(
                    **where, logStreamNamePrefix=prefix, limit=STREAMS_PAGE, **({"nextToken": token} if token else {}))
                self.stream_checks += 1
                found.update(stream.get("logStreamName") or "" for stream in page.get("logStreams", ()))
                token = page.get("nextToken")
                if not token:
                    return found
            return None

        async def exists(name: str) -> bool:
            """Listed by name, a stream sorts before every other stream whose name it begins."""
            page = await client.describe_log_streams(**where, logStreamNamePrefix=name, limit=1)
            self.stream_checks += 1
            first = next(iter(page.get("logStreams") or ()), {})
            return first.get("logStreamName") == name

        prefix = os.path.commonprefix(wanted)
        if len(wanted) > 1 and prefix and (found := await listed(prefix)) is not None:
            return found.intersection(wanted)
        answers = await bounded_gather(exists(name) for name in wanted)
        return {name for name, there in zip(wanted, answers) if there}

    async def _read(self, group: str, params: dict[str, Any]) -> list[LogEvent]:
        """Every event one FilterLogEvents query finds, following nextToken to the end.

        FilterLogEvents may answer a page with no events and a token (it is still
        searching): keep going until no token comes back.
        """
        client = await self.ctx.client("logs")
        events: list[LogEvent] = []
        token: str | None = None
        while True:
            page = await client.filter_log_events(**params, **({"nextToken": token} if token else {}))
            self.requests += 1
            events.extend(LogEvent.from_api(group, raw) for raw in page.get("events", ()))
            next_token = page.get("nextToken")
            if not next_token or next_token == token:
                return events
            token = next_token

    async def poll(self) -> list[LogEvent]:
        """One step: the lines not returned before, in order. Raises what the call raised."""
        now_ms = to_ms(self.ctx.clock.now())
        start_ms = min(self._window_start, now_ms)
        try:
            per_group = await bounded_gather(self._read_group(g, start_ms, now_ms + self.ahead_ms)
                                             for g in self.groups)
        except Exception as exc:
            self.last_error = exc
            self.backoff.record(exc)
            raise
        self.last_error = None
        self._appeared.clear()  # read from the tail's start once: now they follow the window
        new = 0
        for events in per_group:
            for event in events:
                if self.seen.add(event):
                    self._pending.append(event)
                    new += 1
        self.backoff.success(new)
        self._window_start = max(self._window_start, now_ms - self.overlap_ms)
        self.seen.forget_before(self._window_start)
        ready_before = now_ms - self.settle_ms if self.settle_ms else math.inf  # no settle: all at once
        ready = [e for e in self._pending if e.timestamp_ms <= ready_before]
        self._pending = [e for e in self._pending if e.timestamp_ms > ready_before]
        ready.sort(key=lambda e: e.sort_key)
        return ready
