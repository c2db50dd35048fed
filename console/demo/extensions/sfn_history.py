"""GetExecutionHistory in pages, as Step Functions documents it, on moto's interpreter.

moto 5.2.5 returns the whole history in one answer whatever is asked. AWS
(https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html,
and the botocore model, stepfunctions 2016-11-23):

- ``maxResults``: "The default is 100 and the maximum allowed page size is 1000. A value
  of 0 uses the default." (Above 1000 is refused by console.demo.extensions.page_limits.)
- ``reverseOrder``: "Lists events in descending order of their timeStamp"; by default
  "the results are returned in ascending order".
- ``nextToken``: returned while there are more events; "Make the call again using the
  returned token to retrieve the next page. Keep all other arguments unchanged."
  A token that is not one (garbled, or another execution's) is refused with
  ``InvalidToken`` (HTTP 400, "The provided token is not valid."). Expiry after 24 h is
  not reproduced: tokens here never expire.
- ``includeExecutionData``: "whether execution data (input or output of a history event)
  is returned. The default is true." False drops every event's ``input`` and ``output``.
- An unknown execution is ``ExecutionDoesNotExist`` and a malformed ARN ``InvalidArn``:
  moto already answers both.

A token names the id of the next event to return, so the pages of a running execution
stay contiguous while it appends events (events are numbered from 1 in order).

Stored execution records (console.demo.seed_large's, which never ran in the interpreter;
moto answered a 500 for them) get the history the record knows: ExecutionStarted with the
input, then ExecutionSucceeded with the output or ExecutionFailed with error and cause.

An ended execution's history ends with its ExecutionSucceeded, -Failed, -Aborted or
-TimedOut event: moto's interpreter lets the other branches of a failed Parallel (or
iterations of a failed Map) run on and append their events after it; those are not
recorded. A redrive's ExecutionRedriven event opens the history again ("Redriven
executions append their event history to the existing event history",
https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html).
"""

from __future__ import annotations

import base64
import json
import threading
from typing import Any

DEFAULT_PAGE = 100
_DATA_FIELDS = ("input", "output")
_installed = False


def encode_token(execution_arn: str, next_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"e": execution_arn, "n": next_id}).encode()).decode()


def decode_token(token: str, execution_arn: str) -> int | None:
    """The event id a token resumes at; None when it is not a token of this execution."""
    try:
        marker = json.loads(base64.urlsafe_b64decode(token.encode()))
        if marker["e"] == execution_arn and isinstance(marker["n"], int):
            return marker["n"]
    except (ValueError, KeyError, TypeError):
        pass
    return None


def page_of(events: list[dict[str, Any]], limit: int, reverse: bool, resume_at: int | None) -> tuple[list, int | None]:
    """One page of `events` (ascending ids) and the id the next page starts at (None: last page)."""
    ordered = list(reversed(events)) if reverse else list(events)
    if resume_at is not None:
        ordered = [e for e in ordered if (e["id"] <= resume_at if reverse else e["id"] >= resume_at)]
    page = ordered[:limit]
    following = ordered[limit] if len(ordered) > limit else None
    return page, (following["id"] if following is not None else None)


def without_data(event: dict[str, Any]) -> dict[str, Any]:
    """The event with its details' input and output left out (includeExecutionData=false)."""
    trimmed = {}
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k not in _DATA_FIELDS}
        trimmed[key] = value
    return trimmed


CLOSING = {"ExecutionSucceeded", "ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"}
REOPENING = "ExecutionRedriven"


def _close_histories_when_executions_end() -> None:
    from moto.stepfunctions.parser.asl.eval.event.event_manager import EventManager

    original_add = EventManager.add_event

    def add_event(self, context, event_type, event_details=None, timestamp=None,  # type: ignore[no-untyped-def]
                  update_source_event_id=True):
        with _closing_lock(self):
            kind = str(getattr(event_type, "value", event_type))
            if getattr(self, "_opsdeck_closed", False) and kind != REOPENING:
                return context.last_published_event_id  # a straggler after the end: dropped
            event_id = original_add(self, context, event_type, event_details, timestamp, update_source_event_id)
            if kind in CLOSING or kind == REOPENING:
                self._opsdeck_closed = kind in CLOSING
            return event_id

    EventManager.add_event = add_event


_locks_guard = threading.Lock()


def _closing_lock(manager: Any) -> threading.Lock:
    lock = getattr(manager, "_opsdeck_closing_lock", None)
    if lock is None:
        with _locks_guard:
            lock = getattr(manager, "_opsdeck_closing_lock", None)
            if lock is None:
                lock = threading.Lock()
                manager._opsdeck_closing_lock = lock
    return lock


def record_history(execution: Any) -> list[dict[str, Any]]:
    """The events a stored execution record implies (it has no interpreter history)."""
    events: list[dict[str, Any]] = [{
        "id": 1, "previousEventId": 0, "timestamp": execution.start_date, "type": "ExecutionStarted",
        "executionStartedEventDetails": {"input": execution.execution_input, "inputDetails": {"truncated": False}}}]
    if execution.status == "SUCCEEDED":
        events.append({"type": "ExecutionSucceeded", "executionSucceededEventDetails": {
            "output": execution.output or "{}", "outputDetails": {"truncated": False}}})
    elif execution.status == "FAILED":
        details = {k: v for k, v in (("error", execution.error), ("cause", execution.cause)) if v is not None}
        events.append({"type": "ExecutionFailed", "executionFailedEventDetails": details})
    for event in events[1:]:
        event.update(id=2, previousEventId=1, timestamp=execution.stop_date or execution.start_date)
    return events


def _history(backend: Any, arn: str) -> list[dict[str, Any]]:
    execution = backend.describe_execution(arn)
    if not hasattr(execution, "to_history_output"):
        return record_history(execution)
    return list(backend.get_execution_history(arn)["events"])


def install() -> None:
    global _installed
    if _installed:
        return
    _close_histories_when_executions_end()
    from moto.stepfunctions.exceptions import InvalidToken
    from moto.stepfunctions.responses import ActionResult, StepFunctionResponse

    def get_execution_history(self):  # type: ignore[no-untyped-def]
        arn = self._get_param("executionArn")
        events = _history(self.stepfunction_backend, arn)
        limit = int(self._get_param("maxResults") or 0) or DEFAULT_PAGE
        token = self._get_param("nextToken")
        resume_at = None
        if token:
            resume_at = decode_token(token, arn)
            if resume_at is None:
                raise InvalidToken("The provided token is not valid.")
        page, following = page_of(events, limit, bool(self._get_param("reverseOrder")), resume_at)
        if self._get_param("includeExecutionData") is False:
            page = [without_data(e) for e in page]
        result: dict[str, Any] = {"events": page}
        if following is not None:
            result["nextToken"] = encode_token(arn, following)
        return ActionResult(result)

    get_execution_history.__name__ = "get_execution_history"
    StepFunctionResponse.get_execution_history = get_execution_history
    _installed = True
