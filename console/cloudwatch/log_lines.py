"""Log lines for people: what a line says beyond its text, with no drawing in it.

The log view (widgets.log_view) draws; this module decides, as pure functions over raw
text, so each rule is tested without a terminal:

- `report_summary`: Lambda's REPORT line in one short phrase
  (`212 ms (billed 213) · 128/512 MB · init 340 ms cold start`).
- `request_id_of` and `RequestTracker`: which invocation a line belongs to. Lambda's own
  lines (START/END/REPORT, the JSON format's platform events) and the runtimes' text
  layouts name it; a line that does not is given the request its stream is running
  (an execution environment runs one request at a time, between START and REPORT).
- `json_parts` / `pretty_json`: a JSON line (or a runtime's tab prefix followed by JSON),
  pretty-printed when expanded.
- `message_lines`: a message's display lines (the runtimes' trailing newline dropped).
- `level_span`: where the level word is, so it can be coloured on every level.
- `timestamp_text`: UTC or local, to the millisecond.
- `parse_start`: `now`, `-5m`, `-1h`, `2026-12-01 18:00` or `18:00` -> a moment (the
  forms of `logs tail --since`, and a time of day); `StartError(field, reason)` says
  what was expected.
- `highlight_spans`: where a plain substring occurs, case-insensitively.

Nothing here interprets log text: callers still pass every piece through console.text.inert.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, time, timezone, tzinfo
from typing import Any

from console.cloudwatch.logs import Level, Report
from console.cloudwatch.logs_since import StartError as SinceError
from console.cloudwatch.logs_since import parse_start as since_start

MAX_JSON = 256 * 1024  # CloudWatch's event size limit: larger text is not parsed


# REPORT lines --------------------------------------------------------------------------
def milliseconds(value: float) -> str:
    """`212 ms`, `3.5 ms` (below 10 ms a decimal still says something)."""
    if value < 10:
        return f"{value:.1f}".rstrip("0").rstrip(".") + " ms"
    return f"{value:.0f} ms"


def report_summary(report: Report) -> str:
    """`212 ms (billed 213) · 128/512 MB · init 340 ms cold start` (+ restore, status)."""
    parts = [f"{milliseconds(report.duration_ms)} (billed {report.billed_ms:.0f})",
             f"{report.max_memory_mb}/{report.memory_mb} MB"]
    if report.init_ms is not None:
        parts.append(f"init {milliseconds(report.init_ms)} cold start")
    if report.restore_ms is not None:
        parts.append(f"restore {milliseconds(report.restore_ms)} SnapStart")
    if report.status:
        parts.append(f"status {report.status}")
    return " · ".join(parts)


# Request ids ---------------------------------------------------------------------------
_PLATFORM_ID = re.compile(r"^\s*(START|END|REPORT) RequestId:\s*(\S+)")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_JSON_ID_KEYS = ("requestId", "request_id", "AWSRequestId", "awsRequestId", "function_request_id")


def request_id_of(message: str, data: Any = None) -> str | None:
    """The request id `message` names: Lambda's START/END/REPORT, the Python and Node.js
    runtimes' tab layouts (`[INFO]\\tTIME\\tID\\t...`, `TIME\\tID\\tINFO\\t...`) or a JSON line's
    requestId (`data`: the line's JSON when the caller has parsed it already)."""
    match = _PLATFORM_ID.match(message)
    if match:
        return match.group(2)
    if data is None and message.lstrip().startswith("{"):
        data = json_parts(message)[1]
    if isinstance(data, dict):
        for holder in (data, data.get("record")):
            if isinstance(holder, dict):
                for key in _JSON_ID_KEYS:
                    value = holder.get(key)
                    if isinstance(value, str) and value:
                        return value
        return None
    parts = message.split("\t", 3)
    if len(parts) >= 3:
        for candidate in parts[1:3]:
            if _UUID.match(candidate.strip()):
                return candidate.strip()
    return None


def platform_event(message: str, data: Any = None) -> str | None:
    """`START`, `END` or `REPORT` when Lambda wrote the line (text or JSON format), else None."""
    match = _PLATFORM_ID.match(message)
    if match:
        return match.group(1)
    if isinstance(data, dict):
        kind = data.get("type")
        return {"platform.start": "START", "platform.runtimeDone": "END",
                "platform.report": "REPORT"}.get(kind) if isinstance(kind, str) else None
    return None


class RequestTracker:
    """The request each line belongs to, stream by stream.

    A line naming its request belongs to it. A line naming none belongs to the request its
    stream is running: the one whose START came last in that stream and whose REPORT has not
    come yet (Lambda runs one request at a time per execution environment, one stream each).
    Feed lines in time order; `assign` returns the request id or None.
    """

    def __init__(self) -> None:
        self._running: dict[tuple[str, str], str] = {}

    def assign(self, group: str, stream: str, message: str, data: Any = None) -> str | None:
        key = (group, stream)
        named = request_id_of(message, data)
        event = platform_event(message, data)
        if event == "START" and named:
            self._running[key] = named
        elif event == "REPORT":
            self._running.pop(key, None)
        return named or self._running.get(key)


# JSON lines ----------------------------------------------------------------------------
def json_parts(message: str) -> tuple[str, Any]:
    """(prefix, parsed JSON) when the line is a JSON object or array, possibly after a
    runtime's tab-separated prefix (`[INFO]\\tTIME\\tID\\t{...}`); else ("", None)."""
    text = message.strip()
    if not text or len(text) > MAX_JSON:
        return "", None
    candidates = [("", text)]
    if "\t" in text:
        head, _, tail = text.rpartition("\t")
        candidates.append((head + "\t", tail.strip()))
    for prefix, body in candidates:
        if (body[:1], body[-1:]) in (("{", "}"), ("[", "]")):
            try:
                data = json.loads(body)
            except ValueError:
                continue
            if isinstance(data, (dict, list)) and data:
                return prefix, data
    return "", None


def pretty_json(data: Any) -> list[str]:
    """The lines of `data` indented by two (non-ASCII kept; control characters JSON-escaped)."""
    return json.dumps(data, indent=2, ensure_ascii=False).split("\n")


# Text ----------------------------------------------------------------------------------
def message_lines(message: str) -> list[str]:
    """A message's lines: the trailing newline runtimes add is dropped, inner ones split.

    Newlines are not dangerous, just unreadable as a control picture; every other control
    character (a lone \\r included) is left for inert() to make visible.
    """
    text = message[:-1] if message.endswith("\n") else message
    text = text[:-1] if text.endswith("\r") else text
    return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]


