"""StartLiveTail as a live stream, as the CloudWatch Logs API reference describes it.

moto 5.2.5 answers StartLiveTail with one snapshot of the events already stored and closes
the stream. The API reference (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartLiveTail.html,
the botocore model logs 2014-03-28: StartLiveTailResponseStream, LiveTailSessionStart,
LiveTailSessionUpdate, SessionTimeoutException) says, and so this does:

- The response is an event stream (console.demo.extensions.logs_eventstream): "A single
  LiveTailSessionStart object is sent at the start of the session", then "Every second, a
  LiveTailSessionUpdate object is sent", holding the log events ingested since the previous
  one ("If no new log events were ingested in the past second, the LiveTailSessionUpdate
  object will contain an empty array"), each with logStreamName, logGroupIdentifier (as the
  request named the group), message, timestamp and ingestionTime, in FilterLogEvents' order.
- "can include as many as 500 log events. If the number of log events matching the request
  exceeds 500 per second, the log events are sampled down to 500": sessionMetadata.sampled
  is then true and the update holds 500 events spread evenly over those that matched
  (AWS does not say how it samples).
- "A SessionTimeoutException object is returned when the session times out, after it has
  been kept open for three hours", measured on the embedded AWS's clock (console.demo.clock:
  a test moves it instead of waiting), and sent right after the update of the second that
  reaches it, so the last events are not lost. OPSDECK_LIVE_TAIL_SESSION_SECONDS, read when a session
  starts, shortens it for a demo.
- logGroupIdentifiers: 1 to 10 log groups, "Specify each log group by its ARN ... the ARN
  can't end with an asterisk (*)". More than 10 is refused with AWS's constraint text
  (botocore checks only the minimum); a name, or an ARN with `*`, is refused
  (InvalidParameterException, text ours); an ARN of no group is ResourceNotFoundException.
- logStreamNames and logStreamNamePrefixes: not both, and only with one log group (moto's
  refusals and texts are kept).
- logEventFilterPattern: the same evaluator as FilterLogEvents (logs_filter); an invalid
  one is refused before the stream starts.

- "If your client consumes the log events slower than the server produces them, CloudWatch
  Logs buffers up to 10 LiveTailSessionUpdate events or 5000 log events, after which it
  starts dropping the oldest events": a producer thread makes the updates each second into
  a Backlog that drops the oldest whole updates beyond that; the response generator sends
  from it as fast as the reader takes them (the kernel's socket buffers come first, so only
  a reader stalled for a long time loses updates).

Each session is a generator on the server's request thread (the server is threaded) plus
its producer, paced by the wall clock, so a long session blocks nothing else. Only events
ingested after the session starts are sent.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from collections import deque
from datetime import timedelta
from typing import Any, Iterator

from console.demo import clock
from console.demo.extensions import logs_eventstream, logs_events

MAX_GROUPS = 10
MAX_EVENTS_PER_UPDATE = 500
MAX_BUFFERED_UPDATES = 10  # for a reader slower than the stream
MAX_BUFFERED_EVENTS = 5000
UPDATE_SECONDS = 1.0
SESSION_SECONDS = 3 * 3600
TIMEOUT_MESSAGE = "Live Tail sessions time out after three hours."
log = logging.getLogger("opsdeck.demo.live_tail")
_installed = False


def session_seconds() -> float:
    return float(os.environ.get("OPSDECK_LIVE_TAIL_SESSION_SECONDS") or SESSION_SECONDS)


def sample(events: list[Any], size: int = MAX_EVENTS_PER_UPDATE) -> list[Any]:
    """`size` events spread evenly over `events`, in order (all of them if there are no more)."""
    if len(events) <= size:
        return events
    return [events[i * len(events) // size] for i in range(size)]


def _constraint(identifiers: list[str]) -> str:
    shown = "[" + ", ".join(identifiers) + "]"
    return (f"1 validation error detected: Value '{shown}' at 'logGroupIdentifiers' failed to satisfy constraint: "
            f"Member must have length less than or equal to {MAX_GROUPS}")


class Session:
    """One Live Tail session: what it watches and how far it has read each stream."""

    def __init__(self, backend: Any, params: dict[str, Any]) -> None:
        from moto.logs.exceptions import InvalidParameterException, ResourceNotFoundException

        identifiers = list(params.get("logGroupIdentifiers") or [])
        if not identifiers:
            raise InvalidParameterException("logGroupIdentifiers must name at least one log group.")
        if len(identifiers) > MAX_GROUPS:
            raise InvalidParameterException(_constraint(identifiers))
        for identifier in identifiers:
            if not identifier.startswith("arn:"):
                raise InvalidParameterException(f"Specify each log group by its ARN: '{identifier}' is not an ARN.")
            if identifier.endswith("*"):
                raise InvalidParameterException(f"A log group ARN can't end with an asterisk (*): '{identifier}'.")
        self.names = params.get("logStreamNames")
        self.prefixes = params.get("logStreamNamePrefixes")
        if self.names is not None and self.prefixes is not None:
            raise InvalidParameterException("Only one of logStreamNames or logStreamNamePrefixes can be provided.")
        if (self.names is not None or self.prefixes is not None) and len(identifiers) != 1:
            raise InvalidParameterException(
                "logStreamNames and logStreamNamePrefixes can only be used with a single log group.")
        self.groups = []
        for identifier in identifiers:
            group = logs_events.group_named(backend, identifier)
            if group is None:
                raise ResourceNotFoundException()
            self.groups.append((identifier, group))
        self.pattern = params.get("logEventFilterPattern")
        self.matcher = logs_events.compile_or_refuse(self.pattern)
        self.start = {"requestId": str(uuid.uuid4()), "sessionId": str(uuid.uuid4()),
                      "logGroupIdentifiers": identifiers}
        if self.names is not None:
            self.start["logStreamNames"] = self.names
        if self.prefixes is not None:
            self.start["logStreamNamePrefixes"] = self.prefixes
        self.start["logEventFilterPattern"] = self.pattern or ""
        self.deadline = clock.now() + timedelta(seconds=session_seconds())
        self.read: dict[tuple[int, str], int] = {}
        for _, group in self.groups:  # only what is ingested from now on
            for stream in logs_events.streams_of(group, self.names, self.prefixes):
                self.read[(id(group), stream.log_stream_name)] = len(stream.events)

    def timed_out(self) -> bool:
        return clock.now() >= self.deadline

    def update(self) -> dict[str, Any]:
        """The events ingested since the last update that match, at most 500 of them."""
        fresh = []
        for identifier, group in self.groups:
            for stream in logs_events.streams_of(group, self.names, self.prefixes):
                key = (id(group), stream.log_stream_name)
                events = stream.events
                seen, self.read[key] = self.read.get(key, 0), len(events)
                fresh.extend((identifier, stream.log_stream_name, event) for event in events[seen:len(events)]
                             if self.matcher(event.message))
        fresh.sort(key=lambda item: logs_events.sort_key(item[2]))
        chosen = sample(fresh)
        return {"sessionMetadata": {"sampled": len(fresh) > len(chosen)},
                "sessionResults": [{"logStreamName": stream, "logGroupIdentifier": identifier, "message": e.message,
                                    "timestamp": e.timestamp, "ingestionTime": e.ingestion_time}
                                   for identifier, stream, e in chosen]}

    def produce(self, backlog: "Backlog", stop: threading.Event) -> None:
        """Every second, the update (then, at the session's end, SessionTimeoutException) into
        `backlog`, whether or not the reader keeps up."""
        due = time.monotonic()
        while True:
            due += UPDATE_SECONDS
            if stop.wait(max(0.0, due - time.monotonic())):
                return
            try:
                update = self.update()
            except Exception as exc:  # "returned if an unknown error occurs"
                log.exception("live tail update failed")
                backlog.put(logs_eventstream.exception("SessionStreamingException", f"{type(exc).__name__}: {exc}"),
                            final=True)
                return
            backlog.put(logs_eventstream.event("sessionUpdate", update), events=len(update["sessionResults"]))
            if self.timed_out():  # the last second's events are delivered first
                backlog.put(logs_eventstream.exception("SessionTimeoutException", TIMEOUT_MESSAGE), final=True)
                return

    def stream(self) -> Iterator[bytes]:
        """The response body: initial response, sessionStart, then what the producer puts in the
        backlog, as fast as the reader takes it, until a final message."""
        yield logs_eventstream.initial_response()
        yield logs_eventstream.event("sessionStart", self.start)
        backlog, stop = Backlog(), threading.Event()
        threading.Thread(target=self.produce, args=(backlog, stop), daemon=True, name="live-tail").start()
        try:
            while True:
                message, final = backlog.get()
                yield message
                if final:
                    return
        finally:  # the reader went away (or the session ended): stop producing
            stop.set()


class Backlog:
    """Messages produced and not yet sent. "If your client consumes the log events slower than
    the server produces them, CloudWatch Logs buffers up to 10 LiveTailSessionUpdate events or
    5000 log events, after which it starts dropping the oldest events": whole updates are
    dropped, oldest first; the final message (an exception) never is."""

    def __init__(self) -> None:
        self._items: deque[tuple[bytes, int, bool]] = deque()
        self._events = 0
        self._ready = threading.Condition()
        self.dropped = 0  # updates dropped so far

    def put(self, message: bytes, events: int = 0, final: bool = False) -> None:
        with self._ready:
            self._items.append((message, events, final))
            self._events += events
            while self._over() and not self._items[0][2]:
                _, lost, _ = self._items.popleft()
                self._events -= lost
                self.dropped += 1
            self._ready.notify()

    def _over(self) -> bool:
        updates = sum(1 for _, _, final in self._items if not final)
        return updates > MAX_BUFFERED_UPDATES or (self._events > MAX_BUFFERED_EVENTS and updates > 1)

    def get(self) -> tuple[bytes, bool]:
        """The oldest message and whether it is the last, waiting for one if there is none."""
        with self._ready:
            while not self._items:
                self._ready.wait()
            message, events, final = self._items.popleft()
            self._events -= events
            return message, final


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.logs.responses import LogsResponse

    def handler(self: Any) -> tuple[int, dict[str, str], Iterator[bytes]]:
        session = Session(self.logs_backend, json.loads(self.body or "{}"))
        return 200, {"Content-Type": logs_eventstream.CONTENT_TYPE}, session.stream()

    handler.__wrapped__ = LogsResponse.start_live_tail  # type: ignore[attr-defined]
    LogsResponse.start_live_tail = handler
    _installed = True
