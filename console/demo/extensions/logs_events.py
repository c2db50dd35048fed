"""FilterLogEvents as the CloudWatch Logs API reference describes it, on moto's log backends.

moto 5.2.5 returns the events grouped by stream, ignores logGroupIdentifier,
logStreamNamePrefix and startFromHead, and evaluates only plain words and phrases. The API
reference (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html,
and the botocore model logs 2014-03-28) says, and so this does:

- "The returned log events are sorted by event timestamp, the timestamp when the event was
  ingested by CloudWatch Logs, and the ID of the PutLogEvents request": the events of every
  matched stream interleaved in that order (moto numbers events in the order they were put,
  which stands for the request ID; events of one request keep their order). Ascending by
  default, descending with startFromHead=false.
- "Each page returned can contain up to 1 MB of log events or up to 10,000 log events";
  `limit` caps a page (1 to 10,000; console.demo.extensions.page_limits refuses the rest).
  The 1 MB counts each event as PutLogEvents does: its message's UTF-8 bytes plus 26.
  nextToken continues after the last event returned, in the direction the first request
  chose; no nextToken when nothing is left.
- startTime: "Events with a timestamp before this time are not returned"; endTime: "Events
  with a timestamp later than this time are not returned": both ends inclusive.
- logGroupName or logGroupIdentifier (name or ARN), exactly one; logStreamNames or
  logStreamNamePrefix, not both (InvalidParameterException); a named stream that does not
  exist fails the call (console.demo.extensions.logs_streams).
- filterPattern: evaluated by console.demo.extensions.logs_filter; an invalid one is
  InvalidParameterException "Invalid filter pattern".
- Every event carries logStreamName, timestamp, message, ingestionTime and eventId;
  searchedLogStreams is always empty ("As of May 15, 2020, this parameter is no longer
  supported. This parameter returns an empty list.").

The texts of the refusals for both or neither group parameter, both stream parameters and
a bad nextToken are not documented; they are ours.
"""

from __future__ import annotations

import base64
import binascii
import heapq
import itertools
import json
from operator import itemgetter
from typing import Any, Iterable

from console.demo.extensions import logs_filter

PAGE_EVENTS = 10_000
PAGE_BYTES = 1_048_576
EVENT_OVERHEAD_BYTES = 26  # PutLogEvents' per-event accounting, used for the page size too
_ORDER = itemgetter(0, 1, 2)  # (timestamp, ingestion time, event id) of a row
_installed = False


def sort_key(event: Any) -> tuple[int, int, int]:
    """AWS's documented order: timestamp, ingestion time, then the put request (moto's event id)."""
    return event.timestamp, event.ingestion_time, int(event.event_id)


def group_named(backend: Any, identifier: str) -> Any:
    """The log group a name or an ARN (with or without a trailing ':*') names, or None."""
    if identifier.startswith("arn:"):
        arn = identifier[:-2] if identifier.endswith(":*") else identifier
        return next((group for group in backend.groups.values() if group.arn == arn), None)
    return backend.groups.get(identifier)


def streams_of(group: Any, names: Iterable[str] | None = None, prefixes: Iterable[str] | None = None) -> list[Any]:
    """The group's streams, narrowed to `names` or to those starting with one of `prefixes`."""
    streams = list(group.streams.values())
    if names:
        wanted = set(names)
        return [stream for stream in streams if stream.log_stream_name in wanted]
    if prefixes:
        starts = tuple(prefixes)
        return [stream for stream in streams if stream.log_stream_name.startswith(starts)]
    return streams


def compile_or_refuse(pattern: str | None) -> logs_filter.Matcher:
    from moto.logs.exceptions import InvalidParameterException

    try:
        return logs_filter.compile_pattern(pattern)
    except logs_filter.FilterPatternError:
        raise InvalidParameterException(logs_filter.INVALID) from None


def event_dict(stream_name: str, event: Any) -> dict[str, Any]:
    return {"logStreamName": stream_name, "timestamp": event.timestamp, "message": event.message,
            "ingestionTime": event.ingestion_time, "eventId": str(event.event_id)}


def _token(group: str, descending: bool, key: tuple[int, int, int]) -> str:
    raw = json.dumps([group, descending, *key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _read_token(token: str, group: str) -> tuple[bool, tuple[int, int, int]]:
    from moto.logs.exceptions import InvalidParameterException

    try:
        name, descending, *key = json.loads(base64.urlsafe_b64decode(token.encode()))
        if name != group or len(key) != 3:
            raise ValueError(token)
        return bool(descending), (int(key[0]), int(key[1]), int(key[2]))
    except (ValueError, TypeError, binascii.Error):
        raise InvalidParameterException("The specified nextToken is invalid.") from None


def filter_log_events(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    """FilterLogEvents' answer for the request's parameters (botocore member names)."""
    from moto.logs.exceptions import InvalidParameterException, ResourceNotFoundException

    from console.demo.extensions import logs_streams

    name, identifier = params.get("logGroupName"), params.get("logGroupIdentifier")
    if bool(name) == bool(identifier):
        raise InvalidParameterException("You must include either logGroupIdentifier or logGroupName, but not both.")
    group = group_named(backend, name or identifier)
    if group is None:
        raise ResourceNotFoundException()
    names, prefix = params.get("logStreamNames"), params.get("logStreamNamePrefix")
    if names and prefix:
        raise InvalidParameterException("logStreamNames and logStreamNamePrefix cannot both be specified.")
    if logs_streams.missing_streams(backend, group.name, names):
        raise ResourceNotFoundException(logs_streams.MESSAGE)
    matcher = compile_or_refuse(params.get("filterPattern"))
    limit = int(params.get("limit") or PAGE_EVENTS)
    start, end = params.get("startTime"), params.get("endTime")
    descending = params.get("startFromHead") is False
    after: tuple[int, int, int] | None = None
    if params.get("nextToken"):
        descending, after = _read_token(params["nextToken"], group.name)

    low = start if start is not None else float("-inf")
    high = end if end is not None else float("inf")
    runs = []  # each stream in order (nearly sorted already), then merged lazily: a page reads what it needs
    for stream in streams_of(group, names, [prefix] if prefix else None):
        name = stream.log_stream_name
        run = [(event.timestamp, event.ingestion_time, int(event.event_id), name, event)
               for event in stream.events if low <= event.timestamp <= high]
        run.sort(key=_ORDER, reverse=descending)
        runs.append(run)
    rows: Iterable[tuple] = heapq.merge(*runs, key=_ORDER, reverse=descending)
    if after is not None:
        rows = itertools.dropwhile(lambda row: _ORDER(row) >= after if descending else _ORDER(row) <= after, rows)

    page: list[dict[str, Any]] = []
    size, last, more = 0, None, False
    for *key, stream_name, event in rows:
        if not matcher(event.message):
            continue
        cost = len(event.message.encode()) + EVENT_OVERHEAD_BYTES
        if len(page) >= min(limit, PAGE_EVENTS) or (page and size + cost > PAGE_BYTES):
            more = True
            break
        page.append(event_dict(stream_name, event))
        size, last = size + cost, tuple(key)
    answer: dict[str, Any] = {"events": page, "searchedLogStreams": []}
    if more and last is not None:
        answer["nextToken"] = _token(group.name, descending, last)
    return answer


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.logs.responses import LogsResponse

    def handler(self: Any) -> str:
        params = json.loads(self.body or "{}")
        return json.dumps(filter_log_events(self.logs_backend, params))

    handler.__wrapped__ = LogsResponse.filter_log_events  # type: ignore[attr-defined]
    LogsResponse.filter_log_events = handler
    _installed = True
