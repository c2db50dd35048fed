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
"""

from __future__ import annotations

import base64
import json
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


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.stepfunctions.exceptions import InvalidToken
    from moto.stepfunctions.responses import ActionResult, StepFunctionResponse

    def get_execution_history(self):  # type: ignore[no-untyped-def]
        arn = self._get_param("executionArn")
        events = list(self.stepfunction_backend.get_execution_history(arn)["events"])
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