_LEVEL_TOKENS = {
    Level.ERROR: ("ERROR", "CRITICAL", "FATAL", "EXCEPTION", "SEVERE", "ERR"),
    Level.WARN: ("WARNING", "WARN"),
    Level.INFO: ("INFO", "NOTICE"),
    Level.DEBUG: ("DEBUG", "TRACE"),
}
LEVEL_SEARCH = 64  # the level word is near the start of a line


def level_span(line: str, level: Level) -> tuple[int, int] | None:
    """Where `level`'s word stands in the start of `line` (whole word), to colour it."""
    head = line[:LEVEL_SEARCH]
    for token in _LEVEL_TOKENS.get(level, ()):
        for match in re.finditer(rf"(?<![A-Za-z]){token}(?![A-Za-z])", head, re.IGNORECASE):
            return match.start(), match.end()
    return None


def highlight_spans(text: str, needle: str) -> list[tuple[int, int]]:
    """Every place `needle` occurs in `text`, ignoring case (a plain substring, no pattern)."""
    if not needle:
        return []
    folded_text, folded_needle = text.casefold(), needle.casefold()
    if len(folded_text) != len(text) or len(folded_needle) != len(needle):  # ß -> ss: offsets move
        folded_text, folded_needle = text.lower(), needle.lower()
    spans, at = [], folded_text.find(folded_needle)
    while at >= 0:
        spans.append((at, at + len(folded_needle)))
        at = folded_text.find(folded_needle, at + max(1, len(folded_needle)))
    return spans


def timestamp_text(moment: datetime, zone: tzinfo | None = timezone.utc) -> str:
    """`12:00:01.234` in `zone` (None: the machine's local zone)."""
    shown = moment.astimezone(zone) if zone is not None else moment.astimezone()
    return shown.strftime("%H:%M:%S.") + f"{shown.microsecond // 1000:03d}"


def zone_name(zone: tzinfo | None, at: datetime) -> str:
    """`UTC`, or the local zone's abbreviation at `at` (`CET`)."""
    if zone is timezone.utc:
        return "UTC"
    return (at.astimezone(zone) if zone is not None else at.astimezone()).tzname() or "local"


# Start time ----------------------------------------------------------------------------
@dataclass(frozen=True)
class StartError(ValueError):
    """Input that names no start time: which field, and what was expected."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


_TIME_OF_DAY = re.compile(r"^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_ZONELESS = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?$")


def parse_start(value: str, now: datetime, zone: tzinfo | None = timezone.utc) -> datetime:
    """The moment `value` names, in UTC, as `opsdeck logs tail --since` reads it
    (console.cloudwatch.logs_since: `now`, `-5m`, `1h`, `2d`, ISO 8601, epoch ms), plus
    what a reader of the view types: a time of today (`18:00`), and a date and time without
    a zone read in the view's zone (`zone`; None: the local one). Never in the future."""
    text = value.strip()
    local_zone = zone if zone is not None else now.astimezone().tzinfo
    if _TIME_OF_DAY.match(text):
        clock = time.fromisoformat(text if len(text.split(":")[0]) == 2 else "0" + text)
        moment = datetime.combine(now.astimezone(local_zone).date(), clock, tzinfo=local_zone)
    elif _ZONELESS.match(text):
        moment = datetime.fromisoformat(text).replace(tzinfo=local_zone)
    else:
        try:
            moment = since_start(text, now)
        except SinceError as exc:
            raise StartError("Start", f"{exc} (or a time of today such as 18:00)") from None
    moment = moment.astimezone(timezone.utc)
    if moment > now:
        raise StartError("Start", f"a moment in the past ({text!r} is in the future)")
    return moment
